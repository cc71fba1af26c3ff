"""The fuzz's settings and the limits it gives each phase's server."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasa_plugins.channels import guard
from tools.fuzzing.config import (
    BULK_RATE_LIMITS,
    FuzzConfig,
    describe_limits,
    run_limits,
    site_origins,
)

LIMIT_NAMES = (
    "RATE_LIMIT_PER_SENDER",
    "RATE_LIMIT_PER_ADDRESS",
    "MAX_MESSAGE_CHARS",
    "MAX_REQUEST_BYTES",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (
        *LIMIT_NAMES,
        "RASA_CORS_ORIGINS",
        "FUZZ_MESSAGES",
        "FUZZ_OUT",
        "FUZZ_SOCKET_WAIT",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_burst_gets_the_channels_defaults_unless_the_environment_sets_limits(
    clean_env: pytest.MonkeyPatch,
) -> None:
    assert run_limits()["RATE_LIMIT_PER_SENDER"] == guard.DEFAULT_RATE_LIMIT_PER_SENDER
    assert run_limits()["MAX_MESSAGE_CHARS"] == str(guard.DEFAULT_MAX_MESSAGE_CHARS)
    clean_env.setenv("RATE_LIMIT_PER_SENDER", "5/minute")
    assert run_limits()["RATE_LIMIT_PER_SENDER"] == "5/minute"
    assert set(run_limits()) == set(LIMIT_NAMES)


def test_limits_say_which_are_the_channels_defaults(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("MAX_MESSAGE_CHARS", "1000")  # set, even if to the default value
    described = describe_limits({**run_limits(), **BULK_RATE_LIMITS})
    assert described["RATE_LIMIT_PER_SENDER"] == "1000000/minute"
    assert described["MAX_MESSAGE_CHARS"] == "1000"
    assert described["MAX_REQUEST_BYTES"].endswith("(channel default)")


def test_settings_come_from_fuzz_variables(clean_env: pytest.MonkeyPatch) -> None:
    assert FuzzConfig.from_env().is_default
    clean_env.setenv("FUZZ_MESSAGES", "600")
    clean_env.setenv("FUZZ_OUT", "/tmp/elsewhere")
    clean_env.setenv("FUZZ_SOCKET_WAIT", "1.5")
    config = FuzzConfig.from_env()
    assert (config.messages, config.out, config.reply_wait) == (600, Path("/tmp/elsewhere"), 1.5)
    assert not config.is_default


def test_socket_clients_use_the_sites_origins(clean_env: pytest.MonkeyPatch) -> None:
    assert site_origins()[0] == "http://localhost:8000"
    clean_env.setenv(
        "RASA_CORS_ORIGINS", "https://www.school.example, https://apply.school.example"
    )
    assert site_origins() == ["https://www.school.example", "https://apply.school.example"]
