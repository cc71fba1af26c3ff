"""Every reply the bot can produce renders completely against the templates in domain.yml."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.booking import replies as booking_replies
from bot.booking.appointment_times import FreeSlot
from bot.booking.limits import AttemptRefused
from bot.booking.offers import TimeOffer
from bot.booking.service import BookingConfirmation
from bot.database.db import session_factory
from bot.handoff import replies as handoff_replies
from bot.knowledge import answers, catalog
from bot.knowledge.answers import ProgramMention
from bot.knowledge.not_offered import NotOffered
from bot.knowledge.office_answers import PublishedAnswer, office_reply
from bot.knowledge.replies import Reply, enrollment, programs
from bot.knowledge.templates import load_response_texts, placeholders, render
from bot.settings import DOMAIN_PATH, load_settings

ANSWERS_MARKER = "# ---- answers filled from the program database (bot/knowledge/replies/) ----"


def _all_replies(url: str) -> list[Reply]:
    settings = dataclasses.replace(load_settings({}), database_url=url)
    replies = []
    for intent in answers.ANSWERED_INTENTS:
        for text in ("", "comp sci", "software dev"):
            for topic in (None, *answers.PROGRAM_TOPICS):
                replies.append(
                    answers.answer_intent(
                        intent, settings, ProgramMention(text=text), topic, today=date(2026, 11, 24)
                    )
                )
    replies.append(answers.offer_counselor("enroll@example.edu"))
    replies.append(enrollment.catalog_unavailable())
    replies += _replies_for_other_catalogs(url)
    replies += _booking_replies()
    replies.append(office_reply(PublishedAnswer(1, "The **library** is online.", None)))
    replies.append(office_reply(PublishedAnswer(1, "It is online.", "https://example.edu/")))
    return replies


def _booking_replies() -> list[Reply]:
    """Every reply of the booking form, the changes after it and the handoff."""
    zone = ZoneInfo("America/Denver")
    start = datetime(2030, 3, 5, 16, 0, tzinfo=timezone.utc)
    slot = FreeSlot(
        7, "Sample Counselor A", start, start + timedelta(minutes=30), start.astimezone(zone)
    )
    booking = BookingConfirmation(
        "K7QM-4XTR", start, start, "Sample Counselor A", "Ada", "a@example.org"
    )
    return [
        booking_replies.program_question({"computer_science": "B.S. Computer Science"}),
        booking_replies.time_question(TimeOffer([slot]), None, zone),
        booking_replies.time_question(TimeOffer([slot], matched=True), "tuesday", zone),
        booking_replies.time_question(TimeOffer([slot]), "saturday", zone),
        booking_replies.time_question(TimeOffer([slot], understood=False), "blue", zone),
        booking_replies.time_question(TimeOffer([]), None, zone),
        booking_replies.summary(
            full_name="Ada",
            email="a@example.org",
            preferred_contact="phone",
            phone="+13035550123",
            program_name="B.S. Computer Science",
            time="Tuesday, March 5 at 9:00 AM MST",
            privacy_notice_url="/privacy",
        ),
        booking_replies.what_to_change(),
        booking_replies.booked(booking, "email", zone, email_sent=True),
        booking_replies.booked(booking, "text", zone, email_sent=False),
        booking_replies.booking_not_saved(),
        booking_replies.time_taken(),
        booking_replies.booked_without_another_email(booking, "email", zone),
        booking_replies.already_booked(booking, zone, may_show=True),
        booking_replies.already_booked(booking, zone, may_show=False),
        booking_replies.time_not_offered(),
        booking_replies.booking_attempts_limited(
            AttemptRefused("conversation", timedelta(minutes=1))
        ),
        booking_replies.booking_attempts_limited(AttemptRefused("client", timedelta(minutes=42))),
        booking_replies.cancel_question(booking, zone),
        booking_replies.cancelled(booking, zone),
        booking_replies.rescheduled(booking, zone),
        booking_replies.data_deleted(0),
        booking_replies.data_deleted(2),
        booking_replies.data_deleted(0, handoffs=1),
        handoff_replies.handed_over(),
        handoff_replies.counselors_away(start, zone),
    ]


def _replies_for_other_catalogs(url: str) -> list[Reply]:
    """Branches today's catalog does not reach (different tuitions, no transfer text anywhere,
    a transfer text everywhere, no program naming the career): a catalog edit could reach them."""
    with session_factory(url)() as session:
        every = catalog.read_programs(session)
        career = catalog.read_career(session)
    cs, sd = every
    dearer = dataclasses.replace(sd, tuition_per_term_usd=4_000)
    return [
        programs.tuition_for_all([cs, dearer]),
        programs.transfer_for_all([dataclasses.replace(p, transfer_text=None) for p in every]),
        programs.transfer_for_all([dataclasses.replace(p, transfer_text="Yes.") for p in every]),
        programs.recommendation_for_ml_engineer([cs], career),
        programs.recommendation_for_ml_engineer([sd], career),
        programs.not_offered(NotOffered("a program in nursing"), every),
    ]


def _answer_section_names() -> set[str]:
    section = DOMAIN_PATH.read_text(encoding="utf-8").split(ANSWERS_MARKER, 1)[1]
    return set(re.findall(r"^  (utter_\w+):", section, flags=re.MULTILINE))


def test_every_reply_renders_in_every_variation(seeded_url: str) -> None:
    responses = load_response_texts(DOMAIN_PATH)
    replies = _all_replies(seeded_url)
    for reply in replies:
        assert reply.response in responses, f"{reply.response} is not in domain.yml"
        assert all(isinstance(value, str) for value in reply.variables.values())
        texts = responses[reply.response]
        used = set().union(*(placeholders(text) for text in texts))
        unused = set(reply.variables) - used
        assert not unused, f"{reply.response}: variables no template uses: {unused}"
        for text in texts:
            rendered = render(text, reply.variables)  # raises on a missing variable
            assert "{" not in rendered and "}" not in rendered.replace('"}', ""), rendered
            assert "0[" not in rendered  # Rasa's interpolator gives up on this pattern
            print(f"--- {reply.response}\n{rendered}\n")

    produced = {reply.response for reply in replies}
    assert produced == _answer_section_names(), "templates no reply uses, or replies without one"


def test_markdown_is_limited_to_bold_lists_and_links() -> None:
    texts = load_response_texts(DOMAIN_PATH)
    for name in _answer_section_names():
        for text in texts[name]:
            assert not re.search(r"(^|\n)#|`|\|", text), f"{name}: unsupported markdown"
            assert not re.search(r"(?<!\*)\*(?!\*)", text), f"{name}: single * (italics)"


@pytest.mark.parametrize(
    "name", ["utter_tuition", "utter_tuition_same_for_all", "utter_salary", "utter_start_date"]
)
def test_common_answers_have_two_variations(name: str) -> None:
    assert len(load_response_texts(DOMAIN_PATH)[name]) >= 2
