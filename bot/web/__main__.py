"""`python -m bot.web`: serve the program page and the widget with uvicorn (SITE_HOST:SITE_PORT)."""

from __future__ import annotations

import logging

import uvicorn

from bot.privacy.log_masking import install_log_masking
from bot.web.app import create_site
from bot.web.settings import load_site_settings

logger = logging.getLogger("bot.web")


def main() -> None:
    # Before any logging: request lines and errors may carry what a student typed.
    install_log_masking()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = load_site_settings()
    if not settings.widget_bundle.exists():
        logger.warning(
            "%s is missing: build the widget (npm run build in widget/)", settings.widget_bundle
        )
    print(
        f"Site on http://{settings.host}:{settings.port} "
        f"(chat widget -> {settings.widget.bot_url})",
        flush=True,
    )
    # Logging stays ours (log_config=None), so the masking covers uvicorn's records too.
    uvicorn.run(
        create_site(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        server_header=False,
        proxy_headers=False,
        # The site speaks plain HTTP; the `websockets` in this environment is rasa-sdk's old
        # pin, which uvicorn's WebSocket support cannot import.
        ws="none",
    )


if __name__ == "__main__":
    main()
