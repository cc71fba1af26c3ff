"""The facts editor: the office corrects a catalog figure or its quote from the console.

Only the facts the catalog answers from (tuition, durations, included certifications, the
start-date policy, the career's salary and job growth) are editable, each named in
`fields.FIELDS`. A change is checked the way catalog.yml is (`checks`), then written in one
transaction with its FactChange row, so history and catalog never disagree; a revert is a new
change. `bot.knowledge.catalog` reads the database on every answer (no cache), so the next
answer uses the new value without a restart. The console's pages (bot/console/facts*.py) and
the tests use the names below. May import what `bot.staff` may.
"""

from bot.staff.facts.fields import FIELDS, SEED_NOTICE
from bot.staff.facts.records import Fact, FactGroup, FactNotFound, FactRefused, HistoryEntry
from bot.staff.facts.service import (
    change_fact,
    get_change,
    get_fact,
    history,
    known_pages,
    list_facts,
    revert_change,
)

__all__ = [
    "FIELDS",
    "SEED_NOTICE",
    "Fact",
    "FactGroup",
    "FactNotFound",
    "FactRefused",
    "HistoryEntry",
    "change_fact",
    "get_change",
    "get_fact",
    "history",
    "known_pages",
    "list_facts",
    "revert_change",
]
