"""scripts/provision_spacy_model.py makes spaCy 3.8's en_core_web_md loadable in spaCy 3.4.

Only `make eval` installs the model now (for the previous config it compares ours with); the
script itself refuses to finish unless the installed model loads with its word vectors.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import spacy

spec = importlib.util.spec_from_file_location(
    "provision_spacy_model",
    Path(__file__).resolve().parents[3] / "scripts" / "provision_spacy_model.py",
)
provision = importlib.util.module_from_spec(spec)
spec.loader.exec_module(provision)


def test_config_adaptation_drops_only_what_spacy_34_does_not_know() -> None:
    shipped = (
        '[nlp.tokenizer]\n@tokenizers = "spacy.Tokenizer.v1"\n\n'
        '[nlp.vectors]\n@vectors = "spacy.Vectors.v1"\n\n'
        '[components.tagger]\nfactory = "tagger"\nlabel_smoothing = 0.0\nneg_prefix = "!"\n\n'
        '[components.parser]\nfactory = "parser"\n'
    )
    adapted = provision.adapt_config_for_spacy_34(shipped)
    assert "[nlp.vectors]" not in adapted and "label_smoothing" not in adapted
    assert 'neg_prefix = "!"' in adapted and "[components.parser]" in adapted
    assert "@tokenizers" in adapted


def test_meta_admits_spacy_34() -> None:
    meta = provision.adapt_meta_for_spacy_34(
        {"spacy_version": ">=3.8.0,<3.9.0", "name": "core_web_md"}
    )
    assert meta["spacy_version"] == ">=3.4.0,<3.9.0" and meta["name"] == "core_web_md"
    assert spacy.util.is_compatible_version(spacy.about.__version__, meta["spacy_version"])
