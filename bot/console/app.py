"""The staff console as a Starlette application, mounted by the site at /console.

Routes (relative to the mount): `/` (to the appointments), `/login` (GET form, POST sign-in),
`/logout` (POST), `/appointments`, `/appointments.csv`, `/appointments/{reference}/outcome`
(POST), `/accounts` (office only), `/console.css`; the inbox, facts, knowledge base and
insights pages add theirs (bot/console/inbox.py, facts.py, knowledge_base.py, insights.py).
Every POST carries the session's CSRF token. Errors answer with a page that says what happened:
the sign-in page for no session, 403 for a page or appointment not for this account, 503 when the
database cannot be reached.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.booking.service import BookingUnavailable
from bot.console import appointments, inbox, insights, pages
from bot.console import facts as facts_console
from bot.console import knowledge_base as knowledge_base_console
from bot.console.auth import (
    SESSION_LIFETIME_SECONDS,
    CsrfRejected,
    Forbidden,
    LoginRequired,
    check_csrf,
    csrf_token,
    end_session,
    require_role,
    stamp_for,
    start_session,
)
from bot.console.config import ConsoleConfig, config_from_settings
from bot.database.db import session_factory
from bot.settings import load_settings
from bot.staff import accounts

logger = logging.getLogger(__name__)

STYLESHEET = Path(__file__).resolve().parent.parent / "web" / "static" / "console.css"
SESSION_COOKIE = "console_session"
STAFF = ("counselor", "office")


def console_app(config: ConsoleConfig | None = None, *, database_url: str | None = None) -> ASGIApp:
    """The console; without `config` it is built from the settings at its first request, so
    serving the public pages (and their tests) never touches the console's secret file."""
    if config is not None:
        return _build(config)
    return _Deferred(lambda: _build(config_from_settings(load_settings(), database_url)))


class _Deferred:
    def __init__(self, build: Callable[[], ASGIApp]) -> None:
        self._build = build
        self._app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._app is None:
            self._app = self._build()  # no await in between: built once per event loop
        await self._app(scope, receive, send)


class _NoStore:
    """Pages with students' contact details are never kept in a browser's or proxy's cache."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_no_store if scope["type"] == "http" else send)


def _build(config: ConsoleConfig) -> Starlette:
    factory: sessionmaker[Session] = session_factory(config.database_url)
    zone = config.school_timezone

    def base(request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    def go(request: Request, page: str) -> RedirectResponse:
        return RedirectResponse(f"{base(request)}/{page}", status_code=303)

    async def home(request: Request) -> Response:
        return go(request, "appointments")

    async def login_form(request: Request) -> Response:
        if isinstance(request.session.get("account"), int):
            return go(request, "appointments")
        notice = "You are signed out." if request.query_params.get("signed_out") else ""
        return HTMLResponse(pages.render_login(base(request), csrf_token(request), notice=notice))

    async def login(request: Request) -> Response:
        await check_csrf(request)
        form = await request.form()
        email = str(form.get("email") or "")
        password = str(form.get("password") or "")
        result = await run_in_threadpool(accounts.sign_in, factory, email, password)
        if result.user is None:
            html = pages.render_login(
                base(request), csrf_token(request), message=result.message, email=email.strip()
            )
            return HTMLResponse(html, status_code=401)
        stamp = await run_in_threadpool(stamp_for, factory, result.user.id)
        start_session(request, result.user, stamp)
        logger.info("Console sign-in: account %d", result.user.id)
        return go(request, "appointments")

    async def logout(request: Request) -> Response:
        await check_csrf(request)
        end_session(request)
        return RedirectResponse(f"{base(request)}/login?signed_out=1", status_code=303)

    async def appointment_list(request: Request) -> Response:
        user = await require_role(request, factory, *STAFF)
        now = config.clock()
        rows = await run_in_threadpool(appointments.upcoming, factory, user, zone, now)
        day = appointments.start_of_today(zone, now).date()
        today = [row for row in rows if row.starts_at.date() <= day]
        later = [row for row in rows if row.starts_at.date() > day]
        flash = str(request.session.pop("flash", ""))
        html = pages.render_appointments(
            base(request), user, csrf_token(request), today, later, now.astimezone(zone), flash
        )
        return HTMLResponse(html)

    async def appointment_csv(request: Request) -> Response:
        user = await require_role(request, factory, *STAFF)
        rows = await run_in_threadpool(appointments.all_rows, factory, user, zone)
        return Response(
            appointments.write_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="appointments.csv"'},
        )

    async def record_outcome(request: Request) -> Response:
        user = await require_role(request, factory, *STAFF)
        await check_csrf(request)
        reference = request.path_params["reference"]
        outcome = str((await request.form()).get("outcome") or "")
        try:
            await run_in_threadpool(
                appointments.record_outcome, factory, user, reference, outcome, config.clock()
            )
        except appointments.OutcomeRefused as refused:
            request.session["flash"] = str(refused)
        else:
            label = appointments.STATUS_LABELS[outcome].lower()
            request.session["flash"] = f"{reference} is now marked {label}."
            logger.info("Console: account %d marked %s %s", user.id, reference, outcome)
        return go(request, "appointments")

    async def account_list(request: Request) -> Response:
        user = await require_role(request, factory, "office")
        listed = await run_in_threadpool(accounts.list_accounts, factory)
        return HTMLResponse(pages.render_accounts(base(request), user, csrf_token(request), listed))

    async def stylesheet(request: Request) -> Response:
        try:
            return Response(STYLESHEET.read_bytes(), media_type="text/css; charset=utf-8")
        except FileNotFoundError:
            return PlainTextResponse("Not found.\n", status_code=404)

    async def login_required(request: Request, error: Exception) -> Response:
        return go(request, "login")

    async def forbidden(request: Request, error: Exception) -> Response:
        message = error.message if isinstance(error, Forbidden) else str(error)
        return _error(request, "Not available", message, 403)

    async def csrf_rejected(request: Request, error: Exception) -> Response:
        return _error(
            request,
            "Form expired",
            "This form has expired or did not come from the console. "
            "Go back, reload the page and try again.",
            403,
        )

    async def unavailable(request: Request, error: Exception) -> Response:
        # The exception's text may carry SQL parameters (students' details): name its type only.
        logger.error("Console: database unavailable: %s", type(error).__name__)
        return _error(
            request,
            "Database unavailable",
            "The appointment book cannot be reached just now. Nothing was changed; "
            "try again in a minute, and tell the administrator if it goes on.",
            503,
        )

    async def not_found(request: Request, error: Exception) -> Response:
        return _error(request, "Page not found", "There is no console page at this address.", 404)

    async def not_allowed(request: Request, error: Exception) -> Response:
        return _error(request, "Not allowed", "This page cannot be used that way.", 405)

    async def server_error(request: Request, error: Exception) -> Response:
        logger.error("Console: unexpected %s", type(error).__name__, exc_info=error)
        return _error(
            request,
            "Something went wrong",
            "The console could not finish that. Nothing more is known here; the details are "
            "in the server log.",
            500,
        )

    def _error(request: Request, title: str, message: str, status: int) -> Response:
        html = pages.render_error(base(request), title, message)
        return HTMLResponse(html, status_code=status)

    return Starlette(
        routes=[
            Route("/", home),
            Route("/login", login_form, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
            Route("/logout", logout, methods=["POST"]),
            Route("/appointments", appointment_list),
            Route("/appointments.csv", appointment_csv),
            Route("/appointments/{reference}/outcome", record_outcome, methods=["POST"]),
            Route("/accounts", account_list),
            Route("/console.css", stylesheet),
            *inbox.routes(factory, config),
            *facts_console.routes(factory, config),
            *knowledge_base_console.routes(factory, config),
            *insights.routes(factory, config),
        ],
        middleware=[
            Middleware(_NoStore),
            Middleware(
                SessionMiddleware,
                secret_key=config.session_secret,
                session_cookie=SESSION_COOKIE,
                max_age=SESSION_LIFETIME_SECONDS,
                path=config.path,
                same_site="lax",
                https_only=config.secure_cookies,
            ),
        ],
        exception_handlers={
            LoginRequired: login_required,
            Forbidden: forbidden,
            CsrfRejected: csrf_rejected,
            SQLAlchemyError: unavailable,
            BookingUnavailable: unavailable,
            404: not_found,
            405: not_allowed,
            Exception: server_error,
        },
    )
