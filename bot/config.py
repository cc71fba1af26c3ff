"""Runtime settings, read from the environment with safe defaults.

Deployments differ only in these values, so the action server, the CLI and the tests all build a
`Settings` the same way instead of reading `os.environ` here and there.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
CATALOG_PATH = Path(__file__).resolve().parent / "catalog.yml"
DOMAIN_PATH = REPO_ROOT / "domain.yml"
DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'program.db'}"
DEFAULT_SCHOOL_TIMEZONE = "America/Denver"


@dataclass(frozen=True)
class Settings:
    database_url: str
    school_timezone: ZoneInfo
    # Free text the school sets (phone, URL or e-mail); None means "not configured".
    enrollment_contact: str | None


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """Build the settings from `environ`; blank values count as unset."""
    return Settings(
        database_url=_value(environ, "DATABASE_URL") or DEFAULT_DATABASE_URL,
        school_timezone=_timezone(_value(environ, "SCHOOL_TIMEZONE")),
        enrollment_contact=_value(environ, "ENROLLMENT_CONTACT"),
    )


def _value(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _timezone(name: str | None) -> ZoneInfo:
    # A typo in the zone name must not take the assistant down: start dates would still be right
    # on all but the few hours around midnight, so fall back and say so in the log.
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            logger.warning("Unknown SCHOOL_TIMEZONE %r; using %s", name, DEFAULT_SCHOOL_TIMEZONE)
    return ZoneInfo(DEFAULT_SCHOOL_TIMEZONE)
