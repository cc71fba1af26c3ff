from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.servers import E2E_TRACKER_WINDOW_EVENTS, MODEL, Servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    # E2E_MODEL serves another model (e.g. one trained into a temporary folder while
    # models/ is being retrained by someone else); by default the one `make train` writes.
    model = Path(os.environ.get("E2E_MODEL") or MODEL)
    if not model.exists():
        pytest.fail(f"{model} is missing: run `make train` (make test does it) first")
    # A window of a few turns (the default is about ten), so that every conversation longer
    # than that, bookings and handoffs included, is answered from a snapshot and its recent events.
    running = Servers(
        workdir=Path(tmp_path_factory.mktemp("servers")),
        model=model,
        tracker_window_events=E2E_TRACKER_WINDOW_EVENTS,
    )
    running.seed_database()
    try:
        running.start_action_server()
        running.start_rasa()
        yield running
    finally:
        running.stop_all()


@pytest.fixture
def sender() -> str:
    """A fresh conversation id for each test, as the widget creates one per visitor."""
    return f"test-{uuid.uuid4().hex}"
