"""Which program a student means, from entities, typed text and the slot."""

from __future__ import annotations

import pytest

from bot.database.db import session_factory
from bot.knowledge import catalog
from bot.knowledge.programs import canonical_code, resolve_program

CS = "computer_science"
SD = "software_development"


@pytest.fixture
def aliases(seeded_url: str) -> dict[str, str]:
    with session_factory(seeded_url)() as session:
        return catalog.read_program_aliases(session)


def _resolve(
    aliases: dict[str, str], text: str = "", entities: tuple[str, ...] = (), slot: str | None = None
) -> str | None:
    return resolve_program(entity_values=entities, slot_value=slot, text=text, aliases=aliases)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tell me about comp sci", CS),
        ("How long is CS?", CS),
        ("what about compsci", CS),
        ("B.S. Computer Science tuition", CS),
        ("and software dev?", SD),
        ("softwre developement please", SD),
        ("what is the tution for the software development degree", SD),
        ("whats the tution", None),
        ("how much does it cost", None),
        ("I want to be a computer scientist", None),
    ],
)
def test_program_named_in_text(aliases: dict[str, str], text: str, expected: str | None) -> None:
    assert _resolve(aliases, text) == expected


def test_entity_wins_over_slot_and_text(aliases: dict[str, str]) -> None:
    assert _resolve(aliases, "and comp sci?", entities=(SD,), slot=CS) == SD


def test_unmapped_entity_value_goes_through_aliases(aliases: dict[str, str]) -> None:
    assert _resolve(aliases, entities=("Comp Sci",)) == CS


def test_slot_used_when_the_message_names_no_program(aliases: dict[str, str]) -> None:
    assert _resolve(aliases, "how long does it take?", slot=SD) == SD


def test_text_naming_a_program_beats_the_older_slot(aliases: dict[str, str]) -> None:
    assert _resolve(aliases, "what about software dev", slot=CS) == SD


def test_naming_both_programs_means_both(aliases: dict[str, str]) -> None:
    assert _resolve(aliases, "tuition for cs and software development", slot=CS) is None
    assert _resolve(aliases, entities=(CS, SD)) is None


def test_unknown_values_resolve_to_nothing(aliases: dict[str, str]) -> None:
    assert _resolve(aliases, entities=("nursing",), slot="nursing") is None


def test_a_value_that_is_not_text_names_no_program() -> None:
    # A hand-typed /inform{"program": 1.5} puts whatever JSON it likes into the slot.
    aliases = {"computer science": "computer_science"}
    for value in (1.5, 7, ["computer science"], {"name": "computer science"}, True):
        assert canonical_code(value, aliases) is None
