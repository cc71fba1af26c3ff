"""The checks every public channel makes before understanding runs."""

from __future__ import annotations

import gc

from limits import parse_many

from rasa_plugins.channels.guard import (
    GuardSettings,
    MessageGuard,
    button_payload_checked,
    readable_text,
)


def guard(**overrides) -> MessageGuard:
    settings = GuardSettings(client_id_key=b"k" * 32, **overrides)
    return MessageGuard(settings)


def test_a_message_at_the_limit_passes_and_one_character_more_is_refused_politely() -> None:
    checks = guard(max_message_chars=10)
    assert checks.check("x" * 10, "student-1", None) is None
    refusal = checks.check("x" * 11, "student-1", None)
    assert refusal is not None and refusal.reason == "too_long"
    assert "10 characters" in refusal.reply


def test_too_long_messages_do_not_use_up_the_rate() -> None:
    checks = guard(per_sender=tuple(parse_many("2/minute")))
    for _ in range(5):
        assert checks.check("x" * 5000, "student-1", None).reason == "too_long"
    assert checks.check("hello", "student-1", None) is None


def test_a_fast_sender_is_limited_while_another_sender_is_not() -> None:
    checks = guard(per_sender=tuple(parse_many("3/minute")))
    gc.collect()  # `limits` keeps its storage by weak reference: the guard must hold it
    assert [checks.check("hi", "burst", None) for _ in range(3)] == [None, None, None]
    refusal = checks.check("hi", "burst", None)
    assert refusal is not None and refusal.reason == "rate_limited"
    assert 1 <= refusal.retry_after_seconds <= 60
    assert "wait a moment" in refusal.reply
    assert checks.check("hi", "someone-else", None) is None


def test_one_address_changing_its_sender_id_is_limited_by_address() -> None:
    checks = guard(per_address=tuple(parse_many("5/minute")))
    client = checks.client_id("203.0.113.7")
    answers = [checks.check("hi", f"sender-{n}", client) for n in range(6)]
    assert answers[:5] == [None] * 5
    assert answers[5].reason == "rate_limited"
    assert checks.check("hi", "sender-99", checks.client_id("198.51.100.1")) is None


def test_client_ids_are_stable_opaque_and_keyed() -> None:
    checks = guard()
    first = checks.client_id("203.0.113.7")
    assert first == checks.client_id("203.0.113.7")
    assert len(first) == 16 and "203" not in first
    assert first != checks.client_id("203.0.113.8")
    other_key = MessageGuard(GuardSettings(client_id_key=b"z" * 32))
    assert other_key.client_id("203.0.113.7") != first
    assert checks.client_id(None) is None and checks.client_id("") is None


def test_an_unreachable_rate_store_lets_students_through() -> None:
    checks = guard(storage_url="redis://127.0.0.1:1/0", per_sender=tuple(parse_many("1/minute")))
    assert checks.check("hi", "student", None) is None
    assert checks.check("hi", "student", None) is None


def test_settings_come_from_the_environment_and_bad_values_fall_back() -> None:
    settings = GuardSettings.from_env(
        {
            "MAX_MESSAGE_CHARS": "500",
            "RATE_LIMIT_PER_SENDER": "5/second",
            "RATE_LIMIT_PER_ADDRESS": "not a rate",
            "MAX_REQUEST_BYTES": "-3",
            "CLIENT_ID_SALT": "shared",
        }
    )
    assert settings.max_message_chars == 500
    assert [str(item) for item in settings.per_sender] == [str(parse_many("5/second")[0])]
    assert [str(item) for item in settings.per_address] == [str(parse_many("300/minute")[0])]
    assert settings.max_request_bytes == 64 * 1024
    same_salt = GuardSettings.from_env({"CLIENT_ID_SALT": "shared"})
    assert MessageGuard(settings).client_id("1.2.3.4") == MessageGuard(same_salt).client_id(
        "1.2.3.4"
    )


def test_defaults_without_environment() -> None:
    settings = GuardSettings.from_env({})
    assert settings.max_message_chars == 1000
    assert settings.max_request_bytes == 65536
    assert settings.storage_url == "memory://"


def test_text_is_made_readable_for_understanding_and_storage() -> None:
    # What a JSON body can carry: a lone surrogate, NUL, an escape sequence, a C1 control.
    sent = "a\ud83c b\x00c\x1b[31m\x85 d\n\U0001f642 مرحبا"
    assert readable_text(sent) == "a\ufffd bc[31m d\n\U0001f642 مرحبا"
    readable_text(sent).encode("utf-8")  # no UnicodeEncodeError downstream


def test_button_payloads_pass_and_forged_ones_are_read_as_words() -> None:
    for payload in [
        '/inform{"slot_id":"42"}',
        '/inform{"program_choice":"computer_science"}',
        "/affirm",
        "/ask_tuition{not json",
        "how much is tuition?",
    ]:
        assert button_payload_checked(payload) == payload
    for forged in [
        '/inform{"slot_id": 99999}',
        '/inform{"program": 1.5}',
        '/inform{"slot_id": [1, 2]}',
        '/inform{"a": {"b": {"c": 1}}}',
        "/inform" + '{"a":' * 600 + "1" + "}" * 600,
        '/inform{"program": "' + "x" * 500 + '"}',
    ]:
        assert button_payload_checked(forged) == forged[1:]
