"""The hostile texts are what their kind says, and the same for the same seed."""

from __future__ import annotations

import random
import unicodedata

import pytest

from tools.fuzzing import hostile_text
from tools.fuzzing.hostile_text import TEXT_KINDS

SAMPLES = 300


def samples(kind: str, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [TEXT_KINDS[kind](rng) for _ in range(SAMPLES)]


@pytest.mark.parametrize("kind", list(TEXT_KINDS))
def test_each_kind_repeats_for_a_seed_and_varies_between_seeds(kind: str) -> None:
    assert samples(kind, 5) == samples(kind, 5)
    if kind != "empty":
        assert samples(kind, 5) != samples(kind, 6)
        assert len(set(samples(kind))) > 10


def test_empty_is_empty() -> None:
    assert set(samples("empty")) == {""}


def test_whitespace_is_only_whitespace_and_invisible_characters() -> None:
    texts = samples("whitespace")
    assert all(text and set(text) <= set(hostile_text.WHITESPACE) for text in texts)
    assert any(not text.isspace() for text in texts)  # zero-width characters Python keeps
    assert any("\n" in text or "\r" in text for text in texts)


def test_very_long_reaches_the_issues_lengths() -> None:
    lengths = {len(text) for text in samples("very_long")}
    assert lengths == set(hostile_text.LONG_LENGTHS)
    assert {30_000, 100_000} <= lengths


def test_control_characters_carry_control_characters_nul_included() -> None:
    texts = samples("control_characters")
    assert all(any(unicodedata.category(char) == "Cc" for char in text) for text in texts)
    assert any("\x00" in text for text in texts)


def test_right_to_left_has_right_to_left_script_or_direction_overrides() -> None:
    texts = samples("right_to_left")
    for text in texts:
        assert any(
            unicodedata.bidirectional(char) in ("R", "AL") or char in hostile_text.BIDI_CONTROLS
            for char in text
        ), text
    assert any("\u202e" in text for text in texts)  # the override that reverses what follows


def test_emoji_leave_the_basic_plane_and_sometimes_break_surrogate_pairs() -> None:
    texts = samples("emoji")
    assert all(
        any(
            ord(char) > 0xFFFF or "\u2600" <= char <= "\u27bf" or char in "\u200d\ufe0f"
            for char in text
        )
        for text in texts
    )
    assert any(any(0xD800 <= ord(char) <= 0xDFFF for char in text) for text in texts)


def test_other_scripts_are_not_latin_only() -> None:
    for text in samples("other_scripts"):
        assert any(ord(char) > 0x024F for char in text), text


def test_markup_and_sql_carry_their_payloads() -> None:
    assert all(
        any(payload in text for payload in hostile_text.MARKUP) for text in samples("markup")
    )
    assert all(any(payload in text for payload in hostile_text.SQL) for text in samples("sql"))
    assert any("<script>" in text for text in samples("markup"))
    assert any("DROP TABLE" in text for text in samples("sql"))


def test_forged_intents_look_like_button_payloads_with_bogus_parts() -> None:
    rng = random.Random(3)
    texts = [
        hostile_text.forged_intent(rng, intents=["inform", "book_counselor"], entities=["slot_id"])
        for _ in range(2_000)
    ]
    assert all(text.startswith("/") for text in texts)
    assert any(text.startswith("/inform{") and '"slot_id": 99999' in text for text in texts)
    assert any(text.startswith("/book_counselor") for text in texts)
    assert any(text.startswith("/nonexistent_intent") for text in texts)
    assert any(text.endswith('{"slot_id":') for text in texts)  # entity JSON cut short
    assert any("@" in text for text in texts)  # a forged confidence
    assert any(": 1e999" in text for text in texts)  # a number JSON spells but cannot hold
