"""Programs the school does not have, asked for in Spanish: noticed, and named in the
conversation's language whichever language the student named them in."""

from __future__ import annotations

import pytest
import yaml

from bot.knowledge.answers import ProgramMention, answer_program_question, answer_unknown_topic
from bot.knowledge.not_offered import (
    SPANISH_VOCABULARY_FILE,
    VOCABULARY_FILE,
    NotOffered,
    find_not_offered,
    vocabulary,
)
from bot.knowledge.replies import programs
from bot.knowledge.replies.language import speaking


@pytest.mark.parametrize(
    ("text", "phrase_es", "phrase"),
    [
        (
            "¿cuánto cuesta la carrera de enfermería?",
            "un programa de enfermería",
            "a program in nursing",
        ),
        ("cuanto cuesta enfermeria", "un programa de enfermería", "a program in nursing"),
        ("¿tienen maestría en inteligencia artificial?", "una maestría", "a master's degree"),
        ("tienen alguna maestria", "una maestría", "a master's degree"),
        ("quiero estudiar derecho", "un programa de derecho", "a program in law"),
        ("¿ofrecen la carrera de derecho?", "un programa de derecho", "a program in law"),
        ("¿tienen derecho?", "un programa de derecho", "a program in law"),
        ("¿ofrecen un doctorado?", "un doctorado", "a doctorate"),
        ("¿Tienen MBA?", "una maestría", "a master's degree"),
        ("hay posgrados?", "un posgrado", "a graduate degree"),
        ("¿tienen técnico superior universitario?", "una carrera técnica", "a technical degree"),
        (
            "tienen carreras técnicas o solo licenciaturas",
            "una carrera técnica",
            "a technical degree",
        ),
        ("tienen diplomados?", "un diplomado o certificado", "a diploma or certificate program"),
        ("¿hay un título de asociado?", "un título de asociado", "an associate degree"),
        (
            "tienen ingeniería de software",
            "un programa de ingeniería de software",
            "a program in software engineering",
        ),
        (
            "hay ingenieria en sistemas?",
            "un programa de ingeniería en sistemas",
            "a program in systems engineering",
        ),
        (
            "¿hay programa de ciencia de datos?",
            "un programa de ciencia de datos",
            "a program in data science",
        ),
        ("¿ofrecen cursos de inglés?", "un programa de inglés", "a program in English"),
        (
            "la licenciatura en psicologia cuanto dura",
            "un programa de psicología",
            "a program in psychology",
        ),
        (
            "quiero estudiar administración de empresas, la tienen?",
            "un programa de administración de empresas",
            "a program in business administration",
        ),
        (
            "tienen contaduría pública",
            "un programa de contaduría pública",
            "a program in accounting",
        ),
        (
            "¿tienen la carrera de gastronomía?",
            "un programa de gastronomía",
            "a program in culinary arts",
        ),
        (
            "busco una carrera de mecatrónica",
            "un programa de mecatrónica",
            "a program in mechatronics",
        ),
        ("me interesa la licenciatura en diseño", "un programa de diseño", "a program in design"),
        (
            "tengo una duda: ¿tienen enfermería?",
            "un programa de enfermería",
            "a program in nursing",
        ),
        # An English-named subject in a Spanish message still gets its Spanish name.
        (
            "ustedes tienen nursing o solo cosas de computadoras?",
            "un programa de enfermería",
            "a program in nursing",
        ),
        ("la carrera de law cuánto cuesta", "un programa de derecho", "a program in law"),
        ("un curso de IA?", "un programa de IA", "a program in AI"),
    ],
)
def test_a_spanish_question_about_a_program_we_lack_is_noticed(
    text: str, phrase_es: str, phrase: str
) -> None:
    assert find_not_offered(text) == NotOffered(phrase, phrase_es)


@pytest.mark.parametrize(
    "text",
    [
        # Our own programs, by their Spanish names and nicknames.
        "¿cuánto cuesta ciencias de la computación?",
        "¿la licenciatura en desarrollo de software es en línea?",
        "hay alguna licenciatura en informática",
        "que carreras de computación tienen",
        "¿tienen la carrera de ciencias computacionales o algo parecido?",
        "quiero estudiar programación",
        # What the student already has or studied.
        "ya tengo una maestría en biología, ¿puedo inscribirme?",
        "tengo un título de asociado, ¿cuánto me falta?",
        "mi título de enfermería sirve para entrar?",
        "estudié derecho hace años, ¿puedo estudiar desarrollo de software?",
        "¿mis créditos de psicología se transfieren?",
        # The other sense of a word, and the language our programs are taught in.
        "¿tengo derecho a beca?",
        "¿tienen derecho a descuento los militares?",
        "¿hay clases en inglés?",
        "¿la licenciatura en español cuánto cuesta?",
        "¿las clases son en español?",
        "¿el programa enseña arquitectura de software?",
        "¿con desarrollo de software puedo trabajar en ingeniería de software?",
        "¿necesito saber matemáticas?",
        "¿cuál es la historia de la universidad?",
        "qué carreras ofrecen",
        "tienen algo de tecnología",
    ],
)
def test_our_programs_a_students_background_and_other_senses_are_not(text: str) -> None:
    assert find_not_offered(text) is None


def test_a_spanish_word_with_another_meaning_counts_only_framed_as_a_program() -> None:
    assert find_not_offered("¿cuánto cuesta el diseño de la página?", framed_only=True) is None
    assert find_not_offered("¿cuánto cuesta enfermería?", framed_only=True) is None
    found = find_not_offered("requisitos para la carrera de enfermería", framed_only=True)
    assert found == NotOffered("a program in nursing", "un programa de enfermería")


@pytest.mark.parametrize(
    ("language", "text", "asked"),
    [
        ("es", "¿cuánto cuesta la carrera de enfermería?", "un programa de enfermería"),
        ("es", "how much is the nursing course", "un programa de enfermería"),
        ("es", "do you have a master's in AI?", "una maestría"),
        ("en", "¿cuánto cuesta la carrera de enfermería?", "a program in nursing"),
        ("en", "¿tienen maestría en inteligencia artificial?", "a master's degree"),
    ],
)
def test_the_reply_names_it_in_the_conversations_language(
    seeded_url: str, language: str, text: str, asked: str
) -> None:
    answer = answer_program_question(
        seeded_url, "ask_tuition", ProgramMention(text=text), language=language
    )
    first, _ = answer.replies
    assert first.response == "utter_not_offered"
    assert first.variables["asked"] == asked


def test_an_unknown_topic_in_spanish_hears_it_in_spanish(seeded_url: str) -> None:
    replies = answer_unknown_topic(
        "ask_admission_requirements", seeded_url, "requisitos de la carrera de medicina", "es"
    )
    assert [reply.response for reply in replies] == ["utter_not_offered", "utter_unknown_topic"]
    assert replies[0].variables["asked"] == "un programa de medicina"


def test_a_phrase_known_only_in_english_is_said_in_english() -> None:
    with speaking("es"):
        reply = programs.not_offered(NotOffered("a program in nursing"), [])
    assert reply.variables["asked"] == "a program in nursing"


def test_every_spanish_word_names_a_subject_of_the_english_list() -> None:
    english = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    spanish = yaml.safe_load(SPANISH_VOCABULARY_FILE.read_text(encoding="utf-8"))
    subjects = set(english["subjects"]) | set(english["framed_subjects"])
    for section in ("subjects", "framed_subjects", "languages", "wording"):
        assert set(spanish[section]) <= subjects, section
    levels = {level["phrase"] for level in english["degree_levels"]}
    assert levels <= {level["level"] for level in spanish["degree_levels"]}


def test_every_subject_and_level_has_a_spanish_wording() -> None:
    words = vocabulary()
    for term in words.every_subject:
        assert (term.es and term.es != term.en) or term.en == "computing", term
    assert all(level.phrase_es for level in words.degree_levels)


def test_a_spanish_word_names_one_subject_only() -> None:
    """The same word under two subjects would word the reply by whichever was read last."""
    spanish = yaml.safe_load(SPANISH_VOCABULARY_FILE.read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    for section in ("subjects", "framed_subjects", "languages"):
        for subject, listed in spanish[section].items():
            for word in listed:
                assert seen.setdefault(word, subject) == subject, word
