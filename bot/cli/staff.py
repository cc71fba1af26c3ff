"""`staff` and `insights`: the console's accounts, and what students ask, for the office."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.cli.common import Commands, at_least_one, iso_date, safe_url
from bot.database.db import session_factory
from bot.safe_io.terminal_text import terminal_safe
from bot.settings import load_settings
from bot.staff import accounts, insights


def add_commands(commands: Commands) -> None:
    people = commands.add_parser("staff", help="staff console accounts (/console)")
    people_commands = people.add_subparsers(required=True, metavar="ACTION")
    add = people_commands.add_parser("add", help="create an account (asks for its password)")
    add.add_argument("email")
    add.add_argument("--name", required=True, help="the name shown in the console")
    add.add_argument("--role", required=True, choices=accounts.ROLES)
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(run=_staff_add)
    reset = people_commands.add_parser("set-password", help="give an account a new password")
    reset.add_argument("email")
    reset.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    reset.set_defaults(run=_staff_set_password)
    disable = people_commands.add_parser("disable", help="stop an account from signing in")
    disable.add_argument("email")
    disable.set_defaults(run=_staff_disable)
    people_commands.add_parser("list", help="every account").set_defaults(run=_staff_list)

    report = commands.add_parser(
        "insights",
        help="conversations, funnel, most asked topics, unanswered messages, bookings by program",
    )
    report.add_argument(
        "--from",
        dest="first",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help=f"first day (default: {insights.DEFAULT_DAYS} days up to --to)",
    )
    report.add_argument(
        "--to",
        dest="last",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="last day, included (default: today in SCHOOL_TIMEZONE)",
    )
    report.add_argument(
        "--limit",
        type=at_least_one,
        default=insights.DEFAULT_UNANSWERED_LIMIT,
        metavar="N",
        help="how many unanswered messages to list (default: %(default)s)",
    )
    report.add_argument(
        "--csv", type=Path, metavar="DIR", help="also write one CSV per section into DIR"
    )
    report.set_defaults(run=_insights)


def _staff_add(args: argparse.Namespace) -> int:
    password = _new_password(args.password_stdin)
    if password is None:
        return 1
    return _staff_change(
        lambda factory: accounts.add_account(factory, args.email, args.name, args.role, password),
        lambda user: (
            f"Added {user.role} account {user.email}"
            + (f" (calendar: {user.counselor_name})." if user.counselor_name else ".")
        ),
    )


def _staff_set_password(args: argparse.Namespace) -> int:
    password = _new_password(args.password_stdin)
    if password is None:
        return 1
    return _staff_change(
        lambda factory: accounts.set_password(factory, args.email, password),
        lambda _: f"New password set for {args.email.strip().lower()}; its sessions have ended.",
    )


def _staff_disable(args: argparse.Namespace) -> int:
    return _staff_change(
        lambda factory: accounts.disable_account(factory, args.email),
        lambda _: f"Disabled {args.email.strip().lower()}; it can no longer sign in.",
    )


def _staff_list(args: argparse.Namespace) -> int:
    return _staff_change(accounts.list_accounts, _account_lines)


def _account_lines(listed: list[accounts.StaffUser]) -> str:
    if not listed:
        return "No staff accounts yet: add one with `python -m bot staff add`."
    lines = []
    for user in listed:
        state = "active" if user.active else "disabled"
        calendar = f"  calendar: {user.counselor_name}" if user.counselor_name else ""
        lines.append(
            terminal_safe(f"{user.email}  {user.role}  {state}  {user.display_name}{calendar}")
        )
    return "\n".join(lines)


def _staff_change(
    change: Callable[[sessionmaker[Session]], Any], done: Callable[[Any], str]
) -> int:
    """Run one account change, answering a refusal or a database problem in one line."""
    url = load_settings().database_url
    try:
        result = change(session_factory(url))
    except accounts.AccountError as error:
        print(f"python -m bot staff: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        print(
            f"The program database ({safe_url(url)}) could not be used: {type(error).__name__} "
            "(is it migrated? `python -m bot db upgrade`)",
            file=sys.stderr,
        )
        return 1
    print(done(result))
    return 0


def _new_password(from_stdin: bool) -> str | None:
    """Never an argument (it would show in `ps` and the shell history): typed twice, or one
    line of standard input for scripts."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password (at least 12 characters): ")
        if getpass.getpass("Same password again: ") != password:
            print("The two passwords differ; nothing was changed.", file=sys.stderr)
            return None
    try:
        accounts.check_password(password)
    except accounts.AccountError as error:
        print(f"python -m bot staff: {error}", file=sys.stderr)
        return None
    return password


def _insights(args: argparse.Namespace) -> int:
    settings = load_settings()
    last = args.last or insights.today_in(settings.school_timezone)
    first = args.first or last - timedelta(days=insights.DEFAULT_DAYS - 1)
    try:
        period = insights.Period(first, last, settings.school_timezone)
    except ValueError as error:
        print(f"python -m bot insights: {error}", file=sys.stderr)
        return 2
    try:
        report = insights.build_report(
            settings.tracker_store_url, settings.database_url, period, args.limit
        )
        written = insights.write_csv(report, args.csv) if args.csv else []
    except insights.InsightsError as error:
        print(f"python -m bot insights: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(
            f"python -m bot insights: could not write {args.csv}: {error.strerror}", file=sys.stderr
        )
        return 1
    sys.stdout.write(insights.render(report))
    for path in written:
        print(f"Wrote {path}", file=sys.stderr)
    return 0
