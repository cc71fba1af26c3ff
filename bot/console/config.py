"""What the console needs to run, read from `bot.settings`: the database, the session secret,
the school's time zone, where it is mounted and its clock.

Its own module so that every page module can name it without importing the application that
mounts them (bot/console/app.py), which would be a circle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.booking.appointment_times import utc_now
from bot.safe_io.secret_files import SharedSecret
from bot.settings import ConsoleSettings, Settings


@dataclass(frozen=True)
class ConsoleConfig:
    """What the console needs; `console_app` reads it from `bot.settings` when not given."""

    database_url: str
    session_secret: str
    secure_cookies: bool = False
    school_timezone: ZoneInfo = ZoneInfo("America/Denver")
    # Where the console is mounted: the session cookie is sent only below it.
    path: str = "/console"
    # "Now" (tests fix it; "today" and whether a call may be marked no-show depend on it).
    clock: Callable[[], datetime] = utc_now


def console_secret(console: ConsoleSettings) -> SharedSecret:
    """CONSOLE_SESSION_SECRET, else the file CONSOLE_SESSION_SECRET_FILE, made on first use.
    Deleting the file signs everyone out."""
    return SharedSecret(
        "console session secret",
        "CONSOLE_SESSION_SECRET",
        console.session_secret,
        console.session_secret_file,
    )


def config_from_settings(settings: Settings, database_url: str | None = None) -> ConsoleConfig:
    """Reads (or on first start writes) the session secret: see `console_secret`."""
    return ConsoleConfig(
        database_url=database_url or settings.database_url,
        session_secret=console_secret(settings.console).ensure(),
        secure_cookies=settings.console.secure_cookies,
        school_timezone=settings.school_timezone,
    )
