"""Where the site listens and how it embeds the widget, from the environment (see the Makefile)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.config import REPO_ROOT, load_settings

DEFAULT_WIDGET_BUNDLE = REPO_ROOT / "widget" / "dist" / "chat-widget.js"
# Addresses a server listens on but a browser cannot connect to.
_WILDCARD_HOSTS = {"0.0.0.0", "::", ""}


@dataclass(frozen=True)
class WidgetEmbed:
    """What the page's `<script>` tag tells the widget (see widget/README.md)."""

    bot_url: str
    title: str = "Enrollment assistant"
    greeting: str = "Questions about our degrees, tuition or start dates? Ask me!"
    primary_color: str = "#0b4f8a"
    lang: str = "en"


@dataclass(frozen=True)
class SiteSettings:
    host: str
    port: int
    database_url: str
    widget_bundle: Path
    widget: WidgetEmbed


def load_site_settings(environ: Mapping[str, str] = os.environ) -> SiteSettings:
    """`SITE_HOST`/`SITE_PORT` for the site; `BOT_PUBLIC_URL` is the Rasa server as a browser
    reaches it, by default built from `RASA_HOST`/`RASA_PORT` like `make run` starts it."""
    return SiteSettings(
        host=environ.get("SITE_HOST", "").strip() or "127.0.0.1",
        port=int(environ.get("SITE_PORT", "").strip() or 8000),
        database_url=load_settings(environ).database_url,
        widget_bundle=Path(environ.get("WIDGET_BUNDLE", "").strip() or DEFAULT_WIDGET_BUNDLE),
        widget=WidgetEmbed(bot_url=_bot_public_url(environ)),
    )


def _bot_public_url(environ: Mapping[str, str]) -> str:
    explicit = environ.get("BOT_PUBLIC_URL", "").strip()
    if explicit:
        return explicit.rstrip("/")
    host = environ.get("RASA_HOST", "").strip()
    host = "127.0.0.1" if host in _WILDCARD_HOSTS else host
    port = environ.get("RASA_PORT", "").strip() or "5005"
    return f"http://{host}:{port}"
