"""Booking settings, read from the environment like `bot.config` (blank values count as unset).

Kept apart from `bot.config.Settings` so the answer-only part of the bot does not depend on them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_PHONE_REGION = "US"
DEFAULT_SMTP_PORT = 25
# The site serves its own privacy notice (bot.web); a school points this at its real one.
DEFAULT_PRIVACY_NOTICE_URL = "/privacy"
# Abuse limits (see BookingLimits): a real student books once, maybe retrying after a taken time
# or a database hiccup, so 5 attempts an hour from one chat never stop them. One address may be
# shared by a whole campus or mobile network behind NAT, hence 20 an hour per client address:
# enough for a busy school event, while one script can no longer take the 200-odd open slots in
# minutes. 3 confirmation e-mails a day to one address covers book, cancel and book again, and
# stops the assistant from being used to flood someone's inbox.
DEFAULT_ATTEMPTS_PER_CONVERSATION_PER_HOUR = 5
DEFAULT_ATTEMPTS_PER_CLIENT_PER_HOUR = 20
DEFAULT_CONFIRMATION_EMAILS_PER_ADDRESS_PER_DAY = 3

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str


@dataclass(frozen=True)
class BookingLimits:
    """Caps that stop one script from booking every slot or mailing any address.

    Counted in the program database (bot.booking.limits), so they hold across action servers.
    """

    attempts_per_conversation_per_hour: int = DEFAULT_ATTEMPTS_PER_CONVERSATION_PER_HOUR
    attempts_per_client_per_hour: int = DEFAULT_ATTEMPTS_PER_CLIENT_PER_HOUR
    confirmation_emails_per_address_per_day: int = DEFAULT_CONFIRMATION_EMAILS_PER_ADDRESS_PER_DAY


@dataclass(frozen=True)
class BookingSettings:
    # ISO 3166 region used for phone numbers typed without a +country prefix.
    phone_region: str
    # Where the outbox worker posts; None means "export leads with the CLI instead".
    crm_webhook_url: str | None
    # None when SMTP_HOST is unset: no confirmation e-mail is sent.
    smtp: SmtpSettings | None
    # Linked from the consent question of the booking form.
    privacy_notice_url: str
    limits: BookingLimits = BookingLimits()


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
        limits=BookingLimits(
            attempts_per_conversation_per_hour=_positive(
                environ,
                "BOOKING_ATTEMPTS_PER_CONVERSATION_PER_HOUR",
                DEFAULT_ATTEMPTS_PER_CONVERSATION_PER_HOUR,
            ),
            attempts_per_client_per_hour=_positive(
                environ,
                "BOOKING_ATTEMPTS_PER_CLIENT_PER_HOUR",
                DEFAULT_ATTEMPTS_PER_CLIENT_PER_HOUR,
            ),
            confirmation_emails_per_address_per_day=_positive(
                environ,
                "CONFIRMATION_EMAILS_PER_ADDRESS_PER_DAY",
                DEFAULT_CONFIRMATION_EMAILS_PER_ADDRESS_PER_DAY,
            ),
        ),
    )


def _value(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _positive(environ: Mapping[str, str], name: str, default: int) -> int:
    """A whole number of at least 1; anything else keeps the default (with a warning), because a
    typo in a limit must neither switch the limit off nor stop every booking."""
    text = _value(environ, name)
    if text is None:
        return default
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        logger.warning("%s=%r is not a whole number of at least 1; using %d", name, text, default)
        return default
    return number
