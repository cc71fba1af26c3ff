"""Replies of the counselor booking: times to pick, the summary to check, the confirmation, and
what is said when something cannot be done (nothing free, database down, unknown reference).

Times are always shown in the school's time zone with the zone's abbreviation, because a student
in another zone must be able to tell when the call is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.booking.appointment_times import FreeSlot
from bot.booking.form_answers import NO_PHONE, UNDECIDED
from bot.booking.limits import AttemptRefused
from bot.booking.offers import TimeOffer
from bot.booking.service import BookingConfirmation
from bot.knowledge.replies.base import Button, Reply
from bot.knowledge.replies.language import (
    SPANISH,
    clock_time,
    current_language,
    in_current_language,
    spanish_month,
    spanish_weekday,
)

CONTACT_METHOD_NAMES = {"email": "e-mail", "phone": "phone call", "text": "text message"}
_CONTACT_METHOD_NAMES_ES = {
    "email": "correo electrónico",
    "phone": "llamada telefónica",
    "text": "mensaje de texto",
}


def contact_name(method: str) -> str:
    """ "phone call" (or "llamada telefónica") for the stored contact method."""
    names = _CONTACT_METHOD_NAMES_ES if current_language() == SPANISH else CONTACT_METHOD_NAMES
    return names.get(method, method)


def _button(english: str, spanish: str, payload: str) -> Button:
    return Button(in_current_language(english, spanish), payload)


def dont_book() -> Button:
    return _button("Don't book", "No agendar", "/stop_booking")


def field_buttons() -> tuple[Button, ...]:
    change = '/change_booking_detail{{"booking_field":"{}"}}'.format
    return (
        _button("Name", "Nombre", change("full_name")),
        _button("E-mail", "Correo electrónico", change("email")),
        _button("Contact method", "Medio de contacto", change("preferred_contact")),
        _button("Phone", "Teléfono", change("phone")),
        _button("Program", "Programa", change("interested_program")),
        _button("Time", "Fecha y hora", change("appointment_slot")),
        dont_book(),
    )


def confirm_buttons() -> tuple[Button, ...]:
    return (
        _button("Yes, book it", "Sí, agéndala", "/affirm"),
        _button("Change something", "Cambiar algo", "/change_booking_detail"),
        dont_book(),
    )


def yes_no_buttons() -> tuple[Button, ...]:
    return (_button("Yes", "Sí", "/affirm"), _button("No", "No", "/deny"))


def retry_buttons() -> tuple[Button, ...]:
    return (_button("Try again", "Intentar de nuevo", "/retry_booking"), dont_book())


def book_a_call() -> Button:
    return _button("Book a call", "Agendar una llamada", "/book_counselor")


def talk_to_a_person() -> Button:
    return _button("Talk to a person", "Hablar con una persona", "/request_human")


def existing_booking_buttons() -> tuple[Button, ...]:
    """The existing booking's reference is already in the `booking_reference` slot when it may
    be shown, so "/reschedule_appointment" goes straight to the new time; otherwise it asks."""
    return (
        _button("Move it to another time", "Cambiarla a otro horario", "/reschedule_appointment"),
        _button("Keep it", "Conservarla", "/stop_booking"),
    )


def when(moment: datetime, school_timezone: ZoneInfo, with_year: bool = False) -> str:
    """ "Tuesday, December 1 at 2:00 PM MST" in the school's zone, or in Spanish "martes 1 de
    diciembre a las 2:00 p. m. MST"; `with_year` (the e-mail, read later) adds ", 2030" or
    " de 2030" after the day."""
    local = moment.astimezone(school_timezone)
    if current_language() == SPANISH:
        day = f"{spanish_weekday(local.weekday())} {local.day} de {spanish_month(local.month)}"
        year = f" de {local.year}" if with_year else ""
        return f"{day}{year} a las {clock_time(local)}"
    year = f", {local.year}" if with_year else ""
    return f"{local:%A, %B} {local.day}{year} at {clock_time(local)}"


def time_buttons(times: Sequence[FreeSlot]) -> tuple[Button, ...]:
    return tuple(Button(slot.label(), f'/inform{{"slot_id":"{slot.slot_id}"}}') for slot in times)


def program_question(programs: Mapping[str, str]) -> Reply:
    """`programs`: code -> display name, from the program database."""
    buttons = tuple(
        Button(name, f'/inform{{"program_choice":"{code}"}}') for code, name in programs.items()
    )
    not_sure = _button("Not sure yet", "Aún no lo sé", f'/inform{{"program_choice":"{UNDECIDED}"}}')
    return Reply("utter_ask_interested_program", buttons=(*buttons, not_sure))


def time_question(offer: TimeOffer, wish: str | None, school_timezone: ZoneInfo) -> Reply:
    """The free times as buttons, introduced by how they relate to what the student typed."""
    zone = datetime.now(school_timezone).strftime("%Z")
    if not offer.times:
        return Reply("utter_no_free_times")
    buttons = time_buttons(offer.times)
    if not offer.understood:
        return Reply("utter_ask_appointment_slot_not_understood", {"zone": zone}, buttons)
    if wish and offer.matched:
        return Reply("utter_ask_appointment_slot_matched", {"zone": zone}, buttons)
    if wish:
        return Reply("utter_ask_appointment_slot_no_match", {"zone": zone}, buttons)
    return Reply("utter_ask_appointment_slot", {"zone": zone}, buttons)


def summary(
    *,
    full_name: str,
    email: str,
    preferred_contact: str,
    phone: str | None,
    program_name: str | None,
    time: str,
    privacy_notice_url: str,
) -> Reply:
    """Everything that will be saved, with the consent the booking button gives."""
    return Reply(
        "utter_booking_summary",
        {
            "full_name": full_name,
            "email": email,
            "contact": contact_name(preferred_contact),
            "phone": phone
            if phone and phone != NO_PHONE
            else in_current_language("not given", "no indicado"),
            "program": program_name
            if program_name and program_name != UNDECIDED
            else in_current_language("not sure yet", "aún sin decidir"),
            "time": time,
            "privacy_notice_url": privacy_notice_url,
        },
        confirm_buttons(),
    )


def invalid_answer(field: str, reason: str) -> Reply:
    """A form answer that cannot be used, with the reason (bot.booking.validation.InvalidInput);
    the form then asks the same question again."""
    return Reply(f"utter_invalid_{field}", {"reason": reason})


def phone_needed() -> Reply:
    """Call or text chosen without a phone number."""
    return Reply("utter_phone_needed")


def program_not_recognised() -> Reply:
    return Reply("utter_program_not_recognised")


def booking_stopped(in_progress: bool) -> Reply:
    """ "Never mind": confirm nothing was saved, or, with no booking under way, move on."""
    return Reply("utter_booking_stopped" if in_progress else "utter_anything_else")


def what_to_change() -> Reply:
    return Reply("utter_ask_what_to_change", buttons=field_buttons())


def booked(
    confirmation: BookingConfirmation,
    preferred_contact: str,
    school_timezone: ZoneInfo,
    email_sent: bool,
) -> Reply:
    variables = {
        "when": when(confirmation.starts_at, school_timezone),
        "reference": confirmation.reference,
        "contact": contact_name(preferred_contact),
    }
    if not email_sent:
        return Reply("utter_booking_confirmed_no_email", variables)
    return Reply("utter_booking_confirmed", {**variables, "email": confirmation.email})


def booked_without_another_email(
    confirmation: BookingConfirmation, preferred_contact: str, school_timezone: ZoneInfo
) -> Reply:
    """Booked, but the address has had its share of confirmation e-mails today: say so, so the
    student does not wait for a mail that will not come."""
    return Reply(
        "utter_booking_confirmed_email_limited",
        {
            "when": when(confirmation.starts_at, school_timezone),
            "reference": confirmation.reference,
            "contact": contact_name(preferred_contact),
        },
    )


def already_booked(
    existing: BookingConfirmation, school_timezone: ZoneInfo, may_show: bool
) -> Reply:
    """The address has an upcoming booking; offer to move it instead of booking a second one.

    `may_show`: the asker made that booking (same conversation, or knows its reference). Anyone
    else could have typed someone's address, so they are told neither its time nor its
    reference, which is all it takes to cancel or move it.
    """
    move_it, keep_it = existing_booking_buttons()
    if not may_show:
        return Reply(
            "utter_already_booked_other_conversation",
            buttons=(move_it, talk_to_a_person(), keep_it),
        )
    return Reply(
        "utter_already_booked",
        {"when": when(existing.starts_at, school_timezone), "reference": existing.reference},
        (move_it, keep_it),
    )


def time_not_offered() -> Reply:
    """A slot id this conversation was never shown (a hand-typed button payload)."""
    return Reply("utter_time_not_offered")


def booking_attempts_limited(refusal: AttemptRefused) -> Reply:
    """Too many booking attempts from this chat or this network in the last hour."""
    response = (
        "utter_booking_attempts_limited"
        if refusal.scope == "conversation"
        else "utter_booking_attempts_limited_network"
    )
    return Reply(response, {"wait": wait_text(refusal.retry_after)}, (talk_to_a_person(),))


def wait_text(delay: timedelta) -> str:
    """ "a minute", "25 minutes": how long until another attempt is allowed, rounded up."""
    minutes = max(1, math.ceil(delay.total_seconds() / 60))
    if current_language() == SPANISH:
        return "un minuto" if minutes == 1 else f"{minutes} minutos"
    return "a minute" if minutes == 1 else f"{minutes} minutes"


def booking_not_saved() -> Reply:
    return Reply("utter_booking_not_saved", buttons=retry_buttons())


def time_taken() -> Reply:
    return Reply("utter_time_taken")


def times_unavailable() -> Reply:
    """The free times could not be read (database down): nothing is booked, try later."""
    return Reply("utter_times_unavailable")


def reference_not_found() -> Reply:
    return Reply("utter_reference_not_found")


def appointment_book_unavailable() -> Reply:
    """A booking could not be looked up because the database is down (not "no such code")."""
    return Reply("utter_appointment_book_unavailable")


def appointment_kept() -> Reply:
    return Reply("utter_appointment_kept")


def change_not_saved() -> Reply:
    return Reply("utter_change_not_saved")


def delete_failed() -> Reply:
    return Reply("utter_delete_failed")


def cancel_question(confirmation: BookingConfirmation, school_timezone: ZoneInfo) -> Reply:
    return Reply(
        "utter_ask_cancel_confirmed",
        {
            "when": when(confirmation.starts_at, school_timezone),
            "reference": confirmation.reference,
        },
        yes_no_buttons(),
    )


def cancelled(confirmation: BookingConfirmation, school_timezone: ZoneInfo) -> Reply:
    return Reply(
        "utter_appointment_cancelled",
        {
            "when": when(confirmation.starts_at, school_timezone),
            "reference": confirmation.reference,
        },
        (book_a_call(),),
    )


def rescheduled(confirmation: BookingConfirmation, school_timezone: ZoneInfo) -> Reply:
    return Reply(
        "utter_appointment_rescheduled",
        {
            "when": when(confirmation.starts_at, school_timezone),
            "reference": confirmation.reference,
        },
    )


def data_deleted(leads: int, handoffs: int = 0) -> Reply:
    if leads == 0:
        return Reply("utter_transcript_deleted" if handoffs else "utter_no_data_to_delete")
    return Reply(
        "utter_data_deleted",
        {
            "count": str(leads),
            "bookings": in_current_language("booking", "cita")
            if leads == 1
            else in_current_language("bookings", "citas"),
        },
    )
