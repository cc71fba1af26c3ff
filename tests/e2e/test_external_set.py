"""The external (never trained on) questions, answered end to end by the running bot.

The thresholds are a floor that catches a regression (measured on 2026-11-24: 82.0% of
in-scope lines with the right content, 10.9% of them declined by mistake, 85.3% of oos.tsv
declined), not the quality targets (90%, 5%, 90%), which `make eval` reports against. The
measured rates are printed so every run shows where we stand.
"""

from __future__ import annotations

import pytest

from external_set import EXTERNAL_DIR, read_lines, score, summary
from servers import Servers

pytestmark = pytest.mark.skipif(not EXTERNAL_DIR.is_dir(),
                                reason=f"external test set not found at {EXTERNAL_DIR}")


def test_out_of_scope_queries_are_mostly_declined(servers: Servers) -> None:
    outcomes = score(servers, read_lines("oos.tsv"))
    declined = sum(outcome.declined for outcome in outcomes) / len(outcomes)
    print(f"\noos.tsv declined: {declined:.1%} of {len(outcomes)}")
    assert declined >= 0.8


def test_in_scope_questions_mostly_get_the_right_content(servers: Servers) -> None:
    outcomes = score(servers, read_lines("heldout.tsv"))
    in_scope = [outcome for outcome in outcomes if outcome.label != "out_of_scope"]
    right = sum(outcome.correct for outcome in in_scope) / len(in_scope)
    wrongly_declined = sum(outcome.declined for outcome in in_scope
                           if outcome.label not in {"ask_admission_requirements", "ask_financial_aid"})
    print(f"\nheldout.tsv by label (right content):\n{summary(outcomes)}")
    print(f"in-scope right content: {right:.1%} of {len(in_scope)}; "
          f"declined by mistake: {wrongly_declined}")
    assert right >= 0.75
    assert wrongly_declined / len(in_scope) <= 0.15
