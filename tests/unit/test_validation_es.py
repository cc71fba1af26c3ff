"""The reasons a form answer is refused, in the conversation's language, and the Spanish words
for the contact methods."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.booking.validation import (
    InvalidInput,
    normalise_contact_method,
    normalise_email,
    normalise_full_name,
    normalise_phone,
)
from bot.knowledge.replies.language import speaking


def reason(check: Callable[..., str], *args: str) -> str:
    with pytest.raises(InvalidInput) as error:
        check(*args)
    return error.value.reason


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("call me maybe", "Eso no parece un número de teléfono."),
        ("12", "Ese número de teléfono no es válido; incluye el código de área."),
        ("+1 555", "Ese número de teléfono no es válido; incluye el código de área."),
        ("555 0123", "Ese número de teléfono no es válido; incluye el código de área."),
    ],
)
def test_phone_reasons_in_spanish(typed: str, expected: str) -> None:
    with speaking("es"):
        assert reason(normalise_phone, typed, "US") == expected


def test_phone_reasons_in_english_are_unchanged() -> None:
    assert reason(normalise_phone, "call me maybe", "US") == (
        "That does not look like a phone number."
    )
    assert reason(normalise_phone, "+1 555", "US") == (
        "That phone number is not valid; please include the area code."
    )


def test_name_reasons_in_both_languages() -> None:
    with speaking("es"):
        assert reason(normalise_full_name, "   ") == "Por favor, dime tu nombre."
        assert reason(normalise_full_name, "x" * 201) == (
            "Escribe un nombre de menos de 200 caracteres."
        )
    assert reason(normalise_full_name, "   ") == "Please tell me your name."
    assert reason(normalise_full_name, "x" * 201) == ("Please keep the name under 200 characters.")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ana.ejemplo.com", "Le falta la @."),
        ("jordan at example", "Le falta la @."),
        ("ana@", "Falta la parte después de la @."),
        ("@ejemplo.com", "Falta la parte antes de la @."),
        ("ana@@ejemplo.com", "Tiene más de una @."),
        ("ana @ejemplo.com", "No puede tener espacios."),
        ("ana@ejemplo", "Después de la @ falta un punto, como en ejemplo.com."),
        ("ana..b@ejemplo.com", "Tiene un carácter o un punto que no puede ir ahí."),
        ("ana@ejemplo.", "Tiene un carácter o un punto que no puede ir ahí."),
    ],
)
def test_email_reasons_in_spanish(typed: str, expected: str) -> None:
    with speaking("es"):
        said = reason(normalise_email, typed)
    assert said == f"{expected} Debe tener la forma nombre@ejemplo.com."


@pytest.mark.parametrize(
    ("typed", "english"),
    [
        ("ada.example.org", "An email address must have an @-sign."),
        ("ada@", "There must be something after the @-sign."),
    ],
)
def test_email_reasons_in_english_are_the_libraries(typed: str, english: str) -> None:
    assert reason(normalise_email, typed) == english


def test_a_valid_address_is_accepted_in_spanish_too() -> None:
    with speaking("es"):
        assert normalise_email(" Ana@Ejemplo.COM ") == "Ana@ejemplo.com"


@pytest.mark.parametrize(
    ("typed", "method"),
    [
        ("correo", "email"),
        ("Correo electrónico", "email"),
        ("llamada", "phone"),
        ("Llamada telefónica", "phone"),
        ("teléfono", "phone"),
        ("telefono", "phone"),
        ("texto", "text"),
        ("mensaje", "text"),
        ("Mensaje de texto", "text"),
        ("SMS", "text"),
        ("E-mail", "email"),
        ("call", "phone"),
        ("email", "email"),
    ],
)
def test_spanish_contact_method_words(typed: str, method: str) -> None:
    assert normalise_contact_method(typed) == method


def test_contact_method_reason_in_both_languages() -> None:
    with speaking("es"):
        assert reason(normalise_contact_method, "paloma") == (
            "Por favor, elige correo electrónico, llamada o mensaje de texto."
        )
    assert reason(normalise_contact_method, "pigeon") == "Please choose email, phone or text."
