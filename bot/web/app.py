"""The site as an ASGI application (Starlette): the program page, its stylesheet and the widget.

Every response carries a Content-Security-Policy that lets the page load nothing from any
other host and talk to nothing but the bot server, so a mistake in the page (or a compromised
dependency in the bundle) cannot pull in third-party content or send data elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.console import console_app
from bot.knowledge.catalog import CatalogUnavailable
from bot.web.content import PageContent, read_page_content
from bot.web.page import render_privacy_page, render_program_page, render_unavailable_page
from bot.web.settings import SiteSettings

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"


def content_security_policy(bot_url: str) -> str:
    """Only this site's own files; connections only to the bot (HTTP polling and WebSocket)."""
    bot = urlsplit(bot_url)
    websocket_scheme = "wss" if bot.scheme == "https" else "ws"
    bot_origins = f"{bot.scheme}://{bot.netloc} {websocket_scheme}://{bot.netloc}"
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {bot_origins}",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """Adds the security headers to every response, errors included (pure ASGI, so streamed
    and gzipped responses are covered as well)."""

    def __init__(self, app: ASGIApp, bot_url: str) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": content_security_policy(bot_url),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cache-Control": "no-cache",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                if not headers.get("content-type", "").startswith("text/html"):
                    # The bundle may be embedded by the school's other sites.
                    headers.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_site(
    settings: SiteSettings, read_content: Callable[[], PageContent] | None = None
) -> Starlette:
    """Routes: `/` (the program page), `/privacy`, `/site.css`, `/widget/chat-widget.js`, and
    the staff console under `/console` (bot/console).

    `read_content` replaces the database read in tests."""
    read = read_content or (lambda: read_page_content(settings.database_url))

    def program_page(request: Request) -> Response:
        # A plain function: Starlette runs it in its thread pool, so the database read never
        # blocks the event loop.
        try:
            content = read()
        except CatalogUnavailable as error:
            # The first line names the problem ("no such table: career"); the SQL is noise.
            logger.error("program page: the catalog cannot be read: %s", str(error).splitlines()[0])
            return HTMLResponse(render_unavailable_page(settings.widget), status_code=503)
        return HTMLResponse(render_program_page(content, settings.widget))

    def privacy_page(request: Request) -> Response:
        return HTMLResponse(render_privacy_page(settings.widget))

    def stylesheet(request: Request) -> Response:
        return _file(STATIC_DIR / "site.css", "text/css; charset=utf-8")

    def widget_bundle(request: Request) -> Response:
        return _file(
            settings.widget_bundle,
            "text/javascript; charset=utf-8",
            missing="The widget is not built: run `npm ci && npm run build` in widget/.\n",
        )

    return Starlette(
        routes=[
            Route("/", program_page),
            Route("/privacy", privacy_page),
            Route("/site.css", stylesheet),
            Route("/widget/chat-widget.js", widget_bundle),
            Mount("/console", app=console_app(database_url=settings.database_url)),
        ],
        middleware=[
            Middleware(SecurityHeaders, bot_url=settings.widget.bot_url),
            Middleware(GZipMiddleware, minimum_size=1024),
        ],
        exception_handlers={404: _not_found, 405: _method_not_allowed},
    )


def _file(path: Path, content_type: str, missing: str = "Not found.\n") -> Response:
    try:
        return Response(path.read_bytes(), media_type=content_type)
    except FileNotFoundError:
        return PlainTextResponse(missing, status_code=404)


async def _not_found(request: Request, error: Exception) -> Response:
    return PlainTextResponse("Not found.\n", status_code=404)


async def _method_not_allowed(request: Request, error: Exception) -> Response:
    return PlainTextResponse(
        "Method not allowed.\n", status_code=405, headers={"Allow": "GET, HEAD"}
    )
