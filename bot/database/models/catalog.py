"""Catalog tables: the career, the programs and the enrollment policy, each fact with its quote.

Only `bot.knowledge.seed` writes them and only `bot.knowledge.catalog` reads them; the rest of
the code works with the frozen dataclasses the catalog returns, so a schema change stays local
to three modules and one Alembic revision. Every fact row keeps the verbatim `quote` it was taken
from and a link to its source page, so any answer can be traced back to the page a reviewer
checked.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.database.models.base import Base

# The enrollment policy row the bot reads; the key leaves room for more (e.g. per campus).
DEFAULT_ENROLLMENT_POLICY_KEY = "default"

# The kinds of list a career page has; a CHECK keeps typos out of the table.
CAREER_ITEM_KINDS = (
    "related_role",
    "duty",
    "certification",
    "degree_field",
    "degree_benefit",
    "skill",
    "programming_language",
    "ml_framework",
    "math_topic",
    "salary_factor",
    "growth_driver",
    "industry",
)


class SourcePage(Base):
    """A reviewed page the catalog's facts are copied from."""

    __tablename__ = "source_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    publisher: Mapped[str] = mapped_column(String(300))
    file_name: Mapped[str] = mapped_column(String(300))


class Career(Base):
    """The career the assistant advises on; one row per career, single facts as columns."""

    __tablename__ = "career"
    __table_args__ = (
        CheckConstraint(
            "salary_low_usd > 0 AND salary_low_usd <= salary_average_usd "
            "AND salary_average_usd <= salary_high_usd",
            name="salary_range_ordered",
        ),
        CheckConstraint("job_growth_percent BETWEEN 0 AND 1000", name="job_growth_percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    source_page_id: Mapped[int] = mapped_column(ForeignKey("source_page.id", ondelete="RESTRICT"))

    description: Mapped[str] = mapped_column(Text)
    description_quote: Mapped[str] = mapped_column(Text)
    goal: Mapped[str] = mapped_column(Text)
    goal_quote: Mapped[str] = mapped_column(Text)
    collaboration: Mapped[str] = mapped_column(Text)
    collaboration_quote: Mapped[str] = mapped_column(Text)
    suited_to: Mapped[str] = mapped_column(Text)
    suited_to_quote: Mapped[str] = mapped_column(Text)
    ai_relation: Mapped[str] = mapped_column(Text)
    ai_relation_quote: Mapped[str] = mapped_column(Text)
    degree_requirement: Mapped[str] = mapped_column(Text)
    degree_requirement_quote: Mapped[str] = mapped_column(Text)
    senior_degree_requirement: Mapped[str] = mapped_column(Text)
    senior_degree_requirement_quote: Mapped[str] = mapped_column(Text)
    certifications_required: Mapped[bool] = mapped_column(Boolean)
    certifications_required_text: Mapped[str] = mapped_column(Text)
    certifications_required_quote: Mapped[str] = mapped_column(Text)
    certifications_note: Mapped[str] = mapped_column(Text)
    certifications_note_quote: Mapped[str] = mapped_column(Text)

    salary_average_usd: Mapped[int] = mapped_column(Integer)
    salary_low_usd: Mapped[int] = mapped_column(Integer)
    salary_high_usd: Mapped[int] = mapped_column(Integer)
    salary_quote: Mapped[str] = mapped_column(Text)
    job_growth_percent: Mapped[int] = mapped_column(Integer)
    job_growth_through_year: Mapped[int] = mapped_column(Integer)
    job_growth_quote: Mapped[str] = mapped_column(Text)

    source_page: Mapped[SourcePage] = relationship()
    items: Mapped[list[CareerItem]] = relationship(
        back_populates="career",
        cascade="all, delete-orphan",
        order_by="(CareerItem.kind, CareerItem.position)",
    )


class CareerItem(Base):
    """One entry of a career list (a duty, a skill, an industry...), in page order per kind."""

    __tablename__ = "career_item"
    __table_args__ = (
        UniqueConstraint("career_id", "kind", "name", name="uq_career_item_career_kind_name"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in CAREER_ITEM_KINDS) + ")",
            name="known_kind",
        ),
        CheckConstraint("position >= 0", name="position_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    career_id: Mapped[int] = mapped_column(ForeignKey("career.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text)
    source_page_id: Mapped[int] = mapped_column(ForeignKey("source_page.id", ondelete="RESTRICT"))

    career: Mapped[Career] = relationship(back_populates="items")
    source_page: Mapped[SourcePage] = relationship()


class Program(Base):
    """A degree program a student can enroll in; `code` is the NLU entity's canonical value."""

    __tablename__ = "program"
    __table_args__ = (
        CheckConstraint(
            "completion_share_percent BETWEEN 1 AND 100", name="completion_share_range"
        ),
        CheckConstraint("completion_months > 0", name="completion_months_positive"),
        CheckConstraint("tuition_per_term_usd > 0", name="tuition_positive"),
        CheckConstraint("term_months > 0", name="term_months_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    source_page_id: Mapped[int] = mapped_column(ForeignKey("source_page.id", ondelete="RESTRICT"))

    tagline: Mapped[str] = mapped_column(Text)
    tagline_quote: Mapped[str] = mapped_column(Text)
    completion_text: Mapped[str] = mapped_column(Text)
    completion_share_percent: Mapped[int] = mapped_column(Integer)
    completion_months: Mapped[int] = mapped_column(Integer)
    completion_quote: Mapped[str] = mapped_column(Text)
    tuition_per_term_usd: Mapped[int] = mapped_column(Integer)
    term_months: Mapped[int] = mapped_column(Integer)
    tuition_quote: Mapped[str] = mapped_column(Text)
    # NULL when the page states no transfer policy for the program: the bot says so.
    transfer_text: Mapped[str | None] = mapped_column(Text)
    transfer_quote: Mapped[str | None] = mapped_column(Text)
    certifications_note: Mapped[str] = mapped_column(Text)
    certifications_note_quote: Mapped[str] = mapped_column(Text)
    careers_note: Mapped[str] = mapped_column(Text)
    careers_note_quote: Mapped[str] = mapped_column(Text)

    source_page: Mapped[SourcePage] = relationship()
    certifications: Mapped[list[ProgramCertification]] = relationship(
        back_populates="program",
        cascade="all, delete-orphan",
        order_by="ProgramCertification.position",
    )
    careers: Mapped[list[ProgramCareer]] = relationship(
        back_populates="program",
        cascade="all, delete-orphan",
        order_by="ProgramCareer.position",
    )
    aliases: Mapped[list[ProgramAlias]] = relationship(
        back_populates="program", cascade="all, delete-orphan", order_by="ProgramAlias.alias"
    )


class ProgramCertification(Base):
    """A certification the program includes or lets students earn."""

    __tablename__ = "program_certification"
    __table_args__ = (
        UniqueConstraint("program_id", "name", name="uq_program_certification_program_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("program.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    quote: Mapped[str] = mapped_column(Text)

    program: Mapped[Program] = relationship(back_populates="certifications")


class ProgramCareer(Base):
    """A career the page says needs the program's skills.

    Quoted in `Program.careers_note_quote`."""

    __tablename__ = "program_career"
    __table_args__ = (
        UniqueConstraint("program_id", "name", name="uq_program_career_program_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("program.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))

    program: Mapped[Program] = relationship(back_populates="careers")


class ProgramAlias(Base):
    """A lower-case name students type for a program ("comp sci"); unique across all programs."""

    __tablename__ = "program_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("program.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(String(100), unique=True)

    program: Mapped[Program] = relationship(back_populates="aliases")


class EnrollmentPolicy(Base):
    """When students can start and what has to happen first; a single row keyed by `key`."""

    __tablename__ = "enrollment_policy"
    __table_args__ = (
        # Day 29-31 does not exist in every month; the page's policy is the 1st.
        CheckConstraint("start_day_of_month BETWEEN 1 AND 28", name="start_day_in_every_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    source_page_id: Mapped[int] = mapped_column(ForeignKey("source_page.id", ondelete="RESTRICT"))
    start_day_of_month: Mapped[int] = mapped_column(Integer)
    start_rule: Mapped[str] = mapped_column(Text)
    start_rule_quote: Mapped[str] = mapped_column(Text)
    prerequisite: Mapped[str] = mapped_column(Text)
    prerequisite_quote: Mapped[str] = mapped_column(Text)
    year_round: Mapped[str] = mapped_column(Text)
    year_round_quote: Mapped[str] = mapped_column(Text)
    # How the programs are taught ("online"): what a student asking about campus needs first.
    delivery: Mapped[str] = mapped_column(Text)
    delivery_quote: Mapped[str] = mapped_column(Text)
    contact_role: Mapped[str] = mapped_column(String(200))
    contact_role_quote: Mapped[str] = mapped_column(Text)

    source_page: Mapped[SourcePage] = relationship()


class CatalogTranslation(Base):
    """A reviewed translation of one piece of catalog wording (a description, a name, a note),
    keyed by the exact English it translates.

    Keyed by the English text, not by the row it came from: a fact the office edits in the
    console no longer matches its old translation, so a Spanish conversation shows the new English
    wording until the translation is brought up to date, never a translation of the old fact.
    Seeded from bot/knowledge/catalog_es.yml; `english_sha256` is the key, since the English can be
    longer than an index entry may be.
    """

    __tablename__ = "catalog_translation"
    __table_args__ = (UniqueConstraint("language", "english_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    english_sha256: Mapped[str] = mapped_column(String(64))
    english: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
