"""Settings come from the environment, with defaults that are safe to run with."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.config import DEFAULT_DATABASE_URL, REPO_ROOT, load_settings


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert DEFAULT_DATABASE_URL == f"sqlite:///{REPO_ROOT / 'var' / 'program.db'}"
    assert settings.school_timezone == ZoneInfo("America/Denver")
    assert settings.enrollment_contact is None


def test_values_from_environment() -> None:
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql+psycopg://u@h/db",
            "SCHOOL_TIMEZONE": "America/New_York",
            "ENROLLMENT_CONTACT": " 1-800-555-0100 ",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.school_timezone == ZoneInfo("America/New_York")
    assert settings.enrollment_contact == "1-800-555-0100"


def test_blank_or_unknown_values_fall_back_to_defaults() -> None:
    settings = load_settings({"ENROLLMENT_CONTACT": "  ", "SCHOOL_TIMEZONE": "Mars/Olympus"})
    assert settings.enrollment_contact is None
    assert settings.school_timezone == ZoneInfo("America/Denver")
