"""Programs, courses and degree levels the school does not have: noticed, and said plainly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.knowledge import answers
from bot.knowledge.answers import ProgramMention, answer_program_question
from bot.knowledge.not_offered import find_not_offered, match_form, vocabulary
from bot.knowledge.programs import normalise_name
from bot.settings import CATALOG_PATH, REPO_ROOT


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("how much is the nursing course", "a program in nursing"),
        ("do u have a masters in AI??", "a master's degree"),
        ("is there a business administration program", "a program in business administration"),
        ("when does the fiction-writing class begin", "a program in fiction writing"),
        ("how long is the psychology major", "a program in psychology"),
        ("can i get a PhD here", "a doctorate"),
        ("any software engineering bachelors?", "a program in software engineering"),
        ("do you do an MBA", "a master's degree"),
        ("a degree in law?", "a program in law"),
    ],
)
def test_a_program_the_school_does_not_have_is_noticed(text: str, phrase: str) -> None:
    found = find_not_offered(text)
    assert found is not None and found.phrase == phrase


@pytest.mark.parametrize(
    "text",
    [
        "do you offer a bs in computer science",
        "which programs prepare me for machine learning",
        "is engineering a good field to get into",
        "what is the law on student visas",
        "how long is the software development degree",
        # What the student already has is background, not a request.
        "i already have an associate degree, how long would cs take",
        "i have a degree in biology, can i still apply",
        "can my nursing credits transfer",
    ],
)
def test_our_programs_careers_and_a_students_background_are_not(text: str) -> None:
    assert find_not_offered(text) is None


def test_a_word_with_another_meaning_counts_only_framed_as_a_program() -> None:
    assert find_not_offered("how much is a german shepherd", framed_only=True) is None
    found = find_not_offered("when does the german course start", framed_only=True)
    assert found is not None and found.phrase == "a program in German"


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("how much is german stage 2", "a program in German"),
        ("when does french level 4 begin", "a program in French"),
        ("history 101 fees", "a program in history"),
        ("¿cuánto cuesta alemán nivel 2?", "a program in German"),
    ],
)
def test_a_course_named_by_its_level_or_number_is_framed(text: str, phrase: str) -> None:
    found = find_not_offered(text, framed_only=True)
    assert found is not None and found.phrase == phrase


@pytest.mark.parametrize(
    "text", ["what english level do i need", "english level 6 enough?", "¿inglés nivel 3 basta?"]
)
def test_an_english_level_is_the_proficiency_asked_for_not_a_course(text: str) -> None:
    assert find_not_offered(text, framed_only=True) is None


def our_program_names() -> set[str]:
    """Every name and nickname of our programs, in English and Spanish, as a student types them:
    the catalog's aliases and names (both languages), the NLU synonyms, and the words for the
    field itself that no list holds ("computación", "programación")."""
    catalog = yaml.safe_load(Path(CATALOG_PATH).read_text(encoding="utf-8"))
    spanish = yaml.safe_load(SPANISH_CATALOG_PATH.read_text(encoding="utf-8"))
    names = {alias for p in catalog["programs"] for alias in p["aliases"]}
    names |= {p[key] for p in catalog["programs"] + spanish["programs"] for key in _NAME_KEYS}
    for synonyms in SYNONYM_FILES:
        for entry in yaml.safe_load(synonyms.read_text(encoding="utf-8"))["nlu"]:
            names |= {line.lstrip("- ").strip() for line in entry["examples"].splitlines()}
    return {match_form(name) for name in names | FIELD_WORDS if name}


_NAME_KEYS = ("display_name", "title")
SPANISH_CATALOG_PATH = Path(CATALOG_PATH).with_name("catalog_es.yml")
SYNONYM_FILES = (REPO_ROOT / "data/nlu/synonyms.yml", REPO_ROOT / "data/nlu/es/synonyms.yml")
FIELD_WORDS = {
    "computación",
    "computacion",
    "informática",
    "programación",
    "desarrollo de software",
    "ciencias de la computación",
}


def test_the_vocabulary_names_none_of_our_programs() -> None:
    """A nickname of ours in the list would tell a student we lack what we teach."""
    ours = our_program_names()
    listed = {term.words for term in vocabulary().every_subject}
    listed |= {word for level in vocabulary().degree_levels for word in level.words}
    assert not ours & listed
    # Spain's name for a computer science degree: not listed, though "la carrera de ingeniería
    # informática" is an engineering degree, which we do not have either.
    assert "ingenieria informatica" not in listed
    assert not {normalise_name(name) for name in ours} & {normalise_name(w) for w in listed}
    for name in ours:
        for question in (
            f"how much is the {name} degree",
            f"¿cuánto cuesta la carrera de {name}?",
            f"¿tienen {name}?",
            f"quiero estudiar {name}",
            f"¿la licenciatura en {name} es en línea?",
        ):
            assert find_not_offered(question) is None, question
            assert find_not_offered(question, framed_only=True) is None, question


def test_a_tuition_question_about_nursing_hears_so_before_our_tuition(seeded_url: str) -> None:
    answer = answer_program_question(
        seeded_url, "ask_tuition", ProgramMention(text="how much is the nursing course")
    )
    first, then = answer.replies
    assert first.response == "utter_not_offered"
    assert first.variables["asked"] == "a program in nursing"
    assert "B.S. Computer Science" in first.variables["programs"]
    assert "B.S. Software Development" in first.variables["programs"]
    assert then.response == "utter_tuition_same_for_all"


def test_asking_for_the_list_gets_the_not_offered_reply_alone(seeded_url: str) -> None:
    answer = answer_program_question(
        seeded_url, "ask_programs", ProgramMention(text="do you have a nursing program")
    )
    assert [reply.response for reply in answer.replies] == ["utter_not_offered"]
    assert len(answer.replies[0].buttons) == 2  # one per program the database has


def test_a_transfer_question_names_what_was_studied_before(seeded_url: str) -> None:
    answer = answer_program_question(
        seeded_url, "ask_transfer_credit", ProgramMention(text="will my nursing classes count")
    )
    assert [reply.response for reply in answer.replies] == ["utter_transfer_credit_partly_stated"]


def test_start_dates_of_a_course_we_do_not_have(seeded_url: str) -> None:
    replies = answers.answer_start_date(
        seeded_url, date(2026, 12, 6), "when does the french course start"
    )
    assert [reply.response for reply in replies] == ["utter_not_offered", "utter_start_date"]
    plain = answers.answer_start_date(seeded_url, date(2026, 12, 6), "when can i start")
    assert [reply.response for reply in plain] == ["utter_start_date"]


def test_an_unknown_topic_counts_only_a_subject_framed_as_a_program(seeded_url: str) -> None:
    framed = answers.answer_unknown_topic(
        "ask_admission_requirements", seeded_url, "admission requirements for the nursing program"
    )
    assert [reply.response for reply in framed] == ["utter_not_offered", "utter_unknown_topic"]
    unframed = answers.answer_unknown_topic("ask_housing", seeded_url, "housing near the law firm")
    assert [reply.response for reply in unframed] == ["utter_unknown_topic"]


def test_no_database_still_gets_the_counselor_offer(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'missing' / 'catalog.db'}"
    replies = answers.answer_unknown_topic("ask_housing", missing, "the nursing program dorms")
    assert [reply.response for reply in replies] == ["utter_unknown_topic"]


def test_the_not_offered_reply_is_its_own_kind_of_answer() -> None:
    from bot.knowledge.reply_kinds import ANSWERING_KINDS, reply_kind

    kind = reply_kind(["action_answer_program_question", "utter_not_offered"])
    assert kind == "not_offered" and kind in ANSWERING_KINDS
    assert reply_kind(["action_answer_unknown_topic", "utter_not_offered"]) == "counselor_offer"
