"""The spaCy pipeline the NLU config names is installed and really works (runs in the Rasa env)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import spacy

spec = importlib.util.spec_from_file_location(
    "provision_spacy_model",
    Path(__file__).resolve().parents[1] / "scripts" / "provision_spacy_model.py",
)
provision = importlib.util.module_from_spec(spec)
spec.loader.exec_module(provision)


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.load("en_core_web_md")


def test_loads_by_name_with_its_word_vectors(nlp: spacy.language.Language) -> None:
    assert nlp.meta["name"] == "core_web_md"
    assert nlp.vocab.vectors.shape == (20000, 300)
    assert nlp("tuition").has_vector


def test_finds_a_person_and_a_date(nlp: spacy.language.Language) -> None:
    doc = nlp("Maria Garcia would like to start her degree on December 1st.")
    labels = {(entity.text, entity.label_) for entity in doc.ents}
    assert ("Maria Garcia", "PERSON") in labels
    assert any(label == "DATE" for _, label in labels)


def test_similar_words_are_close(nlp: spacy.language.Language) -> None:
    assert nlp("salary").similarity(nlp("wage")) > nlp("salary").similarity(nlp("pizza"))


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
