"""Bringing in a person: are counselors working now, and the queue of students waiting for one.

When a student asks for a person inside counselors' hours, the bot records a handoff with the
conversation so far and goes quiet in that conversation; a counselor picks it up from the queue
(the console's live inbox, bot/console/inbox.py, or `python -m bot handoffs list`), answers through
the Rasa HTTP API (`send_reply`), and hands the conversation back to the bot (`hand_back`); both
clients call the same functions, so the student sees the same messages whichever is used.
Outside hours the bot says when counselors are in and offers to book a call instead. The same
transaction queues a `handoff.requested` message for the CRM, so the enrollment office hears of
it even if nobody watches the queue.

`HandoffDesk` is what actions/handoff.py calls, in the style of `bot.booking.desk.BookingDesk`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.booking.appointment_times import utc_now
from bot.booking.crm.outbox import outbox_event
from bot.database.db import session_factory
from bot.database.models import Counselor, Handoff
from bot.handoff import replies
from bot.knowledge.replies import Reply, enrollment
from bot.rasa_server import client as rasa_api
from bot.settings import Settings

logger = logging.getLogger(__name__)

# Enough of the conversation for a counselor to pick it up, without copying a long chat.
TRANSCRIPT_TURNS = 40
# Look this far ahead for the next opening (a week of hours repeats).
LOOKAHEAD_DAYS = 8
# What the student reads when a counselor hands the conversation back.
HANDBACK_MESSAGE = (
    "The counselor has handed you back to the virtual assistant. "
    'Ask me anything about the programs, or say "talk to a person" again.'
)


class HandoffUnavailable(Exception):
    """The handoff could not be recorded (database down): the bot must not go quiet."""


@dataclass(frozen=True)
class CounselorAvailability:
    open_now: bool
    # The next time a counselor's hours begin (UTC); None when no counselor has hours at all.
    next_opening: datetime | None


@dataclass(frozen=True)
class Handover:
    reply: Reply
    # The conversation is queued for a counselor: the bot goes quiet until it is handed back.
    handed_over: bool


class HandoffDesk:
    """A student asks for a person: the one call the conversation makes, configured from
    `bot.settings` like `bot.booking.desk.BookingDesk`, returning a Reply and what happened."""

    def __init__(self, settings: Settings) -> None:
        self._zone = settings.school_timezone
        self._contact = settings.enrollment_contact
        self._factory = session_factory(settings.database_url)

    def hand_over(
        self, conversation_id: str, events: Iterable[Mapping[str, Any]], language: str = "en"
    ) -> Handover:
        """Inside counselors' hours, queue the conversation with its transcript (`events`: the
        Rasa tracker's) and its language. Outside them, or when the queue cannot be reached, say
        when counselors are in, or point to the enrollment contact: the bot never goes quiet
        without a queue."""
        try:
            with self._factory() as session:
                availability = counselor_availability(session)
            if availability.open_now:
                request_handoff(
                    self._factory,
                    conversation_id,
                    transcript_from_events(events),
                    language=language,
                )
                return Handover(replies.handed_over(), handed_over=True)
        except (SQLAlchemyError, HandoffUnavailable) as error:
            logger.warning("Handoff unavailable: %s", type(error).__name__)
            availability = CounselorAvailability(open_now=False, next_opening=None)
        if availability.next_opening is None:
            return Handover(enrollment.counselor(self._contact), handed_over=False)
        reply = replies.counselors_away(availability.next_opening, self._zone)
        return Handover(reply, handed_over=False)


def counselor_availability(session: Session, now: datetime | None = None) -> CounselorAvailability:
    """Whether any counselor is inside their working hours now, and when hours next begin."""
    now = now or utc_now()
    open_now = False
    openings: list[datetime] = []
    for counselor in session.scalars(select(Counselor)):
        zone = ZoneInfo(counselor.timezone)
        local_now = now.astimezone(zone)
        for block in counselor.hours:
            for offset in range(LOOKAHEAD_DAYS):
                day = local_now.date() + timedelta(days=offset)
                if day.weekday() != block.weekday:
                    continue
                start = datetime.combine(day, block.start_time, zone)
                end = datetime.combine(day, block.end_time, zone)
                if start <= local_now < end:
                    open_now = True
                elif start > local_now:
                    openings.append(start)
    next_opening = min(openings) if openings else None
    return CounselorAvailability(open_now, next_opening)


def transcript_from_events(
    events: Iterable[Mapping[str, Any]], turns: int = TRANSCRIPT_TURNS
) -> list[dict[str, str]]:
    """The student's and the bot's messages from Rasa tracker events, oldest first."""
    lines = []
    for event in events:
        text = event.get("text")
        if not text:
            continue
        if event.get("event") == "user":
            lines.append({"from": "student", "text": str(text)})
        elif event.get("event") == "bot":
            lines.append({"from": "bot", "text": str(text)})
    return lines[-turns:]


def request_handoff(
    factory: sessionmaker[Session],
    conversation_id: str,
    transcript: list[dict[str, str]],
    now: datetime | None = None,
    language: str = "en",
) -> int:
    """Queue the conversation for a counselor (and tell the CRM); returns the handoff id.

    A conversation already waiting is not queued twice: asking again just returns its id.
    """
    now = now or utc_now()
    try:
        with factory() as session, session.begin():
            waiting = session.scalars(
                select(Handoff).where(
                    Handoff.conversation_id == conversation_id, Handoff.status == "waiting"
                )
            ).first()
            if waiting is not None:
                waiting.transcript = transcript
                waiting.language = language
                return waiting.id
            handoff = Handoff(
                conversation_id=conversation_id,
                status="waiting",
                transcript=transcript,
                requested_at=now,
                language=language,
            )
            session.add(handoff)
            session.flush()
            payload = {
                "handoff_id": handoff.id,
                "conversation_id": conversation_id,
                "requested_at": now.isoformat(),
                "transcript": transcript,
                "language": language,
            }
            session.add(outbox_event("handoff.requested", payload, lead_id=None, now=now))
            handoff_id = handoff.id
    except SQLAlchemyError as error:
        logger.warning("Handoff not recorded, database unavailable: %s", type(error).__name__)
        raise HandoffUnavailable("I could not reach the counselors' queue just now.") from None
    logger.info("Handoff %s requested", handoff_id)
    return handoff_id


def waiting_handoffs(session: Session) -> list[Handoff]:
    """The queue a counselor works through, oldest first."""
    return list(
        session.scalars(
            select(Handoff).where(Handoff.status == "waiting").order_by(Handoff.requested_at)
        )
    )


def close_handoff(
    factory: sessionmaker[Session], conversation_id: str, now: datetime | None = None
) -> bool:
    """Mark the conversation's waiting handoff closed; False when none was waiting."""
    now = now or utc_now()
    with factory() as session, session.begin():
        waiting = session.scalars(
            select(Handoff).where(
                Handoff.conversation_id == conversation_id, Handoff.status == "waiting"
            )
        ).all()
        for handoff in waiting:
            handoff.status = "closed"
            handoff.closed_at = now
    return bool(waiting)


def send_reply(conversation_id: str, text: str, api: rasa_api.RasaApi | None = None) -> None:
    """Deliver a counselor's message to the student's chat; RasaApiError when Rasa refuses or
    cannot be reached (nothing was sent then)."""
    api = api or rasa_api.rasa_api_from_env()
    rasa_api.append_events(api, conversation_id, [rasa_api.counselor_message(text)])


def hand_back(
    factory: sessionmaker[Session],
    conversation_id: str,
    api: rasa_api.RasaApi | None = None,
    now: datetime | None = None,
) -> bool:
    """Resume the bot in the conversation, tell the student, then close its handoff (False when
    none was waiting). Rasa first: when it cannot be reached (RasaApiError) the handoff stays
    waiting, so the student is never left with neither a counselor nor the bot."""
    api = api or rasa_api.rasa_api_from_env()
    events = [*rasa_api.resume_bot(), rasa_api.counselor_message(HANDBACK_MESSAGE)]
    rasa_api.append_events(api, conversation_id, events)
    return close_handoff(factory, conversation_id, now)
