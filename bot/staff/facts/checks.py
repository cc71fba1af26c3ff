"""A change is checked the way catalog.yml is: seed's rules, the database's CHECK constraints, and
the rule that a figure appears in its quote as the page writes it.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.database.models import (
    Career,
    SourcePage,
)
from bot.staff.facts.fields import (
    CERTIFICATION_FIELD,
    MONTHS,
    ORDERED_SALARY,
    PAGE_URL_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    URL_PAGE_PREFIX,
    FactField,
    Invalid,
    Number,
)
from bot.staff.facts.records import Located

# --- checks --------------------------------------------------------------------------------


def quote_errors(
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


def row_errors(located: Located, value: object) -> dict[str, str]:
    """Checks across a row's facts (the database's CHECK constraints, said in words)."""
    field, row = located.field, located.row
    if field.model is Career and field.column in ORDERED_SALARY:
        figures = {column: getattr(row, column) for column in ORDERED_SALARY}
        figures[field.column] = value
        low, average, high = (figures[column] for column in ORDERED_SALARY)
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


def resolve_page(session: Session, text: str, current: SourcePage) -> SourcePage:
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
        raise Invalid(
            "page", "Choose a known source page, or give the page's full address (https://...)."
        )
    if len(reference) > PAGE_URL_MAX_LENGTH:
        raise Invalid("page", f"Keep the address to {PAGE_URL_MAX_LENGTH} characters.")
    page = SourcePage(
        key=_url_key(reference),
        title=reference,
        publisher=parts.hostname or parts.netloc,
        file_name="",  # no reviewed copy is stored for a page added from the console
    )
    session.add(page)
    return page


def _url_key(address: str) -> str:
    return URL_PAGE_PREFIX + hashlib.sha256(address.encode()).hexdigest()[:40]
