"""The counselor's live inbox: students waiting for a person, their conversation, and the answer.

A waiting handoff (bot/handoff/service.py) is claimed by one staff account, so two counselors never
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
again); without the script the page's "Refresh" link does the same by hand."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

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

from bot.console import inbox_pages
from bot.console.auth import check_csrf, csrf_token, require_role
from bot.console.inbox_pages import page_url
from bot.handoff import service as handoff
from bot.rasa_server import client as rasa_api
from bot.settings import load_settings
from bot.staff.accounts import StaffUser
from bot.staff.inbox import (
    REPLY_MAX_CHARS,
    ROLES,
    Conversation,
    InboxRefused,
    Snapshot,
    WaitingRow,
    changes,
    check_may_close,
    check_may_reply,
    claim,
    conversation,
    reply_text,
    snapshot,
    waiting_rows,
)

if TYPE_CHECKING:
    from bot.console.config import ConsoleConfig

logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).resolve().parent.parent / "web" / "static" / "console-inbox.js"
# How often the stream looks for changes, how long one stream lasts before the browser
# reconnects (and the session is checked again), and how often an idle stream says it is alive.
POLL_SECONDS = 1.0
STREAM_SECONDS = 300.0
KEEPALIVE_SECONDS = 15.0
RECONNECT_MILLISECONDS = 3000


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
