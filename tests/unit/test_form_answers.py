"""Reading one form answer out of a sentence, and telling answers from questions."""

from __future__ import annotations

import pytest

from bot.booking import form_answers
from bot.booking.form_answers import UNDECIDED, MessageIntent

ALIASES = {
    "computer science": "computer_science",
    "cs": "computer_science",
    "software development": "software_development",
}


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Jordan Lee", "Jordan Lee"),
        ("my name is Priya Natarajan.", "Priya Natarajan"),
        ("Sure, it's Sam O'Connor", "Sam O'Connor"),
        ("i'm Alex", "Alex"),
        ("<b>Bo</b> Smith", "<b>Bo</b> Smith"),  # kept verbatim; escaped where shown
    ],
)
def test_name_from_sentence(typed: str, name: str) -> None:
    assert form_answers.name_from(typed) == name


@pytest.mark.parametrize(
    ("typed", "email"),
    [
        ("jo@example.com", "jo@example.com"),
        ("my email is priya.n@example.org.", "priya.n@example.org"),
        ("it's <sam@example.net>", "sam@example.net"),
        ("jordan at example", "jordan at example"),  # no "@": the validator explains
    ],
)
def test_email_from_sentence(typed: str, email: str) -> None:
    assert form_answers.email_from(typed) == email


@pytest.mark.parametrize(
    ("typed", "method"),
    [
        ("email", "email"),
        ("e-mail please", "email"),
        ("call me", "phone"),
        ("a phone call", "phone"),
        ("text me", "text"),
        ("SMS", "text"),
        ("carrier pigeon", None),
    ],
)
def test_contact_method(typed: str, method: str | None) -> None:
    assert form_answers.contact_method_from(typed) == method


@pytest.mark.parametrize(
    ("typed", "choice"),
    [
        ("computer science", "computer_science"),
        ("the cs one", "computer_science"),
        ("softwre developement", "software_development"),
        ("not sure yet", UNDECIDED),
        ("I don’t know", UNDECIDED),
        ("both cs and software development", UNDECIDED),
        ("underwater basket weaving", None),
    ],
)
def test_program_choice(typed: str, choice: str | None) -> None:
    assert form_answers.program_choice_from(typed, ALIASES) == choice


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ("change my email", "email"),
        ("wrong phone number", "phone"),
        ("fix my name", "full_name"),
        ("pick a different time", "appointment_slot"),
        ("change the program", "interested_program"),
        ("change something", None),
    ],
)
def test_field_named_in_a_correction(typed: str, field: str | None) -> None:
    assert form_answers.field_named_in(typed) == field


@pytest.mark.parametrize("typed", ["skip", "No thanks", "I'd rather not", "no phone"])
def test_skipping_the_phone(typed: str) -> None:
    assert form_answers.wants_to_skip(typed)


def test_a_phone_number_is_not_a_skip() -> None:
    assert not form_answers.wants_to_skip("303 555 0147")
    assert form_answers.has_phone_digits("303 555 0147")
    assert not form_answers.has_phone_digits("call me at 3")


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "digression"),
    [
        ("how much is tuition?", "ask_tuition", 0.6, True),  # question shape
        ("tuition", "ask_tuition", 0.95, True),  # confident question intent
        ("Jordan", "ask_ml_role", 0.5, False),  # a misread name is an answer
        ("Jordan Lee", "inform", 0.99, False),
        ("never mind", "stop_booking", 0.9, True),  # control intents steer the form
        ("i want a person", "request_human", 0.9, True),
        ("asdf qwer", "nlu_fallback", 0.3, False),
        ("what's the weather like?", "out_of_scope", 0.9, True),
        ("Xochitl Quetzal", "out_of_scope", 0.9, False),  # an unusual name
    ],
)
def test_digression_or_answer(text: str, intent: str, confidence: float, digression: bool) -> None:
    assert form_answers.is_digression(text, MessageIntent(intent, confidence)) is digression


# --- Spanish answers (read in either conversation language) -----------------------------------


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Me llamo Ana García.", "Ana García"),
        ("mi nombre es José Núñez", "José Núñez"),
        ("Sí, claro, mi nombre completo es Luis Pérez Ortiz", "Luis Pérez Ortiz"),
        ("Hola, soy María", "María"),
        ("Claro, me llamo Xóchitl", "Xóchitl"),
        ("Soyeon Park", "Soyeon Park"),  # "soy" only as a word of its own
        ("Sí", "Sí"),  # nothing after an opener: kept, so the name check can refuse it
    ],
)
def test_name_from_a_spanish_sentence(typed: str, name: str) -> None:
    assert form_answers.name_from(typed) == name


@pytest.mark.parametrize(
    ("typed", "method"),
    [
        ("correo", "email"),
        ("Por correo electrónico, por favor", "email"),
        ("email", "email"),
        ("Llámame", "phone"),
        ("una llamada telefónica", "phone"),
        ("por teléfono", "phone"),
        ("mensaje de texto", "text"),
        ("Mensajes de texto", "text"),
        ("por SMS", "text"),
        ("texto", "text"),
        ("mándame un mensaje", "text"),  # "mensaje" alone is a text...
        ("mándame un mensaje al correo", "email"),  # ...unless another method is named
        ("paloma mensajera", None),
    ],
)
def test_spanish_contact_method(typed: str, method: str | None) -> None:
    assert form_answers.contact_method_from(typed) == method


@pytest.mark.parametrize(
    ("typed", "choice"),
    [
        ("No sé", UNDECIDED),
        ("no se todavía", UNDECIDED),
        ("No estoy segura", UNDECIDED),
        ("no estoy seguro", UNDECIDED),
        ("Aún no lo sé", UNDECIDED),  # the button's title, typed
        ("aun no lo se", UNDECIDED),
        ("cualquiera", UNDECIDED),
        ("los dos", UNDECIDED),
        ("Ambos", UNDECIDED),
        ("todavía no", UNDECIDED),
        ("ni idea", UNDECIDED),
        ("indecisa", UNDECIDED),
        ("el de cs", "computer_science"),
        ("no sería mejor cs", "computer_science"),  # "no se" only as words of their own
    ],
)
def test_spanish_program_choice(typed: str, choice: str | None) -> None:
    assert form_answers.program_choice_from(typed, ALIASES) == choice


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ("cambiar mi nombre", "full_name"),
        ("el correo está mal", "email"),
        ("quiero cambiar la dirección de correo electrónico", "email"),
        ("cambiar el número de teléfono", "phone"),
        ("me equivoqué de teléfono", "phone"),
        ("quiero otra carrera", "interested_program"),
        ("cambiar el programa", "interested_program"),
        ("otra hora", "appointment_slot"),
        ("cambiar la fecha", "appointment_slot"),
        ("otro día", "appointment_slot"),
        ("cambiar la cita", "appointment_slot"),
        ("cambiar el método de contacto", "preferred_contact"),
        ("cambiar algo", None),
    ],
)
def test_spanish_field_named_in_a_correction(typed: str, field: str | None) -> None:
    assert form_answers.field_named_in(typed) == field


@pytest.mark.parametrize(
    "typed",
    [
        "omitir",
        "Omitir",
        "saltar",
        "No",
        "No, gracias.",
        "prefiero no",
        "Prefiero no darlo",
        "paso",
        "ninguno",
        "sin teléfono",
        "Sin telefono",
        "No tengo teléfono",
        "no tengo número de celular",
        "n/a",
    ],
)
def test_skipping_the_phone_in_spanish(typed: str) -> None:
    assert form_answers.wants_to_skip(typed)


@pytest.mark.parametrize(
    "typed", ["303 555 0147", "mi número es 303 555 0147", "no, es el 303 555 0147", "nadie"]
)
def test_numbers_and_other_words_are_not_a_skip(typed: str) -> None:
    assert not form_answers.wants_to_skip(typed)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("¿Cuánto cuesta?", True),
        ("¿cuanto cuesta la matricula", True),  # no closing "?"
        ("cuánto cuesta la matrícula", True),
        ("cuanto cuesta la matricula", True),
        ("qué es ciencias de la computación", True),
        ("Cómo funciona el programa", True),
        ("como es el programa", True),
        ("cuándo empiezan las clases", True),
        ("dónde están", True),
        ("cuál es mejor", True),
        ("quién da las clases", True),
        ("por qué cuesta tanto", True),
        ("puedo estudiar en línea", True),
        ("hay becas", True),
        ("tienen programas de noche", True),
        # answers that start like a question word typed without its accent
        ("cuando puedas", False),
        ("cuanto antes", False),
        ("como a las 3", False),
        ("que me llamen", False),
        ("cualquiera", False),
        ("porque me gusta", False),
        ("Ana Quiñones", False),
        ("mañana por la tarde", False),
    ],
)
def test_spanish_questions_are_told_from_answers(text: str, question: bool) -> None:
    assert form_answers.looks_like_question(text) is question


def test_a_spanish_question_is_a_digression_and_a_spanish_name_is_not() -> None:
    asked = MessageIntent("ask_tuition", 0.6)
    assert form_answers.is_digression("¿cuánto cuesta?", asked)
    assert form_answers.is_digression("cuanto cuesta", asked)
    assert not form_answers.is_digression("Me llamo Ana", MessageIntent("ask_ml_role", 0.5))
    assert form_answers.is_digression("qué hora es", MessageIntent("out_of_scope", 0.9))


@pytest.mark.parametrize(
    ("typed", "plain"),
    [("¿Teléfono?", "telefono"), ("Mañana, MIÉRCOLES.", "manana miercoles"), ("n/a", "n a")],
)
def test_plain_words_drop_accents_case_and_punctuation(typed: str, plain: str) -> None:
    assert form_answers.plain_words(typed) == plain


# --- English answers that the Spanish vocabulary must leave as they were ---------------------


@pytest.mark.parametrize(
    ("typed", "method"),
    [("text me", "text"), ("call me", "phone"), ("my email", "email"), ("a message", None)],
)
def test_english_contact_methods_are_unchanged(typed: str, method: str | None) -> None:
    assert form_answers.contact_method_from(typed) == method


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("how much is tuition", True),
        ("when do classes start", True),
        ("tell me about cs", True),
        ("Jordan Lee", False),
        ("tomorrow afternoon", False),
        ("Sofia Como", False),  # a question word later in the text is no question
    ],
)
def test_english_questions_are_unchanged(text: str, question: bool) -> None:
    assert form_answers.looks_like_question(text) is question


@pytest.mark.parametrize(
    ("typed", "choice"),
    [("neither", UNDECIDED), ("either is fine", UNDECIDED), ("cs", "computer_science")],
)
def test_english_program_choice_is_unchanged(typed: str, choice: str | None) -> None:
    # "neither" still contains "either": English phrases match inside words, as before.
    assert form_answers.program_choice_from(typed, ALIASES) == choice
