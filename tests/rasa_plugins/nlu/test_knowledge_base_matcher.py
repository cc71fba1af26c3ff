"""Who answers what: an entry may take a message read as an uncovered enrollment topic, as
off-topic or as unsure, when it is close enough; never a catalog question, small talk or a
booking step."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_plugins.knowledge_base.index import KnowledgeBaseIndex, build_index
from rasa_plugins.knowledge_base.source import Phrasing
from rasa_plugins.nlu.knowledge_base_matcher import MATCH_KEY, KnowledgeBaseMatcher, Thresholds
from rasa_plugins.nlu.sentence_encoder import shared_encoder
from rasa_plugins.nlu.sentence_featurizer import SentenceEncoderFeaturizer

LIBRARY = 7
PHRASINGS = [
    Phrasing(LIBRARY, "Library"),
    Phrasing(LIBRARY, "How do I use the online library?"),
    Phrasing(LIBRARY, "Can students access research databases?"),
]


class StaticRefresher:
    """A refresher whose index is fixed (no database, no thread)."""

    def __init__(self, index: KnowledgeBaseIndex) -> None:
        self.index = index
        self.started = False

    def start(self) -> None:
        self.started = True


def _matcher(index: KnowledgeBaseIndex | None = None) -> tuple[KnowledgeBaseMatcher, Any]:
    refresher = StaticRefresher(
        index if index is not None else build_index(1, PHRASINGS, shared_encoder().encode)
    )
    config = {"topic_threshold": 0.5, "unsure_threshold": 0.8}
    return KnowledgeBaseMatcher(config, refresher), refresher  # type: ignore[arg-type]


def _message(text: str, intent: str, confidence: float = 0.9) -> Message:
    reading = {"name": intent, "confidence": confidence}
    return Message(data={TEXT: text, INTENT: reading, INTENT_RANKING_KEY: [reading]})


def test_the_thresholds_depend_on_the_classifiers_reading() -> None:
    thresholds = Thresholds(topic=0.5, unsure=0.8)
    assert thresholds.required("ask_other_enrollment_topic") == 0.5
    assert thresholds.required("ask_housing") == 0.5
    assert thresholds.required("out_of_scope") == 0.8
    assert thresholds.required("nlu_fallback") == 0.8
    for reading in (
        "ask_tuition",
        "ask_start_date",
        "ask_program_duration",
        "greet",
        "affirm",
        "book_counselor",
        "inform",
        "request_human",
        "",
        None,
        "no_such_intent",
    ):
        assert thresholds.required(reading) is None, reading


def test_an_uncovered_topic_close_to_an_entry_gets_its_answer() -> None:
    matcher, refresher = _matcher()
    message = _message("how can I use the school's library from home", "ask_other_enrollment_topic")
    matcher.process([message])
    assert refresher.started
    assert message.get(INTENT)["name"] == "ask_knowledge_base"
    assert message.get(INTENT_RANKING_KEY)[1]["name"] == "ask_other_enrollment_topic"
    (entity,) = message.get(ENTITIES)
    assert entity["entity"] == "knowledge_base_entry" and entity["value"] == str(LIBRARY)
    assert message.get(MATCH_KEY)["entry_id"] == LIBRARY


@pytest.mark.parametrize("intent", ["ask_tuition", "ask_start_date", "greet", "inform"])
def test_a_catalog_question_or_a_conversation_step_is_never_taken(intent: str) -> None:
    matcher, _ = _matcher()
    message = _message("How do I use the online library?", intent)  # the entry's own words
    matcher.process([message])
    assert message.get(INTENT)["name"] == intent
    assert not message.get(ENTITIES)
    assert message.get(MATCH_KEY)["similarity"] > 0.7  # close, but not answered


def test_an_off_topic_reading_needs_a_close_match() -> None:
    matcher, _ = _matcher()
    far = _message("find me a public library in Denver that opens on Sunday", "out_of_scope")
    close = _message("How do I use the online library?", "out_of_scope")
    matcher.process([far, close])
    assert far.get(INTENT)["name"] == "out_of_scope"
    assert close.get(INTENT)["name"] == "ask_knowledge_base"


def test_the_featurizers_vector_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    featurizer = SentenceEncoderFeaturizer({**SentenceEncoderFeaturizer.get_default_config()}, "f")
    message = _message("How do I use the online library?", "ask_other_enrollment_topic")
    featurizer.process([message])
    matcher, _ = _matcher()
    calls = []
    encoder = shared_encoder()
    monkeypatch.setattr(encoder, "encode", lambda texts: calls.append(texts))
    matcher.process([message])
    assert not calls, "the message was encoded a second time"
    assert message.get(INTENT)["name"] == "ask_knowledge_base"


def test_an_empty_knowledge_base_changes_nothing() -> None:
    matcher, _ = _matcher(KnowledgeBaseIndex())
    message = _message("How do I use the online library?", "ask_other_enrollment_topic")
    matcher.process([message])
    assert message.get(INTENT)["name"] == "ask_other_enrollment_topic"
    assert message.get(MATCH_KEY) is None


def test_thresholds_outside_similarity_are_refused() -> None:
    with pytest.raises(ValueError):
        KnowledgeBaseMatcher.validate_config({"topic_threshold": 0, "unsure_threshold": 0.8})
    with pytest.raises(ValueError):
        KnowledgeBaseMatcher.validate_config({"topic_threshold": 0.5, "unsure_threshold": 1.5})


def test_an_entry_barely_ahead_of_another_does_not_answer() -> None:
    thresholds = Thresholds(topic=0.5, unsure=0.8, margin=0.05)
    assert thresholds.answers("ask_other_enrollment_topic", 0.7, 0.6)
    assert not thresholds.answers("ask_other_enrollment_topic", 0.7, 0.68)
    assert not thresholds.answers("ask_tuition", 0.99, 0.0)
