"""What a fuzz run sends: REST requests and socket.io exchanges built from the hostile texts.

A run is a fixed list of cases made from one seed, so it can be repeated exactly. Besides the
texts (sent in well-formed requests, so they reach the channel and NLU), the REST side sends
bodies that are not JSON, JSON of the wrong shape and wrong content types; the socket.io side
sends from senders the server does not know, for other visitors' sessions, and from pages
on origins it does not allow.
"""

from __future__ import annotations

import functools
import json
import random
import uuid
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from tools.fuzzing import hostile_text
from tools.fuzzing.hostile_text import TextGenerator

REST = "rest"
SOCKETIO = "socketio"

# Kinds that only make sense on one channel (the texts go over both).
REST_BODY_KINDS = ("invalid_json", "wrong_shape", "wrong_content_type")

# Share of each kind in a run: every REST kind alike; socket.io gets about 15% of the messages,
# its texts most of that, since those exercise NLU behind the other channel.
REST_WEIGHT = 10
SOCKET_WEIGHTS = {"text": 12, "unknown_sender": 6, "other_session": 3, "disallowed_origin": 1}

DISALLOWED_ORIGINS = (
    "http://evil.example",
    "null",
    "https://localhost:8000.evil.example",
    "file://",
    "http://localhost:8001",
)


@dataclass(frozen=True)
class RestCase:
    """One POST to the REST webhook."""

    kind: str
    body: bytes
    content_type: str | None  # None: no Content-Type header at all
    message: str = ""  # the text inside, to tell a reply's echo from the server's own words
    query: str = ""  # e.g. "stream=true", which Rasa's REST channel reads
    sender: str = ""  # the conversation it was meant for, to replay it


@dataclass(frozen=True)
class SocketCase:
    """One socket.io client: connect, maybe ask for a session, send one `user_uttered`."""

    kind: str
    origin: str | None  # the Origin header; None sends none, as a non-browser client
    session_request: Any  # payload of `session_request`; NO_SESSION_REQUEST skips it
    payload: Any  # payload of `user_uttered`
    victim_session: str = ""  # another client holds this session; it must hear nothing

    @property
    def message(self) -> str:
        return str(self.payload.get("message", "")) if isinstance(self.payload, dict) else ""

    @property
    def session(self) -> str:
        """The session the message names, as text (it may be anything)."""
        return (
            str(self.payload.get("session_id", ""))[:80] if isinstance(self.payload, dict) else ""
        )


NO_SESSION_REQUEST = "<no session_request>"


def domain_names(domain: Path) -> tuple[list[str], list[str]]:
    """The intents and entities of the domain, which forged payloads name beside bogus ones."""
    content = yaml.safe_load(domain.read_text()) or {}
    intents = [
        next(iter(item)) if isinstance(item, dict) else str(item)
        for item in content.get("intents", [])
    ]
    entities = [
        next(iter(item)) if isinstance(item, dict) else str(item)
        for item in content.get("entities", [])
    ]
    return intents, entities


def text_generators(
    intents: Sequence[str] = (), entities: Sequence[str] = ()
) -> dict[str, TextGenerator]:
    """The text kinds, with forged payloads naming this domain's intents and entities."""
    return {
        **hostile_text.TEXT_KINDS,
        "forged_intent": functools.partial(
            hostile_text.forged_intent, intents=intents, entities=entities
        ),
    }


def json_body(payload: Any, rng: random.Random) -> bytes:
    """``payload`` as JSON, sometimes with non-ASCII escaped; escaped always where it must be
    (lone surrogates cannot be written as UTF-8)."""
    if rng.random() < 0.5:
        try:
            return json.dumps(payload, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            pass
    return json.dumps(payload).encode("ascii")


def text_case(kind: str, text: str, sender: str, rng: random.Random) -> RestCase:
    return RestCase(
        kind,
        json_body({"sender": sender, "message": text}, rng),
        "application/json",
        text,
        sender=sender,
    )


def invalid_json_case(sender: str, rng: random.Random) -> RestCase:
    valid = json.dumps({"sender": sender, "message": "how much is tuition?"}).encode()
    body = rng.choice(
        (
            b"",
            b"{",
            valid[:-1],
            valid + b"}",
            valid + b'{"sender": "x"}',
            valid.replace(b'"', b"'"),
            valid[:-1] + b",}",
            b'{"sender": "' + sender.encode() + b'", "message": "\xc3\x28 \xff\xfe"}',
            b'{"sender": "' + sender.encode() + b'", "message": "\\uZZZZ"}',
            b"\xef\xbb\xbf" + valid,
            b"\xff\xfe" + valid.decode().encode("utf-16-le"),
            b"[" * 20_000 + b"]" * 20_000,
            b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
            b"NaN",
            b"Infinity",
            b'{"sender": "a", "message": "hi", }',
            b"\x00" * 64,
            b"\xff" + rng.randbytes(rng.choice((1, 100, 10_000))),  # never UTF-8, so never JSON
        )
    )
    return RestCase("invalid_json", body, "application/json", sender=sender)


def wrong_shape_case(sender: str, rng: random.Random) -> RestCase:
    """Valid JSON that is not `{"sender": str, "message": str}`."""
    message = rng.choice(hostile_text.QUESTIONS)
    payload = rng.choice(
        (
            [],
            [{"sender": sender, "message": message}],
            None,
            "hello",
            42,
            True,
            {},
            {"sender": sender},
            {"message": message},
            {"sender": None, "message": message},
            {"sender": 123, "message": message},
            {"sender": [sender], "message": message},
            {"sender": {"$ne": None}, "message": message},
            {"sender": sender, "message": None},
            {"sender": sender, "message": 42},
            {"sender": sender, "message": [message]},
            {"sender": sender, "message": {"text": message}},
            {"sender": "", "message": message},
            {"sender": "s" * 10_000, "message": message},
            {"sender": "../../../etc/passwd", "message": message},
            {"sender": "a\u0000b", "message": message},
            {"sender": "\u202e" + sender, "message": message},
            {"sender": sender, "message": message, "metadata": "not an object"},
            {"sender": sender, "message": message, "metadata": [1, 2, 3]},
            {"sender": sender, "message": message, "metadata": {"client_id": "0123456789abcdef"}},
            {"sender": sender, "message": message, "metadata": {"a": {"b": {"c": ["d"] * 1_000}}}},
            {"sender": sender, "message": message, "input_channel": "socketio"},
            {"sender": sender, "message": message, "input_channel": {"x": 1}},
        )
    )
    body = json_body(payload, rng)
    if rng.random() < 0.05:  # a number with more digits than Python turns into an int
        body = b'{"sender": ' + b"9" * 5_000 + b', "message": "hi"}'
    elif rng.random() < 0.05:
        body = b'{"sender": "a", "sender": "b", "message": "hi", "message": {"x": 1}}'
    query = rng.choice(("", "", "", "", "stream=true", "stream=maybe", "stream=true&stream=false"))
    return RestCase("wrong_shape", body, "application/json", message, query, sender)


def wrong_content_type_case(sender: str, rng: random.Random) -> RestCase:
    valid = json.dumps({"sender": sender, "message": "how much is tuition?"})
    content_type, body = rng.choice(
        (
            ("text/plain", b"how much is tuition?"),
            ("text/plain", valid.encode()),
            (
                "application/x-www-form-urlencoded",
                f"sender={sender}&message=how+much+is+tuition%3F".encode(),
            ),
            (
                "multipart/form-data; boundary=fuzz",
                f'--fuzz\r\nContent-Disposition: form-data; name="sender"\r\n\r\n{sender}\r\n'
                f'--fuzz\r\nContent-Disposition: form-data; name="message"\r\n\r\n'
                "hi\r\n--fuzz--\r\n".encode(),
            ),
            ("multipart/form-data", b"--\r\n\r\n"),
            (
                "application/xml",
                f"<message><sender>{sender}</sender><text>hi</text></message>".encode(),
            ),
            ("text/html", b"<script>alert(1)</script>"),
            (None, b"hello"),
            (None, valid.encode()),
            ("application/json; charset=utf-16", valid.encode("utf-16")),
            (
                "application/json; charset=latin-1",
                '{"sender": "a", "message": "café"}'.encode("latin-1"),
            ),
            ("application/octet-stream", rng.randbytes(256)),
            ("application/json", f"sender={sender}&message=hi".encode()),
            ("image/png", b"\x89PNG\r\n\x1a\n" + rng.randbytes(512)),
            ("application/msgpack", b"\x82\xa6sender\xa1a\xa7message\xa2hi"),
            ("💥/💥", valid.encode()),
        )
    )
    return RestCase("wrong_content_type", body, content_type, sender=sender)


def rest_case(
    kind: str, sender: str, rng: random.Random, generators: dict[str, TextGenerator]
) -> RestCase:
    if kind == "invalid_json":
        return invalid_json_case(sender, rng)
    if kind == "wrong_shape":
        return wrong_shape_case(sender, rng)
    if kind == "wrong_content_type":
        return wrong_content_type_case(sender, rng)
    return text_case(kind, generators[kind](rng), sender, rng)


def _session_id(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128)).hex


def socket_case(
    kind: str, rng: random.Random, generators: dict[str, TextGenerator], allowed_origin: str
) -> SocketCase:
    origin = allowed_origin if rng.random() < 0.8 else None
    if kind == "disallowed_origin":
        session = _session_id(rng)
        return SocketCase(
            kind,
            rng.choice(DISALLOWED_ORIGINS),
            {"session_id": session},
            {"message": rng.choice(hostile_text.QUESTIONS), "session_id": session},
        )
    if kind == "other_session":
        victim = _session_id(rng)
        return SocketCase(
            kind,
            origin,
            {"session_id": _session_id(rng)},
            {"message": rng.choice(hostile_text.QUESTIONS), "session_id": victim},
            victim_session=victim,
        )
    if kind == "unknown_sender":
        message = rng.choice(hostile_text.QUESTIONS)
        session_request, payload = rng.choice(
            (
                (NO_SESSION_REQUEST, {"message": message, "session_id": _session_id(rng)}),
                (NO_SESSION_REQUEST, {"message": message}),
                (
                    {"session_id": _session_id(rng)},
                    {"message": message, "session_id": _session_id(rng)},
                ),
                (
                    {"session_id": "../../etc/passwd"},
                    {"message": message, "session_id": "../../etc/passwd"},
                ),
                ({"session_id": "x" * 10_000}, {"message": message, "session_id": "x" * 10_000}),
                ({"session_id": 123}, {"message": message, "session_id": 123}),
                ({"session_id": {"$ne": None}}, {"message": message, "session_id": {"$ne": None}}),
                (None, {"message": message, "session_id": None}),
                ("not an object", "not an object"),
                ([1, 2], [message]),
                (NO_SESSION_REQUEST, None),
                (NO_SESSION_REQUEST, {"message": None, "session_id": _session_id(rng)}),
                (
                    NO_SESSION_REQUEST,
                    {"message": {"text": message}, "session_id": _session_id(rng)},
                ),
                (
                    {"session_id": ""},
                    {"message": message, "session_id": "", "metadata": "{not json"},
                ),
                (
                    NO_SESSION_REQUEST,
                    {"message": message, "session_id": _session_id(rng), "metadata": [1]},
                ),
            )
        )
        return SocketCase(kind, origin, session_request, payload)
    # A hostile text in a session of the client's own.
    text_kind = rng.choice(tuple(generators))
    text = generators[text_kind](rng)
    session = _session_id(rng)
    return SocketCase(
        text_kind, origin, {"session_id": session}, {"message": text, "session_id": session}
    )


Kind = TypeVar("Kind", bound=Hashable)


def allotment(total: int, weights: dict[Kind, int]) -> dict[Kind, int]:
    """``total`` shared out in proportion to ``weights``, largest remainders first, so the
    counts add up exactly and every kind with weight gets its share."""
    weight_sum = sum(weights.values())
    exact = {kind: total * weight / weight_sum for kind, weight in weights.items()}
    counts = {kind: int(value) for kind, value in exact.items()}
    by_remainder = sorted(weights, key=lambda kind: exact[kind] - counts[kind], reverse=True)
    for kind in by_remainder[: total - sum(counts.values())]:
        counts[kind] += 1
    return counts


@dataclass(frozen=True)
class Plan:
    rest: list[RestCase]
    socketio: list[SocketCase]

    def __len__(self) -> int:
        return len(self.rest) + len(self.socketio)


def plan(
    total: int,
    seed: int,
    senders: int,
    allowed_origin: str,
    intents: Sequence[str] = (),
    entities: Sequence[str] = (),
    sender_prefix: str = "fuzz",
) -> Plan:
    """The cases of a run of ``total`` messages from ``seed``.

    REST messages come from ``senders`` sender ids, so conversations get a few turns and
    state (a forged `/book_counselor` opens the form for the messages after it), while NLU
    runs for every message.
    """
    rng = random.Random(seed)
    generators = text_generators(intents, entities)
    rest_kinds = [*generators, *REST_BODY_KINDS]
    weights = {
        **{(REST, kind): REST_WEIGHT for kind in rest_kinds},
        **{(SOCKETIO, kind): weight for kind, weight in SOCKET_WEIGHTS.items()},
    }
    counts = allotment(total, weights)
    order = [key for key, count in counts.items() for _ in range(count)]
    rng.shuffle(order)
    sender_ids = [f"{sender_prefix}-{seed}-{index:05d}" for index in range(max(1, senders))]
    rest_cases, socket_cases = [], []
    for channel, kind in order:
        if channel == REST:
            rest_cases.append(rest_case(kind, rng.choice(sender_ids), rng, generators))
        else:
            socket_cases.append(socket_case(kind, rng, generators, allowed_origin))
    return Plan(rest_cases, socket_cases)


def per_kind(
    total_per_kind: int,
    seed: int,
    allowed_origin: str,
    intents: Sequence[str] = (),
    entities: Sequence[str] = (),
) -> Plan:
    """``total_per_kind`` cases of every REST kind and every socket.io kind (a small sample, as
    the end-to-end tests send), each from its own sender."""
    rng = random.Random(seed)
    generators = text_generators(intents, entities)
    rest_cases = [
        rest_case(kind, f"sample-{seed}-{kind}-{index}", rng, generators)
        for kind in [*generators, *REST_BODY_KINDS]
        for index in range(total_per_kind)
    ]
    socket_cases = [
        socket_case(kind, rng, generators, allowed_origin)
        for kind in SOCKET_WEIGHTS
        for _ in range(total_per_kind)
    ]
    return Plan(rest_cases, socket_cases)
