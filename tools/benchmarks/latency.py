"""Sequential per-turn latency through the REST channel, and the `/model/parse` floor beside it.

One request at a time over a kept-alive connection, so the numbers are the server's own
cost for a turn: NLU, policies, tracker load and save, and (for database answers and the
form) the action server round trip. The floor replays the same messages to `/model/parse`
(NLU alone), so turn / parse shows what dialogue handling adds.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests

from tools.benchmarks.conversations import OURS, Scripts
from tools.benchmarks.stats import ratio, summary


@dataclass
class Turn:
    kind: str
    sender: str
    turn: int  # 1-based position in its conversation
    message: str
    ms: float
    ok: bool
    reply: str = ""
    in_form: bool = False


@dataclass
class KindResult:
    kind: str
    turns: list[Turn] = field(default_factory=list)
    parse_ms: list[float] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)  # what the first conversation ran


def timed_post(
    session: requests.Session,
    url: str,
    payload: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> tuple[float, requests.Response | None]:
    started = time.perf_counter()
    try:
        response = session.post(url, json=payload, headers=headers, timeout=60)
    except requests.RequestException:
        return (time.perf_counter() - started) * 1000, None
    return (time.perf_counter() - started) * 1000, response


def reply_text(response: requests.Response | None) -> tuple[bool, str]:
    """Whether the turn was served (HTTP 200 with a list of messages), and what the bot said.

    A turn where the bot says nothing (e.g. a form step that only sets a slot) is served;
    an error is a failed request, a non-200 answer or a body that is not Rasa's reply list.
    """
    if response is None:
        return False, "no response"
    if response.status_code != 200:
        return False, f"HTTP {response.status_code}: {response.text[:120]}"
    try:
        messages = response.json()
    except ValueError:
        return False, f"not JSON: {response.text[:120]}"
    if not isinstance(messages, list):
        return False, f"not a reply list: {str(messages)[:120]}"
    return True, " / ".join(m.get("text", "") for m in messages)[:160]


def loop_at_each_user_message(tracker: dict[str, Any]) -> list[str | None]:
    """For each user message of a tracker, the form (active loop) it arrived in, if any."""
    active: str | None = None
    loops = []
    for event in tracker.get("events", []):
        if event["event"] == "active_loop":
            active = event.get("name")
        elif event["event"] == "user":
            loops.append(active)
    return loops


def actions_run(tracker: dict[str, Any]) -> list[str]:
    skip = {"action_listen", "action_session_start"}
    return [
        e["name"]
        for e in tracker.get("events", [])
        if e["event"] == "action" and e.get("name") not in skip
    ]


def run_conversations(
    servers: Any, kind: str, turns: int, conversation_turns: int, scripts: Scripts = OURS
) -> KindResult:
    """``turns`` turns of one kind, in fresh conversations of ``conversation_turns`` turns."""
    result = KindResult(kind)
    url = f"{servers.rasa_url}/webhooks/rest/webhook"
    with requests.Session() as session:
        while len(result.turns) < turns:
            sender = f"bench-{kind}-{uuid.uuid4().hex[:12]}"
            played = []
            for position, message in enumerate(scripts.script(kind, conversation_turns), start=1):
                if len(result.turns) >= turns:
                    break
                ms, response = timed_post(session, url, {"sender": sender, "message": message})
                ok, text = reply_text(response)
                played.append(Turn(kind, sender, position, message, ms, ok, text))
            tracker = servers.tracker(sender)
            # Not strict: a message the server refused or failed on may have left no user event.
            for turn, loop in zip(played, loop_at_each_user_message(tracker), strict=False):
                turn.in_form = loop is not None
            if not result.actions:
                result.actions = actions_run(tracker)
            result.turns.extend(played)
    return result


def parse_floor(servers: Any, messages: list[str]) -> list[float]:
    """`POST /model/parse` alone for the same messages: NLU without dialogue or actions."""
    url = f"{servers.api_url}/model/parse"  # the HTTP API: on a replica, not through nginx
    samples = []
    with requests.Session() as session:
        for message in messages:
            ms, response = timed_post(
                session, url, {"text": message}, headers=servers.api_headers()
            )
            if response is None or response.status_code != 200:
                raise RuntimeError(f"/model/parse failed for {message!r}")
            samples.append(ms)
    return samples


def warm_up(servers: Any, turns: int, scripts: Scripts = OURS) -> None:
    """Load every code path once (TensorFlow graphs, database connections) before measuring."""
    kinds = list(scripts.kinds)
    for index in range(turns):
        kind = kinds[index % len(kinds)]
        run_conversations(servers, kind, 1, 1, scripts)
        parse_floor(servers, scripts.script(kind, 1))


def measure(
    servers: Any, turns: int, conversation_turns: int, scripts: Scripts = OURS
) -> list[KindResult]:
    """Each kind's turns, then the floor for exactly the messages those turns sent."""
    results = [
        run_conversations(servers, kind, turns, conversation_turns, scripts)
        for kind in scripts.kinds
    ]
    for result in results:
        result.parse_ms = parse_floor(servers, [turn.message for turn in result.turns])
    return results


def latency_rows(
    results: list[KindResult],
) -> tuple[dict[str, Any], dict[str, dict[str, list[float]]]]:
    """The report's row for each kind (turn and floor percentiles, errors, the form's note),
    and the raw samples for the plot."""
    rows, samples = {}, {}
    for result in results:
        pairs = list(zip(result.turns, result.parse_ms, strict=True))  # parse_ms: one per turn
        note = ""
        if result.kind == "form":
            inside = [(turn, parse) for turn, parse in pairs if turn.in_form]
            if inside:
                note = (
                    f"{len(inside)} of {len(pairs)} turns were answered inside the form; "
                    "measured on those"
                )
                pairs = inside
            else:
                note = (
                    "no turn was inside a form (no active_loop in the tracker): the booking form "
                    "is not in this model, so these are the bot's replies to the form's messages, "
                    "e.g. "
                    f"{result.turns[1].reply!r}"
                    if len(result.turns) > 1
                    else "no form"
                )
        turn_ms = [turn.ms for turn, _ in pairs if turn.ok]
        parse_ms = [parse for turn, parse in pairs if turn.ok]
        turn, parse = summary(turn_ms), summary(parse_ms)
        rows[result.kind] = {
            "turn": turn,
            "parse": parse,
            "ratio_p50": ratio(turn["p50_ms"], parse["p50_ms"]),
            "ratio_p95": ratio(turn["p95_ms"], parse["p95_ms"]),
            "errors": sum(not turn.ok for turn, _ in pairs),
            "silent_turns": sum(turn.ok and not turn.reply for turn, _ in pairs),
            "failed_examples": [
                {"message": t.message, "reply": t.reply} for t, _ in pairs if not t.ok
            ][:5],
            "actions_first_conversation": result.actions,
            "note": note,
        }
        samples[result.kind] = {"turn": turn_ms, "parse": parse_ms}
    return rows, samples
