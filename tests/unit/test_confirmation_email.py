"""The confirmation e-mail and its .ics, delivered to a local SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.booking.confirmation_email import build_ics, send_confirmation
from bot.booking.service import BookingConfirmation
from bot.knowledge.replies.language import speaking
from bot.settings import SmtpSettings, load_settings
from tests.unit.smtp_double import Inbox
from tests.unit.test_booking import SCHOOL

BOOKING = BookingConfirmation(
    reference="K7QM-4XTR",
    starts_at=datetime(2030, 3, 5, 21, 0, tzinfo=timezone.utc),
    ends_at=datetime(2030, 3, 5, 21, 30, tzinfo=timezone.utc),
    counselor_name="Sample Counselor A",
    full_name='Ada "The; Student", Jr.',
    email="ada@example.org",
)


def test_confirmation_arrives_with_an_ics_invitation(
    smtp_server: tuple[Inbox, SmtpSettings],
) -> None:
    inbox, settings = smtp_server
    assert send_confirmation(settings, BOOKING, SCHOOL) is True
    [(recipients, message)] = inbox.messages
    assert recipients == ["ada@example.org"]
    assert message["From"] == "enroll@example.org"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Tuesday, March 5, 2030 at 2:00 PM MST" in text and "K7QM-4XTR" in text
    [invite] = [part for part in message.iter_attachments()]
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_filename() == "appointment.ics"
    ics = invite.get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "DTSTART:20300305T210000Z" in ics and "DTEND:20300305T213000Z" in ics
    assert "UID:K7QM-4XTR@enrollment-assistant" in ics
    assert "METHOD:REQUEST" in ics


def test_ics_is_valid_rfc5545_text() -> None:
    ics = build_ics(BOOKING, "enroll@example.org", now=datetime(2030, 3, 1, tzinfo=timezone.utc))
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    lines = ics.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    # A name's quotes, commas and semicolons cannot break out of the ATTENDEE parameter.
    unfolded = ics.replace("\r\n ", "")
    assert "ATTENDEE;CN=\"Ada 'The; Student', Jr.\";RSVP=FALSE:mailto:ada@example.org" in unfolded
    assert "DTSTAMP:20300301T000000Z" in unfolded


def test_nothing_is_sent_without_smtp_host() -> None:
    settings = load_settings({"SMTP_PORT": "2525"}).booking
    assert settings.smtp is None
    assert send_confirmation(settings.smtp, BOOKING, SCHOOL) is False
    configured = load_settings(
        {"SMTP_HOST": "mail.example.org", "SMTP_PORT": "2525", "SMTP_FROM": "a@example.org"}
    ).booking
    assert configured.smtp == SmtpSettings("mail.example.org", 2525, "a@example.org")


def test_an_unreachable_server_is_reported_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    closed = SmtpSettings(host="127.0.0.1", port=9, sender="enroll@example.org")
    assert send_confirmation(closed, BOOKING, SCHOOL, timeout=2) is False
    assert "K7QM-4XTR" in caplog.text and "ada@example.org" not in caplog.text


def test_a_booking_made_in_spanish_is_confirmed_in_spanish(
    smtp_server: tuple[Inbox, SmtpSettings],
) -> None:
    inbox, settings = smtp_server
    with speaking("es"):
        assert send_confirmation(settings, BOOKING, SCHOOL) is True
    [(_, message)] = inbox.messages
    assert message["Subject"] == "Tu llamada con un asesor de admisiones"
    assert message["Content-Language"] == "es"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "martes 5 de marzo de 2030 a las 2:00 p. m. MST" in text and "K7QM-4XTR" in text
    [invite] = list(message.iter_attachments())
    ics = invite.get_content()
    unfolded = (ics.decode() if isinstance(ics, bytes) else ics).replace("\r\n ", "")
    assert "SUMMARY;LANGUAGE=es:Llamada con un asesor de admisiones (K7QM-4XTR)" in unfolded
    assert "DESCRIPTION;LANGUAGE=es:Referencia K7QM-4XTR. Asesor: Sample Counselor A" in unfolded
