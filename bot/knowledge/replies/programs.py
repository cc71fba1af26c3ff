"""Replies about the degree programs: one function per question kind for a single program, and a
`*_for_all` variant for when the student has not said which program (answer for every program
rather than interrogate them)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from bot.knowledge.catalog import Career, Program
from bot.knowledge.not_offered import NotOffered
from bot.knowledge.programs import normalise_name
from bot.knowledge.replies.base import Button, Reply, bullet_list, join_words, sentence, usd
from bot.knowledge.replies.language import in_current_language, phrase


def tuition_text(program: Program) -> str:
    """ "$3,920 per 6-month term", worded as the source page words it."""
    return phrase("per_term", amount=usd(program.tuition_per_term_usd), months=program.term_months)


def estimate_text(program: Program) -> str:
    """ "about $15,680 for 4 terms": the tuition for the typical time to finish."""
    terms = program.typical_terms
    plural = "s" if terms != 1 else ""
    return phrase(
        "estimate", amount=usd(program.estimated_total_tuition_usd), terms=terms, plural=plural
    )


def program_list(programs: Sequence[Program]) -> Reply:
    return Reply(
        "utter_programs_list",
        {"programs": bullet_list(f"**{p.display_name}** — {p.tagline}" for p in programs)},
        buttons=tuple(
            Button(
                phrase("about_program", program=p.display_name), _payload("ask_program_overview", p)
            )
            for p in programs
        ),
    )


def not_offered(asked: NotOffered, programs: Sequence[Program]) -> Reply:
    """ "We don't offer a program in nursing": said first, then the programs there are, so a
    student is never left to guess whether our tuition or start dates were about their subject.
    What was asked for is named in the conversation's language, whichever language the student
    named it in ("¿tienen nursing?" hears "un programa de enfermería")."""
    return Reply(
        "utter_not_offered",
        {
            "asked": in_current_language(asked.phrase, asked.phrase_es or asked.phrase),
            "programs": join_words([f"**{p.display_name}**" for p in programs]),
        },
        buttons=tuple(
            Button(
                phrase("about_program", program=p.display_name), _payload("ask_program_overview", p)
            )
            for p in programs
        ),
    )


def overview(program: Program) -> Reply:
    return Reply(
        "utter_program_overview",
        {
            "program_name": program.display_name,
            "tagline": program.tagline,
            "time": program.completion_text,
            "tuition": tuition_text(program),
            "certifications": join_words(program.certifications),
        },
        buttons=(
            Button(phrase("button_tuition"), _payload("ask_tuition", program)),
            Button(
                phrase("button_certifications"), _payload("ask_program_certifications", program)
            ),
            Button(phrase("button_careers"), _payload("ask_program_careers", program)),
        ),
    )


def duration(program: Program) -> Reply:
    return Reply(
        "utter_program_duration",
        {"program_name": program.display_name, "time": program.completion_text},
    )


def duration_for_all(programs: Sequence[Program]) -> Reply:
    return Reply(
        "utter_program_duration_all",
        {"durations": _by_program(programs, lambda p: p.completion_text)},
    )


def tuition(program: Program) -> Reply:
    return Reply(
        "utter_tuition",
        {
            "program_name": program.display_name,
            "tuition": tuition_text(program),
            "time": program.completion_text,
            "estimate": estimate_text(program),
        },
    )


def tuition_for_all(programs: Sequence[Program]) -> Reply:
    estimates = _by_program(
        programs,
        lambda p: phrase(
            "estimate_if_finished", estimate=estimate_text(p), months=p.completion_months
        ),
    )
    tuitions = {tuition_text(p) for p in programs}
    if len(tuitions) == 1:
        return Reply(
            "utter_tuition_same_for_all", {"tuition": tuitions.pop(), "estimates": estimates}
        )
    return Reply(
        "utter_tuition_each",
        {"tuitions": _by_program(programs, tuition_text), "estimates": estimates},
    )


def certifications(program: Program) -> Reply:
    return Reply(
        "utter_program_certifications",
        {
            "program_name": program.display_name,
            "note": sentence(program.certifications_note),
            "certifications": bullet_list(program.certifications),
        },
    )


def certifications_for_all(programs: Sequence[Program]) -> Reply:
    return Reply(
        "utter_program_certifications_all",
        {"certifications": _by_program(programs, lambda p: join_words(p.certifications))},
    )


def transfer(program: Program) -> Reply:
    if program.transfer_text is None:
        return Reply("utter_transfer_credit_not_stated", {"program_name": program.display_name})
    return Reply(
        "utter_transfer_credit",
        {"program_name": program.display_name, "transfer": sentence(program.transfer_text)},
    )


def transfer_for_all(programs: Sequence[Program]) -> Reply:
    stated = [p for p in programs if p.transfer_text]
    if not stated:
        return Reply("utter_transfer_credit_not_stated_all")
    not_stated = [p.display_name for p in programs if not p.transfer_text]
    if not not_stated:
        return Reply(
            "utter_transfer_credit_all",
            {"transfer": _by_program(stated, lambda p: sentence(p.transfer_text or ""))},
        )
    return Reply(
        "utter_transfer_credit_partly_stated",
        {
            "transfer": _by_program(stated, lambda p: sentence(p.transfer_text or "")),
            "not_stated_for": join_words([f"**{name}**" for name in not_stated]),
        },
    )


def careers(program: Program) -> Reply:
    if not program.careers:
        return Reply(
            "utter_program_careers_note",
            {"program_name": program.display_name, "careers_note": sentence(program.careers_note)},
        )
    return Reply(
        "utter_program_careers",
        {
            "program_name": program.display_name,
            "careers_note": program.careers_note,
            "careers": bullet_list(program.careers),
        },
    )


def careers_for_all(programs: Sequence[Program]) -> Reply:
    return Reply("utter_program_careers_all", {"careers": _by_program(programs, _careers_summary)})


def comparison(programs: Sequence[Program]) -> Reply:
    blocks = "\n\n".join(
        f"**{p.display_name}**\n"
        + bullet_list(
            [
                phrase("compare_time", time=p.completion_text),
                phrase("compare_tuition", tuition=tuition_text(p), estimate=estimate_text(p)),
                phrase("compare_certifications", certifications=join_words(p.certifications)),
                phrase("compare_careers", careers=_careers_summary(p)),
            ]
        )
        for p in programs
    )
    return Reply("utter_compare_programs", {"comparison": blocks})


def recommendation_for_ml_engineer(programs: Sequence[Program], career: Career) -> Reply:
    """Recommend from page facts only: the program whose careers list names the career, plus
    every other program whose field the page lists among the suitable degrees."""
    recommended = _program_naming_career(programs, career)
    if recommended is None:
        return comparison(programs)
    suitable_fields = {normalise_name(field) for field in career.degree_fields}
    alternatives = [
        p
        for p in programs
        if p is not recommended
        and any(field in normalise_name(p.display_name) for field in suitable_fields)
    ]
    variables = {
        "recommended": recommended.display_name,
        "recommended_careers": join_words(recommended.careers),
        "degree_requirement": sentence(career.degree_requirement),
    }
    if not alternatives:
        return Reply("utter_program_recommendation", variables)
    return Reply(
        "utter_program_recommendation_with_alternative",
        {
            **variables,
            "alternatives": join_words([p.display_name for p in alternatives]),
            "degree_fields": join_words(career.degree_fields, "or"),
        },
    )


def _program_naming_career(programs: Sequence[Program], career: Career) -> Program | None:
    title = normalise_name(career.title).split()
    for program in programs:
        if any(_names_the_career(normalise_name(name).split(), title) for name in program.careers):
            return program
    return None


def _names_the_career(name: list[str], title: list[str]) -> bool:
    """ "machine learning engineers" names "machine learning engineer", word by word, plural or
    not, in either language ("ingenieros de machine learning", "ingeniero de machine learning")."""
    return len(name) >= len(title) and all(
        word.startswith(stem) for word, stem in zip(name, title, strict=False)
    )


def _careers_summary(program: Program) -> str:
    if program.careers:
        return phrase("including", names=join_words(program.careers))
    return sentence(program.careers_note)


def _by_program(programs: Sequence[Program], describe: Callable[[Program], str]) -> str:
    """ "- **B.S. ...**: ..." lines, one per program, for answers that cover every program."""
    return bullet_list(f"**{p.display_name}**: {describe(p)}" for p in programs)


def _payload(intent: str, program: Program) -> str:
    """A button payload that sets the intent and the program entity, as NLU would."""
    return f"/{intent}{json.dumps({'program': program.code})}"
