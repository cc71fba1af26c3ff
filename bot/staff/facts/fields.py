"""Which catalog facts the office may edit, and how each value is checked.

One FactField line per fact: the model, the column, the column holding its quote, a label and
the value's rule (a Number within bounds whose Figure must appear in the quote as the page writes
it: "$3,920", "70%", "23 months"; or Words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.database.models import Career, EnrollmentPolicy, Program, ProgramCertification

QUOTE_MAX_LENGTH = 2000
PAGE_URL_MAX_LENGTH = 300
# Source pages added from the console by address get this key prefix (catalog.yml keys never
# have a colon), so the same address always finds the same row.
URL_PAGE_PREFIX = "url:"
SEED_NOTICE = (
    "Running `python -m bot db seed` loads bot/knowledge/catalog.yml again and overwrites every "
    "fact changed here (a renamed certification is replaced by the catalog's name). To keep a "
    "change, make it in bot/knowledge/catalog.yml as well."
)


class Invalid(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


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
            raise Invalid("value", "Enter a whole number (digits only).")
        value = int(cleaned)
        if not self.minimum <= value <= self.maximum:
            raise Invalid(
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
            raise Invalid("value", "Enter the wording the assistant should use.")
        if len(value) > self.max_length:
            raise Invalid("value", f"Keep it to {self.max_length} characters.")
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


TERM = Number(1, 24, MONTHS, " months")
TIME = Number(1, 120, MONTHS, " months")
SHARE = Number(1, 100, PERCENT, "%")
GROWTH = Number(0, 1000, PERCENT, "%")
THROUGH = Number(2000, 2100, YEAR)
DAY = Number(1, 28)
_P, _C, _E = Program, Career, EnrollmentPolicy
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
ORDERED_SALARY = ("salary_low_usd", "salary_average_usd", "salary_high_usd")
