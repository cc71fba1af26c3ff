"""Where and how the outbox worker may post to the CRM: the address and the signing secret.

The requests carry a student's name, e-mail address, phone number and chat transcript, so
delivery refuses to start unless
- the URL is https (plain http only to this machine's loopback, e.g. a local relay or a test
  double: nothing leaves the host unencrypted), and
- CRM_WEBHOOK_SECRET is set (at least 32 characters), so every request is signed
  (bot/booking/crm/signing.py). Unsigned requests would let anyone who learns the URL feed
  forged bookings into the CRM, and a CRM that checks signatures would drop ours; there is no
  case where sending contact details unsigned is the right default, loopback included, so an
  unset secret is an error, not a warning.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.settings import BookingSettings

SECRET_ENV = "CRM_WEBHOOK_SECRET"
MIN_SECRET_LENGTH = 32
SECRET_RECIPE = "python -c 'import secrets; print(secrets.token_hex(32))'"


class WebhookConfigError(ValueError):
    """The webhook settings are unsafe or incomplete; the message says what to change."""


@dataclass(frozen=True)
class CrmWebhook:
    """A webhook target that is safe to post to: checked when made, so no code path can build
    one with a plain-http remote URL or without a secret (WebhookConfigError instead)."""

    url: str
    # Not in the repr: it must not end up in a log or a traceback.
    secret: str = field(repr=False)

    def __post_init__(self) -> None:
        require_safe_url(self.url)
        require_strong_secret(self.secret)


def crm_webhook_from_settings(booking: BookingSettings) -> CrmWebhook | None:
    """The webhook from CRM_WEBHOOK_URL and CRM_WEBHOOK_SECRET (`bot.settings`); None when no URL
    is set (leads are exported with the CLI instead)."""
    if not booking.crm_webhook_url:
        return None
    return CrmWebhook(url=booking.crm_webhook_url, secret=booking.crm_webhook_secret)


def require_safe_url(url: str) -> None:
    """WebhookConfigError unless `url` is https://, or http:// to a loopback address."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise WebhookConfigError("CRM_WEBHOOK_URL is not a valid URL.") from None
    scheme = parts.scheme.lower()
    if not host or scheme not in ("https", "http"):
        raise WebhookConfigError("CRM_WEBHOOK_URL must be an https:// URL with a host name.")
    if scheme == "http" and not is_loopback(host):
        # Only scheme and host in the message: the URL may hold credentials.
        raise WebhookConfigError(
            f"CRM_WEBHOOK_URL must use https:// (http://{host} would send students' contact "
            "details unencrypted; plain http is allowed only to localhost or 127.0.0.1)."
        )


def require_strong_secret(secret: str) -> None:
    """WebhookConfigError unless `secret` is set and at least MIN_SECRET_LENGTH characters."""
    if not secret:
        raise WebhookConfigError(
            f"{SECRET_ENV} is not set: every request to the CRM is signed with it. Generate one "
            f"with `{SECRET_RECIPE}` and give the CRM the same value "
            '(docs/operations.md, "CRM webhook signature").'
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise WebhookConfigError(
            f"{SECRET_ENV} is too short ({len(secret)} characters; at least {MIN_SECRET_LENGTH}). "
            f"Generate one with `{SECRET_RECIPE}`."
        )


def is_loopback(host: str) -> bool:
    """`localhost`, 127.0.0.0/8 or ::1; any other name counts as remote, whatever it resolves to
    now (the answer could change after the check)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
