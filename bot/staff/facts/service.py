"""Catalog facts the enrollment office may change without a deploy: list, change, revert.

The facts students ask about and a school changes (tuition, time to finish, transfer credit,
included certifications, the start-date policy, the career's salary and job growth) are named in
FIELDS, one line each: the model, the column, the column holding its quote, a label and how the
value is checked. A change is checked the way catalog.yml is (bot/knowledge/seed.py's rules, the
database's CHECK constraints, and tests/unit/test_catalog_quotes.py's rule that a figure appears in
its quote as the page writes it: "$3,920", "70%", "23 months"), then written in one transaction
with its FactChange row, so history and catalog never disagree. `bot.knowledge.catalog` reads the
database on every answer (no cache), so the next answer uses the new value without a restart.

`python -m bot db seed` still loads catalog.yml over these rows: a change made here lasts until
the next seed unless it is copied into catalog.yml too (the console says so on every page)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.booking.appointment_times import utc_now
from bot.database.models import (
    DEFAULT_ENROLLMENT_POLICY_KEY,
    Career,
    EnrollmentPolicy,
    FactChange,
    Program,
    SourcePage,
    StaffAccount,
)
from bot.knowledge import catalog
from bot.staff.facts.checks import quote_errors, resolve_page, row_errors
from bot.staff.facts.fields import (
    CERTIFICATION_FIELD,
    FIELDS,
    HINTS,
    URL_PAGE_PREFIX,
    FactField,
    Invalid,
    Number,
    Words,
)
from bot.staff.facts.records import (
    Fact,
    FactGroup,
    FactNotFound,
    FactRefused,
    HistoryEntry,
    Located,
)

# --- reading -------------------------------------------------------------------------------


def list_facts(factory: sessionmaker[Session]) -> list[FactGroup]:
    """Every editable fact with its current value, grouped by program, career and start dates."""
    with factory() as session:
        groups: list[FactGroup] = []
        estimates = _estimates(session)
        for program in _programs(session):
            note = estimates.get(program.code, "")
            facts = [_fact(loc) for loc in _program_facts(program)]
            groups.append(FactGroup(program.display_name, tuple(facts), note))
        for career in session.scalars(select(Career).order_by(Career.slug)):
            facts = [_fact(_locate_on(career, f, career.title)) for f in _fields(Career)]
            groups.append(FactGroup(career.title, tuple(facts)))
        policy = _policy(session)
        if policy is not None:
            facts = [_fact(_locate_on(policy, f, "Start dates")) for f in _fields(EnrollmentPolicy)]
            groups.append(FactGroup("Start dates", tuple(facts)))
        return groups


def get_fact(factory: sessionmaker[Session], key: str) -> Fact:
    with factory() as session:
        return _fact(_locate(session, key))


def history(factory: sessionmaker[Session], key: str) -> list[HistoryEntry]:
    """The fact's changes, newest first."""
    with factory() as session:
        rows = session.execute(
            select(FactChange, StaffAccount.display_name)
            .join(StaffAccount, FactChange.changed_by == StaffAccount.id)
            .where(FactChange.fact_key == key)
            .order_by(FactChange.changed_at.desc(), FactChange.id.desc())
        ).all()
        return [_entry(change, name) for change, name in rows]


def get_change(factory: sessionmaker[Session], change_id: int) -> HistoryEntry:
    with factory() as session:
        row = session.execute(
            select(FactChange, StaffAccount.display_name)
            .join(StaffAccount, FactChange.changed_by == StaffAccount.id)
            .where(FactChange.id == change_id)
        ).one_or_none()
        if row is None:
            raise FactNotFound(f"no fact change {change_id}")
        return _entry(row[0], row[1])


def known_pages(factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    """(reference, title) of every source page, for the form's list of choices."""
    with factory() as session:
        pages = session.scalars(select(SourcePage).order_by(SourcePage.title)).all()
        return [(_page_ref(page), page.title) for page in pages]


# --- changing ------------------------------------------------------------------------------


def change_fact(
    factory: sessionmaker[Session],
    key: str,
    value: str,
    quote: str,
    page: str,
    by_account: int,
    now: datetime | None = None,
    reverts: int | None = None,
) -> int:
    """Check and save a new value, quote and source page for `key` with its history row, in one
    transaction; returns the FactChange id. FactRefused (nothing saved) says what is wrong;
    FactNotFound for an unknown key. An empty `page` keeps the current page."""
    with factory() as session, session.begin():
        located = _locate(session, key, lock=True)
        field = located.field
        errors: dict[str, str] = {}
        new_value: Any = None
        try:
            new_value = field.kind.parse(value)
        except Invalid as invalid:
            errors[invalid.field] = invalid.message
        new_quote = " ".join(quote.split()) or None
        errors.update(quote_errors(field, new_value, new_quote, "value" in errors))
        if "value" not in errors:
            errors.update(row_errors(located, new_value))
        try:
            new_page = resolve_page(session, page, located.page_holder.source_page)
        except Invalid as invalid:
            errors[invalid.field] = invalid.message
            new_page = located.page_holder.source_page
        old_value = getattr(located.row, field.column)
        old_quote = getattr(located.row, field.quote_column)
        old_page = located.page_holder.source_page
        if not errors and (new_value, new_quote, new_page.id) == (
            old_value,
            old_quote,
            old_page.id,
        ):
            errors["form"] = "Nothing to save: the value, quote and page are as they were."
        if errors:
            raise FactRefused(errors)
        setattr(located.row, field.column, new_value)
        setattr(located.row, field.quote_column, new_quote)
        located.page_holder.source_page = new_page
        change = FactChange(
            fact_key=key,
            old_value=_text(old_value),
            new_value=_text(new_value),
            old_quote=old_quote,
            new_quote=new_quote,
            old_page=_page_ref(old_page),
            new_page=_page_ref(new_page),
            changed_by=by_account,
            changed_at=now or utc_now(),
            reverted_change_id=reverts,
        )
        session.add(change)
        session.flush()
        return change.id


def revert_change(
    factory: sessionmaker[Session], change_id: int, by_account: int, now: datetime | None = None
) -> int:
    """Write a change's old value, quote and page back, as a new change naming it (checked like
    any change: refused if, say, the old salary no longer fits the current range)."""
    old = get_change(factory, change_id)
    return change_fact(
        factory,
        old.fact_key,
        old.old_value or "",
        old.old_quote or "",
        old.old_page or "",
        by_account,
        now,
        reverts=change_id,
    )


# --- helpers -------------------------------------------------------------------------------


def _fields(model: type[Any]) -> tuple[FactField, ...]:
    return tuple(field for field in FIELDS if field.model is model)


def _programs(session: Session) -> Sequence[Program]:
    return session.scalars(
        select(Program)
        .order_by(Program.position)
        .options(selectinload(Program.certifications), selectinload(Program.source_page))
    ).all()


def _policy(session: Session) -> EnrollmentPolicy | None:
    return session.scalars(
        select(EnrollmentPolicy).where(EnrollmentPolicy.key == DEFAULT_ENROLLMENT_POLICY_KEY)
    ).one_or_none()


def _program_facts(program: Program) -> list[Located]:
    located = [_locate_on(program, f, program.display_name) for f in _fields(Program)]
    for certification in program.certifications:
        located.append(
            Located(CERTIFICATION_FIELD, certification, program, program.display_name, ())
        )
    return located


def _locate_on(row: Any, field: FactField, group: str) -> Located:
    siblings = tuple(
        other
        for other in _fields(field.model)
        if other.quote_column == field.quote_column and other is not field
    )
    return Located(field, row, row, group, siblings)


def _key(located: Located) -> str:
    field, row = located.field, located.row
    if field is CERTIFICATION_FIELD:
        return f"program:{row.program.code}:certification_{row.position + 1}"
    owner = {"career": "slug", "enrollment": "key", "program": "code"}[field.owner]
    return f"{field.owner}:{getattr(row, owner)}:{field.column}"


def _locate(session: Session, key: str, lock: bool = False) -> Located:
    """The row and field a key names; FactNotFound for anything else."""
    owner, _, rest = key.partition(":")
    name, _, column = rest.partition(":")
    lookups: dict[str, Callable[[], Any]] = {
        "program": lambda: select(Program).where(Program.code == name),
        "career": lambda: select(Career).where(Career.slug == name),
        "enrollment": lambda: select(EnrollmentPolicy).where(EnrollmentPolicy.key == name),
    }
    if owner not in lookups or not name or not column:
        raise FactNotFound(key)
    query = lookups[owner]()
    row = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if row is None:
        raise FactNotFound(key)
    if owner == "program" and (match := re.fullmatch(r"certification_(\d+)", column)):
        position = int(match.group(1)) - 1
        certification = next((c for c in row.certifications if c.position == position), None)
        if certification is None:
            raise FactNotFound(key)
        return Located(CERTIFICATION_FIELD, certification, row, row.display_name, ())
    field = next((f for f in _fields(type(row)) if f.column == column), None)
    if field is None:
        raise FactNotFound(key)
    group = {"program": "display_name", "career": "title"}.get(owner)
    return _locate_on(row, field, getattr(row, group) if group else "Start dates")


def _fact(located: Located) -> Fact:
    field, row, holder = located.field, located.row, located.page_holder
    value = getattr(row, field.column)
    quote = getattr(row, field.quote_column) or ""
    kind = field.kind
    states = True
    if isinstance(kind, Number) and kind.figure is not None and value is not None:
        states = value in kind.figure.found_in(quote)
    scope = {
        Program: f"every fact of {located.group}",
        Career: f"every fact of the {located.group} career",
        EnrollmentPolicy: "every start-date fact",
    }[type(holder)]
    return Fact(
        key=_key(located),
        group=located.group,
        label=field.label,
        hint=HINTS.get(field.column, ""),
        value=_text(value) or "",
        shown=kind.show(value) or "(not stated)",
        quote=quote,
        page=_page_ref(holder.source_page),
        page_title=holder.source_page.title,
        page_scope=scope,
        shared_quote_with=tuple(other.label for other in located.siblings),
        quote_states_value=states,
        long_text=isinstance(kind, Words) and kind.max_length > 200,
    )


def _estimates(session: Session) -> dict[str, str]:
    """The computed tuition estimate per program (not editable: it follows from the facts)."""
    try:
        programs = catalog.read_programs(session)
    except catalog.CatalogUnavailable:
        return {}
    return {
        p.code: f"Estimated total tuition: ${p.estimated_total_tuition_usd:,} for "
        f"{p.typical_terms} terms (computed from tuition, term length and time to finish)."
        for p in programs
    }


def _entry(change: FactChange, name: str) -> HistoryEntry:
    return HistoryEntry(
        id=change.id,
        fact_key=change.fact_key,
        changed_at=change.changed_at,
        changed_by=name,
        old_value=change.old_value,
        new_value=change.new_value,
        old_quote=change.old_quote,
        new_quote=change.new_quote,
        old_page=change.old_page,
        new_page=change.new_page,
        reverted_change_id=change.reverted_change_id,
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _page_ref(page: SourcePage) -> str:
    """What the history keeps and the form shows: the key, or the address of an added page."""
    return page.title if page.key.startswith(URL_PAGE_PREFIX) else page.key
