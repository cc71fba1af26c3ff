""" "Delete my data": every lead of a conversation or an e-mail address, their appointments and
the conversation's handoff transcripts erased, and the CRM told to erase its copies.

Undelivered CRM messages go too, so the details are never sent after erasure; the erase
messages carry only reference codes and ids.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.booking.appointment_times import utc_now
from bot.booking.crm.outbox import outbox_event
from bot.database.models import Handoff, Lead, OutboxEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErasedData:
    """What "delete my data" removed: leads (with their bookings) and handoff transcripts."""

    leads: int
    handoffs: int


def delete_lead_data(
    factory: sessionmaker[Session],
    *,
    conversation_id: str | None = None,
    email: str | None = None,
    now: datetime | None = None,
) -> ErasedData:
    """Erase every lead of this conversation or e-mail address (and the conversation's handoff
    transcripts); return how many of each went.

    Their appointments go with them (freeing the slots), their undelivered CRM messages are
    dropped so the details are not sent after erasure, and one `lead.deleted` message carrying
    only the reference codes tells the CRM to erase its copy; a transcript that may have reached
    the CRM gets a `handoff.deleted` message the same way (see `_delete_handoffs`).
    """
    if not conversation_id and not email:
        raise ValueError("give a conversation id or an e-mail address")
    now = now or utc_now()
    with factory() as session, session.begin():
        query = select(Lead)
        if conversation_id:
            query = query.where(Lead.conversation_id == conversation_id)
        if email:
            query = query.where(Lead.email == email)
        leads = list(session.scalars(query))
        for lead in leads:
            references = sorted(a.reference for a in lead.appointments)
            session.execute(delete(OutboxEvent).where(OutboxEvent.lead_id == lead.id))
            session.add(
                outbox_event(
                    "lead.deleted",
                    {"references": references},
                    lead_id=None,
                    now=now,
                )
            )
            session.delete(lead)
        handoffs = _delete_handoffs(session, conversation_id, now) if conversation_id else 0
    logger.info("Deleted %d lead(s) and %d handoff(s) on request", len(leads), handoffs)
    return ErasedData(leads=len(leads), handoffs=handoffs)


def _delete_handoffs(session: Session, conversation_id: str, now: datetime) -> int:
    """The transcript a counselor was given is the student's data too, and so are its copies
    for the CRM. Every `handoff.requested` copy in the outbox goes (a pending one is never sent);
    for one the CRM may hold (delivered, or tried: the CRM can store a message whose answer was
    lost) a `handoff.deleted` message naming only the handoff and the conversation, never the
    transcript, tells the CRM to erase it."""
    handoff_ids = sorted(
        session.scalars(select(Handoff.id).where(Handoff.conversation_id == conversation_id))
    )
    if not handoff_ids:
        return 0
    # Locked: a copy a delivery worker is posting right now is read after its commit, as
    # delivered, and gets its erase message (SQLite has no row locks and runs one worker).
    crm_copies = session.scalars(
        select(OutboxEvent)
        .where(
            OutboxEvent.event_type == "handoff.requested",
            OutboxEvent.payload["handoff_id"].as_integer().in_(handoff_ids),
        )
        .with_for_update()
    ).all()
    for crm_copy in crm_copies:
        if crm_copy.delivered_at is not None or crm_copy.attempts > 0:
            session.add(
                outbox_event(
                    "handoff.deleted",
                    {
                        "handoff_id": crm_copy.payload["handoff_id"],
                        "conversation_id": conversation_id,
                    },
                    lead_id=None,
                    now=now,
                )
            )
        session.delete(crm_copy)
    session.execute(delete(Handoff).where(Handoff.id.in_(handoff_ids)))
    return len(handoff_ids)
