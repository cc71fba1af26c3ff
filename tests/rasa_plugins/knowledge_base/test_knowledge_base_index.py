"""The in-memory index: the entry closest in meaning, scored by its two closest phrasings, and a
refresh that embeds only the texts it has not seen."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from numpy.typing import NDArray

from rasa_plugins.knowledge_base.index import KnowledgeBaseIndex, build_index
from rasa_plugins.knowledge_base.source import Phrasing
from rasa_plugins.nlu.sentence_encoder import shared_encoder


class CountingEncoder:
    """The real encoder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.texts += list(texts)
        return shared_encoder().encode(texts)


# As the program database gives them: each entry's phrasings and its title.
PHRASINGS = [
    Phrasing(1, "Student housing"),
    Phrasing(1, "Do you have student housing?"),
    Phrasing(1, "Can I live in a dorm?"),
    Phrasing(2, "Library"),
    Phrasing(2, "How do I use the online library?"),
    Phrasing(2, "Can students access research databases?"),
    Phrasing(3, "Clubs"),
    Phrasing(3, "Are there student clubs?"),
]


def _vector(text: str) -> NDArray[np.float32]:
    vector: NDArray[np.float32] = shared_encoder().encode([text])[0]
    return vector


def test_a_message_reaches_the_entry_it_means() -> None:
    index = build_index(1, PHRASINGS, CountingEncoder())
    assert index.best_match(_vector("is there on-campus accommodation for students")).entry_id == 1
    assert index.best_match(_vector("can I read journal articles through the school")).entry_id == 2
    assert index.best_match(_vector("what student organizations can I join")).entry_id == 3


def test_similarity_is_the_mean_of_the_two_closest_phrasings() -> None:
    index = build_index(1, PHRASINGS, CountingEncoder())
    message = _vector("Can I live in a dorm?")
    match = index.best_match(message)
    assert match is not None and match.entry_id == 1
    closest = sorted(float(_vector(p.text) @ message) for p in PHRASINGS if p.entry_id == 1)
    assert match.similarity == pytest.approx(sum(closest[-2:]) / 2, abs=1e-5)
    # An entry with one phrasing is scored by that phrasing alone.
    single = build_index(1, [Phrasing(7, "Are there student clubs?")], CountingEncoder())
    clubs = single.best_match(_vector("Are there student clubs?"))
    assert clubs is not None and clubs.similarity == pytest.approx(1.0, abs=1e-5)


def test_many_entries_are_scored_among_the_closest_candidates() -> None:
    phrasings = PHRASINGS + [
        Phrasing(100 + n, f"question number {n} about parking") for n in range(200)
    ]
    index = build_index(1, phrasings, CountingEncoder())
    assert len(index) == 208
    assert index.best_match(_vector("can I live in a dorm on campus")).entry_id == 1


def test_a_refresh_embeds_only_new_texts_and_forgets_removed_ones() -> None:
    encoder = CountingEncoder()
    first = build_index(1, PHRASINGS, encoder)
    assert len(encoder.texts) == len(PHRASINGS)
    encoder.texts.clear()
    changed = [*PHRASINGS[1:], Phrasing(4, "Is tutoring free?")]
    second = build_index(2, changed, encoder, previous=first)
    assert encoder.texts == ["Is tutoring free?"]
    assert set(second.known) == {p.text for p in changed}
    assert second.revision == 2 and len(second) == len(changed)


def test_an_empty_index_or_an_empty_message_matches_nothing() -> None:
    assert KnowledgeBaseIndex().best_match(_vector("housing")) is None
    assert build_index(1, [], CountingEncoder()).best_match(_vector("housing")) is None
    index = build_index(1, PHRASINGS, CountingEncoder())
    assert index.best_match(np.zeros(384, dtype=np.float32)) is None
