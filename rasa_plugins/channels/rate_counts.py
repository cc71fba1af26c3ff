"""Rate counts kept in this process, swept of old entries every few seconds, not every 10 ms.

`limits`' `MemoryStorage` (2.4, the newest Rasa's pins allow) expires old entries from a timer
that fires every 10 ms while any count exists, and each run walks every entry of every visitor
under a lock. In a profile of the Rasa server answering questions, that sweep was 7% of its busy
time, and it grows with the number of visitors seen in the last minute. No limit depends on
it: the moving window compares entry times when it counts, so the sweep only frees memory.
Here it runs every `SWEEP_SECONDS`, on a daemon thread.

`memory://` (RATE_LIMIT_STORAGE_URL's default) means this storage; any other URL (Redis for
several replicas) is `limits`' own.
"""

from __future__ import annotations

import threading

from limits.storage import MemoryStorage, Storage, storage_from_string

SWEEP_SECONDS = 5.0
IN_PROCESS_URL = "memory://"


class SweptMemoryStorage(MemoryStorage):
    """`MemoryStorage` whose expiry sweep runs every `SWEEP_SECONDS`."""

    STORAGE_SCHEME = ["swept-memory"]

    # MemoryStorage calls `self.__schedule_expiry()`, which Python names this way.
    def _MemoryStorage__schedule_expiry(self) -> None:
        if not self.timer.is_alive():
            expire_events = getattr(self, "_MemoryStorage__expire_events")  # noqa: B009  # private
            self.timer = threading.Timer(SWEEP_SECONDS, expire_events)
            self.timer.daemon = True
            self.timer.start()


def rate_storage(url: str) -> Storage:
    """The storage for RATE_LIMIT_STORAGE_URL."""
    if url.rstrip("/") == IN_PROCESS_URL.rstrip("/"):
        return SweptMemoryStorage()
    storage: Storage = storage_from_string(url)
    return storage
