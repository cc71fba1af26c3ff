"""Typed, read-only view of the program database.

Replies are built from these frozen dataclasses, never from ORM objects: they cannot lazy-load
after the session is closed, cannot be changed by accident, and keep SQLAlchemy out of the reply
code and its tests. Any database failure, or a database that was never seeded, surfaces as one
exception, `CatalogUnavailable`, which the answer layer turns into an apology.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.database import models
from bot.knowledge.translations import read_translations, translated

T = TypeVar("T")

CAREER_SLUG = "machine_learning_engineer"


class CatalogUnavailable(RuntimeError):
    """The program database cannot be reached, or holds no catalog yet."""


@dataclass(frozen=True)
class NamedFact:
    name: str
    description: str | None = None


@dataclass(frozen=True)
class Salary:
    average_usd: int
    low_usd: int
    high_usd: int
    factors: tuple[str, ...]


@dataclass(frozen=True)
class JobGrowth:
    percent: int
    through_year: int
    drivers: tuple[str, ...]


@dataclass(frozen=True)
class Career:
    title: str
    description: str
    goal: str
    collaboration: str
    suited_to: str
    ai_relation: str
    degree_requirement: str
    senior_degree_requirement: str
    degree_fields: tuple[str, ...]
    degree_benefits: tuple[str, ...]
    certifications_required: bool
    certifications_required_text: str
    certifications_note: str
    certifications: tuple[str, ...]
    related_roles: tuple[NamedFact, ...]
    duties: tuple[NamedFact, ...]
    skills: tuple[NamedFact, ...]
    programming_languages: tuple[str, ...]
    ml_frameworks: tuple[str, ...]
    math_topics: tuple[str, ...]
    salary: Salary
    job_growth: JobGrowth
    industries: tuple[NamedFact, ...]


@dataclass(frozen=True)
class Program:
    code: str
    display_name: str
    tagline: str
    completion_text: str
    completion_months: int
    tuition_per_term_usd: int
    term_months: int
    transfer_text: str | None
    certifications_note: str
    certifications: tuple[str, ...]
    careers_note: str
    careers: tuple[str, ...]

    @property
    def typical_terms(self) -> int:
        """Terms needed to cover the typical time to finish (a started term is paid in full)."""
        return math.ceil(self.completion_months / self.term_months)

    @property
    def estimated_total_tuition_usd(self) -> int:
        """Tuition for the typical time to finish: an estimate, never a quote."""
        return self.typical_terms * self.tuition_per_term_usd


@dataclass(frozen=True)
class EnrollmentPolicy:
    start_day_of_month: int
    start_rule: str
    prerequisite: str
    year_round: str
    contact_role: str
    delivery: str


@contextmanager
def catalog_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A read session whose database errors come out as `CatalogUnavailable`."""
    try:
        with factory() as session:
            yield session
    except SQLAlchemyError as error:
        raise CatalogUnavailable(str(error)) from error


def read_career(session: Session, language: str = "en") -> Career:
    """The career, its wording in `language` where a reviewed translation exists."""
    return _in_language(session, _read_career(session), language)


def _read_career(session: Session) -> Career:
    row = session.scalars(
        select(models.Career)
        .where(models.Career.slug == CAREER_SLUG)
        .options(selectinload(models.Career.items))
    ).one_or_none()
    if row is None:
        raise CatalogUnavailable(f"career {CAREER_SLUG!r} is not in the database; run the seed")
    items = _items_by_kind(row.items)
    return Career(
        title=row.title,
        description=row.description,
        goal=row.goal,
        collaboration=row.collaboration,
        suited_to=row.suited_to,
        ai_relation=row.ai_relation,
        degree_requirement=row.degree_requirement,
        senior_degree_requirement=row.senior_degree_requirement,
        degree_fields=_names(items, "degree_field"),
        degree_benefits=_names(items, "degree_benefit"),
        certifications_required=row.certifications_required,
        certifications_required_text=row.certifications_required_text,
        certifications_note=row.certifications_note,
        certifications=_names(items, "certification"),
        related_roles=items.get("related_role", ()),
        duties=items.get("duty", ()),
        skills=items.get("skill", ()),
        programming_languages=_names(items, "programming_language"),
        ml_frameworks=_names(items, "ml_framework"),
        math_topics=_names(items, "math_topic"),
        salary=Salary(
            average_usd=row.salary_average_usd,
            low_usd=row.salary_low_usd,
            high_usd=row.salary_high_usd,
            factors=_names(items, "salary_factor"),
        ),
        job_growth=JobGrowth(
            percent=row.job_growth_percent,
            through_year=row.job_growth_through_year,
            drivers=_names(items, "growth_driver"),
        ),
        industries=items.get("industry", ()),
    )


def read_programs(session: Session, language: str = "en") -> tuple[Program, ...]:
    """All programs in catalog order; never empty (an empty catalog is `CatalogUnavailable`)."""
    return _in_language(session, _read_programs(session), language)


def _read_programs(session: Session) -> tuple[Program, ...]:
    rows = session.scalars(
        select(models.Program)
        .order_by(models.Program.position)
        .options(selectinload(models.Program.certifications), selectinload(models.Program.careers))
    ).all()
    if not rows:
        raise CatalogUnavailable("no programs in the database; run the seed")
    return tuple(_program(row) for row in rows)


def read_program_aliases(session: Session) -> dict[str, str]:
    """Normalised alias -> program code, for resolving what a student typed."""
    rows = session.execute(
        select(models.ProgramAlias.alias, models.Program.code).join(models.ProgramAlias.program)
    ).all()
    return {alias: code for alias, code in rows}


def read_enrollment_policy(session: Session, language: str = "en") -> EnrollmentPolicy:
    return _in_language(session, _read_enrollment_policy(session), language)


def _read_enrollment_policy(session: Session) -> EnrollmentPolicy:
    row = session.scalars(
        select(models.EnrollmentPolicy).where(
            models.EnrollmentPolicy.key == models.DEFAULT_ENROLLMENT_POLICY_KEY
        )
    ).one_or_none()
    if row is None:
        raise CatalogUnavailable("no enrollment policy in the database; run the seed")
    return EnrollmentPolicy(
        start_day_of_month=row.start_day_of_month,
        start_rule=row.start_rule,
        prerequisite=row.prerequisite,
        year_round=row.year_round,
        contact_role=row.contact_role,
        delivery=row.delivery,
    )


def _in_language(session: Session, value: T, language: str) -> T:
    if language == "en":
        return value
    return translated(value, read_translations(session, language))


def _program(row: models.Program) -> Program:
    return Program(
        code=row.code,
        display_name=row.display_name,
        tagline=row.tagline,
        completion_text=row.completion_text,
        completion_months=row.completion_months,
        tuition_per_term_usd=row.tuition_per_term_usd,
        term_months=row.term_months,
        transfer_text=row.transfer_text,
        certifications_note=row.certifications_note,
        certifications=tuple(cert.name for cert in row.certifications),
        careers_note=row.careers_note,
        careers=tuple(career.name for career in row.careers),
    )


def _items_by_kind(rows: list[models.CareerItem]) -> dict[str, tuple[NamedFact, ...]]:
    grouped: dict[str, list[models.CareerItem]] = {}
    for row in rows:
        grouped.setdefault(row.kind, []).append(row)
    return {
        kind: tuple(
            NamedFact(item.name, item.description)
            for item in sorted(kind_rows, key=lambda item: item.position)
        )
        for kind, kind_rows in grouped.items()
    }


def _names(items: dict[str, tuple[NamedFact, ...]], kind: str) -> tuple[str, ...]:
    return tuple(item.name for item in items.get(kind, ()))
