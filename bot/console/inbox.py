"""The counselor's live inbox: students waiting for a person, their conversation, and the answer.

A waiting handoff (bot/handoff.py) is claimed by one staff account, so two counselors never
answer the same student; only the claimer replies, and the claimer or the office hands the
conversation back to the assistant. Replies and the hand-back go through the same functions as
`python -m bot handoffs reply|close` (`handoff.send_reply`, `handoff.hand_back`), so the student's
widget shows them like any bot message.

The transcript is the one copied at handoff time plus what was said since, read from Rasa's
tracker store (the student's messages after the handoff exist only there). The text is shown
unmasked: this is the counselor's own work view of a conversation they are answering.

Live updates: `GET /inbox/events` is a Server-Sent Events stream that polls the program database
and the tracker store every POLL_SECONDS and sends a new version whenever the waiting list or the
open conversation changed; console-inbox.js then fetches the page again and swaps the changed
parts. The stream ends after STREAM_SECONDS (the browser reconnects, which checks the session
again); without the script the page's "Refresh" link does the same by hand.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Engine, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from bot import handoff, rasa_api
from bot.accounts import StaffUser
from bot.console import inbox_pages
from bot.console.auth import check_csrf, csrf_token, require_role
from bot.console.inbox_pages import page_url
from bot.db import sqlite_file_missing
from bot.models import Handoff, StaffAccount
from bot.retention import tracker_store_url_for_this_environment
from bot.settings import load_settings
from bot.tracker_tables import events

if TYPE_CHECKING:
    from bot.console.app import ConsoleConfig

logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).resolve().parent.parent / "web" / "static" / "console-inbox.js"
ROLES = ("counselor", "office")
REPLY_MAX_CHARS = 2000
# The newest lines of a conversation shown: enough to answer, bounded for a very long chat.
MAX_LINES = 200
# How often the stream looks for changes, how long one stream lasts before the browser
# reconnects (and the session is checked again), and how often an idle stream says it is alive.
POLL_SECONDS = 1.0
STREAM_SECONDS = 300.0
KEEPALIVE_SECONDS = 15.0
RECONNECT_MILLISECONDS = 3000


class InboxRefused(Exception):
    """The action is not for this account or this conversation now; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class WaitingRow:
    conversation_id: str
    requested_at: datetime  # UTC
    claimed_by: int | None
    claimer_name: str | None
    # The student's last message before the handoff (what they want), "" when none.
    preview: str


@dataclass(frozen=True)
class Line:
    sender: str  # "student", "bot" or "counselor"
    text: str


@dataclass(frozen=True)
class Conversation:
    row: WaitingRow
    lines: tuple[Line, ...]
    # Why the messages since the handoff are missing ("" when they were read).
    problem: str = ""


@dataclass(frozen=True)
class Snapshot:
    """What the live page shows, reduced to what tells that it changed."""

    waiting: tuple[tuple[str, int | None], ...]
    # Count and last event id of the open conversation's messages since the handoff; None when
    # no waiting conversation is open or the tracker store cannot be read.
    messages: tuple[int, int] | None

    @property
    def version(self) -> str:
        digest = hashlib.sha256(repr((self.waiting, self.messages)).encode()).hexdigest()
        return digest[:16]


# ---- the program database: the queue and its claims ------------------------------------------


def waiting_rows(session: Session) -> list[WaitingRow]:
    """The waiting conversations, oldest first, with who claimed each."""
    rows = session.execute(
        select(Handoff, StaffAccount.display_name)
        .outerjoin(StaffAccount, StaffAccount.id == Handoff.claimed_by)
        .where(Handoff.status == "waiting")
        .order_by(Handoff.requested_at, Handoff.id)
    ).all()
    return [_row(item, name) for item, name in rows]


def _row(item: Handoff, claimer_name: str | None) -> WaitingRow:
    said = [line for line in item.transcript if line.get("from") == "student"]
    return WaitingRow(
        conversation_id=item.conversation_id,
        requested_at=item.requested_at,
        claimed_by=item.claimed_by,
        claimer_name=claimer_name,
        preview=str(said[-1].get("text", "")) if said else "",
    )


def _waiting(session: Session, conversation_id: str) -> Handoff | None:
    return session.scalars(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status == "waiting")
        .order_by(Handoff.id)
    ).first()


def _holder(session: Session, item: Handoff) -> str:
    if item.claimed_by is None:
        return "nobody"
    query = select(StaffAccount.display_name).where(StaffAccount.id == item.claimed_by)
    name = session.scalar(query)
    return name or "another account"


def claim(
    factory: sessionmaker[Session], user: StaffUser, conversation_id: str, now: datetime
) -> str:
    """Make `user` the one answering the conversation; returns what to tell them.

    One conditional UPDATE, so of two counselors clicking at once exactly one gets it. A
    counselor cannot take a conversation another account holds; the office can (someone went
    home with a student waiting)."""
    with factory() as session, session.begin():
        statement = update(Handoff).where(
            Handoff.conversation_id == conversation_id,
            Handoff.status == "waiting",
            sa.or_(Handoff.claimed_by.is_(None), Handoff.claimed_by != user.id),
        )
        if user.role != "office":
            statement = statement.where(Handoff.claimed_by.is_(None))
        item = _waiting(session, conversation_id)
        previous = _holder(session, item) if item is not None else "nobody"
        result = session.execute(
            statement.values(claimed_by=user.id, claimed_at=now),
            execution_options={"synchronize_session": False},
        )
        if isinstance(result, CursorResult) and result.rowcount:
            if previous != "nobody":
                logger.info("Console: account %d took over a handoff", user.id)
                return f"You took this conversation over from {previous}."
            logger.info("Console: account %d claimed a handoff", user.id)
            return "You claimed this conversation: the student is yours to answer."
        item = _waiting(session, conversation_id)
        if item is None:
            raise InboxRefused("This conversation is no longer waiting for a counselor.")
        if item.claimed_by == user.id:
            return "You already have this conversation."
        raise InboxRefused(f"{_holder(session, item)} is already answering this student.")


def check_may_reply(factory: sessionmaker[Session], user: StaffUser, conversation_id: str) -> None:
    """Only the account that claimed a waiting conversation answers in it."""
    with factory() as session:
        item = _waiting(session, conversation_id)
        if item is None:
            raise InboxRefused("This conversation is no longer waiting for a counselor.")
        if item.claimed_by != user.id:
            if item.claimed_by is None:
                raise InboxRefused("Claim this conversation before you answer.")
            raise InboxRefused(f"{_holder(session, item)} is answering this student, not you.")


def check_may_close(factory: sessionmaker[Session], user: StaffUser, conversation_id: str) -> None:
    """The claimer hands the conversation back; so may the office, claimed or not."""
    with factory() as session:
        item = _waiting(session, conversation_id)
        if item is None:
            raise InboxRefused("This conversation is no longer waiting for a counselor.")
        if user.role != "office" and item.claimed_by != user.id:
            if item.claimed_by is None:
                raise InboxRefused("Claim this conversation before you hand it back.")
            raise InboxRefused(f"{_holder(session, item)} is answering this student, not you.")


def reply_text(raw: object) -> str:
    """The reply as sent: 1 to REPLY_MAX_CHARS characters once surrounding space is removed."""
    text = str(raw or "").strip()
    if not text:
        raise InboxRefused("Write a reply before sending it.")
    if len(text) > REPLY_MAX_CHARS:
        raise InboxRefused(
            f"A reply can be at most {REPLY_MAX_CHARS} characters; this one has {len(text)}. "
            "Send it in two parts."
        )
    return text


# ---- the tracker store: what was said since the handoff ---------------------------------------

_ENGINES: dict[str, Engine] = {}


class TrackerUnreadable(Exception):
    """The tracker store cannot be read; the message says why (no SQL, no students' text)."""


def _tracker_engine(tracker_url: str) -> Engine:
    """One engine per tracker store (the stream polls every second); never creates a SQLite
    file that is not there yet."""
    url = tracker_store_url_for_this_environment(tracker_url)
    if sqlite_file_missing(url):
        raise TrackerUnreadable("the tracker store has no conversations yet")
    engine = _ENGINES.get(tracker_url)
    if engine is None:
        engine = _ENGINES[tracker_url] = sa.create_engine(url, pool_pre_ping=True)
    return engine


def dispose_tracker_engines() -> None:
    """Close the cached tracker store connections (tests drop their databases afterwards)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def _since(conversation_id: str, requested_at: datetime) -> list[sa.ColumnElement[bool]]:
    return [
        events.c.sender_id == conversation_id,
        events.c.type_name.in_(("user", "bot")),
        events.c.timestamp > requested_at.timestamp(),
    ]


def messages_since(tracker_url: str, conversation_id: str, requested_at: datetime) -> list[Line]:
    """The student's, the bot's and counselors' messages after `requested_at`, oldest first."""
    query = (
        sa.select(events.c.type_name, events.c.data)
        .where(*_since(conversation_id, requested_at))
        .order_by(events.c.id)
    )
    try:
        with _tracker_engine(tracker_url).connect() as connection:
            rows = connection.execute(query).all()
    except SQLAlchemyError as error:
        logger.warning("Console inbox: tracker store unreadable: %s", type(error).__name__)
        raise TrackerUnreadable("the tracker store cannot be read just now") from None
    lines = []
    for type_name, data in rows:
        line = _line(type_name, data)
        if line is not None:
            lines.append(line)
    return lines


def _line(type_name: str, data: str | None) -> Line | None:
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return None
    if not isinstance(event, dict) or not event.get("text"):
        return None
    if type_name == "user":
        return Line("student", str(event["text"]))
    metadata = event.get("metadata")
    counselor = isinstance(metadata, dict) and metadata.get("sender") == "counselor"
    return Line("counselor" if counselor else "bot", str(event["text"]))


def _marker(tracker_url: str, conversation_id: str, requested_at: datetime) -> tuple[int, int]:
    query = sa.select(sa.func.count(events.c.id), sa.func.max(events.c.id)).where(
        *_since(conversation_id, requested_at)
    )
    with _tracker_engine(tracker_url).connect() as connection:
        count, last = connection.execute(query).one()
    return int(count or 0), int(last or 0)


def conversation(
    factory: sessionmaker[Session], tracker_url: str, conversation_id: str
) -> Conversation | None:
    """The waiting conversation with its transcript; None when it is not waiting. When the
    tracker store cannot be read, the copied transcript and why the rest is missing."""
    with factory() as session:
        item = _waiting(session, conversation_id)
        if item is None:
            return None
        row = _row(item, item.claimer.display_name if item.claimer is not None else None)
        copied = [
            Line("student" if line.get("from") == "student" else "bot", str(line.get("text", "")))
            for line in item.transcript
        ]
    try:
        since = messages_since(tracker_url, conversation_id, row.requested_at)
    except TrackerUnreadable as error:
        return Conversation(row, tuple(copied[-MAX_LINES:]), problem=str(error))
    return Conversation(row, tuple([*copied, *since][-MAX_LINES:]))


# ---- live updates ------------------------------------------------------------------------------


def snapshot(
    factory: sessionmaker[Session], tracker_url: str, conversation_id: str | None
) -> Snapshot:
    """The waiting list and the open conversation's message marker, read now."""
    with factory() as session:
        rows = session.execute(
            select(Handoff.conversation_id, Handoff.claimed_by, Handoff.requested_at)
            .where(Handoff.status == "waiting")
            .order_by(Handoff.requested_at, Handoff.id)
        ).all()
    waiting = tuple((row[0], row[1]) for row in rows)
    messages = None
    opened = next((row for row in rows if row[0] == conversation_id), None)
    if opened is not None:
        try:
            messages = _marker(tracker_url, opened[0], opened[2])
        except (TrackerUnreadable, SQLAlchemyError):
            messages = None
    return Snapshot(waiting, messages)


def changes(before: Snapshot | None, after: Snapshot) -> list[str]:
    """What changed between two snapshots: "waiting" (list or claims), "messages" (the open
    conversation). Everything is new on the first one."""
    if before is None:
        return ["waiting", "messages"]
    changed = []
    if before.waiting != after.waiting:
        changed.append("waiting")
    if before.messages != after.messages:
        changed.append("messages")
    return changed


def sse_event(after: Snapshot, changed: list[str]) -> str:
    """One `inbox` event: the new version and what changed (no students' text in the stream)."""
    data = json.dumps({"version": after.version, "changed": changed})
    return f"event: inbox\ndata: {data}\n\n"


async def event_stream(
    compute: Callable[[], Awaitable[Snapshot]],
    disconnected: Callable[[], Awaitable[bool]],
    poll_seconds: float = POLL_SECONDS,
    lifetime_seconds: float = STREAM_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[str]:
    """The stream's text: the current version first, then an event for each change, a comment
    when idle (so proxies keep the connection), until `lifetime_seconds` or the browser leaves.
    A database failure ends the stream; the browser retries after RECONNECT_MILLISECONDS."""
    yield f"retry: {RECONNECT_MILLISECONDS}\n\n"
    try:
        previous = await compute()
    except SQLAlchemyError as error:
        logger.warning("Console inbox stream: database unavailable: %s", type(error).__name__)
        return
    yield sse_event(previous, changes(None, previous))
    started = last_sent = clock()
    while clock() - started < lifetime_seconds:
        await asyncio.sleep(poll_seconds)
        if await disconnected():
            return
        try:
            current = await compute()
        except SQLAlchemyError as error:
            logger.warning("Console inbox stream: database unavailable: %s", type(error).__name__)
            return
        changed = changes(previous, current)
        if changed:
            yield sse_event(current, changed)
            last_sent = clock()
        elif clock() - last_sent >= KEEPALIVE_SECONDS:
            yield ": still here\n\n"
            last_sent = clock()
        previous = current


# ---- routes ------------------------------------------------------------------------------------


def routes(factory: sessionmaker[Session], config: ConsoleConfig) -> list[Route]:
    """The inbox's routes, relative to the console's mount."""
    tracker_url = load_settings().tracker_store_url

    def base(request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    def selected(request: Request) -> str | None:
        return request.query_params.get("c") or None

    def flash(request: Request, text: str, alert: bool = False) -> None:
        request.session["inbox_flash"] = {"text": text, "alert": alert}

    async def render(
        request: Request,
        user: StaffUser,
        conversation_id: str | None,
        *,
        alert: str = "",
        draft: str = "",
        status: int = 200,
    ) -> Response:
        rows, opened, current = await run_in_threadpool(
            _page_data, factory, tracker_url, conversation_id
        )
        notice = request.session.pop("inbox_flash", None)
        if isinstance(notice, dict) and notice.get("alert"):
            alert = alert or str(notice.get("text", ""))
            notice = None
        html = inbox_pages.render_inbox(
            inbox_pages.InboxView(
                base=base(request),
                user=user,
                csrf=csrf_token(request),
                rows=rows,
                selected_id=conversation_id,
                conversation=opened,
                now=config.clock(),
                zone=config.school_timezone,
                version=current.version,
                notice=str(notice.get("text", "")) if isinstance(notice, dict) else "",
                alert=alert,
                draft=draft,
                max_chars=REPLY_MAX_CHARS,
            )
        )
        return HTMLResponse(html, status_code=status)

    async def inbox_page(request: Request) -> Response:
        user = await require_role(request, factory, *ROLES)
        return await render(request, user, selected(request))

    async def claim_route(request: Request) -> Response:
        user = await require_role(request, factory, *ROLES)
        await check_csrf(request)
        conversation_id = request.path_params["conversation"]
        try:
            message = await run_in_threadpool(claim, factory, user, conversation_id, config.clock())
        except InboxRefused as refused:
            flash(request, refused.message, alert=True)
        else:
            flash(request, message)
        return RedirectResponse(page_url(base(request), conversation_id), status_code=303)

    async def reply_route(request: Request) -> Response:
        user = await require_role(request, factory, *ROLES)
        await check_csrf(request)
        conversation_id = request.path_params["conversation"]
        draft = str((await request.form()).get("text") or "")
        try:
            text = reply_text(draft)
            await run_in_threadpool(check_may_reply, factory, user, conversation_id)
        except InboxRefused as refused:
            return await render(
                request, user, conversation_id, alert=refused.message, draft=draft, status=400
            )
        try:
            await run_in_threadpool(handoff.send_reply, conversation_id, text)
        except rasa_api.RasaApiError as error:
            logger.error("Console inbox: reply not delivered: %s", error)
            return await render(
                request,
                user,
                conversation_id,
                alert=(
                    "Your reply was NOT sent: the chat server cannot be reached just now. "
                    "It is kept below; try again in a moment. "
                    f"(Details for the administrator: {error})"
                ),
                draft=draft,
                status=503,
            )
        logger.info("Console: account %d replied in a handoff", user.id)
        flash(request, "Sent to the student.")
        return RedirectResponse(page_url(base(request), conversation_id), status_code=303)

    async def close_route(request: Request) -> Response:
        user = await require_role(request, factory, *ROLES)
        await check_csrf(request)
        conversation_id = request.path_params["conversation"]
        try:
            await run_in_threadpool(check_may_close, factory, user, conversation_id)
        except InboxRefused as refused:
            flash(request, refused.message, alert=True)
            return RedirectResponse(page_url(base(request), conversation_id), status_code=303)
        try:
            await run_in_threadpool(handoff.hand_back, factory, conversation_id)
        except rasa_api.RasaApiError as error:
            logger.error("Console inbox: hand-back not delivered: %s", error)
            return await render(
                request,
                user,
                conversation_id,
                alert=(
                    "The conversation was NOT handed back: the chat server cannot be reached "
                    "just now, so it stays with you. Try again in a moment. "
                    f"(Details for the administrator: {error})"
                ),
                status=503,
            )
        logger.info("Console: account %d handed a conversation back to the bot", user.id)
        flash(request, "The conversation is back with the assistant, and the student was told.")
        return RedirectResponse(page_url(base(request)), status_code=303)

    async def stream_route(request: Request) -> Response:
        await require_role(request, factory, *ROLES)
        conversation_id = selected(request)

        async def compute() -> Snapshot:
            return await run_in_threadpool(snapshot, factory, tracker_url, conversation_id)

        return StreamingResponse(
            event_stream(
                compute,
                request.is_disconnected,
                poll_seconds=POLL_SECONDS,
                lifetime_seconds=STREAM_SECONDS,
            ),
            media_type="text/event-stream",
            headers={"X-Accel-Buffering": "no"},
        )

    async def script(request: Request) -> Response:
        try:
            body = SCRIPT.read_bytes()
        except FileNotFoundError:
            return PlainTextResponse("Not found.\n", status_code=404)
        return Response(body, media_type="text/javascript; charset=utf-8")

    return [
        Route("/inbox", inbox_page, methods=["GET"]),
        Route("/inbox/events", stream_route, methods=["GET"]),
        Route("/console-inbox.js", script, methods=["GET"]),
        Route("/inbox/{conversation:path}/claim", claim_route, methods=["POST"]),
        Route("/inbox/{conversation:path}/reply", reply_route, methods=["POST"]),
        Route("/inbox/{conversation:path}/close", close_route, methods=["POST"]),
    ]


def _page_data(
    factory: sessionmaker[Session], tracker_url: str, conversation_id: str | None
) -> tuple[list[WaitingRow], Conversation | None, Snapshot]:
    # The version first: a change while the page is read then makes the stream's version differ,
    # so the script fetches the page again rather than miss it.
    current = snapshot(factory, tracker_url, conversation_id)
    with factory() as session:
        rows = waiting_rows(session)
    opened = conversation(factory, tracker_url, conversation_id) if conversation_id else None
    return rows, opened, current
