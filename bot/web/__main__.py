"""`python -m bot.web`: serve the program page and the widget (SITE_HOST, SITE_PORT)."""

from __future__ import annotations

import logging
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot.web.app import SiteApp
from bot.web.settings import load_site_settings

logger = logging.getLogger("bot.web")


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """One thread per request, so a slow client cannot hold up the page for everyone else."""

    daemon_threads = True


class LoggingRequestHandler(WSGIRequestHandler):
    """Request lines through `logging` instead of raw stderr."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib signature)
        logger.info("%s %s", self.address_string(), format % args)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = load_site_settings()
    if not settings.widget_bundle.exists():
        logger.warning(
            "%s is missing: build the widget (npm run build in widget/)", settings.widget_bundle
        )
    with make_server(
        settings.host,
        settings.port,
        SiteApp(settings),
        server_class=ThreadingWSGIServer,
        handler_class=LoggingRequestHandler,
    ) as server:
        print(
            f"Site on http://{settings.host}:{server.server_port} "
            f"(chat widget -> {settings.widget.bot_url})",
            flush=True,
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
