"""Serialising "check, then write" steps that several action servers may run at the same moment.

A count-then-insert (five attempts this hour? one booking per e-mail?) is only a limit if no two
transactions can both count before either writes. On PostgreSQL each such step first takes a
transaction-level advisory lock on its key (`pg_advisory_xact_lock`, released at commit or
rollback), so the second waits and then counts the first one's row. SQLite has one writer at a
time: callers write their row before counting (see bot.booking.limits and service.book), so the
second transaction waits for the first one's write lock and sees its commit.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def lock_keys(session: Session, *keys: str) -> None:
    """Hold advisory locks on `keys` until this transaction ends (PostgreSQL; no-op elsewhere).

    Keys are taken in sorted order, so two transactions locking overlapping keys cannot deadlock.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        session.execute(select(func.pg_advisory_xact_lock(lock_id(key))))


def lock_id(key: str) -> int:
    """The signed 64-bit number PostgreSQL's advisory locks are named by, derived from `key`."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
