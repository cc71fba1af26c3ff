"""What every command group shares: argument types that answer a mistyped value in one line, and
database URLs printed without their password."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy.engine import make_url

# What `add_subparsers` returns; subscriptable only for type checkers in Python 3.10.
if TYPE_CHECKING:
    Commands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Commands = argparse._SubParsersAction


def _at_least_one(text: str, what: str) -> int:
    if not text.strip().isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number{what}, at least 1")
    return int(text)


def whole_days(text: str) -> int:
    return _at_least_one(text, " of days")


def at_least_one(text: str) -> int:
    return _at_least_one(text, "")


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a date written YYYY-MM-DD") from None


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
