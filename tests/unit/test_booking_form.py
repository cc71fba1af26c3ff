"""The booking form's validation action and the booking actions, run the way rasa_sdk runs them
against a real program database (catalog, sample counselors, slots from BOOKING_NOW)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.appointments import ActionChangeAppointment, ActionDeleteMyData
from actions.booking import ActionBookAppointment, ActionStartBooking, ActionStopBooking
from actions.booking_form import (
    ActionAskAppointmentSlot,
    ActionAskBookingConfirmed,
    ValidateCounselorBookingForm,
)
from bot.booking.form_answers import NO_PHONE, UNDECIDED
from bot.booking.service import reference_in
from bot.database.db import session_factory
from bot.database.models import Appointment, Lead
from bot.settings import DOMAIN_PATH

DOMAIN = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))
FORM_SLOTS = DOMAIN["forms"]["counselor_booking_form"]["required_slots"]


def tracker(
    slots: dict[str, Any],
    text: str = "",
    intent: str = "inform",
    confidence: float = 0.99,
    entities: list[dict[str, Any]] | None = None,
    active_loop: str = "counselor_booking_form",
    sender: str = "student-1",
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    return Tracker(
        sender_id=sender,
        slots={"program": None, **dict.fromkeys(FORM_SLOTS), **slots},
        latest_message={
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities or [],
            "text": text,
            "metadata": {"page": "http://localhost:8000/", **(metadata or {})},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action: Action, state: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Messages sent and the slots set (name -> value) by one run of `action`."""
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, state, DOMAIN)
    events = asyncio.run(result) if asyncio.iscoroutine(result) else result
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def answer(
    slots: dict[str, Any], asked: str, text: str, **message: Any
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    return run(
        ValidateCounselorBookingForm(), tracker({**slots, "requested_slot": asked}, text, **message)
    )


def test_name_is_read_from_a_sentence(booking_env: str) -> None:
    _, slots = answer({}, "full_name", "sure, my name is Jordan Lee")
    assert slots["full_name"] == "Jordan Lee"


def test_invalid_email_is_asked_again_with_the_reason(booking_env: str) -> None:
    messages, slots = answer({"full_name": "Jo"}, "email", "jordan at example")
    assert slots["email"] is None
    assert messages[0]["response"] == "utter_invalid_email"
    assert "@" in messages[0]["reason"]


def test_email_is_normalised(booking_env: str) -> None:
    _, slots = answer({"full_name": "Jo"}, "email", "my email is Jordan@Example.ORG")
    assert slots["email"] == "Jordan@example.org"


def test_phone_becomes_e164_or_can_be_skipped(booking_env: str) -> None:
    _, typed = answer({"full_name": "Jo", "email": "j@example.org"}, "phone", "(303) 555-0147")
    assert typed["phone"] == "+13035550147"
    _, skipped = answer(
        {"full_name": "Jo", "email": "j@example.org"},
        "phone",
        "/skip_question",
        intent="skip_question",
    )
    assert skipped["phone"] == NO_PHONE


def test_an_impossible_phone_number_is_refused(booking_env: str) -> None:
    messages, slots = answer({}, "phone", "555 12")
    assert slots["phone"] is None
    assert messages[0]["response"] == "utter_invalid_phone"


def test_calling_without_a_phone_number_asks_for_one(booking_env: str) -> None:
    messages, slots = answer(
        {"phone": NO_PHONE},
        "preferred_contact",
        "call me",
        entities=[{"entity": "contact_method", "value": "phone"}],
    )
    assert messages[0]["response"] == "utter_phone_needed"
    assert slots["preferred_contact"] is None and slots["phone"] is None


def test_a_question_mid_form_is_not_taken_as_an_answer(booking_env: str) -> None:
    """Nothing is extracted, so Rasa rejects the form and the digression rules answer."""
    messages, slots = answer(
        {"full_name": "Jo"}, "email", "how much is tuition?", intent="ask_tuition", confidence=0.97
    )
    assert messages == []
    assert "email" not in slots


def test_a_program_named_earlier_is_filled_in_when_booking_starts(booking_env: str) -> None:
    _, slots = run(
        ActionStartBooking(), tracker({"program": "software_development"}, active_loop="")
    )
    assert slots["interested_program"] == "software_development"
    assert slots["full_name"] is None


@pytest.mark.parametrize(
    ("typed", "code"), [("comp sci", "computer_science"), ("not sure yet", UNDECIDED)]
)
def test_program_answers(booking_env: str, typed: str, code: str) -> None:
    _, slots = answer({}, "interested_program", typed)
    assert slots["interested_program"] == code


def test_time_offer_has_buttons_in_the_school_zone(booking_env: str) -> None:
    messages, _ = run(ActionAskAppointmentSlot(), tracker({"requested_slot": "appointment_slot"}))
    assert messages[0]["response"] == "utter_ask_appointment_slot"
    assert messages[0]["zone"] in ("MST", "MDT")
    assert len(messages[0]["buttons"]) == 4
    assert all(b["payload"].startswith('/inform{"slot_id":') for b in messages[0]["buttons"])


def test_a_typed_exact_time_is_taken_at_once(booking_env: str) -> None:
    # Sample Counselor A works Tuesdays from 9:00 (Denver); BOOKING_NOW is Monday March 4, 2030.
    _, slots = answer({}, "appointment_slot", "March 5 2030 at 9am")
    assert slots["appointment_slot"].isdigit()
    assert slots["appointment_time"] == "Tuesday, March 5 at 9:00 AM MST"


def test_a_typed_window_narrows_the_offer(booking_env: str) -> None:
    _, slots = answer({}, "appointment_slot", "March 6 2030 afternoon")
    assert slots["appointment_slot"] is None
    assert slots["time_wish"] == "March 6 2030 afternoon"
    messages, _ = run(
        ActionAskAppointmentSlot(), tracker({**slots, "requested_slot": "appointment_slot"})
    )
    assert messages[0]["response"] == "utter_ask_appointment_slot_matched"
    assert all("Mar 6" in b["title"] and "PM" in b["title"] for b in messages[0]["buttons"])


def test_change_my_email_at_the_summary_asks_only_the_email(booking_env: str) -> None:
    filled = {
        "full_name": "Jo",
        "email": "j@example.org",
        "phone": NO_PHONE,
        "preferred_contact": "email",
        "interested_program": UNDECIDED,
        "appointment_slot": "1",
        "appointment_time": "Tue",
    }
    _, slots = answer(
        filled, "booking_confirmed", "change my email", intent="change_booking_detail"
    )
    assert slots["email"] is None and slots["booking_confirmed"] is None
    assert slots.get("full_name", "Jo") == "Jo"  # only the named field is asked again


def test_no_at_the_summary_lists_what_can_change(booking_env: str) -> None:
    messages, _ = run(
        ActionAskBookingConfirmed(),
        tracker({"requested_slot": "booking_confirmed"}, "no", intent="deny"),
    )
    assert messages[0]["response"] == "utter_ask_what_to_change"


def test_summary_links_the_privacy_notice(
    booking_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRIVACY_NOTICE_URL", "https://school.example/privacy")
    messages, _ = run(
        ActionAskBookingConfirmed(),
        tracker(
            {
                "requested_slot": "booking_confirmed",
                "full_name": "Jo",
                "email": "j@example.org",
                "preferred_contact": "email",
                "phone": NO_PHONE,
                "interested_program": "computer_science",
                "appointment_time": "Tuesday",
            },
            "Tuesday",
        ),
    )
    summary = messages[0]
    assert summary["response"] == "utter_booking_summary"
    assert summary["privacy_notice_url"] == "https://school.example/privacy"
    assert summary["program"] == "B.S. Computer Science"
    assert summary["phone"] == "not given"


def completed_form(slot_id: str) -> dict[str, Any]:
    return {
        "full_name": "Jordan Lee",
        "email": "jordan@example.org",
        "phone": "+13035550147",
        "preferred_contact": "phone",
        "interested_program": "computer_science",
        "appointment_slot": slot_id,
        "appointment_time": "Tuesday",
        "booking_confirmed": True,
    }


def first_free_slot_id() -> str:
    messages, _ = run(ActionAskAppointmentSlot(), tracker({"requested_slot": "appointment_slot"}))
    return messages[0]["buttons"][0]["payload"].split('"')[-2]


def test_booking_is_saved_then_confirmed_with_a_reference(booking_env: str) -> None:
    messages, slots = run(
        ActionBookAppointment(), tracker(completed_form(first_free_slot_id()), active_loop="")
    )
    assert messages[0]["response"] == "utter_booking_confirmed_no_email"
    reference = messages[0]["reference"]
    assert reference_in(reference) == reference
    assert "MST" in messages[0]["when"] or "MDT" in messages[0]["when"]
    assert slots["booking_reference"] == reference and slots["full_name"] is None
    with session_factory(booking_env)() as session:
        lead = session.scalars(select(Lead)).one()
        assert (lead.conversation_id, lead.phone, lead.consent) == (
            "student-1",
            "+13035550147",
            True,
        )
        assert lead.source_page == "http://localhost:8000/"


def test_a_taken_time_is_offered_again_not_booked_twice(booking_env: str) -> None:
    slot_id = first_free_slot_id()
    run(ActionBookAppointment(), tracker(completed_form(slot_id), active_loop=""))
    # Someone else in the same chat (the same address would be refused as already booked).
    other_student = {**completed_form(slot_id), "email": "sam@example.org"}
    messages, slots = run(ActionBookAppointment(), tracker(other_student, active_loop=""))
    assert messages[0]["response"] == "utter_time_taken"
    assert slots["appointment_slot"] is None and slots["booking_confirmed"] is None
    assert "email" not in slots  # the other answers are kept
    with session_factory(booking_env)() as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_database_down_says_so_and_keeps_the_details(
    booking_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    )
    messages, slots = run(ActionBookAppointment(), tracker(completed_form("5"), active_loop=""))
    assert messages[0]["response"] == "utter_booking_not_saved"
    assert [b["payload"] for b in messages[0]["buttons"]][0] == "/retry_booking"
    assert slots == {}  # nothing cleared: "try again" books with the same details


def test_never_mind_forgets_the_answers(booking_env: str) -> None:
    messages, slots = run(
        ActionStopBooking(), tracker({"full_name": "Jo", "requested_slot": "email"})
    )
    assert messages[0]["response"] == "utter_booking_stopped"
    assert slots["full_name"] is None
    with session_factory(booking_env)() as session:
        assert session.scalar(select(func.count()).select_from(Lead)) == 0


def test_cancel_then_delete_my_data(booking_env: str) -> None:
    messages, _ = run(
        ActionBookAppointment(), tracker(completed_form(first_free_slot_id()), active_loop="")
    )
    reference = messages[0]["reference"]
    cancelled, _ = run(
        ActionChangeAppointment(),
        tracker(
            {
                "booking_reference": reference.lower().replace("-", " "),
                "change_kind": "cancel",
                "change_confirmed": True,
            },
            active_loop="",
        ),
    )
    assert cancelled[0]["response"] == "utter_appointment_cancelled"
    deleted, _ = run(ActionDeleteMyData(), tracker({}, active_loop=""))
    assert deleted[0]["response"] == "utter_data_deleted" and deleted[0]["count"] == "1"
    with session_factory(booking_env)() as session:
        assert session.scalar(select(func.count()).select_from(Lead)) == 0


def test_thanks_is_not_taken_as_a_name(booking_env: str) -> None:
    _, slots = answer({}, "full_name", "thanks!", intent="thank", confidence=0.98)
    assert slots["full_name"] is None


def test_no_skips_the_optional_phone(booking_env: str) -> None:
    _, slots = answer({}, "phone", "no thanks", intent="deny")
    assert slots["phone"] == NO_PHONE


@pytest.mark.parametrize(
    "left_early",
    [
        {"change_kind": "reschedule", "appointment_slot": None},  # no free times to offer
        {"change_kind": "cancel", "change_confirmed": None},  # the appointment book unreachable
    ],
)
def test_a_change_form_that_ended_early_changes_nothing_and_says_nothing_more(
    booking_env: str, left_early: dict[str, Any]
) -> None:
    # The question that ended the form already apologised; before, a reschedule with no time
    # chosen crashed the action (int(None)) and the change slots were never reset.
    state = tracker({"booking_reference": "K7QM-4XTR", **left_early}, active_loop="")
    messages, slots = run(ActionChangeAppointment(), state)
    assert messages == []
    assert slots["change_kind"] is None and slots["appointment_slot"] is None


def test_a_booking_form_left_without_a_time_is_not_reopened(booking_env: str) -> None:
    # No free time (or the calendar down) ends the form with an apology; going back into the
    # form from here would repeat the apology until Rasa's prediction limit.
    incomplete = {**completed_form(first_free_slot_id()), "appointment_slot": None}
    dispatcher = CollectingDispatcher()
    assert (
        ActionBookAppointment().run(dispatcher, tracker(incomplete, active_loop=""), DOMAIN) == []
    )
    assert dispatcher.messages == []


def test_try_again_with_missing_details_reopens_the_form(booking_env: str) -> None:
    state = tracker({}, intent="retry_booking", active_loop="")
    events = ActionBookAppointment().run(CollectingDispatcher(), state, DOMAIN)
    assert events == [{"event": "followup", "name": "counselor_booking_form", "timestamp": None}]
