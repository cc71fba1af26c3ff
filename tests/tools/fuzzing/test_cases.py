"""A run's cases: repeatable, every kind of the issue in its share, bodies as their kind says."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from bot.settings import REPO_ROOT
from tools.fuzzing import cases
from tools.fuzzing.cases import NO_SESSION_REQUEST, REST_BODY_KINDS, SOCKET_WEIGHTS, allotment, plan
from tools.fuzzing.hostile_text import TEXT_KINDS

ORIGIN = "http://localhost:8000"


@pytest.fixture(scope="module")
def domain() -> tuple[list[str], list[str]]:
    return cases.domain_names(REPO_ROOT / "domain.yml")


@pytest.fixture(scope="module")
def full_run(domain: tuple[list[str], list[str]]) -> cases.Plan:
    return plan(10_000, 17, 500, ORIGIN, *domain)


def test_the_domain_supplies_real_intents_and_entities(domain: tuple[list[str], list[str]]) -> None:
    intents, entities = domain
    assert "inform" in intents and "book_counselor" in intents
    assert "slot_id" in entities


def test_allotment_adds_up_exactly_and_keeps_proportions() -> None:
    counts = allotment(10_000, {"a": 10, "b": 10, "c": 3})
    assert sum(counts.values()) == 10_000
    assert counts["a"] == counts["b"] and abs(counts["c"] - 10_000 * 3 / 23) < 1
    assert sum(allotment(7, {"a": 1, "b": 1, "c": 1}).values()) == 7


def test_a_run_is_the_same_for_a_seed_and_different_for_another(
    domain: tuple[list[str], list[str]],
) -> None:
    assert plan(500, 17, 50, ORIGIN, *domain) == plan(500, 17, 50, ORIGIN, *domain)
    assert plan(500, 17, 50, ORIGIN, *domain) != plan(500, 18, 50, ORIGIN, *domain)


def test_the_full_run_sends_ten_thousand_messages_of_every_kind(full_run: cases.Plan) -> None:
    assert len(full_run) == 10_000
    rest = Counter(case.kind for case in full_run.rest)
    assert set(rest) == set(TEXT_KINDS) | set(REST_BODY_KINDS)
    assert min(rest.values()) >= 600
    socket_kinds = Counter(case.kind for case in full_run.socketio)
    assert {"unknown_sender", "other_session", "disallowed_origin"} <= set(socket_kinds)
    assert 0.1 < len(full_run.socketio) / len(full_run) < 0.2
    # socket.io also carries the texts, in the client's own session
    assert len(set(socket_kinds) & set(TEXT_KINDS)) >= 8


def test_rest_messages_are_spread_over_the_senders(full_run: cases.Plan) -> None:
    senders = Counter(
        json.loads(case.body)["sender"] for case in full_run.rest if case.kind in TEXT_KINDS
    )
    assert len(senders) == 500
    assert max(senders.values()) < 40  # a few turns each, so conversations carry state


def test_text_bodies_are_valid_json_carrying_the_text_exactly(full_run: cases.Plan) -> None:
    texts = [case for case in full_run.rest if case.kind in TEXT_KINDS]
    for case in texts:
        assert case.content_type == "application/json"
        assert json.loads(case.body)["message"] == case.message
    assert any(len(case.message) == 100_000 for case in texts)
    assert any(any(0xD800 <= ord(char) <= 0xDFFF for char in case.message) for case in texts)


def strict_json(body: bytes) -> object:
    """RFC 8259 JSON: UTF-8 without a byte-order mark, no NaN or Infinity."""

    def refuse(constant: str) -> None:
        raise ValueError(constant)

    return json.loads(body.decode("utf-8"), parse_constant=refuse)


def test_invalid_json_bodies_are_not_json(full_run: cases.Plan) -> None:
    bodies = [case.body for case in full_run.rest if case.kind == "invalid_json"]
    assert len(set(bodies)) > 15
    for body in bodies:
        with pytest.raises((ValueError, RecursionError)):
            strict_json(body)


def test_wrong_shapes_are_json_but_not_a_sender_and_a_message(full_run: cases.Plan) -> None:
    parsed = []
    for case in (case for case in full_run.rest if case.kind == "wrong_shape"):
        try:
            parsed.append(json.loads(case.body))
        except ValueError:  # only the number with too many digits for Python's int()
            assert b"9" * 5_000 in case.body
    assert any(isinstance(value, list) for value in parsed)
    assert any(value is None or isinstance(value, (str, int)) for value in parsed)
    dicts = [value for value in parsed if isinstance(value, dict)]
    assert any("message" in value and not isinstance(value["message"], str) for value in dicts)
    assert any("sender" in value and not isinstance(value["sender"], str) for value in dicts)
    assert any("message" not in value for value in dicts)
    assert any(case.query == "stream=true" for case in full_run.rest if case.kind == "wrong_shape")


def test_wrong_content_types_never_pair_json_with_a_json_type(full_run: cases.Plan) -> None:
    seen = set()
    for case in (case for case in full_run.rest if case.kind == "wrong_content_type"):
        seen.add(case.content_type)
        if case.content_type == "application/json":
            with pytest.raises(ValueError):
                strict_json(case.body)
    assert None in seen and "text/plain" in seen and "application/x-www-form-urlencoded" in seen


def test_socket_cases_cover_unknown_senders_other_sessions_and_origins(
    full_run: cases.Plan,
) -> None:
    by_kind: dict[str, list[cases.SocketCase]] = {}
    for case in full_run.socketio:
        by_kind.setdefault(case.kind, []).append(case)
    assert all(case.origin not in (ORIGIN, None) for case in by_kind["disallowed_origin"])
    for case in by_kind["other_session"]:
        assert (
            case.victim_session == case.payload["session_id"] != case.session_request["session_id"]
        )
    unknown = by_kind["unknown_sender"]
    assert any(case.session_request == NO_SESSION_REQUEST for case in unknown)
    assert any(not isinstance(case.payload, dict) for case in unknown)
    assert any(
        isinstance(case.payload, dict) and not isinstance(case.payload.get("session_id"), str)
        for case in unknown
    )
    for kind in TEXT_KINDS:
        for case in by_kind.get(kind, []):
            assert case.payload["session_id"] == case.session_request["session_id"]
            assert case.origin in (ORIGIN, None)


def test_the_per_kind_sample_has_the_count_of_every_kind() -> None:
    sample = cases.per_kind(7, 1, ORIGIN)
    assert Counter(case.kind for case in sample.rest) == {
        kind: 7 for kind in [*TEXT_KINDS, *REST_BODY_KINDS]
    }
    assert len(sample.socketio) == 7 * len(SOCKET_WEIGHTS)


def test_json_body_escapes_what_utf8_cannot_carry() -> None:
    rng = random.Random(0)
    for _ in range(20):
        body = cases.json_body({"message": "🎓\ud83c"}, rng)
        assert json.loads(body)["message"] == "🎓\ud83c"
