"""The fallback thresholds are chosen by a rule on our own cross-validation, not by hand.

Checks the sweep and the rule on hand-made out-of-fold probabilities, so a change to either
shows here before it moves config.yml.
"""

from __future__ import annotations

import numpy as np

from tools.evaluation.nlu_settings import recommended, threshold_table

# Intents in sorted order, as the probability columns are.
INTENTS = np.array(["ask_tuition", "greet", "out_of_scope"])


def _probabilities(*rows: tuple[float, float, float]) -> np.ndarray:
    return np.array(rows)


def test_sweep_counts_declined_wrong_and_off_topic_answered() -> None:
    truth = np.array(["ask_tuition", "ask_tuition", "greet", "out_of_scope"])
    probabilities = _probabilities(
        (0.9, 0.05, 0.05),  # right and sure
        (0.3, 0.5, 0.2),  # wrong (greet), unsure
        (0.2, 0.35, 0.45),  # taken as off-topic: declined
        (0.6, 0.1, 0.3),  # off-topic answered as tuition
    )
    row = next(
        r
        for r in threshold_table(truth, probabilities)
        if r["threshold"] == 0.2 and r["ambiguity"] == 0.0
    )
    assert row["in_scope_right"] == 1 / 3
    assert row["in_scope_declined"] == 1 / 3
    assert row["in_scope_wrong"] == 1 / 3
    assert row["off_topic_answered"] == 1.0
    strict = next(
        r
        for r in threshold_table(truth, probabilities)
        if r["threshold"] == 0.6 and r["ambiguity"] == 0.0
    )
    assert strict["in_scope_declined"] == 2 / 3 and strict["off_topic_answered"] == 1.0


def test_recommendation_keeps_in_scope_declined_under_the_cap() -> None:
    rows = [
        {"threshold": 0.3, "ambiguity": 0.0, "in_scope_declined": 0.03, "off_topic_answered": 0.09},
        {
            "threshold": 0.4,
            "ambiguity": 0.0,
            "in_scope_declined": 0.035,
            "off_topic_answered": 0.08,
        },
        {"threshold": 0.6, "ambiguity": 0.0, "in_scope_declined": 0.15, "off_topic_answered": 0.02},
    ]
    assert recommended(rows)["threshold"] == 0.4
