"""Load the reviewed catalog (catalog.yml) into the program database.

Seeding is an upsert keyed on natural keys (source key, career slug, program code, list item name),
so it is safe to re-run: an edited figure updates its row in place, a removed list item is deleted,
and nothing is duplicated. The whole refresh runs in one transaction, so the bot never reads a
half-updated catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.database.models import (
    CAREER_ITEM_KINDS,
    DEFAULT_ENROLLMENT_POLICY_KEY,
    Career,
    CareerItem,
    EnrollmentPolicy,
    Program,
    ProgramAlias,
    ProgramCareer,
    ProgramCertification,
    SourcePage,
)
from bot.knowledge.programs import normalise_name
from bot.knowledge.translations import (
    TRANSLATION_FILES,
    load_translation_pairs,
    seed_translations,
)

Row = TypeVar("Row")


class CatalogFileError(ValueError):
    """catalog.yml is missing something the database needs; the message names what."""


def load_catalog_file(path: Path) -> dict[str, Any]:
    """Parse catalog.yml, failing with a readable message rather than a KeyError deep in seeding."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for section in ("sources", "career", "programs", "enrollment"):
        if not data or section not in data:
            raise CatalogFileError(f"{path}: missing top-level section {section!r}")
    return data


def seed_catalog(session: Session, catalog: Mapping[str, Any]) -> None:
    """Insert or update every row described by `catalog`; the caller commits."""
    pages = {entry["key"]: _upsert_source_page(session, entry) for entry in catalog["sources"]}
    session.flush()
    _upsert_career(session, catalog["career"], pages)
    for position, entry in enumerate(catalog["programs"]):
        _upsert_program(session, entry, position, pages)
    _upsert_enrollment_policy(session, catalog["enrollment"], pages)
    session.flush()


def seed_from_file(session: Session, path: Path) -> None:
    """Seed from a catalog file, with its reviewed translations (bot.knowledge.translations),
    and commit."""
    catalog = load_catalog_file(path)
    seed_catalog(session, catalog)
    for language in TRANSLATION_FILES:
        seed_translations(session, language, load_translation_pairs(catalog, language))
    session.commit()


def _upsert_source_page(session: Session, entry: Mapping[str, Any]) -> SourcePage:
    page = _get_or_add(session, SourcePage, key=entry["key"])
    page.title = entry["title"]
    page.publisher = entry["publisher"]
    page.file_name = entry["file_name"]
    return page


def _upsert_career(
    session: Session, entry: Mapping[str, Any], pages: Mapping[str, SourcePage]
) -> None:
    career = _get_or_add(session, Career, slug=entry["slug"])
    page = _page(pages, entry["source"])
    career.title = entry["title"]
    career.source_page = page
    for field in (
        "description",
        "goal",
        "collaboration",
        "suited_to",
        "ai_relation",
        "degree_requirement",
        "senior_degree_requirement",
        "certifications_note",
    ):
        setattr(career, field, entry[field]["text"])
        setattr(career, f"{field}_quote", _quote(entry[field]))
    required = entry["certifications_required"]
    career.certifications_required = bool(required["required"])
    career.certifications_required_text = required["text"]
    career.certifications_required_quote = _quote(required)
    salary = entry["salary"]
    career.salary_average_usd = int(salary["average_usd"])
    career.salary_low_usd = int(salary["low_usd"])
    career.salary_high_usd = int(salary["high_usd"])
    career.salary_quote = _quote(salary)
    growth = entry["job_growth"]
    career.job_growth_percent = int(growth["percent"])
    career.job_growth_through_year = int(growth["through_year"])
    career.job_growth_quote = _quote(growth)

    wanted = []
    for kind, items in entry["items"].items():
        if kind not in CAREER_ITEM_KINDS:
            raise CatalogFileError(f"career.items: unknown kind {kind!r}")
        wanted += [(kind, position, item) for position, item in enumerate(items)]
    career.items = _sync_children(
        existing=career.items,
        wanted=wanted,
        key_of_row=lambda row: (row.kind, row.name),
        key_of_entry=lambda want: (want[0], want[2]["name"]),
        create=CareerItem,
        fill=lambda row, want: _fill_career_item(row, want[0], want[1], want[2], page=page),
    )


def _fill_career_item(
    row: CareerItem, kind: str, position: int, item: Mapping[str, Any], page: SourcePage
) -> None:
    row.kind = kind
    row.position = position
    row.name = item["name"]
    row.description = item.get("description")
    row.quote = _quote(item)
    row.source_page = page


def _upsert_program(
    session: Session, entry: Mapping[str, Any], position: int, pages: Mapping[str, SourcePage]
) -> None:
    program = _get_or_add(session, Program, code=entry["code"])
    program.position = position
    program.title = entry["title"]
    program.display_name = entry["display_name"]
    program.source_page = _page(pages, entry["source"])
    program.tagline = entry["tagline"]["text"]
    program.tagline_quote = _quote(entry["tagline"])
    time = entry["time"]
    program.completion_text = time["text"]
    program.completion_share_percent = int(time["share_percent"])
    program.completion_months = int(time["months"])
    program.completion_quote = _quote(time)
    tuition = entry["tuition"]
    program.tuition_per_term_usd = int(tuition["amount_usd"])
    program.term_months = int(tuition["term_months"])
    program.tuition_quote = _quote(tuition)
    transfer: Mapping[str, Any] | None = entry.get("transfer")
    program.transfer_text = transfer["text"] if transfer else None
    program.transfer_quote = _quote(transfer) if transfer else None
    program.certifications_note = entry["certifications_note"]["text"]
    program.certifications_note_quote = _quote(entry["certifications_note"])
    program.careers_note = entry["careers_note"]["text"]
    program.careers_note_quote = _quote(entry["careers_note"])

    program.certifications = _sync_children(
        existing=program.certifications,
        wanted=list(enumerate(entry["certifications"])),
        key_of_row=lambda row: row.name,
        key_of_entry=lambda want: want[1]["name"],
        create=ProgramCertification,
        fill=_fill_certification,
    )
    program.careers = _sync_children(
        existing=program.careers,
        wanted=list(enumerate(entry["careers"])),
        key_of_row=lambda row: row.name,
        key_of_entry=lambda want: want[1],
        create=ProgramCareer,
        fill=_fill_program_career,
    )
    aliases = {normalise_name(alias) for alias in entry.get("aliases", [])}
    aliases |= {normalise_name(entry["display_name"]), normalise_name(entry["code"])}
    # An alias may move between programs when the catalog is corrected: remove it first so the
    # unique constraint never sees it twice inside this transaction.
    _release_aliases_owned_by_others(session, aliases, program)
    program.aliases = _sync_children(
        existing=program.aliases,
        wanted=sorted(aliases),
        key_of_row=lambda row: row.alias,
        key_of_entry=lambda alias: alias,
        create=ProgramAlias,
        fill=lambda row, alias: setattr(row, "alias", alias),
    )


def _fill_certification(row: ProgramCertification, want: tuple[int, Mapping[str, Any]]) -> None:
    row.position, item = want
    row.name = item["name"]
    row.quote = _quote(item)


def _fill_program_career(row: ProgramCareer, want: tuple[int, str]) -> None:
    row.position, row.name = want


def _release_aliases_owned_by_others(session: Session, aliases: set[str], program: Program) -> None:
    taken = session.scalars(select(ProgramAlias).where(ProgramAlias.alias.in_(aliases))).all()
    for row in taken:
        if row.program is not program:
            row.program.aliases.remove(row)
    session.flush()


def _upsert_enrollment_policy(
    session: Session, entry: Mapping[str, Any], pages: Mapping[str, SourcePage]
) -> None:
    policy = _get_or_add(session, EnrollmentPolicy, key=DEFAULT_ENROLLMENT_POLICY_KEY)
    policy.source_page = _page(pages, entry["source"])
    policy.start_day_of_month = int(entry["start_day_of_month"])
    for field in ("start_rule", "prerequisite", "year_round", "delivery"):
        setattr(policy, field, entry[field]["text"])
        setattr(policy, f"{field}_quote", _quote(entry[field]))
    policy.contact_role = entry["contact_role"]["text"]
    policy.contact_role_quote = _quote(entry["contact_role"])


def _get_or_add(session: Session, model: type[Row], **natural_key: Any) -> Row:
    row = session.scalars(select(model).filter_by(**natural_key)).one_or_none()
    if row is None:
        row = model(**natural_key)
        session.add(row)
    return row


def _sync_children(
    existing: Iterable[Row],
    wanted: Sequence[Any],
    key_of_row: Callable[[Row], Any],
    key_of_entry: Callable[[Any], Any],
    create: Callable[[], Row],
    fill: Callable[[Row, Any], None],
) -> list[Row]:
    """The new child list: existing rows are updated in place (ids kept), new ones created, rows no
    longer wanted left out (the delete-orphan cascade removes them)."""
    by_key = {key_of_row(row): row for row in existing}
    result = []
    for want in wanted:
        row = by_key.pop(key_of_entry(want), None) or create()
        fill(row, want)
        result.append(row)
    return result


def _page(pages: Mapping[str, SourcePage], key: str) -> SourcePage:
    try:
        return pages[key]
    except KeyError:
        raise CatalogFileError(f"unknown source {key!r}; add it under `sources:`") from None


def _quote(entry: Mapping[str, Any]) -> str:
    quote = entry.get("quote")
    if not quote:
        raise CatalogFileError(f"fact without a quote: {dict(entry)!r}")
    return str(quote)
