"""The fuzz client against a stand-in server (conftest.py) that misbehaves on cue: it must see
each misbehaviour, and only those, and send from the addresses it is told to."""

from __future__ import annotations

import asyncio
import json

from tests.tools.fuzzing.conftest import ALLOWED_ORIGIN, FakeRasa
from tools.fuzzing import driver, rest_client, visitor
from tools.fuzzing.cases import Plan, RestCase, SocketCase
from tools.fuzzing.outcome import Outcome


def rest(kind: str, message: object, sender: str = "s1") -> RestCase:
    return RestCase(
        kind,
        json.dumps({"sender": sender, "message": message}).encode(),
        "application/json",
        str(message),
    )


def run(server: FakeRasa, plan: Plan, reply_wait: float = 2.0) -> dict[str, Outcome]:
    outcomes = asyncio.run(
        driver.run_plan(server.url, plan, rest_workers=2, socket_workers=2, reply_wait=reply_wait)
    )
    assert len(outcomes) == len(plan)
    return {outcome.kind: outcome for outcome in outcomes}


def test_rest_answers_are_told_apart(rasa_like: FakeRasa) -> None:
    seen = run(
        rasa_like,
        Plan(
            [
                rest("fine", "how much is tuition?"),
                rest("five_hundred", "boom"),
                rest("shown_traceback", "leaky-traceback"),
                rest("limited", "slow down"),
                RestCase("not_json", b"{", "application/json"),
                RestCase("no_content_type", b"hello", None),
                rest("too_big", "x" * 70_000),
            ],
            [],
        ),
    )
    assert seen["fine"].status == 200 and not seen["fine"].failed
    assert seen["five_hundred"].server_error and seen["five_hundred"].failed
    assert seen["shown_traceback"].status == 200 and seen["shown_traceback"].traceback
    assert (
        seen["limited"].limited
        and seen["limited"].retry_after == "42"
        and not seen["limited"].failed
    )
    assert seen["not_json"].status == 400 and seen["no_content_type"].status == 400
    assert seen["too_big"].status == 413 and not seen["too_big"].unanswered


def test_a_closed_port_is_no_answer_not_a_5xx() -> None:
    async def send() -> Outcome:
        async with rest_client.session() as client:
            return await rest_client.send(client, "http://127.0.0.1:9", rest("x", "hi"))

    outcome = asyncio.run(send())
    assert outcome.unanswered and not outcome.server_error and outcome.error


def test_the_run_ends_once_the_server_stops_answering() -> None:
    plan = Plan(
        [rest("x", f"message {index}") for index in range(100)],
        [
            SocketCase(
                "own_session",
                ALLOWED_ORIGIN,
                {"session_id": f"s-{index:08d}"},
                {"message": "hi", "session_id": f"s-{index:08d}"},
            )
            for index in range(100)
        ],
    )
    outcomes = asyncio.run(
        driver.run_plan(
            "http://127.0.0.1:9", plan, rest_workers=2, socket_workers=2, reply_wait=0.1
        )
    )
    rest_outcomes = [outcome for outcome in outcomes if outcome.channel == "rest"]
    assert driver.STALL_AFTER_UNANSWERED <= len(rest_outcomes) <= driver.STALL_AFTER_UNANSWERED + 1
    assert all(outcome.unanswered for outcome in rest_outcomes)
    assert len(outcomes) < len(plan) // 2


def socket_plan() -> Plan:
    return Plan(
        [],
        [
            SocketCase(
                "own_session",
                ALLOWED_ORIGIN,
                {"session_id": "own-session-1"},
                {"message": "hello", "session_id": "own-session-1"},
            ),
            SocketCase(
                "no_origin",
                None,
                {"session_id": "own-session-2"},
                {"message": "hello", "session_id": "own-session-2"},
            ),
            SocketCase(
                "other_session",
                ALLOWED_ORIGIN,
                {"session_id": "attacker-1"},
                {"message": "hello", "session_id": "victim-1"},
                victim_session="victim-1",
            ),
            SocketCase(
                "disallowed_origin",
                "http://evil.example",
                {"session_id": "evil-1"},
                {"message": "hello", "session_id": "evil-1"},
            ),
            SocketCase("not_an_object", ALLOWED_ORIGIN, "<no session_request>", "not an object"),
        ],
    )


def test_a_reply_into_another_session_is_caught(rasa_like: FakeRasa) -> None:
    seen = run(rasa_like, socket_plan())
    assert seen["other_session"].leaked and seen["other_session"].failed
    assert (
        seen["own_session"].replies == ['{"text": "you said hello"}']
        and not seen["own_session"].failed
    )
    assert seen["no_origin"].replies
    assert seen["disallowed_origin"].refused and seen["disallowed_origin"].status == 403
    assert not seen["not_an_object"].replies and not seen["not_an_object"].failed


def test_a_server_that_binds_sessions_leaks_nothing(site_like: FakeRasa) -> None:
    seen = run(site_like, socket_plan())
    assert not seen["other_session"].leaked and not seen["other_session"].replies
    assert seen["own_session"].replies


def test_burst_and_visitor_come_from_the_addresses_given(rasa_like: FakeRasa) -> None:
    async def both() -> tuple[list[Outcome], list[visitor.VisitorTurn]]:
        async with rest_client.session("127.0.0.2") as client:
            turns = await visitor.visit_for(client, rasa_like.url, interval=0.05, seconds=0.3)
        outcomes, _ = await driver.burst(rasa_like.url, "one-sender", 30, 4, "127.0.0.1")
        return outcomes, turns

    outcomes, turns = asyncio.run(both())
    assert len(outcomes) == 30 and all(outcome.status == 200 for outcome in outcomes)
    assert len(turns) >= 3 and all(turn.answered for turn in turns)
    assert rasa_like.peers[: len(turns)] == ["127.0.0.2"] * len(turns)
    assert rasa_like.peers[len(turns) :] == ["127.0.0.1"] * 30


def test_a_visitor_takes_at_least_its_turns_after_the_stop(rasa_like: FakeRasa) -> None:
    async def stopped_at_once() -> list[visitor.VisitorTurn]:
        stop = asyncio.Event()
        stop.set()
        async with rest_client.session() as client:
            return await visitor.visit(client, rasa_like.url, 0.01, stop, at_least=4)

    assert len(asyncio.run(stopped_at_once())) == 4
