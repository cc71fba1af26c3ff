"""One settings module: every value from the environment, with defaults that are safe to run."""

from __future__ import annotations

import ast
import re
from zoneinfo import ZoneInfo

import pytest

from bot.settings import REPO_ROOT, ServerAddress, SettingsError, load_settings

PRODUCT_CODE = ("bot", "actions", "rasa_plugins")


def test_defaults_run_on_one_machine_without_configuration() -> None:
    settings = load_settings({})
    assert settings.database_url == f"sqlite:///{REPO_ROOT / 'var' / 'program.db'}"
    assert settings.tracker_store_url == f"sqlite:///{REPO_ROOT / 'var' / 'tracker.db'}"
    assert settings.school_timezone == ZoneInfo("America/Denver")
    assert settings.enrollment_contact is None
    assert settings.action_server == ServerAddress("127.0.0.1", 5055)
    assert settings.action_server_url == "http://127.0.0.1:5055/webhook"
    assert settings.rasa.url == settings.rasa.public_url == "http://127.0.0.1:5005"
    assert settings.rasa.cors_origins == ("http://localhost:8000", "http://127.0.0.1:8000")
    assert settings.booking.crm_webhook_url is None and settings.booking.smtp is None
    assert settings.seed_page == REPO_ROOT.parent / "shared" / "seed" / "000_f1022f69477e8cd5.txt"


def test_values_from_environment() -> None:
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql+psycopg://u@h/db",
            "SCHOOL_TIMEZONE": "America/New_York",
            "ENROLLMENT_CONTACT": " 1-800-555-0100 ",
            "ACTION_SERVER_HOST": "0.0.0.0",
            "ACTION_SERVER_PORT": "6000",
            "SITE_PORT": "8123",
            "SMTP_HOST": "mail.school.example",
            "BOOKING_ATTEMPTS_PER_CLIENT_PER_HOUR": "40",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.school_timezone == ZoneInfo("America/New_York")
    assert settings.enrollment_contact == "1-800-555-0100"
    # A server listening on every address is reached on loopback.
    assert settings.action_server_url == "http://127.0.0.1:6000/webhook"
    assert settings.rasa.cors_origins == ("http://localhost:8123", "http://127.0.0.1:8123")
    assert settings.booking.smtp is not None
    assert settings.booking.smtp.sender == "enrollment@mail.school.example"
    assert settings.booking.limits.attempts_per_client_per_hour == 40


def test_blank_or_unusable_values_keep_the_defaults() -> None:
    settings = load_settings(
        {
            "ENROLLMENT_CONTACT": "  ",
            "SCHOOL_TIMEZONE": "Mars/Olympus",
            "MAX_MESSAGE_CHARS": "lots",
            "BOOKING_ATTEMPTS_PER_CONVERSATION_PER_HOUR": "0",
            "TRACKER_WINDOW_EVENTS": "-1",
        }
    )
    assert settings.enrollment_contact is None
    assert settings.school_timezone == ZoneInfo("America/Denver")
    assert settings.channels.max_message_chars == 1000
    assert settings.booking.limits.attempts_per_conversation_per_hour == 5
    assert settings.rasa.tracker_window_events == 80


@pytest.mark.parametrize("port", ["http", "0", "70000", "-1"])
def test_a_port_that_is_not_a_port_is_refused_by_name(port: str) -> None:
    with pytest.raises(SettingsError, match="SITE_PORT"):
        load_settings({"SITE_PORT": port})


def _reads_the_environment(source: str) -> bool:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
            if isinstance(node.value, ast.Name) and node.value.id == "os":
                return True
    return False


def test_only_the_settings_module_reads_the_environment() -> None:
    # Launchers may pass os.environ on to a child process or to `load_settings`; any other
    # read would be a second place where a default is written.
    allowed = {
        "bot/settings.py",
        # Pass os.environ to load_settings (their callers' tests give their own mapping).
        "bot/rasa_server/client.py",
        "bot/rasa_server/auth.py",
        "bot/privacy/retention.py",
        "bot/web/settings.py",
        "rasa_plugins/server.py",
        "rasa_plugins/channels/guard.py",
        "rasa_plugins/tracker_store/windowed_sql.py",
    }
    readers = []
    for package in PRODUCT_CODE:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            relative = path.relative_to(REPO_ROOT).as_posix()
            if relative not in allowed and _reads_the_environment(path.read_text("utf-8")):
                readers.append(relative)
    assert readers == []


def test_the_check_above_can_see_a_read() -> None:
    assert _reads_the_environment("import os\nvalue = os.environ.get('X')\n")
    assert not _reads_the_environment("import os\nvalue = load_settings()\n")


def test_repo_root_is_defined_once() -> None:
    definitions = [
        path.relative_to(REPO_ROOT).as_posix()
        for package in (*PRODUCT_CODE, "tools", "tests")
        for path in (REPO_ROOT / package).rglob("*.py")
        if re.search(r"^REPO_ROOT\s*=", path.read_text("utf-8"), flags=re.M)
    ]
    assert definitions == ["bot/settings.py"]


def test_the_cli_names_a_bad_port_instead_of_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import cli

    monkeypatch.setenv("SITE_PORT", "eighty")
    assert cli.main(["handoffs", "list"]) == 2
    error = capsys.readouterr().err
    assert "SITE_PORT" in error and "Traceback" not in error
