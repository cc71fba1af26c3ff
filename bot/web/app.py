"""The site as a WSGI application: the program page, its stylesheet and the widget bundle.

Every response carries a Content-Security-Policy that lets the page load nothing from any
other host and talk to nothing but the bot server, so a mistake in the page (or a compromised
dependency in the bundle) cannot pull in third-party content or send data elsewhere.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.catalog import CatalogUnavailable
from bot.web.content import PageContent, read_page_content
from bot.web.page import render_privacy_page, render_program_page, render_unavailable_page
from bot.web.settings import SiteSettings

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
StartResponse = Callable[[str, list[tuple[str, str]]], object]
Response = tuple[str, str, bytes]  # status, content type, body

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


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


class SiteApp:
    """Routes: `/` (the program page), `/privacy`, `/site.css`, `/widget/chat-widget.js`."""

    def __init__(
        self,
        settings: SiteSettings,
        read_content: Callable[[], PageContent] | None = None,
    ) -> None:
        self.settings = settings
        self.read_content = read_content or (lambda: read_page_content(settings.database_url))
        self.security_headers = [
            ("Content-Security-Policy", content_security_policy(settings.widget.bot_url)),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
        ]
        self.routes: dict[str, Callable[[], Response]] = {
            "/": self.program_page,
            "/privacy": lambda: ("200 OK", HTML, render_privacy_page(settings.widget).encode()),
            "/site.css": lambda: self.file(STATIC_DIR / "site.css", "text/css; charset=utf-8"),
            "/widget/chat-widget.js": lambda: self.file(
                settings.widget_bundle,
                "text/javascript; charset=utf-8",
                missing="The widget is not built: run `npm ci && npm run build` in widget/.\n",
            ),
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        route = self.routes.get(environ.get("PATH_INFO", "/"))
        if route is None:
            status, content_type, body = "404 Not Found", TEXT, b"Not found.\n"
        elif method not in ("GET", "HEAD"):
            status, content_type, body = "405 Method Not Allowed", TEXT, b"Method not allowed.\n"
        else:
            status, content_type, body = route()

        headers = [
            ("Content-Type", content_type),
            ("Cache-Control", "no-cache"),
            *self.security_headers,
        ]
        if route is not None and method not in ("GET", "HEAD"):
            headers.append(("Allow", "GET, HEAD"))
        if content_type != HTML:
            # The bundle may be embedded by the school's other sites.
            headers.append(("Cross-Origin-Resource-Policy", "cross-origin"))
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "") and len(body) > 1024:
            body = gzip.compress(body, compresslevel=6)
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [] if method == "HEAD" else [body]

    def program_page(self) -> Response:
        try:
            content = self.read_content()
        except CatalogUnavailable as error:
            # The first line names the problem ("no such table: career"); the SQL after it is noise.
            logger.error("program page: the catalog cannot be read: %s", str(error).splitlines()[0])
            return (
                "503 Service Unavailable",
                HTML,
                render_unavailable_page(self.settings.widget).encode(),
            )
        return "200 OK", HTML, render_program_page(content, self.settings.widget).encode()

    @staticmethod
    def file(path: Path, content_type: str, missing: str = "Not found.\n") -> Response:
        try:
            return "200 OK", content_type, path.read_bytes()
        except FileNotFoundError:
            return "404 Not Found", TEXT, missing.encode()
