"""Program names are found with their value, through typos, and nothing else is taken for one.

A wrong match sets the `program` slot and answers about a program the student did not ask
about; a missed one makes the bot ask again. The names are read from the generated
data/nlu/lookups/program.yml (its synonyms map each name to its program), so these tests
follow the program database's names rather than a copy of them.
"""

from __future__ import annotations

import pytest
import yaml

from bot.settings import REPO_ROOT
from rasa_plugins.nlu.program_names import ProgramNameMatcher

PROGRAMS_FILE = REPO_ROOT / "data" / "nlu" / "lookups" / "program.yml"


def database_names() -> dict[str, str]:
    """Each synonym of program.yml mapped to its program's value."""
    items = yaml.safe_load(PROGRAMS_FILE.read_text())["nlu"]
    return {
        line.strip()[2:]: item["synonym"]
        for item in items
        if "synonym" in item
        for line in item["examples"].splitlines()
        if line.strip().startswith("- ")
    }


MATCHER = ProgramNameMatcher(database_names())


def found(text: str) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.value) for m in MATCHER.find(text)]


def test_the_database_names_are_read() -> None:
    # Without them every "no match" test below would pass vacuously.
    assert set(database_names().values()) == {"computer_science", "software_development"}
    assert database_names()["comp sci"] == "computer_science"


@pytest.mark.parametrize(
    "text, value",
    [
        ("comp sci", "computer_science"),
        ("CS", "computer_science"),
        ("B.S. Computer Science", "computer_science"),
        ("software dev", "software_development"),
    ],
)
def test_an_exact_name_gives_its_program(text: str, value: str) -> None:
    message = f"what is the tuition for {text}?"
    [mention] = MATCHER.find(message)
    assert (mention.value, mention.start, mention.end) == (value, 24, 24 + len(text))
    assert mention.text == text


@pytest.mark.parametrize(
    "text, value",
    [
        ("softwre dev", "software_development"),
        ("computer sceince", "computer_science"),
        ("sofware development", "software_development"),
    ],
)
def test_a_typo_still_gives_its_program(text: str, value: str) -> None:
    assert found(f"how long is {text}") == [(text, value)]


@pytest.mark.parametrize(
    "text",
    [
        "can I become a software engineer",
        "my computer broke",
        "I won the science fair",
        "is my scsi drive supported",
        "cd",
        "ss",
    ],
)
def test_words_that_name_no_program_match_nothing(text: str) -> None:
    assert found(text) == []


def test_two_programs_give_two_mentions_in_text_order() -> None:
    text = "compare softwre development and comp sci"
    mentions = MATCHER.find(text)
    assert [(m.text, m.value) for m in mentions] == [
        ("softwre development", "software_development"),
        ("comp sci", "computer_science"),
    ]
    assert mentions[0].end <= mentions[1].start


def test_an_empty_text_has_no_mentions() -> None:
    assert MATCHER.find("") == []


def test_a_hyphen_between_words_counts_as_a_space() -> None:
    """FAILS (bug): normalise() deletes hyphens, so "BS-CS" becomes "bscs", which is not the
    catalog's "bs cs"; "comp-sci" only works because "compsci" is also in the catalog."""
    assert found("is BS-CS accredited") == [("BS-CS", "computer_science")]
