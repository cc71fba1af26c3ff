"""Checking what a student typed into the booking form, with the reason when it is not usable.

E-mail and phone checks use maintained libraries (`email-validator`, `phonenumbers`) rather than
regular expressions, which reject real addresses and accept impossible numbers. Names are kept
verbatim: markup or SQL in a name is just text, stored through bound parameters and escaped by
whatever displays it.

Reasons are in the conversation's language (`bot.knowledge.replies.language`). email-validator
explains only in English, so a Spanish reason is worked out from the address itself.
"""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.booking.form_answers import without_accents
from bot.database.models import CONTACT_METHODS
from bot.knowledge.replies.language import in_current_language

MAX_NAME_LENGTH = 200

# What students call each contact method, lower case and without accents (the form's buttons
# send the method itself; these are for typed answers).
CONTACT_ALIASES = {
    **{"e-mail": "email", "mail": "email", "call": "phone", "sms": "text"},
    **{"correo": "email", "correo electronico": "email", "e mail": "email"},
    **{"llamada": "phone", "llamada telefonica": "phone", "telefono": "phone"},
    **{"texto": "text", "mensaje": "text", "mensaje de texto": "text"},
}


class InvalidInput(ValueError):
    """A form value cannot be used; `str(error)` is a reason that can be shown to the student."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def normalise_email(text: str) -> str:
    """The normalised address, or InvalidInput with the library's reason (in Spanish, ours).

    Deliverability (a DNS lookup) is not checked: it is slow, fails offline, and a typo in the
    domain is better caught by showing the student the summary.
    """
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        reason = in_current_language(str(error), _spanish_email_reason(text))
        raise InvalidInput("email", reason) from None


def _spanish_email_reason(text: str) -> str:
    """Why `text` is not an address, in Spanish: the common slips are told apart by looking at
    the address (the library's exceptions are all one type, and its wording may change)."""
    address = text.strip()
    local, at, domain = address.partition("@")
    shape = "Debe tener la forma nombre@ejemplo.com."
    if not at:
        return f"Le falta la @. {shape}"
    if not local:
        return f"Falta la parte antes de la @. {shape}"
    if not domain:
        return f"Falta la parte después de la @. {shape}"
    if "@" in domain:
        return f"Tiene más de una @. {shape}"
    if any(ch.isspace() for ch in address):
        return f"No puede tener espacios. {shape}"
    if "." not in domain:
        return f"Después de la @ falta un punto, como en ejemplo.com. {shape}"
    return f"Tiene un carácter o un punto que no puede ir ahí. {shape}"


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
        raise InvalidInput(
            "phone",
            in_current_language(
                "That does not look like a phone number.", "Eso no parece un número de teléfono."
            ),
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            "phone",
            in_current_language(
                "That phone number is not valid; please include the area code.",
                "Ese número de teléfono no es válido; incluye el código de área.",
            ),
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_full_name(text: str) -> str:
    """The full name with outer and repeated whitespace collapsed; content is kept verbatim."""
    name = " ".join(text.split())
    if not name:
        raise InvalidInput(
            "full_name",
            in_current_language("Please tell me your name.", "Por favor, dime tu nombre."),
        )
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(
            "full_name",
            in_current_language(
                f"Please keep the name under {MAX_NAME_LENGTH} characters.",
                f"Escribe un nombre de menos de {MAX_NAME_LENGTH} caracteres.",
            ),
        )
    return name


def normalise_contact_method(text: str) -> str:
    """One of CONTACT_METHODS ("email", "phone", "text"), from the method or a word for it
    (CONTACT_ALIASES: "SMS", "correo", "Teléfono")."""
    method = " ".join(without_accents(text).lower().split()).rstrip(".!")
    method = CONTACT_ALIASES.get(method, method)
    if method not in CONTACT_METHODS:
        raise InvalidInput(
            "preferred_contact",
            in_current_language(
                "Please choose " + ", ".join(CONTACT_METHODS[:-1]) + " or text.",
                "Por favor, elige correo electrónico, llamada o mensaje de texto.",
            ),
        )
    return method
