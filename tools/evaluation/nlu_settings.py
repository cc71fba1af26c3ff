"""Choose the intent classifier's settings and the fallback thresholds on our own data only.

``python -m tools.evaluation.nlu_settings`` (Rasa environment) cross-validates, on data/nlu alone
(English and Spanish), a logistic regression over the features config.yml gives it: word and
character counts and the sentence encoders' vectors (``--encoders``: MiniLM, the multilingual
one, or both), each scaled to unit length, the encoders' weighed by ``dense_weight``. It prints
macro-F1, overall and per language, for each (encoders, C, dense_weight) of a small grid, the
most confused intent pairs, and, for the best setting, what each fallback threshold would do to
the out-of-fold predictions. It writes docs/nlu-settings.md.

Why not `rasa test nlu --cross-validation` for this: it trains the whole pipeline per fold
and per setting (an hour for a grid), and it reports predictions after the FallbackClassifier,
so the thresholds cannot be swept afterwards. The features here are computed by the same
encoder, and by scikit-learn's CountVectorizer with Rasa's settings for
CountVectorsFeaturizer; the numbers `make eval` reports come from Rasa itself.

The external evaluation set is never read here: thresholds tuned on it would not carry
over to the questions students actually ask.
"""

from __future__ import annotations

import argparse
import itertools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse
from numpy.typing import NDArray
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize

from bot.knowledge.intents import UNKNOWN_TOPIC_INTENTS
from bot.settings import REPO_ROOT

OUT_OF_SCOPE = "out_of_scope"
# Intents whose honest answer is "the catalog doesn't cover that": not a wrong answer to give.
COUNSELOR_INTENTS = set(UNKNOWN_TOPIC_INTENTS)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
AMBIGUITY_THRESHOLDS = (0.0, 0.05, 0.1)


# The sentence encoders whose vectors the classifier can read, by featurizer config name.
ENCODER_SETS = {
    "minilm": ("minilm",),
    "multilingual": ("multilingual",),
    "both": ("minilm", "multilingual"),
}


@dataclass(frozen=True)
class Examples:
    texts: NDArray[np.object_]
    intents: NDArray[np.str_]
    # "en" or "es": which folder of data/nlu the example is in.
    languages: NDArray[np.str_]
    # Each encoder's vectors, by config name (sentence_featurizer.ENCODERS).
    encoded: dict[str, NDArray[np.float32]]

    def only(self, encoders: tuple[str, ...]) -> Examples:
        return Examples(
            self.texts, self.intents, self.languages, {e: self.encoded[e] for e in encoders}
        )


def _intent_examples(path: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [
        (m.get("text"), m.get("intent"))
        for m in load_data(str(path)).intent_examples
        if m.get("text")
    ]


def load_examples(nlu_dir: Path, encoders: tuple[str, ...] = ("minilm",)) -> Examples:
    """Every intent example of data/nlu, English (top folder) and Spanish (es/), with the
    vectors of each encoder named."""
    from rasa_plugins.nlu.sentence_encoder import DEFAULT_MAX_TOKENS
    from rasa_plugins.nlu.sentence_featurizer import ENCODERS

    english = sorted(nlu_dir.glob("*.yml"))
    pairs = [(t, i, "en") for path in english for t, i in _intent_examples(path)]
    if (nlu_dir / "es").is_dir():
        pairs += [(t, i, "es") for t, i in _intent_examples(nlu_dir / "es")]
    texts = [text for text, _, _ in pairs]
    config = {"max_tokens": DEFAULT_MAX_TOKENS}
    return Examples(
        np.array(texts, dtype=object),
        np.array([i for _, i, _ in pairs]),
        np.array([language for _, _, language in pairs]),
        {name: ENCODERS[name](config).encode(texts) for name in encoders},
    )


def _matrix(
    examples: Examples,
    rows: NDArray[np.intp],
    vectorizers: list[CountVectorizer],
    fit: bool,
    dense_weight: float,
) -> scipy.sparse.csr_matrix:
    texts = examples.texts[rows]
    sparse = [normalize(v.fit_transform(texts) if fit else v.transform(texts)) for v in vectorizers]
    dense = [
        scipy.sparse.csr_matrix(vectors[rows] * dense_weight)
        for vectors in examples.encoded.values()
    ]
    return scipy.sparse.hstack([*sparse, *dense]).tocsr()


def out_of_fold(
    examples: Examples, c: float, dense_weight: float, folds: int, seed: int
) -> NDArray[np.float64]:
    """Out-of-fold class probabilities (columns in sorted intent order)."""
    classes = np.unique(examples.intents)
    probabilities = np.zeros((len(examples.intents), len(classes)))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(examples.texts, examples.intents):
        vectorizers = [CountVectorizer(), CountVectorizer(analyzer="char_wb", ngram_range=(1, 4))]
        model = LogisticRegression(C=c, max_iter=300, class_weight="balanced")
        model.fit(
            _matrix(examples, train, vectorizers, True, dense_weight), examples.intents[train]
        )
        probabilities[np.ix_(test, np.searchsorted(classes, model.classes_))] = model.predict_proba(
            _matrix(examples, test, vectorizers, False, dense_weight)
        )
    return probabilities


def threshold_table(
    intents: NDArray[np.str_], probabilities: NDArray[np.float64]
) -> list[dict[str, float]]:
    """What each (threshold, ambiguity) pair does to the out-of-fold predictions.

    in-scope declined: an in-scope example sent to the fallback or taken as off-topic; in-scope
    wrong: answered with another intent; off-topic answered: an out_of_scope example answered as
    a topic.
    """
    classes = np.unique(intents)
    ordered = np.sort(probabilities, axis=1)
    top, gap = ordered[:, -1], ordered[:, -1] - ordered[:, -2]
    predicted = classes[probabilities.argmax(axis=1)]
    in_scope, off_topic = intents != OUT_OF_SCOPE, intents == OUT_OF_SCOPE
    rows = []
    for threshold, ambiguity in itertools.product(THRESHOLDS, AMBIGUITY_THRESHOLDS):
        declined = (top < threshold) | (gap < ambiguity) | (predicted == OUT_OF_SCOPE)
        answered_as_topic = ~declined
        rows.append(
            {
                "threshold": threshold,
                "ambiguity": ambiguity,
                "in_scope_right": float(
                    np.mean(~declined[in_scope] & (predicted == intents)[in_scope])
                ),
                "in_scope_declined": float(np.mean(declined[in_scope])),
                "in_scope_wrong": float(
                    np.mean(~declined[in_scope] & (predicted != intents)[in_scope])
                ),
                "off_topic_answered": float(np.mean(answered_as_topic[off_topic])),
            }
        )
    return rows


# The most in-scope examples the fallback may take from the students who asked them.
MAX_IN_SCOPE_DECLINED = 0.04


def recommended(rows: list[dict[str, float]]) -> dict[str, float]:
    """The pair that answers the fewest off-topic examples as a topic while declining at most
    MAX_IN_SCOPE_DECLINED of the in-scope ones (ties: the fewer in-scope declined)."""
    allowed = [r for r in rows if r["in_scope_declined"] <= MAX_IN_SCOPE_DECLINED] or rows
    return min(allowed, key=lambda r: (r["off_topic_answered"], r["in_scope_declined"]))


def confusions(
    intents: NDArray[np.str_], probabilities: NDArray[np.float64], top: int = 15
) -> list[tuple[tuple[str, str], int]]:
    predicted = np.unique(intents)[probabilities.argmax(axis=1)]
    return Counter((t, p) for t, p in zip(intents, predicted, strict=True) if t != p).most_common(
        top
    )


def _scores(examples: Examples, predicted: NDArray[np.str_]) -> list[float]:
    """Macro-F1 on all examples, then on the English and on the Spanish ones."""
    scores = [f1_score(examples.intents, predicted, average="macro")]
    for language in ("en", "es"):
        rows = examples.languages == language
        scores.append(
            f1_score(examples.intents[rows], predicted[rows], average="macro") if rows.any() else 0
        )
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--encoders", nargs="+", choices=sorted(ENCODER_SETS), default=["both"])
    parser.add_argument("--c", type=float, nargs="+", default=[10.0, 30.0])
    parser.add_argument("--dense-weight", type=float, nargs="+", default=[1.0, 1.5, 2.0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "nlu-settings.md")
    args = parser.parse_args()
    needed = tuple(sorted({e for name in args.encoders for e in ENCODER_SETS[name]}))
    every = load_examples(REPO_ROOT / "data" / "nlu", needed)
    lines = [
        f"# Intent classifier settings: {args.folds}-fold CV on data/nlu "
        f"({len(every.texts)} examples, {len(set(every.intents))} intents; "
        f"{np.sum(every.languages == 'es')} of them Spanish)",
        "",
        "| encoders | C | dense_weight | macro-F1 | English | Spanish | accuracy |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    best = None
    for name, c, weight in itertools.product(args.encoders, args.c, args.dense_weight):
        examples = every.only(ENCODER_SETS[name])
        probabilities = out_of_fold(examples, c, weight, args.folds, args.seed)
        predicted = np.unique(examples.intents)[probabilities.argmax(axis=1)]
        macro, english, spanish = _scores(examples, predicted)
        lines.append(
            f"| {name} | {c:g} | {weight:g} | {macro:.2%} | {english:.2%} | {spanish:.2%} "
            f"| {np.mean(predicted == examples.intents):.2%} |"
        )
        print(lines[-1], flush=True)
        if best is None or macro > best[0]:
            best = (macro, name, c, weight, probabilities)
    assert best is not None  # each option takes at least one value
    macro, name, c, weight, probabilities = best
    lines += [
        "",
        f"## Fallback thresholds with {name}, C={c:g}, dense_weight={weight:g}",
        "",
        "| threshold | ambiguity | in-scope right | in-scope declined | in-scope wrong "
        "| off-topic answered as a topic |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    table = threshold_table(every.intents, probabilities)
    lines += [
        f"| {r['threshold']:.2f} | {r['ambiguity']:.2f} | {r['in_scope_right']:.1%} | "
        f"{r['in_scope_declined']:.1%} | {r['in_scope_wrong']:.1%} | "
        f"{r['off_topic_answered']:.1%} |"
        for r in table
    ]
    choice = recommended(table)
    lines += [
        "",
        f"Recommended (fewest off-topic answered with at most "
        f"{MAX_IN_SCOPE_DECLINED:.0%} of in-scope declined): threshold "
        f"{choice['threshold']:.2f}, ambiguity_threshold {choice['ambiguity']:.2f}.",
    ]
    lines += ["", "## Most confused (true -> predicted: count)", ""]
    lines += [f"- {t} -> {p}: {n}" for (t, p), n in confusions(every.intents, probabilities)]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
