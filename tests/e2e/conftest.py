from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import pytest

from servers import MODEL, Servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it) first")
    running = Servers(workdir=Path(tmp_path_factory.mktemp("servers")))
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
