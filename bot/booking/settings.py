"""Booking settings, read from the environment like `bot.config` (blank values count as unset).

Kept apart from `bot.config.Settings` so the answer-only part of the bot does not depend on them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional

DEFAULT_PHONE_REGION = "US"
DEFAULT_SMTP_PORT = 25
# The site serves its own privacy notice (bot.web); a school points this at its real one.
DEFAULT_PRIVACY_NOTICE_URL = "/privacy"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str


@dataclass(frozen=True)
class BookingSettings:
    # ISO 3166 region used for phone numbers typed without a +country prefix.
    phone_region: str
    # Where the outbox worker posts; None means "export leads with the CLI instead".
    crm_webhook_url: Optional[str]
    # None when SMTP_HOST is unset: no confirmation e-mail is sent.
    smtp: Optional[SmtpSettings]
    # Linked from the consent question of the booking form.
    privacy_notice_url: str


def load_booking_settings(environ: Mapping[str, str] = os.environ) -> BookingSettings:
    """Build the booking settings from `environ`."""
    host = _value(environ, "SMTP_HOST")
    smtp = None
    if host:
        smtp = SmtpSettings(
            host=host,
            port=int(_value(environ, "SMTP_PORT") or DEFAULT_SMTP_PORT),
            sender=_value(environ, "SMTP_FROM") or f"enrollment@{host}",
        )
    return BookingSettings(
        phone_region=(_value(environ, "DEFAULT_PHONE_REGION") or DEFAULT_PHONE_REGION).upper(),
        crm_webhook_url=_value(environ, "CRM_WEBHOOK_URL"),
        smtp=smtp,
        privacy_notice_url=_value(environ, "PRIVACY_NOTICE_URL") or DEFAULT_PRIVACY_NOTICE_URL,
    )


def _value(environ: Mapping[str, str], name: str) -> Optional[str]:
    value = environ.get(name, "").strip()
    return value or None
