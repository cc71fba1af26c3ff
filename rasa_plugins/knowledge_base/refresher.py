"""Keeps the in-memory index in step with the program database, on a background thread.

Every `interval` seconds it reads the knowledge base's revision (one row); only when the number
moved does it read the published phrasings and embed the new ones. A change in the console
therefore reaches this replica within about one interval plus the time to embed what changed
(milliseconds for one entry), with no restart and no retraining, and each replica of a cluster
refreshes on its own. While the database is unreachable the last index keeps answering (or, if
there never was one, no message gets a knowledge-base answer and today's replies stand); the
outage is logged once, and its end once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from rasa_plugins.knowledge_base.index import Encode, KnowledgeBaseIndex, build_index
from rasa_plugins.knowledge_base.source import KnowledgeBaseSource

logger = logging.getLogger(__name__)


class KnowledgeBaseRefresher:
    """Owns the current index; `index` is safe to read from any thread at any time."""

    def __init__(
        self,
        source: Callable[[], KnowledgeBaseSource],
        encode: Encode,
        interval: float,
    ) -> None:
        self._make_source = source
        self._source: KnowledgeBaseSource | None = None
        self._encode = encode
        self._interval = interval
        self._index = KnowledgeBaseIndex()
        self._failing = False
        self._started = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def index(self) -> KnowledgeBaseIndex:
        return self._index

    def start(self) -> None:
        """Start the background refresh once (later calls do nothing, without taking the lock:
        the matcher calls this for every message)."""
        if self._thread is not None:
            return
        with self._started:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._run, name="knowledge-base-refresh", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def refresh(self) -> bool:
        """One refresh step; True if the index changed. Errors are logged, never raised."""
        try:
            if self._source is None:
                self._source = self._make_source()
            revision = self._source.revision()
            changed = revision != self._index.revision or (revision is None and len(self._index))
            if changed:
                phrasings = self._source.published_phrasings() if revision is not None else []
                self._index = build_index(revision, phrasings, self._encode, self._index)
                logger.info(
                    "Knowledge base revision %s: %d published phrasings.", revision, len(phrasings)
                )
        except Exception as error:  # the database is down, or a query failed: keep what we have
            if not self._failing:
                logger.warning(
                    "Knowledge base not refreshed (%s: %s); the last index keeps answering.",
                    type(error).__name__,
                    str(error)[:300],
                )
            self._failing = True
            return False
        if self._failing:
            logger.info("Knowledge base refreshed again after an outage.")
        self._failing = False
        return bool(changed)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.refresh()
            self._stop.wait(self._interval)
