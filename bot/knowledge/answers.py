"""Answer a student's question: read the catalog, choose the reply, never raise.

This is the one entry point the Rasa actions and the `python -m bot ask` CLI share, so an admin
sees exactly what a student would. Any failure to read the catalog (database down, never seeded,
bad URL) becomes the `utter_catalog_unavailable` apology instead of an exception: a student should
get an honest "try again later", and the action server must keep serving other questions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.database.db import session_factory
from bot.knowledge import catalog, intents
from bot.knowledge.catalog import Career, CatalogUnavailable, Program
from bot.knowledge.not_offered import find_not_offered
from bot.knowledge.programs import resolve_program
from bot.knowledge.replies import Reply, career, enrollment, programs
from bot.knowledge.replies.language import ENGLISH, speaking
from bot.knowledge.start_dates import next_start_dates, school_today
from bot.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")

CAREER_REPLIES: dict[str, Callable[[Career], Reply]] = {
    "ask_ml_role": career.role,
    "ask_ml_duties": career.duties,
    "ask_ml_skills": career.skills,
    "ask_ml_education": career.education,
    "ask_ml_certifications": career.certifications,
    "ask_related_roles": career.related_roles,
    "ask_salary": career.salary,
    "ask_job_growth": career.job_growth,
    "ask_industries": career.industries,
}


@dataclass(frozen=True)
class ProgramTopic:
    """How to answer one kind of program question for one program and for all of them."""

    one: Callable[[Program], Reply]
    every: Callable[[Sequence[Program]], Reply]


# Topic names are stored in the `program_topic` slot, so `inform_program` ("and comp sci?") can
# repeat the last question for another program.
PROGRAM_TOPICS: dict[str, ProgramTopic] = {
    "overview": ProgramTopic(programs.overview, programs.program_list),
    "duration": ProgramTopic(programs.duration, programs.duration_for_all),
    "tuition": ProgramTopic(programs.tuition, programs.tuition_for_all),
    "certifications": ProgramTopic(programs.certifications, programs.certifications_for_all),
    "transfer": ProgramTopic(programs.transfer, programs.transfer_for_all),
    "careers": ProgramTopic(programs.careers, programs.careers_for_all),
}
DEFAULT_PROGRAM_TOPIC = "overview"
LIST_PROGRAMS_INTENT = "ask_programs"
PROGRAM_TOPIC_BY_INTENT: dict[str, str] = {
    LIST_PROGRAMS_INTENT: "overview",
    "ask_program_overview": "overview",
    "ask_program_duration": "duration",
    "ask_tuition": "tuition",
    "ask_program_certifications": "certifications",
    "ask_transfer_credit": "transfer",
    "ask_program_careers": "careers",
}
INFORM_PROGRAM_INTENT = "inform_program"
RECOMMENDATION_INTENT = "ask_program_recommendation"
COMPARISON_INTENTS = ("compare_programs", RECOMMENDATION_INTENT)
START_DATE_INTENT = "ask_start_date"
ONLINE_DELIVERY_INTENT = "ask_online_delivery"
HANDOFF_INTENT = "request_human"
# Every unknown topic gets the same honest apology, so these come straight from the registry.
UNKNOWN_TOPIC_INTENTS = intents.UNKNOWN_TOPIC_INTENTS
# What the custom actions answer: the registry's question intents, the "and for computer
# science?" follow-up and the request for a person, in domain.yml order. tests/unit/
# test_intents.py checks that the mappings above route exactly these.
ANSWERED_INTENTS: tuple[str, ...] = intents.names_of(
    *intents.QUESTION_KINDS, intents.Kind.FOLLOW_UP, intents.Kind.HANDOFF
)


@dataclass(frozen=True)
class ProgramMention:
    """What the conversation says about the program: the latest message's entities and text, and
    the `program` slot carried over from earlier turns."""

    entity_values: tuple[str, ...] = ()
    slot_value: str | None = None
    text: str = ""


@dataclass(frozen=True)
class ProgramAnswer:
    reply: Reply
    program: str | None  # the canonical code answered for; None = all programs
    topic: str
    # "We don't offer a program in nursing", when the question named one
    # (bot.knowledge.not_offered).
    not_offered: Reply | None = None

    @property
    def replies(self) -> tuple[Reply, ...]:
        """What to send: the not-offered reply first; it names our programs itself, so an
        overview of all of them would only repeat it."""
        if self.not_offered is None:
            return (self.reply,)
        if self.program is None and self.topic == DEFAULT_PROGRAM_TOPIC:
            return (self.not_offered,)
        return (self.not_offered, self.reply)


def answer_career_question(database_url: str, intent: str, language: str = ENGLISH) -> Reply:
    build = CAREER_REPLIES.get(intent)
    if build is None:
        logger.warning("No career reply for intent %r; describing the role instead", intent)
        build = career.role
    return from_catalog(
        database_url,
        lambda session: build(catalog.read_career(session, language)),
        fallback=enrollment.catalog_unavailable,
        language=language,
    )


def answer_program_question(
    database_url: str,
    intent: str,
    mention: ProgramMention,
    previous_topic: str | None = None,
    language: str = ENGLISH,
) -> ProgramAnswer:
    """Answer for the program the student means, or for all programs when none is known."""
    topic = program_topic_for(intent, previous_topic)

    def build(session: Session) -> ProgramAnswer:
        every = catalog.read_programs(session, language)
        code = resolve_program(
            entity_values=mention.entity_values,
            slot_value=mention.slot_value,
            text=mention.text,
            aliases=catalog.read_program_aliases(session),
        )
        chosen = next((p for p in every if p.code == code), None)
        # A transfer question names what the student studied before, not what they want.
        asked = None if topic == "transfer" else find_not_offered(mention.text)
        not_offered = programs.not_offered(asked, every) if asked else None
        if intent == LIST_PROGRAMS_INTENT:
            return ProgramAnswer(programs.program_list(every), code, topic, not_offered)
        answer_kind = PROGRAM_TOPICS[topic]
        reply = answer_kind.one(chosen) if chosen else answer_kind.every(every)
        return ProgramAnswer(reply, code, topic, not_offered)

    return from_catalog(
        database_url,
        build,
        fallback=lambda: ProgramAnswer(enrollment.catalog_unavailable(), None, topic),
        language=language,
    )


def program_topic_for(intent: str, previous_topic: str | None) -> str:
    """The topic an intent asks about; `inform_program` repeats the previous one."""
    if intent == INFORM_PROGRAM_INTENT:
        return previous_topic if previous_topic in PROGRAM_TOPICS else DEFAULT_PROGRAM_TOPIC
    return PROGRAM_TOPIC_BY_INTENT.get(intent, DEFAULT_PROGRAM_TOPIC)


def answer_comparison(database_url: str, intent: str, language: str = ENGLISH) -> Reply:
    """Programs side by side, or, for `ask_program_recommendation`, the fit for an ML engineer."""

    def build(session: Session) -> Reply:
        every = catalog.read_programs(session, language)
        if intent == RECOMMENDATION_INTENT:
            career = catalog.read_career(session, language)
            return programs.recommendation_for_ml_engineer(every, career)
        return programs.comparison(every)

    return from_catalog(
        database_url, build, fallback=enrollment.catalog_unavailable, language=language
    )


def answer_start_date(
    database_url: str, today: date, text: str = "", language: str = ENGLISH
) -> tuple[Reply, ...]:
    """The next two start dates after `today` (the school's calendar date), after "we don't
    offer that" when the student asked when a program we do not have starts."""

    def build(session: Session) -> tuple[Reply, ...]:
        policy = catalog.read_enrollment_policy(session, language)
        upcoming = next_start_dates(today, day_of_month=policy.start_day_of_month, count=2)
        return (
            *_not_offered(session, text, language=language),
            enrollment.start_dates(policy, upcoming),
        )

    return from_catalog(
        database_url,
        build,
        fallback=lambda: (enrollment.catalog_unavailable(),),
        language=language,
    )


def answer_online_delivery(database_url: str, language: str = ENGLISH) -> Reply:
    """Whether the programs are taught online (and so where a student can study from)."""
    return from_catalog(
        database_url,
        lambda session: enrollment.online_delivery(
            catalog.read_enrollment_policy(session, language)
        ),
        fallback=enrollment.catalog_unavailable,
        language=language,
    )


def answer_unknown_topic(
    intent: str, database_url: str = "", text: str = "", language: str = ENGLISH
) -> tuple[Reply, ...]:
    """The honest counselor offer; "what are the admission requirements for nursing?" first
    hears that nursing is not one of our programs. Only a subject framed as a program counts
    here ("the nursing program"), since the message was not known to be about programs."""
    with speaking(language):
        offer = enrollment.unknown_topic(intent)
    if not database_url or find_not_offered(text, framed_only=True) is None:
        return (offer,)
    found = from_catalog(
        database_url,
        lambda session: _not_offered(session, text, framed_only=True, language=language),
        fallback=_no_replies,
        language=language,
    )
    return (*found, offer)


def _no_replies() -> tuple[Reply, ...]:
    return ()


def _not_offered(
    session: Session, text: str, *, framed_only: bool = False, language: str = ENGLISH
) -> tuple[Reply, ...]:
    asked = find_not_offered(text, framed_only=framed_only)
    if asked is None:
        return ()
    return (programs.not_offered(asked, catalog.read_programs(session, language)),)


def offer_counselor(contact: str | None) -> Reply:
    return enrollment.counselor(contact)


def answer_intent(
    intent: str,
    settings: Settings,
    mention: ProgramMention = ProgramMention(),
    previous_topic: str | None = None,
    today: date | None = None,
    language: str = ENGLISH,
) -> Reply:
    """What the custom actions would say to `intent` (the CLI's `ask`; the actions call the
    functions above directly because they also need the resolved program and topic)."""
    url = settings.database_url
    if intent in CAREER_REPLIES:
        return answer_career_question(url, intent, language)
    if intent in PROGRAM_TOPIC_BY_INTENT or intent == INFORM_PROGRAM_INTENT:
        return answer_program_question(url, intent, mention, previous_topic, language).reply
    if intent in COMPARISON_INTENTS:
        return answer_comparison(url, intent, language)
    if intent == START_DATE_INTENT:
        today = today or school_today(settings.school_timezone)
        return answer_start_date(url, today, language=language)[-1]
    if intent == ONLINE_DELIVERY_INTENT:
        return answer_online_delivery(url, language)
    if intent == HANDOFF_INTENT:
        return offer_counselor(settings.enrollment_contact)
    if intent in UNKNOWN_TOPIC_INTENTS:
        return answer_unknown_topic(intent, language=language)[-1]
    raise ValueError(f"{intent!r} is not answered by a custom action")


def from_catalog(
    database_url: str,
    build: Callable[[Session], T],
    fallback: Callable[[], T],
    language: str = ENGLISH,
) -> T:
    """`build`'s replies in `language` (bot.knowledge.replies.language), or `fallback`'s when
    the program database cannot answer."""
    with speaking(language):
        try:
            with catalog.catalog_session(session_factory(database_url)) as session:
                return build(session)
        except (CatalogUnavailable, SQLAlchemyError, OSError) as error:
            # Log the cause for the operator; the student gets the apology.
            logger.error("Program catalog unavailable: %s", error)
            return fallback()
