"""Every intent of domain.yml, once: what kind of message it is and how the bot treats it.

The list of intents used to be written out by hand in half a dozen places (the answers, the
booking form's digressions, the fallback's "Did you mean ...?" titles, the unknown-topic
apology, the evaluation labels), so a new question intent could be answered by the bot yet,
asked in the middle of the booking form, be silently taken as the student's name. Those lists
are now derived from the table below, and tests/unit/test_intents.py ties the table to
domain.yml and data/nlu in both directions.

Standard library only: the action server (bot/, actions/) and the Rasa-side tools (tools/)
both import it, and they do not share their other dependencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """What a message of the intent is, which decides who answers it."""

    # Questions the custom actions answer (bot.knowledge.answers); asked mid-form, a digression.
    CAREER = "career"  # the machine learning engineer career, from the catalog
    PROGRAM = "program"  # the degree programs, from the catalog
    START_DATE = "start_date"  # the next start dates, from the enrollment policy
    UNKNOWN_TOPIC = "unknown_topic"  # enrollment topics the catalog does not cover
    # Answered from the office's knowledge base. Never trained: the matcher of the NLU pipeline
    # (rasa_plugins/nlu/knowledge_base_matcher.py) sets it, with the entry as an entity.
    KNOWLEDGE_BASE = "knowledge_base"
    # Questions about the assistant itself, answered by a domain response.
    ASSISTANT = "assistant"
    # "And for computer science?": only means something after a program question.
    FOLLOW_UP = "follow_up"
    # Asking for a person (actions/handoff.py).
    HANDOFF = "handoff"
    # Booking, changing or cancelling a counselor call, or erasing one's data.
    BOOKING = "booking"
    # Answers and commands inside a form: yes/no, a value, skip, stop, change a field.
    FORM_CONTROL = "form_control"
    SMALL_TALK = "small_talk"
    OUT_OF_SCOPE = "out_of_scope"


# The kinds bot.knowledge.answers answers from the program database: the "question intents".
QUESTION_KINDS = frozenset({Kind.CAREER, Kind.PROGRAM, Kind.START_DATE, Kind.UNKNOWN_TOPIC})


class InForm(Enum):
    """What the booking form does with the intent when it is asked mid-form."""

    ANSWER = "answer"  # the message is the form's answer ("Jordan", "tomorrow at 3")
    DIGRESSION = "digression"  # answered by the rest of the bot, then the form resumes
    CONTROL = "control"  # steers the form itself (stop, change a field, ask for a person)
    SMALL_TALK = "small_talk"  # "thanks", "ok", "hi": no answer to "what's your name?"


@dataclass(frozen=True)
class Intent:
    """One row of the registry.

    ``description`` is the button title the two-stage fallback offers ("Did you mean ...?");
    None keeps the intent out of the suggestions (small talk, out_of_scope, form answers and
    intents that need an entity to mean anything). ``topic`` names an unknown topic in the
    "the catalog doesn't cover ..." apology. ``in_form`` overrides the booking form's default:
    a question (or an assistant question) is a digression, anything else is an answer.
    """

    name: str
    kind: Kind
    description: str | None = None
    topic: str | None = None
    in_form: InForm | None = None

    @property
    def is_question(self) -> bool:
        return self.kind in QUESTION_KINDS

    @property
    def form_role(self) -> InForm:
        if self.in_form is not None:
            return self.in_form
        if self.is_question or self.kind is Kind.ASSISTANT:
            return InForm.DIGRESSION
        return InForm.ANSWER


INTENTS: tuple[Intent, ...] = (
    # conversation
    Intent("greet", Kind.SMALL_TALK, in_form=InForm.SMALL_TALK),
    Intent("goodbye", Kind.SMALL_TALK, in_form=InForm.CONTROL),
    Intent("thank", Kind.SMALL_TALK, in_form=InForm.SMALL_TALK),
    Intent("affirm", Kind.FORM_CONTROL, in_form=InForm.SMALL_TALK),
    Intent("deny", Kind.FORM_CONTROL, in_form=InForm.SMALL_TALK),
    Intent("bot_challenge", Kind.ASSISTANT),
    Intent("ask_help", Kind.ASSISTANT, "What I can help with"),
    Intent("out_of_scope", Kind.OUT_OF_SCOPE),
    Intent(
        "request_human", Kind.HANDOFF, "Talk to an Enrollment Counselor", in_form=InForm.CONTROL
    ),
    # the machine learning engineer career
    Intent("ask_ml_role", Kind.CAREER, "What an ML engineer does"),
    Intent("ask_ml_duties", Kind.CAREER, "An ML engineer's daily duties"),
    Intent("ask_ml_skills", Kind.CAREER, "Skills an ML engineer needs"),
    Intent("ask_ml_education", Kind.CAREER, "Education for ML engineers"),
    Intent("ask_ml_certifications", Kind.CAREER, "Certifications for ML engineers"),
    Intent("ask_related_roles", Kind.CAREER, "Jobs related to ML engineering"),
    Intent("ask_salary", Kind.CAREER, "ML engineer salary"),
    Intent("ask_job_growth", Kind.CAREER, "Job outlook for ML engineers"),
    Intent("ask_industries", Kind.CAREER, "Industries hiring ML engineers"),
    # the degree programs
    Intent("ask_programs", Kind.PROGRAM, "Our degree programs"),
    Intent("ask_program_overview", Kind.PROGRAM, "A program overview"),
    Intent("ask_program_duration", Kind.PROGRAM, "How long a program takes"),
    Intent("ask_tuition", Kind.PROGRAM, "Tuition and fees"),
    Intent("ask_program_certifications", Kind.PROGRAM, "Certifications in the programs"),
    Intent("ask_transfer_credit", Kind.PROGRAM, "Transfer credit"),
    Intent("ask_program_careers", Kind.PROGRAM, "Careers after a program"),
    Intent("inform_program", Kind.FOLLOW_UP),
    Intent("compare_programs", Kind.PROGRAM, "Comparing the two programs"),
    Intent("ask_program_recommendation", Kind.PROGRAM, "Which program suits me"),
    Intent("ask_online_delivery", Kind.PROGRAM, "Studying online"),
    # enrollment
    Intent("ask_start_date", Kind.START_DATE, "Start dates"),
    # topics the catalog does not cover: answered honestly, never guessed
    Intent(
        "ask_admission_requirements",
        Kind.UNKNOWN_TOPIC,
        "Admission requirements",
        topic="admission requirements",
    ),
    Intent("ask_financial_aid", Kind.UNKNOWN_TOPIC, "Financial aid", topic="financial aid"),
    Intent("ask_housing", Kind.UNKNOWN_TOPIC, "Housing", topic="housing"),
    Intent("ask_other_enrollment_topic", Kind.UNKNOWN_TOPIC, "Other enrollment questions"),
    # the school's own answers, which the office writes in the console (docs/knowledge-base.md)
    Intent("ask_knowledge_base", Kind.KNOWLEDGE_BASE, in_form=InForm.DIGRESSION),
    # booking a call with an Enrollment Counselor (actions/booking.py)
    Intent("book_counselor", Kind.BOOKING),
    Intent("inform", Kind.FORM_CONTROL),
    Intent("change_booking_detail", Kind.FORM_CONTROL, in_form=InForm.CONTROL),
    Intent("stop_booking", Kind.FORM_CONTROL, in_form=InForm.CONTROL),
    Intent("retry_booking", Kind.FORM_CONTROL),
    Intent("skip_question", Kind.FORM_CONTROL),
    # after booking (actions/appointments.py)
    Intent("reschedule_appointment", Kind.BOOKING),
    Intent("cancel_appointment", Kind.BOOKING, in_form=InForm.CONTROL),
    Intent("delete_my_data", Kind.BOOKING),
)

# The intent and entity the knowledge-base matcher sets: the entity's value is the entry's id.
KNOWLEDGE_BASE_INTENT = "ask_knowledge_base"
KNOWLEDGE_BASE_ENTITY = "knowledge_base_entry"

BY_NAME: dict[str, Intent] = {intent.name: intent for intent in INTENTS}
NAMES: tuple[str, ...] = tuple(BY_NAME)


def names_of(*kinds: Kind) -> tuple[str, ...]:
    """The intents of the given kinds, in registry (domain.yml) order."""
    return tuple(intent.name for intent in INTENTS if intent.kind in kinds)


def form_intents(role: InForm) -> frozenset[str]:
    """The intents the booking form treats as ``role`` when asked mid-form."""
    return frozenset(intent.name for intent in INTENTS if intent.form_role is role)


# The intents bot.knowledge.answers answers from the program database.
QUESTION_INTENTS: tuple[str, ...] = names_of(*QUESTION_KINDS)
UNKNOWN_TOPIC_INTENTS: tuple[str, ...] = names_of(Kind.UNKNOWN_TOPIC)
# The "Did you mean ...?" button title of each intent the fallback may offer.
DESCRIPTIONS: dict[str, str] = {i.name: i.description for i in INTENTS if i.description}
# How the unknown-topic apology names each topic; a topic without one is "that topic".
UNKNOWN_TOPIC_NAMES: dict[str, str] = {i.name: i.topic for i in INTENTS if i.topic}
