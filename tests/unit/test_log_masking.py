"""E-mail addresses and phone numbers never reach a log line, whatever handler prints it, while
the numbers logs are full of (timestamps, ports, ids, addresses) stay readable."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.privacy import log_masking
from bot.privacy.log_masking import install_log_masking, mask_personal_data
from bot.settings import REPO_ROOT


@pytest.fixture
def masking() -> Iterator[None]:
    """Masking installed for one test, and the process's logging put back afterwards."""
    factory = logging.getLogRecordFactory()
    make_record = logging.Logger.makeRecord
    install_log_masking()
    yield
    logging.setLogRecordFactory(factory)
    logging.Logger.makeRecord = make_record  # type: ignore[method-assign]


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """A handler added *after* masking was installed, as Rasa and Sanic add theirs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("test_log_masking")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield stream
    logger.removeHandler(handler)


@pytest.mark.parametrize(
    "text",
    [
        "my number is 303-555-0199",
        "call (303) 555-0199 after five",
        "+1 (303) 555-0199",
        "+13035550199",
        "3035550199",
        "13035550199",
        "+44 20 7946 0958",
        "06 12 34 56 78",
        "303.555.0199",
        "phone=3035550199,",
        "/conversations/+13035550199/tracker",
    ],
)
def test_phone_numbers_are_masked(text: str) -> None:
    masked = mask_personal_data(text)
    assert "[phone]" in masked
    assert "555" not in masked and "7946" not in masked and "34 56" not in masked


@pytest.mark.parametrize(
    "text",
    [
        "2030-03-04 15:00:00,123 INFO rasa_sdk.endpoint - Starting action endpoint server...",
        "[2030-03-04 15:00:00 +0000] [12345] [INFO] Starting worker [12345]",
        "2030-03-04T15:00:00+00:00",
        "Action endpoint is up and running on http://127.0.0.1:5055",
        "192.168.100.200:8080 and 10.0.0.1",
        "timestamp 1709564400.1234567, epoch 1709564400, in ms 1709564400123",
        "sender 3fa85f64-5717-4562-b3fc-2c963f66afa6 client 9f86d081884c7d65",
        "Outbox event 1234567 (appointment.booked) delivered, attempt 3",
        "rasa 3.6.21, took 0.123456s, 200 1234 bytes",
        "slots 12 13 14 15 16 and 2030 03 04 15 30",
        "snowflake 123456789012345678901",
        "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    ],
)
def test_ordinary_log_numbers_are_left_alone(text: str) -> None:
    assert mask_personal_data(text) == text


def test_email_addresses_are_masked_and_the_sentence_kept() -> None:
    assert mask_personal_data("mail Jane.Doe+x@mail.example.co.uk. or ada@b.io") == (
        "mail [email]. or [email]"
    )


def test_a_phone_number_before_a_time_is_masked_and_the_time_kept() -> None:
    assert mask_personal_data("call 303 555 0199 12:30 tomorrow") == "call [phone] 12:30 tomorrow"


def test_message_args_exception_and_extra_are_masked_for_handlers_added_later(
    masking: None, captured: io.StringIO
) -> None:
    logger = logging.getLogger("test_log_masking")
    logger.info("Lead %s phone %s", "ada@example.org", "+1 303 555 0199")
    logger.warning("tracker %r", {"email": "ada@example.org", "phone": "3035550199"})
    try:
        raise ValueError("bad address ada@example.org")
    except ValueError:
        logger.exception("failed for %s", "ada@example.org")
    record_with_extra: list[logging.LogRecord] = []
    collector = logging.Handler()
    collector.emit = record_with_extra.append  # type: ignore[method-assign]
    logger.addHandler(collector)
    logger.info("request", extra={"request": "GET /?email=ada@example.org", "status": 200})
    logger.removeHandler(collector)

    output = captured.getvalue()
    assert "ada@example.org" not in output and "555" not in output
    assert "INFO Lead [email] phone [phone]" in output
    assert "'email': '[email]', 'phone': '[phone]'" in output
    assert "Traceback" in output and "ValueError: bad address [email]" in output
    assert record_with_extra[0].request == "GET /?email=[email]"  # type: ignore[attr-defined]
    assert record_with_extra[0].status == 200  # type: ignore[attr-defined]


def test_a_bad_format_string_still_logs_masked_text(masking: None, captured: io.StringIO) -> None:
    logging.getLogger("test_log_masking").info("%d items for %s", "ada@example.org")
    assert "[email]" in captured.getvalue()
    assert "ada@example.org" not in captured.getvalue()


def test_installing_twice_wraps_once(masking: None) -> None:
    factory = logging.getLogRecordFactory()
    make_record = logging.Logger.makeRecord
    install_log_masking()
    assert logging.getLogRecordFactory() is factory
    assert logging.Logger.makeRecord is make_record


def test_without_installing_nothing_is_masked(captured: io.StringIO) -> None:
    # Guards the fixture: the masking tests fail if masking is not what hides the address.
    logging.getLogger("test_log_masking").info("%s", "ada@example.org")
    assert "ada@example.org" in captured.getvalue()


def test_the_rasa_environment_can_import_and_install_it() -> None:
    rasa_python = REPO_ROOT / ".venv" / "rasa" / "bin" / "python"
    if not rasa_python.exists():
        pytest.skip("the Rasa environment is not set up")
    code = (
        "import logging, sys; from bot.privacy.log_masking import install_log_masking; "
        "install_log_masking(); logging.basicConfig(stream=sys.stdout, format='%(message)s'); "
        "logging.getLogger('x').warning('reach me at %s', '+1 303 555 0199')"
    )
    result = subprocess.run(
        [str(rasa_python), "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "reach me at [phone]"


def test_module_uses_only_the_standard_library() -> None:
    source = Path(log_masking.__file__).read_text(encoding="utf-8")
    imported = {
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.startswith(("import ", "from "))
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
