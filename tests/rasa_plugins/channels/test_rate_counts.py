"""The in-process rate counts (rasa_plugins/channels/rate_counts.py) limit exactly as `limits`'
own memory storage does, and sweep old entries every few seconds instead of every 10 ms."""

from __future__ import annotations

import time

import pytest
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from rasa_plugins.channels import rate_counts
from rasa_plugins.channels.rate_counts import SweptMemoryStorage, rate_storage


def test_memory_url_means_the_swept_storage_and_other_urls_are_limits_own() -> None:
    assert isinstance(rate_storage("memory://"), SweptMemoryStorage)
    redis = rate_storage("redis://127.0.0.1:6379/0")
    assert not isinstance(redis, MemoryStorage)


def test_it_limits_as_limits_memory_storage_does() -> None:
    limit = parse("3/minute")
    ours = MovingWindowRateLimiter(SweptMemoryStorage())
    theirs = MovingWindowRateLimiter(MemoryStorage())
    decisions = [(ours.hit(limit, "a"), theirs.hit(limit, "a")) for _ in range(5)]
    assert [mine for mine, _ in decisions] == [their for _, their in decisions]
    assert [mine for mine, _ in decisions] == [True, True, True, False, False]
    assert ours.hit(limit, "b")  # another key has its own count


def test_the_sweep_runs_every_few_seconds_on_a_daemon_thread() -> None:
    storage = SweptMemoryStorage()
    time.sleep(0.05)  # the parent's one first 10 ms timer has run
    MovingWindowRateLimiter(storage).hit(parse("5/minute"), "a")
    assert storage.timer.interval == rate_counts.SWEEP_SECONDS >= 1
    assert storage.timer.daemon


def test_expired_entries_are_swept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rate_counts, "SWEEP_SECONDS", 0.05)
    storage = SweptMemoryStorage()
    time.sleep(0.05)  # the parent's first 10 ms timer has run
    assert storage.acquire_entry("a", 5, 0.01)
    deadline = time.monotonic() + 2
    while storage.events.get("a") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert storage.events.get("a") == []
