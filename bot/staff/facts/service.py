"""Catalog facts the enrollment office may change without a deploy: list, change, revert.

The facts students ask about and a school changes (tuition, time to finish, transfer credit,
included certifications, the start-date policy, the career's salary and job growth) are named in
FIELDS, one line each: the model, the column, the column holding its quote, a label and how the
value is checked. A change is checked the way catalog.yml is (bot/seed.py's rules, the database's
CHECK constraints, and tests/unit/test_catalog_quotes.py's rule that a figure appears in its quote
as the page writes it: "$3,920", "70%", "23 months"), then written in one transaction with its
FactChange row, so history and catalog never disagree. `bot.catalog` reads the database on every
answer (no cache), so the next answer uses the new value without a restart.

`python -m bot db seed` still loads catalog.yml over these rows: a change made here lasts until
the next seed unless it is copied into catalog.yml too (the console says so on every page).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot import catalog
from bot.booking.appointment_times import utc_now
from bot.models import (
    DEFAULT_ENROLLMENT_POLICY_KEY,
    Career,
    EnrollmentPolicy,
    FactChange,
    Program,
    ProgramCertification,
    SourcePage,
    StaffAccount,
)

QUOTE_MAX_LENGTH = 2000
PAGE_URL_MAX_LENGTH = 300
# Source pages added from the console by address get this key prefix (catalog.yml keys never
# have a colon), so the same address always finds the same row.
URL_PAGE_PREFIX = "url:"
SEED_NOTICE = (
    "Running `python -m bot db seed` loads bot/catalog.yml again and overwrites every fact "
    "changed here (a renamed certification is replaced by the catalog's name). To keep a change, "
    "make it in bot/catalog.yml as well."
)


@dataclass(frozen=True)
class Figure:
    """How a figure is written on a page, so the quote can be checked for it."""

    pattern: str  # one group: the digits
    example: str

    def found_in(self, quote: str) -> set[int]:
        return {int(digits.replace(",", "")) for digits in re.findall(self.pattern, quote)}


# The same regular expressions tests/unit/test_catalog_quotes.py finds the page's figures with.
DOLLARS = Figure(r"\$(\d[\d,]*)", "$3,920")
PERCENT = Figure(r"(\d+)%", "70%")
MONTHS = Figure(r"(\d+)[- ]months?\b", "23 months")
YEAR = Figure(r"\b(\d{4})\b", "2026")


@dataclass(frozen=True)
class Number:
    """A whole number in [minimum, maximum]; with `figure`, the quote must state it that way."""

    minimum: int
    maximum: int
    figure: Figure | None = None
    unit: str = ""

    def parse(self, text: str) -> int:
        cleaned = text.strip().replace(",", "").replace("$", "").replace("%", "").strip()
        if not re.fullmatch(r"\d+", cleaned):
            raise _Invalid("value", "Enter a whole number (digits only).")
        value = int(cleaned)
        if not self.minimum <= value <= self.maximum:
            raise _Invalid(
                "value", f"Enter a number from {self.minimum:,} to {self.maximum:,}{self.unit}."
            )
        return value

    def show(self, value: object) -> str:
        if value is None:
            return ""
        if self.figure is DOLLARS:
            return f"${int(str(value)):,}"
        return f"{value}{self.unit}"


@dataclass(frozen=True)
class Words:
    """Text of at most `max_length` characters; `optional` facts may be empty (stored as NULL,
    e.g. no transfer policy on the page, for which the bot says so)."""

    max_length: int
    optional: bool = False

    def parse(self, text: str) -> str | None:
        value = " ".join(text.split())
        if not value:
            if self.optional:
                return None
            raise _Invalid("value", "Enter the wording the assistant should use.")
        if len(value) > self.max_length:
            raise _Invalid("value", f"Keep it to {self.max_length} characters.")
        return value

    def show(self, value: object) -> str:
        return "" if value is None else str(value)


Kind = Number | Words
USD = Number(1, 1_000_000, DOLLARS)


@dataclass(frozen=True)
class FactField:
    """One editable column. `owner` is the kind of row it lives on (the key's first part)."""

    model: type[Any]
    column: str
    quote_column: str
    label: str
    kind: Kind

    @property
    def owner(self) -> str:
        return {Career: "career", EnrollmentPolicy: "enrollment"}.get(self.model, "program")


_P, _C, _E = Program, Career, EnrollmentPolicy
TERM = Number(1, 24, MONTHS, " months")
TIME = Number(1, 120, MONTHS, " months")
SHARE = Number(1, 100, PERCENT, "%")
GROWTH = Number(0, 1000, PERCENT, "%")
THROUGH = Number(2000, 2100, YEAR)
DAY = Number(1, 28)
# Adding an editable fact is one line here (and nothing else, if its column exists).
FIELDS: tuple[FactField, ...] = (
    FactField(_P, "tuition_per_term_usd", "tuition_quote", "Tuition per term", USD),
    FactField(_P, "term_months", "tuition_quote", "Term length", TERM),
    FactField(_P, "completion_text", "completion_quote", "Time to finish, as said", Words(500)),
    FactField(_P, "completion_months", "completion_quote", "Time to finish", TIME),
    FactField(_P, "completion_share_percent", "completion_quote", "Share finishing in time", SHARE),
    FactField(_P, "transfer_text", "transfer_quote", "Transfer credit", Words(1000, optional=True)),
    FactField(ProgramCertification, "name", "quote", "Included certification", Words(200)),
    FactField(_C, "salary_low_usd", "salary_quote", "Salary, low", USD),
    FactField(_C, "salary_average_usd", "salary_quote", "Salary, average", USD),
    FactField(_C, "salary_high_usd", "salary_quote", "Salary, high", USD),
    FactField(_C, "job_growth_percent", "job_growth_quote", "Job growth", GROWTH),
    FactField(_C, "job_growth_through_year", "job_growth_quote", "Job growth through", THROUGH),
    FactField(_E, "start_day_of_month", "start_rule_quote", "Start day of the month", DAY),
    FactField(_E, "start_rule", "start_rule_quote", "When programs start", Words(1000)),
    FactField(_E, "prerequisite", "prerequisite_quote", "What comes first", Words(1000)),
    FactField(_E, "year_round", "year_round_quote", "Year-round starts", Words(1000)),
    FactField(_E, "contact_role", "contact_role_quote", "Who to contact", Words(200)),
    FactField(_E, "delivery", "delivery_quote", "How programs are taught", Words(1000)),
)
# Help shown under a field's input, by column.
HINTS = {
    "completion_text": "The sentence the bot says; keep its figures the same as below.",
    "completion_months": "Also used for the estimated total tuition.",
    "transfer_text": "Empty when the page states no transfer policy (then the quote is empty too).",
    "start_day_of_month": "1 to 28 (a day every month has).",
}
CERTIFICATION_FIELD = next(f for f in FIELDS if f.model is ProgramCertification)
_ORDERED_SALARY = ("salary_low_usd", "salary_average_usd", "salary_high_usd")


class FactRefused(ValueError):
    """The change was not saved; `errors` maps a form field (value, quote, page, form) to why."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {why}" for field, why in errors.items()))
        self.errors = errors


class FactNotFound(LookupError):
    """No editable fact (or history entry) has this key or id."""


class _Invalid(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Fact:
    """A fact as the console shows it; `value` is the form's text, `shown` the display text."""

    key: str
    group: str
    label: str
    hint: str
    value: str
    shown: str
    quote: str
    page: str  # the page's key, or its address for a page added from the console
    page_title: str
    page_scope: str  # who else uses this page: changing it moves all of them
    shared_quote_with: tuple[str, ...]  # labels of the facts that read the same quote
    quote_states_value: bool  # False when a figure is not written in its quote
    long_text: bool  # shown in a text area rather than a one-line input


@dataclass(frozen=True)
class FactGroup:
    title: str
    facts: tuple[Fact, ...]
    note: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    fact_key: str
    changed_at: datetime
    changed_by: str
    old_value: str | None
    new_value: str | None
    old_quote: str | None
    new_quote: str | None
    old_page: str | None
    new_page: str | None
    reverted_change_id: int | None


@dataclass(frozen=True)
class _Located:
    field: FactField
    row: Any
    page_holder: Program | Career | EnrollmentPolicy
    group: str
    siblings: tuple[FactField, ...]


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
        except _Invalid as invalid:
            errors[invalid.field] = invalid.message
        new_quote = " ".join(quote.split()) or None
        errors.update(_quote_errors(field, new_value, new_quote, "value" in errors))
        if "value" not in errors:
            errors.update(_row_errors(located, new_value))
        try:
            new_page = _resolve_page(session, page, located.page_holder.source_page)
        except _Invalid as invalid:
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


# --- checks --------------------------------------------------------------------------------


def _quote_errors(
    field: FactField, value: object, quote: str | None, value_invalid: bool
) -> dict[str, str]:
    """The seed's rule: every fact has a quote (an optional fact that is empty has none). A figure
    must appear in its quote as the page writes it (test_catalog_quotes' rule)."""
    if value is None and not value_invalid:  # an optional fact left empty
        return {"quote": "Leave the quote empty when the value is empty."} if quote else {}
    if not quote:
        return {"quote": "Paste the sentence from the source page that states this fact."}
    if len(quote) > QUOTE_MAX_LENGTH:
        return {"quote": f"Keep the quote to {QUOTE_MAX_LENGTH} characters."}
    kind = field.kind
    if isinstance(kind, Number) and kind.figure and isinstance(value, int):
        if value not in kind.figure.found_in(quote):
            written = kind.show(value) if kind.figure is not MONTHS else f"{value} months"
            return {
                "quote": f"The quote must state {written} as the page writes it "
                f"(for example {kind.figure.example})."
            }
    return {}


def _row_errors(located: _Located, value: object) -> dict[str, str]:
    """Checks across a row's facts (the database's CHECK constraints, said in words)."""
    field, row = located.field, located.row
    if field.model is Career and field.column in _ORDERED_SALARY:
        figures = {column: getattr(row, column) for column in _ORDERED_SALARY}
        figures[field.column] = value
        low, average, high = (figures[column] for column in _ORDERED_SALARY)
        if not low <= average <= high:
            return {
                "value": f"Salaries must be ordered low <= average <= high; with this value they "
                f"would be ${low:,} / ${average:,} / ${high:,}. Change the others first."
            }
    if field is CERTIFICATION_FIELD and isinstance(value, str):
        others = [c.name for c in row.program.certifications if c is not row]
        if value.casefold() in {name.casefold() for name in others}:
            return {"value": "The program already lists this certification."}
    return {}


def _resolve_page(session: Session, text: str, current: SourcePage) -> SourcePage:
    """A known page by key (or by the address it was added with), or a new page for a new
    http(s) address; empty keeps `current`."""
    reference = text.strip()
    if not reference:
        return current
    known = session.scalars(
        select(SourcePage).where(SourcePage.key.in_([reference, _url_key(reference)]))
    ).first()
    if known is not None:
        return known
    parts = urlsplit(reference)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in reference:
        raise _Invalid(
            "page", "Choose a known source page, or give the page's full address (https://...)."
        )
    if len(reference) > PAGE_URL_MAX_LENGTH:
        raise _Invalid("page", f"Keep the address to {PAGE_URL_MAX_LENGTH} characters.")
    page = SourcePage(
        key=_url_key(reference),
        title=reference,
        publisher=parts.hostname or parts.netloc,
        file_name="",  # no reviewed copy is stored for a page added from the console
    )
    session.add(page)
    return page


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


def _program_facts(program: Program) -> list[_Located]:
    located = [_locate_on(program, f, program.display_name) for f in _fields(Program)]
    for certification in program.certifications:
        located.append(
            _Located(CERTIFICATION_FIELD, certification, program, program.display_name, ())
        )
    return located


def _locate_on(row: Any, field: FactField, group: str) -> _Located:
    siblings = tuple(
        other
        for other in _fields(field.model)
        if other.quote_column == field.quote_column and other is not field
    )
    return _Located(field, row, row, group, siblings)


def _key(located: _Located) -> str:
    field, row = located.field, located.row
    if field is CERTIFICATION_FIELD:
        return f"program:{row.program.code}:certification_{row.position + 1}"
    owner = {"career": "slug", "enrollment": "key", "program": "code"}[field.owner]
    return f"{field.owner}:{getattr(row, owner)}:{field.column}"


def _locate(session: Session, key: str, lock: bool = False) -> _Located:
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
        return _Located(CERTIFICATION_FIELD, certification, row, row.display_name, ())
    field = next((f for f in _fields(type(row)) if f.column == column), None)
    if field is None:
        raise FactNotFound(key)
    group = {"program": "display_name", "career": "title"}.get(owner)
    return _locate_on(row, field, getattr(row, group) if group else "Start dates")


def _fact(located: _Located) -> Fact:
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


def _url_key(address: str) -> str:
    return URL_PAGE_PREFIX + hashlib.sha256(address.encode()).hexdigest()[:40]


def _page_ref(page: SourcePage) -> str:
    """What the history keeps and the form shows: the key, or the address of an added page."""
    return page.title if page.key.startswith(URL_PAGE_PREFIX) else page.key
