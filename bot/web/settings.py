"""What the site needs from `bot.settings`: where it listens and how it embeds the widget."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.settings import load_settings


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
    """The site's view of `bot.settings`: where it listens, and the Rasa server's address as a
    browser reaches it (BOT_PUBLIC_URL, else built from RASA_HOST/RASA_PORT)."""
    settings = load_settings(environ)
    return SiteSettings(
        host=settings.site.address.host,
        port=settings.site.address.port,
        database_url=settings.database_url,
        widget_bundle=settings.site.widget_bundle,
        widget=WidgetEmbed(bot_url=settings.rasa.public_url),
    )
