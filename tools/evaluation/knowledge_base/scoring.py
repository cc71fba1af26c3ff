"""Each line through the trained model's NLU pipeline (the matcher included), and what the
knowledge base did with it at any threshold.

The pipeline runs once per line; the matcher's output keeps the classifier's own reading and
the closest entry with its similarity, so every threshold is scored from the same parses, by
the same rule the matcher applies (`Thresholds.answers`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.knowledge.intents import KNOWLEDGE_BASE_INTENT
from rasa_plugins.nlu.knowledge_base_matcher import MATCH_KEY, Thresholds


@dataclass(frozen=True)
class Parsed:
    text: str
    group: str  # "entry", "off_topic", "catalog" or "uncovered"
    expected_entry: int | None  # for an entry's phrasing, the entry it should reach
    reading: str  # the classifier's intent, before the matcher
    closest_entry: int | None
    similarity: float
    runner_up: float

    def answered_by(self, thresholds: Thresholds) -> int | None:
        """The entry that answers the line at `thresholds`, or None."""
        if self.closest_entry is None:
            return None
        answers = thresholds.answers(self.reading, self.similarity, self.runner_up)
        return self.closest_entry if answers else None


def parse_lines(
    model: Path, database_url: str, lines: Sequence[tuple[str, str, int | None]]
) -> list[Parsed]:
    """Load `model` against `database_url` (the matcher reads its entries there) and parse each
    (text, group, expected entry) line."""
    os.environ["DATABASE_URL"] = database_url
    from rasa.core.agent import Agent  # noqa: PLC0415 - Rasa loads slowly; only this step needs it

    from rasa_plugins.nlu.knowledge_base_matcher import shared_refresher  # noqa: PLC0415

    shared_refresher.cache_clear()
    agent = Agent.load(str(model))
    if not shared_refresher().refresh():
        raise RuntimeError(f"no knowledge-base entries could be read from {database_url}")

    async def parse_all() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text, _, _ in lines]

    results = asyncio.run(parse_all())
    return [
        _parsed(text, group, expected, result)
        for (text, group, expected), result in zip(lines, results, strict=True)
    ]


def _parsed(text: str, group: str, expected: int | None, result: dict[str, Any]) -> Parsed:
    ranking = result.get("intent_ranking") or []
    reading = (result.get("intent") or {}).get("name") or ""
    if reading == KNOWLEDGE_BASE_INTENT:  # the matcher put its reading first; the classifier's next
        reading = (ranking[1] if len(ranking) > 1 else {}).get("name") or ""
    match = result.get(MATCH_KEY) or {}
    return Parsed(
        text=text,
        group=group,
        expected_entry=expected,
        reading=reading,
        closest_entry=match.get("entry_id"),
        similarity=float(match.get("similarity") or 0.0),
        runner_up=float(match.get("runner_up") or 0.0),
    )


@dataclass(frozen=True)
class Rates:
    thresholds: Thresholds
    right_entry: float  # entry phrasings answered by their own entry
    wrong_entry: float  # entry phrasings answered by another entry
    off_topic_answered: float  # off-topic lines given a knowledge-base answer
    catalog_taken: float  # catalog questions answered by an entry instead of the catalog
    # Off-topic lines close enough to an entry to get its answer were they read as an enrollment
    # topic: how much rests on the classifier's reading (see choose_thresholds).
    off_topic_close: float
    # Enrollment questions no entry covers, answered by one anyway (instead of the counselor offer).
    uncovered_answered: float
    counts: dict[str, int]


def rates(parsed: Iterable[Parsed], threshold: Thresholds) -> Rates:
    rows = list(parsed)
    entries = [row for row in rows if row.group == "entry"]
    off_topic = [row for row in rows if row.group == "off_topic"]
    catalog = [row for row in rows if row.group == "catalog"]
    uncovered = [row for row in rows if row.group == "uncovered"]
    right = sum(row.answered_by(threshold) == row.expected_entry for row in entries)
    wrong = sum(row.answered_by(threshold) not in (None, row.expected_entry) for row in entries)
    return Rates(
        thresholds=threshold,
        right_entry=_share(right, len(entries)),
        wrong_entry=_share(wrong, len(entries)),
        off_topic_answered=_share(
            sum(row.answered_by(threshold) is not None for row in off_topic), len(off_topic)
        ),
        catalog_taken=_share(
            sum(row.answered_by(threshold) is not None for row in catalog), len(catalog)
        ),
        off_topic_close=_share(
            sum(
                threshold.answers("ask_other_enrollment_topic", row.similarity, row.runner_up)
                for row in off_topic
            ),
            len(off_topic),
        ),
        uncovered_answered=_share(
            sum(row.answered_by(threshold) is not None for row in uncovered), len(uncovered)
        ),
        counts={
            "entry": len(entries),
            "off_topic": len(off_topic),
            "catalog": len(catalog),
            "uncovered": len(uncovered),
        },
    )


# A wrong entry's answer tells a student something untrue about the question asked; a missed
# one leaves today's honest counselor offer. The choice counts the first as twice as bad.
WRONG_ANSWER_COST = 2.0


def choose_thresholds(
    parsed: Sequence[Parsed],
    *,
    most_off_topic: float = 0.005,
    most_catalog: float = 0.005,
    most_off_topic_close: float = 0.02,
    most_uncovered: float = 0.05,
) -> tuple[Thresholds, list[Rates]]:
    """The thresholds (similarities in steps of 0.02, margins of 0.01) with the best right minus
    WRONG_ANSWER_COST x wrong entry answers on the tuning phrasings, among those that keep
    off-topic and catalog lines under their limits (half the targets: a margin for lines the
    tuning half does not have); the stricter one on a tie.

    Most tuning off-topic lines are data/nlu's own out_of_scope examples, which the classifier
    was trained on and so never reads as an enrollment topic; an outsider's off-topic line
    sometimes is. So the topic threshold must also keep off-topic lines away from the entries
    whatever their reading (at most `most_off_topic_close` of them close enough). And an
    enrollment question no entry covers must keep its counselor offer (`most_uncovered`)."""
    similarities = [step / 100 for step in range(30, 100, 2)]
    margins = [step / 100 for step in range(0, 13)]
    table = [
        rates(parsed, Thresholds(topic, unsure, margin))
        for topic in similarities
        for unsure in similarities
        for margin in margins
    ]
    safe = [
        row
        for row in table
        if row.off_topic_answered <= most_off_topic
        and row.catalog_taken <= most_catalog
        and row.off_topic_close <= most_off_topic_close
        and row.uncovered_answered <= most_uncovered
    ]
    if not safe:
        return Thresholds(0.99, 0.99, 0.0), table
    best = max(
        safe,
        key=lambda row: (
            round(row.right_entry - WRONG_ANSWER_COST * row.wrong_entry, 6),
            row.thresholds.topic,
            row.thresholds.unsure,
            row.thresholds.margin,
        ),
    )
    return best.thresholds, table


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
