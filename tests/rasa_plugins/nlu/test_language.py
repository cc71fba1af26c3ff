"""The conversation's language: the student's choice, then a message plainly in one language,
then the page's language; a message that decides nothing keeps the conversation as it is.

A wrong switch is the costly mistake (an English speaker suddenly answered in Spanish), so the
real identifiers are checked on English lines one of them alone gets wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_plugins.nlu import language
from rasa_plugins.nlu.language import (
    READING_KEY,
    LanguageIdentifier,
    LanguageReading,
    fasttext_identifier,
    langid_identifier,
    plain_language,
    read_language,
)
from rasa_plugins.nlu.model_files import ModelFileMismatch


def always(answer: str | None) -> language.Identifier:
    return lambda text: answer


SPANISH = (always("es"), always("es"))
SPLIT = (always("es"), always("en"))


def test_a_choice_made_with_the_control_wins_over_the_text() -> None:
    reading = read_language("how much is tuition", {"language_choice": "es"}, (always("en"),))
    assert reading == LanguageReading("es", "choice")


def test_a_message_plainly_in_one_language_wins_over_the_page() -> None:
    assert read_language("hola amigos", {"page_language": "en-US"}, SPANISH) == LanguageReading(
        "es", "text"
    )


def test_identifiers_that_disagree_leave_it_to_the_page_or_to_the_conversation() -> None:
    assert read_language("si", {"page_language": "es-MX"}, SPLIT) == LanguageReading("es", "page")
    assert read_language("si", {}, SPLIT) == LanguageReading(None, "none")


@pytest.mark.parametrize("metadata", [None, "es", {"language_choice": "fr"}, {"page_language": 3}])
def test_metadata_that_names_no_supported_language_is_ignored(metadata: object) -> None:
    assert read_language("si", metadata, SPLIT).language is None  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "   ", "12345", "🙂", "?!"])
def test_a_message_without_letters_decides_nothing(text: str) -> None:
    assert plain_language(text, SPANISH) is None


SPANISH_LINES = [
    "¿cuánto cuesta la matrícula?",
    "cuando puedo empezar",
    "quiero hablar con un consejero",
    "cuanto gana un ingeniero de machine learning",
    "el bachelor de computer science cuanto cuesta",
    "me gustaría agendar una llamada",
]
ENGLISH_LINES = [
    "how much is tuition for computer science?",
    "when can I start",
    "I want to talk to a counselor",
    # Each sent to Spanish by one of the two identifiers alone:
    "cancel my appointment",
    "book a call",
    "r u a bot",
    "is this an actual human",
]


@pytest.mark.parametrize("text", SPANISH_LINES)
def test_spanish_is_recognised(text: str) -> None:
    assert plain_language(text, (fasttext_identifier(), langid_identifier())) == "es"


@pytest.mark.parametrize("text", ENGLISH_LINES)
def test_english_is_never_taken_for_spanish(text: str) -> None:
    assert plain_language(text, (fasttext_identifier(), langid_identifier())) != "es"


def test_a_huge_message_is_identified_from_its_start() -> None:
    text = "¿cuánto cuesta la matrícula? " * 2000
    assert plain_language(text, (fasttext_identifier(), langid_identifier())) == "es"


def test_the_component_sets_the_language_entity_and_says_why() -> None:
    component = LanguageIdentifier(SPANISH)
    decided = Message(data={TEXT: "hola amigos", METADATA: {}})
    undecided = Message(data={TEXT: "ok", METADATA: {}})
    LanguageIdentifier(SPLIT).process([undecided])
    component.process([decided])
    assert [(e["entity"], e["value"]) for e in decided.get(ENTITIES)] == [("language", "es")]
    assert decided.get(READING_KEY) == {"language": "es", "source": "text"}
    assert not undecided.get(ENTITIES)
    assert undecided.get(READING_KEY) == {"language": None, "source": "none"}


def test_a_model_file_that_is_not_the_pinned_one_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(language, "_FASTTEXT_SHA256", "0" * 64)
    with pytest.raises(ModelFileMismatch):
        language.fasttext_model_path()


def test_words_only_one_language_uses_decide_what_the_identifiers_cannot() -> None:
    identifiers = (fasttext_identifier(), langid_identifier())
    markers = language.marker_words(
        [
            "¿tienen becas para estudiantes?",
            "quiero saber si tienen becas",
            "do you have scholarships for students?",
            "I want to know about scholarships",
        ],
        identifiers,
    )
    assert markers["becas"] == "es" and markers["scholarships"] == "en"
    assert "students" not in markers  # used once only
    assert plain_language("becas?", SPLIT, markers) == "es"
    assert plain_language("becas scholarships", SPLIT, markers) is None  # a word of each


def test_the_vocabulary_is_learnt_at_training_and_kept_with_the_model(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("language")
    examples = [
        Message(data={TEXT: text, "intent": "ask_financial_aid"})
        for text in ("¿tienen becas para mí?", "hay becas disponibles", "scholarships please")
    ]
    trained = LanguageIdentifier((fasttext_identifier(), langid_identifier()), storage, resource)
    trained.train(TrainingData(training_examples=examples))
    loaded = LanguageIdentifier.load({}, storage, resource, None)  # type: ignore[arg-type]
    assert loaded.markers["becas"] == "es"


@pytest.mark.parametrize("text", ["jordan.lee@example.org", "https://example.org/x", "ok", "no"])
def test_addresses_and_words_of_both_languages_decide_nothing(text: str) -> None:
    assert plain_language(text, (fasttext_identifier(), langid_identifier()), {}) is None


def test_an_answer_to_the_booking_form_keeps_the_language() -> None:
    """A name or an e-mail address typed into the form is in no language."""
    message = Message(data={TEXT: "Jordan Lee", METADATA: {}, "intent": {"name": "inform"}})
    LanguageIdentifier((always("en"), always("en"))).process([message])
    assert message.get(READING_KEY) == {"language": None, "source": "none"}
