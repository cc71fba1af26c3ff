"""The booking desk (bot.booking.desk) and the thin actions over it: every failure gets its own
reply, reads do not write, and every response an action can send is defined in domain.yml."""

from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from actions.appointments import (
    ActionAskChangeConfirmed,
    ActionStartAppointmentChange,
    ValidateAppointmentChangeForm,
)
from actions.booking_form import ActionAskAppointmentSlot, ActionAskInterestedProgram
from bot.booking import offers, service
from bot.booking import replies as booking_replies
from bot.booking.counselors import SAMPLE_COUNSELORS_PATH, seed_counselors
from bot.booking.desk import BookingDesk, BookingResult, TimeChoice
from bot.booking.form_answers import UNDECIDED, catalog_code
from bot.booking.time_preference import names_a_time
from bot.database import migrate
from bot.database.db import engine_for, session_factory
from bot.database.models import AppointmentSlot
from bot.knowledge.replies.language import speaking
from bot.settings import REPO_ROOT, load_settings
from tests.unit.conftest import BOOKING_NOW
from tests.unit.test_booking import details
from tests.unit.test_booking_form import DOMAIN, answer, run, tracker

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
SCHOOL = ZoneInfo("America/Denver")


def desk_for(url: str) -> BookingDesk:
    return BookingDesk(load_settings({"DATABASE_URL": url}))


# --- every response an action can send exists ----------------------------------------------


def _response_names_in(path: Path) -> set[str]:
    """String constants that name a response ("utter_..."), anywhere in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith("utter_")
        and node.value.isidentifier()
        and not node.value.endswith("_")  # the fixed part of an f-string
    }


def test_every_response_an_action_can_send_is_in_the_domain() -> None:
    senders = [
        *(REPO_ROOT / "actions").glob("*.py"),
        *(REPO_ROOT / "bot" / "knowledge" / "replies").glob("*.py"),
        REPO_ROOT / "bot" / "knowledge" / "answers.py",
        REPO_ROOT / "bot" / "booking" / "replies.py",
        REPO_ROOT / "bot" / "booking" / "desk.py",
        REPO_ROOT / "bot" / "handoff" / "replies.py",
        REPO_ROOT / "bot" / "handoff" / "service.py",
    ]
    named = set().union(*(_response_names_in(path) for path in senders))
    # The one response name built at run time: the reason an answer cannot be used.
    named |= {
        booking_replies.invalid_answer(field, "reason").response
        for field in desk_for("sqlite://").checked_fields
    }
    assert "utter_invalid_full_name" in named
    missing = named - set(DOMAIN["responses"])
    assert not missing, f"sent by an action but not defined in domain.yml: {sorted(missing)}"


@pytest.mark.parametrize("typed", ["   ", "x" * 201])
def test_an_unusable_name_is_explained(booking_env: str, typed: str) -> None:
    messages, slots = answer({}, "full_name", typed)
    assert slots["full_name"] is None
    assert messages[0]["response"] == "utter_invalid_full_name"
    assert messages[0]["reason"]


# --- parsing helpers ------------------------------------------------------------------------


def test_catalog_code_reads_codes_names_and_undecided() -> None:
    aliases = {"comp sci": "computer_science", "software development": "software_development"}
    assert catalog_code("computer_science", aliases) == "computer_science"
    assert catalog_code("comp sci please", aliases) == "computer_science"
    assert catalog_code(UNDECIDED, aliases) == UNDECIDED
    assert catalog_code("not sure yet", aliases) == UNDECIDED
    assert catalog_code("basket weaving", aliases) is None


def test_names_a_time() -> None:
    now = datetime(2030, 3, 4, 8, 0, tzinfo=SCHOOL)
    assert names_a_time("tomorrow afternoon", now)
    assert not names_a_time("blue", now)


# --- reads do not write ---------------------------------------------------------------------


def test_offering_times_is_a_read_and_topping_up_a_separate_write(database_url: str) -> None:
    migrate.upgrade(engine_for(database_url))
    factory = session_factory(database_url)
    with factory() as session:
        seed_counselors(session, SAMPLE_COUNSELORS_PATH)
        session.commit()

    def slot_count(session: Session) -> int:
        return session.scalar(select(func.count()).select_from(AppointmentSlot)) or 0

    with factory() as session:
        assert offers.offer_times(session, SCHOOL, now=BOOKING_NOW).times == []
        assert slot_count(session) == 0
        created = offers.top_up_slots(session, now=BOOKING_NOW)
        session.commit()
        assert created == slot_count(session) > 0
        assert offers.top_up_slots(session, now=BOOKING_NOW) == 0  # enough ahead already
        assert len(offers.offer_times(session, SCHOOL, now=BOOKING_NOW).times) == 4


# --- each failure gets its own reply ---------------------------------------------------------


def test_an_unreachable_database_is_never_reported_as_an_unknown_reference() -> None:
    desk = desk_for(UNREACHABLE)
    lookup = desk.find_appointment("K7QM-4XTR")
    assert lookup.unavailable and lookup.reference is None
    assert lookup.reply is not None
    assert lookup.reply.response == "utter_appointment_book_unavailable"
    assert desk.cancel("K7QM-4XTR", confirmed=True).reply.response == "utter_change_not_saved"
    moved = desk.reschedule("student-1", "K7QM-4XTR", 5)
    assert moved.reply.response == "utter_change_not_saved"
    assert desk.erase("student-1").reply.response == "utter_delete_failed"


def test_free_times_that_cannot_be_read_say_so() -> None:
    desk = desk_for(UNREACHABLE)
    offered = desk.offer_times("student-1", None)
    assert offered.reply.response == "utter_times_unavailable" and not offered.any_shown
    chosen = desk.choose_time("student-1", "March 5 2030 at 9am")
    # Nothing taken and nothing to say: the time question asked again apologises, once.
    assert chosen == TimeChoice()


def test_a_chosen_time_during_an_outage_is_asked_again_with_one_apology(
    booking_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    messages, slots = answer(
        {}, "appointment_slot", "7", entities=[{"entity": "slot_id", "value": "7"}]
    )
    assert messages == [] and slots["appointment_slot"] is None
    asked_again, left = run(
        ActionAskAppointmentSlot(), tracker({"requested_slot": "appointment_slot"})
    )
    assert [m["response"] for m in asked_again] == ["utter_times_unavailable"]
    assert left == {"requested_slot": None}  # and the form ends


def test_reschedule_and_cancel_report_an_unreachable_database_as_unavailable() -> None:
    factory = session_factory(UNREACHABLE)
    with pytest.raises(service.BookingUnavailable):
        service.reschedule(factory, "K7QM-4XTR", 5)
    with pytest.raises(service.BookingUnavailable):
        service.cancel(factory, "K7QM-4XTR")


def test_an_unknown_reference_is_still_not_found(
    booking_factory: sessionmaker[Session], database_url: str
) -> None:
    desk = desk_for(database_url)
    assert desk.find_appointment("NOPE-NOPE").reply == booking_replies.reference_not_found()
    assert desk.cancel("NOPE-NOPE", confirmed=True).reply.response == "utter_reference_not_found"
    assert not desk.cancel("NOPE-NOPE", confirmed=False).cancelled


# --- the four actions of the appointment change and the program question ---------------------


def change_tracker(slots: dict[str, Any], text: str = "", intent: str = "inform") -> Tracker:
    return tracker(
        {"booking_reference": None, "change_kind": None, "change_confirmed": None, **slots},
        text,
        intent=intent,
        active_loop="appointment_change_form",
    )


def book_one(url: str) -> service.BookingConfirmation:
    with session_factory(url)() as session:
        first = offers.offer_times(session, SCHOOL).times[0]
    return service.book(session_factory(url), details(conversation_id="student-1"), first.slot_id)


def test_start_appointment_change_remembers_the_kind_and_a_typed_reference(
    booking_env: str,
) -> None:
    _, slots = run(
        ActionStartAppointmentChange(),
        change_tracker({}, "cancel k7qm 4xtr please", intent="cancel_appointment"),
    )
    assert slots["change_kind"] == "cancel" and slots["booking_reference"] == "K7QM-4XTR"
    assert slots["change_confirmed"] is None
    _, slots = run(
        ActionStartAppointmentChange(),
        change_tracker({}, "move my call", intent="reschedule_appointment"),
    )
    assert slots["change_kind"] == "reschedule" and "booking_reference" not in slots


def test_change_form_checks_the_reference(
    booking_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    booked = book_one(booking_env)
    typed = booked.reference.lower().replace("-", " ")
    asking = {"change_kind": "cancel", "requested_slot": "booking_reference"}
    messages, slots = run(
        ValidateAppointmentChangeForm(),
        change_tracker(asking, typed),
    )
    assert messages == [] and slots["booking_reference"] == booked.reference
    messages, slots = run(
        ValidateAppointmentChangeForm(),
        change_tracker(asking, "ABCD-EFGH"),
    )
    assert messages[0]["response"] == "utter_reference_not_found"
    assert slots["booking_reference"] is None
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    messages, slots = run(
        ValidateAppointmentChangeForm(),
        change_tracker(asking, typed),
    )
    assert messages[0]["response"] == "utter_appointment_book_unavailable"
    assert slots["booking_reference"] is None


def test_change_form_reads_yes_and_no(booking_env: str) -> None:
    booked = book_one(booking_env)
    base = {
        "change_kind": "cancel",
        "booking_reference": booked.reference,
        "requested_slot": "change_confirmed",
    }
    _, slots = run(ValidateAppointmentChangeForm(), change_tracker(base, "yes", intent="affirm"))
    assert slots["change_confirmed"] is True
    _, slots = run(ValidateAppointmentChangeForm(), change_tracker(base, "no", intent="deny"))
    assert slots["change_confirmed"] is False


def test_ask_change_confirmed_names_the_call_or_says_why_not(
    booking_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    booked = book_one(booking_env)
    messages, events = run(
        ActionAskChangeConfirmed(), change_tracker({"booking_reference": booked.reference})
    )
    assert messages[0]["response"] == "utter_ask_cancel_confirmed"
    assert messages[0]["reference"] == booked.reference and events == {}
    messages, events = run(
        ActionAskChangeConfirmed(), change_tracker({"booking_reference": "ABCD-EFGH"})
    )
    assert messages[0]["response"] == "utter_reference_not_found"
    assert events == {"booking_reference": None}
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    messages, events = run(
        ActionAskChangeConfirmed(), change_tracker({"booking_reference": booked.reference})
    )
    assert messages[0]["response"] == "utter_appointment_book_unavailable"
    assert events == {"requested_slot": None}  # and the form ends (ActiveLoop(None))


def test_ask_interested_program_offers_the_programs_and_not_sure(
    booking_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages, _ = run(ActionAskInterestedProgram(), tracker({}))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert messages[0]["response"] == "utter_ask_interested_program"
    assert '/inform{"program_choice":"computer_science"}' in payloads
    assert payloads[-1] == f'/inform{{"program_choice":"{UNDECIDED}"}}'
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    messages, _ = run(ActionAskInterestedProgram(), tracker({}))
    assert [b["payload"] for b in messages[0]["buttons"]] == [payloads[-1]]


def test_program_buttons_and_summary_name_the_programs_in_the_conversations_language(
    booking_env: str,
) -> None:
    with speaking("es"):
        question = desk_for(booking_env).program_question()
        titles = [button.title for button in question.buttons]
        summary = desk_for(booking_env).summary(
            full_name="Ana",
            email="ana@example.org",
            preferred_contact="email",
            phone=None,
            program="computer_science",
            time="lunes",
        )
    assert "Licenciatura (B.S.) en Ciencias de la Computación" in titles
    assert titles[-1] == "Aún no lo sé"
    assert "Ciencias de la Computación" in summary.variables["program"]
    english = [button.title for button in desk_for(booking_env).program_question().buttons]
    assert not set(titles[:-1]) & set(english)


def test_booking_through_the_desk_and_a_second_booking_for_the_address(booking_env: str) -> None:
    desk = desk_for(booking_env)
    offered = desk.offer_times("student-1", None)
    first, second = (int(b.payload.split('"')[-2]) for b in offered.reply.buttons[:2])
    outcome = desk.book("student-1", details(conversation_id="student-1"), first)
    assert outcome.result is BookingResult.BOOKED
    assert outcome.reply.response == "utter_booking_confirmed_no_email"
    assert outcome.reference == outcome.reply.variables["reference"]
    again = desk.book("student-1", details(conversation_id="student-1"), second)
    assert again.result is BookingResult.ALREADY_BOOKED and again.reference == outcome.reference
    desk.offer_times("someone-else", None)  # the same times, offered to another chat
    stranger = desk.book("someone-else", details(conversation_id="someone-else"), second)
    assert stranger.result is BookingResult.ALREADY_BOOKED and stranger.reference is None
