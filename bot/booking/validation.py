"""Checking what a student typed into the booking form, with the reason when it is not usable.

E-mail and phone checks use maintained libraries (`email-validator`, `phonenumbers`) rather than
regular expressions, which reject real addresses and accept impossible numbers. Names are kept
verbatim: markup or SQL in a name is just text, stored through bound parameters and escaped by
whatever displays it.
"""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.database.models import CONTACT_METHODS

MAX_NAME_LENGTH = 200


class InvalidInput(ValueError):
    """A form value cannot be used; `str(error)` is a reason that can be shown to the student."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def normalise_email(text: str) -> str:
    """The normalised address, or InvalidInput with the library's reason.

    Deliverability (a DNS lookup) is not checked: it is slow, fails offline, and a typo in the
    domain is better caught by showing the student the summary.
    """
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise InvalidInput("email", str(error)) from None


def email_identity(text: str) -> str:
    """The form under which two spellings of one mailbox compare equal, for the one-booking-per-
    address rule and the e-mail throttle: the normalised address, lower-cased (mail providers
    ignore case in the part before the @, and so must a limit, or "ADA@" and "ada@" would count
    as two students). An address the validator refuses is compared as typed, lower-cased."""
    try:
        address = normalise_email(text)
    except InvalidInput:
        address = text.strip()
    return address.lower()


def normalise_phone(text: str, region: str) -> str:
    """The number in E.164 (+15555550123), reading numbers without +prefix as `region`'s."""
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException:
        raise InvalidInput("phone", "That does not look like a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput("phone", "That phone number is not valid; please include the area code.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_full_name(text: str) -> str:
    """The full name with outer and repeated whitespace collapsed; content is kept verbatim."""
    name = " ".join(text.split())
    if not name:
        raise InvalidInput("full_name", "Please tell me your name.")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput("full_name", f"Please keep the name under {MAX_NAME_LENGTH} characters.")
    return name


def normalise_contact_method(text: str) -> str:
    """One of CONTACT_METHODS ("email", "phone", "text")."""
    method = text.strip().lower()
    aliases = {"e-mail": "email", "mail": "email", "call": "phone", "sms": "text"}
    method = aliases.get(method, method)
    if method not in CONTACT_METHODS:
        raise InvalidInput(
            "preferred_contact", "Please choose " + ", ".join(CONTACT_METHODS[:-1]) + " or text."
        )
    return method
