"""Booking-attempt caps and the confirmation e-mail throttle, counted in the program database.

The counts live in the database, not in process memory, because `make cluster` runs several
action servers behind one Rasa server: a limit kept per process would be multiplied by the number
of replicas. Each claim writes its row and counts in one transaction serialised per key (see
bot.booking.locks), so concurrent requests cannot both slip under a cap. Only claims that were
allowed are kept, so a refused student can book again as soon as their oldest counted attempt is
an hour old, and the reply can say when that is. Rows older than RETENTION are deleted on each
write: they are only ever counted, never read back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.booking.appointment_times import utc_now
from bot.booking.locks import lock_keys
from bot.booking.validation import email_identity
from bot.database.models import BookingAttempt, ConfirmationEmail
from bot.settings import BookingLimits

ATTEMPT_WINDOW = timedelta(hours=1)
EMAIL_WINDOW = timedelta(days=1)
RETENTION = max(ATTEMPT_WINDOW, EMAIL_WINDOW)

AttemptScope = Literal["conversation", "client"]


@dataclass(frozen=True)
class AttemptRefused:
    """Why a booking attempt was not allowed, and how long until one would be."""

    scope: AttemptScope
    retry_after: timedelta


class _Refused(Exception):
    """Raised inside a claim's transaction so that its row is rolled back."""

    def __init__(self, refusal: AttemptRefused | None = None) -> None:
        super().__init__()
        self.refusal = refusal


def claim_booking_attempt(
    factory: sessionmaker[Session],
    limits: BookingLimits,
    conversation_id: str,
    client_id: str | None,
    now: datetime | None = None,
) -> AttemptRefused | None:
    """Count one booking attempt for the conversation (and the client address, when known);
    None when it is allowed, else which cap it hit. A refused attempt is not counted."""
    now = now or utc_now()
    keys = [f"booking-attempt:conversation:{conversation_id}"]
    if client_id:
        keys.append(f"booking-attempt:client:{client_id}")
    try:
        with factory() as session, session.begin():
            lock_keys(session, *keys)
            session.execute(
                delete(BookingAttempt).where(BookingAttempt.attempted_at < now - RETENTION)
            )
            session.add(
                BookingAttempt(
                    conversation_id=conversation_id, client_id=client_id, attempted_at=now
                )
            )
            session.flush()
            refusal = _attempts_refusal(
                session,
                BookingAttempt.conversation_id == conversation_id,
                limits.attempts_per_conversation_per_hour,
                "conversation",
                now,
            )
            if refusal is None and client_id:
                refusal = _attempts_refusal(
                    session,
                    BookingAttempt.client_id == client_id,
                    limits.attempts_per_client_per_hour,
                    "client",
                    now,
                )
            if refusal is not None:
                raise _Refused(refusal)
    except _Refused as refused:
        return refused.refusal
    return None


def claim_confirmation_email(
    factory: sessionmaker[Session],
    per_day: int,
    email: str,
    now: datetime | None = None,
) -> bool:
    """Count one confirmation e-mail to `email`; False (nothing counted) when `per_day` have
    already gone to that address in the last day, so the mail must not be sent."""
    now = now or utc_now()
    address = address_hash(email)
    try:
        with factory() as session, session.begin():
            lock_keys(session, f"confirmation-email:{address}")
            session.execute(
                delete(ConfirmationEmail).where(ConfirmationEmail.sent_at < now - RETENTION)
            )
            session.add(ConfirmationEmail(address_hash=address, sent_at=now))
            session.flush()
            sent = session.scalars(
                select(ConfirmationEmail.sent_at).where(
                    ConfirmationEmail.address_hash == address,
                    ConfirmationEmail.sent_at > now - EMAIL_WINDOW,
                )
            ).all()
            if len(sent) > per_day:
                raise _Refused()
    except _Refused:
        return False
    return True


def address_hash(email: str) -> str:
    """SHA-256 (hex) of the address as `email_identity` compares it: enough to count mails to
    one mailbox without keeping the address in another table."""
    return hashlib.sha256(email_identity(email).encode("utf-8")).hexdigest()


def _attempts_refusal(
    session: Session,
    whose: ColumnElement[bool],
    cap: int,
    scope: AttemptScope,
    now: datetime,
) -> AttemptRefused | None:
    """The refusal when more than `cap` attempts (this one included) fall in the last hour."""
    times = sorted(
        session.scalars(
            select(BookingAttempt.attempted_at).where(
                whose, BookingAttempt.attempted_at > now - ATTEMPT_WINDOW
            )
        )
    )
    if len(times) <= cap:
        return None
    # Once this many of the earlier attempts are an hour old, one more fits under the cap.
    expiring = times[len(times) - cap - 1]
    return AttemptRefused(scope, max(expiring + ATTEMPT_WINDOW - now, timedelta(minutes=1)))
