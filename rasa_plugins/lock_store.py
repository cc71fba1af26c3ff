"""A Redis lock store whose ticket operations are atomic across Rasa processes.

Rasa 3.6's `RedisLockStore` issues, updates and returns tickets by reading the lock from
Redis, changing it in Python and writing it back. Two processes doing that at the same moment
for one conversation overwrite each other's tickets: both think they hold the lock (events
interleave in the tracker) or one finds its lock gone and fails with `LockError` (known
upstream: RasaHQ/rasa#9213; the fix, #11256, was reverted in #11428). Inside one process the
read-modify-write cannot interleave, which is why the in-memory store is fine there.

Here every read-modify-write runs in a Redis optimistic transaction (WATCH/MULTI/EXEC, retried
when another process changed the key), so tickets are issued strictly in arrival order and
each message for a conversation is handled alone. The stored value keeps Rasa's format, and
the key expires with its last ticket, so a killed process leaves nothing behind for long.

It also polls for its turn every 50 ms instead of Rasa's 1 s, so a student who sends two
messages quickly waits for the first answer, not for the next poll.

Used from tools/cluster/endpoints.yml as
`type: rasa_plugins.lock_store.AtomicRedisLockStore`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, cast

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# A change of the stored lock: the lock as stored (None: no lock) -> (lock to store, result).
Change = Callable[[TicketLock | None], "tuple[TicketLock | None, Any]"]
POLL_SECONDS = 0.05


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` with each ticket change done as one Redis transaction."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        """Rasa builds custom lock stores from the endpoint config; `url` is the Redis host."""
        if endpoint_config is not None:
            kwargs = {
                "host": endpoint_config.url or "localhost",
                **endpoint_config.kwargs,
                **kwargs,
            }
        super().__init__(**kwargs)

    def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = POLL_SECONDS,
    ) -> AbstractAsyncContextManager[TicketLock]:
        """Rasa's ticket lock, polling every 50 ms (Rasa calls this without a wait time)."""
        lock: AbstractAsyncContextManager[TicketLock] = super().lock(
            conversation_id, lock_lifetime, wait_time_in_seconds
        )
        return lock

    def _key(self, conversation_id: str) -> str:
        return cast(str, self.key_prefix) + conversation_id

    def _change(self, conversation_id: str, change: Change) -> Any:
        """Apply ``change`` to the stored lock atomically; delete the key when no ticket is left."""
        key = self._key(conversation_id)
        outcome: list[Any] = []

        def transaction(pipe: Any) -> None:
            outcome.clear()
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            new_lock, result = change(lock)
            pipe.multi()
            if new_lock is None or not new_lock.tickets:
                pipe.delete(key)
            else:
                last_expiry = max(ticket.expires for ticket in new_lock.tickets)
                ttl_ms = max(1, int((last_expiry - time.time()) * 1000) + 1000)
                pipe.set(key, new_lock.dumps(), px=ttl_ms)
            outcome.append(result)

        self.red.transaction(transaction, key)
        return outcome[0]

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Queue a new ticket behind every ticket already issued, in one transaction."""

        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            ticket: int = self._change(conversation_id, issue)
            return ticket
        except Exception as error:  # Rasa's contract: any failure here is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets (e.g. of a killed process) without losing a concurrent one."""

        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Return a ticket; the lock disappears with its last ticket."""

        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finishing and deleting are one transaction, so a ticket issued meanwhile survives."""
        self.finish_serving(conversation_id, ticket_number)
