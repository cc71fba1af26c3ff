"""The confirmation e-mail with an .ics invitation, sent after a booking is committed.

Built with the standard library (`email`, `smtplib`): the message is small and a calendar file is
a few lines of RFC 5545 text. Nothing is sent when SMTP_HOST is unset; the booking stands either
way, so a mail failure is logged (without the address) and reported to the caller, never raised.
`confirm_by_email` also keeps to CONFIRMATION_EMAILS_PER_ADDRESS_PER_DAY (bot.booking.limits), so
the assistant cannot be used to flood someone's inbox by booking and cancelling in a loop.

The mail and its invitation are written in the conversation's language (bot.knowledge.replies
.language, set by the action that books), so a student who booked in Spanish reads Spanish.
"""

from __future__ import annotations

import enum
import logging
import smtplib
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import make_msgid
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.booking import limits, replies
from bot.booking.service import BookingConfirmation
from bot.knowledge.replies.language import ENGLISH, SPANISH, current_language
from bot.settings import BookingSettings, SmtpSettings

logger = logging.getLogger(__name__)

# The mail's and the invitation's words, by language; {placeholders} filled per booking.
TEXTS: dict[str, dict[str, str]] = {
    ENGLISH: {
        "subject": "Your call with an enrollment counselor",
        "body": (
            "Hello {name},\n\n"
            "Your call with an enrollment counselor is booked for {when}.\n"
            "Your reference code is {reference}; quote it to reschedule or cancel.\n"
        ),
        "summary": "Call with an enrollment counselor ({reference})",
        "description": "Reference {reference}. Counselor: {counselor}",
    },
    SPANISH: {
        "subject": "Tu llamada con un asesor de admisiones",
        "body": (
            "Hola, {name}:\n\n"
            "Tu llamada con un asesor de admisiones quedó agendada para el {when}.\n"
            "Tu código de referencia es {reference}; indícalo para cambiar la hora o cancelar.\n"
        ),
        "summary": "Llamada con un asesor de admisiones ({reference})",
        "description": "Referencia {reference}. Asesor: {counselor}",
    },
}


def _texts() -> dict[str, str]:
    return TEXTS.get(current_language(), TEXTS[ENGLISH])


def build_ics(booking: BookingConfirmation, organizer: str, now: datetime | None = None) -> str:
    """An iCalendar REQUEST for the appointment (times in UTC, CRLF line ends, folded lines)."""
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    texts = _texts()
    language = current_language()
    summary = texts["summary"].format(reference=booking.reference)
    description = texts["description"].format(
        reference=booking.reference, counselor=booking.counselor_name
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//enrollment-assistant//booking//EN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:{booking.reference}@enrollment-assistant",
        f"DTSTAMP:{_ics_time(stamp)}",
        f"DTSTART:{_ics_time(booking.starts_at)}",
        f"DTEND:{_ics_time(booking.ends_at)}",
        f"SUMMARY;LANGUAGE={language}:{_ics_text(summary)}",
        f"DESCRIPTION;LANGUAGE={language}:{_ics_text(description)}",
        f"ORGANIZER:mailto:{organizer}",
        f"ATTENDEE;CN={_ics_param(booking.full_name)};RSVP=FALSE:mailto:{booking.email}",
        "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)


def build_confirmation(
    booking: BookingConfirmation, sender: str, school_timezone: ZoneInfo
) -> EmailMessage:
    """The message: a plain-text body with the local time and zone, and the .ics attached."""
    texts = _texts()
    message = EmailMessage()
    message["Subject"] = texts["subject"]
    message["From"] = sender
    message["To"] = booking.email
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(
        texts["body"].format(
            name=booking.full_name,
            when=replies.when(booking.starts_at, school_timezone, with_year=True),
            reference=booking.reference,
        )
    )
    message.add_attachment(
        build_ics(booking, sender).encode("utf-8"),
        maintype="text",
        subtype="calendar",
        filename="appointment.ics",
        params={"method": "REQUEST"},
    )
    # After the attachment: making the message multipart moves Content-* headers to the body.
    message["Content-Language"] = current_language()
    return message


def send_confirmation(
    smtp: SmtpSettings | None,
    booking: BookingConfirmation,
    school_timezone: ZoneInfo,
    timeout: float = 10.0,
) -> bool:
    """Send the confirmation; False when SMTP is not configured or sending failed."""
    if smtp is None:
        return False
    message = build_confirmation(booking, smtp.sender, school_timezone)
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=timeout) as client:
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        logger.warning(
            "Confirmation e-mail for %s not sent: %s", booking.reference, type(error).__name__
        )
        return False
    logger.info("Confirmation e-mail for %s sent", booking.reference)
    return True


class EmailOutcome(enum.Enum):
    SENT = "sent"
    # SMTP is not configured, the mail server failed, or the count could not be checked.
    NOT_SENT = "not sent"
    # The address has had its confirmation e-mails for today.
    LIMITED = "limited"


def confirm_by_email(
    factory: sessionmaker[Session],
    settings: BookingSettings,
    booking: BookingConfirmation,
    school_timezone: ZoneInfo,
) -> EmailOutcome:
    """Send the confirmation unless the address's daily share is used up.

    The mail is counted before it is sent, so replicas racing cannot both send the last one; if
    the count cannot be checked, nothing is sent (the booking stands and has its reference).
    """
    if settings.smtp is None:
        return EmailOutcome.NOT_SENT
    try:
        allowed = limits.claim_confirmation_email(
            factory, settings.limits.confirmation_emails_per_address_per_day, booking.email
        )
    except SQLAlchemyError as error:
        logger.warning(
            "Confirmation e-mail for %s not sent, count unavailable: %s",
            booking.reference,
            type(error).__name__,
        )
        return EmailOutcome.NOT_SENT
    if not allowed:
        logger.info("Confirmation e-mail for %s not sent: daily limit reached", booking.reference)
        return EmailOutcome.LIMITED
    sent = send_confirmation(settings.smtp, booking, school_timezone)
    return EmailOutcome.SENT if sent else EmailOutcome.NOT_SENT


def _ics_time(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_param(value: str) -> str:
    # Parameter values cannot hold quotes; quoting keeps ',;:' inside the name.
    return '"' + value.replace('"', "'").replace("\r", " ").replace("\n", " ") + '"'


def _fold(line: str) -> str:
    # RFC 5545: lines of at most 75 octets, continued with CRLF + one space.
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)
