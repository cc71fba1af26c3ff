"""`retention purge`: students' data deleted after the school's retention period."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.booking import appointment_times
from bot.cli.common import Commands, safe_url, whole_days
from bot.database.db import session_factory
from bot.privacy import retention
from bot.settings import load_settings


def add_commands(commands: Commands) -> None:
    keep = commands.add_parser("retention", help="delete students' data after a retention period")
    keep_commands = keep.add_subparsers(required=True, metavar="ACTION")
    purge = keep_commands.add_parser(
        "purge",
        help="delete leads, past bookings, handoff transcripts, delivered CRM messages "
        "and conversations older than DAYS",
    )
    purge.add_argument(
        "--older-than",
        type=whole_days,
        required=True,
        metavar="DAYS",
        help="the retention period in days (at least 1)",
    )
    purge.add_argument("--dry-run", action="store_true", help="count only, delete nothing")
    purge.set_defaults(run=_purge)


def _purge(args: argparse.Namespace) -> int:
    before = retention.cutoff(args.older_than, appointment_times.utc_now())
    database_url = load_settings().database_url
    try:
        program = retention.purge_program_data(
            session_factory(database_url), before, dry_run=args.dry_run
        )
    except SQLAlchemyError as error:
        print(
            f"The program database ({safe_url(database_url)}) could not be purged: "
            f"{type(error).__name__}; nothing was deleted (is it migrated? `python -m bot db "
            "upgrade`)",
            file=sys.stderr,
        )
        return 1
    tracker_url = retention.tracker_store_url_from_env()
    try:
        tracker = retention.purge_tracker_store(tracker_url, before, dry_run=args.dry_run)
    except SQLAlchemyError as error:
        print(
            f"The tracker store ({safe_url(tracker_url)}) could not be purged: "
            f"{type(error).__name__}",
            file=sys.stderr,
        )
        tracker = None
    verb = "Would delete (dry run, nothing deleted)" if args.dry_run else "Deleted"
    print(f"{verb}: data older than {args.older_than} days (before {before:%Y-%m-%d %H:%M} UTC)")
    print(f"  leads                  {program.leads}")
    print(f"  bookings               {program.bookings}")
    print(f"  handoff transcripts    {program.handoffs}")
    print(f"  CRM outbox messages    {program.outbox_events}")
    if tracker is not None:
        print(
            f"  conversations          {tracker.conversations}"
            f"  ({tracker.events} events, {tracker.snapshots} snapshots)"
        )
    return 0 if tracker is not None else 1
