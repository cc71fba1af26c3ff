"""Replies about the machine learning engineer career, one function per question kind."""

from __future__ import annotations

from bot.knowledge.catalog import Career
from bot.knowledge.replies.base import Reply, bullet_list, described_list, join_words, sentence, usd
from bot.knowledge.replies.language import phrase


def role(career: Career) -> Reply:
    return Reply(
        "utter_ml_role",
        {
            "description": sentence(career.description),
            "goal": sentence(career.goal),
            "collaboration": sentence(career.collaboration),
            "suited_to": sentence(career.suited_to),
        },
    )


def duties(career: Career) -> Reply:
    return Reply("utter_ml_duties", {"duties": described_list(career.duties)})


def skills(career: Career) -> Reply:
    return Reply(
        "utter_ml_skills",
        {
            "skills": described_list(career.skills),
            "languages": join_words(career.programming_languages),
            "frameworks": join_words(career.ml_frameworks, "or"),
            "math_topics": join_words(career.math_topics),
        },
    )


def education(career: Career) -> Reply:
    return Reply(
        "utter_ml_education",
        {
            "degree_requirement": sentence(career.degree_requirement),
            "degree_fields": join_words(career.degree_fields, "or"),
            "senior_degree_requirement": sentence(career.senior_degree_requirement),
            "degree_benefits": bullet_list(career.degree_benefits),
        },
    )


def certifications(career: Career) -> Reply:
    return Reply(
        "utter_ml_certifications",
        {
            "required": sentence(career.certifications_required_text),
            "note": sentence(career.certifications_note),
            "certifications": bullet_list(career.certifications),
        },
    )


def related_roles(career: Career) -> Reply:
    return Reply(
        "utter_related_roles",
        {
            "ai_relation": sentence(career.ai_relation),
            "roles": described_list(career.related_roles),
        },
    )


def salary(career: Career) -> Reply:
    return Reply(
        "utter_salary",
        {
            "average": usd(career.salary.average_usd),
            "low": usd(career.salary.low_usd),
            "high": usd(career.salary.high_usd),
            "factors": join_words(career.salary.factors),
        },
    )


def job_growth(career: Career) -> Reply:
    return Reply(
        "utter_job_growth",
        {
            "growth": phrase(
                "growth", percent=career.job_growth.percent, year=career.job_growth.through_year
            ),
            "drivers": bullet_list(career.job_growth.drivers),
        },
    )


def industries(career: Career) -> Reply:
    return Reply("utter_industries", {"industries": described_list(career.industries)})
