"""`counselors`, `slots`, `outbox` and `leads`: who can be booked, when, and where bookings go."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.booking import appointment_times, counselors
from bot.booking.crm import leads_export as export
from bot.booking.crm import outbox
from bot.booking.crm.webhook import WebhookConfigError, crm_webhook_from_settings
from bot.cli.common import Commands, safe_url
from bot.database import migrate
from bot.database.db import engine_for, session_factory
from bot.safe_io.terminal_text import TerminalSafeWriter
from bot.settings import load_settings


def add_commands(commands: Commands) -> None:
    staff = commands.add_parser("counselors", help="manage counselors and their working hours")
    staff_commands = staff.add_subparsers(required=True, metavar="ACTION")
    staff_seed = staff_commands.add_parser("seed", help="upgrade, then load counselors from a file")
    staff_seed.add_argument(
        "--file",
        type=Path,
        help="counselors YAML (default: COUNSELORS_FILE, else the bundled SAMPLE file)",
    )
    staff_seed.set_defaults(run=_seed_counselors)

    slot = commands.add_parser("slots", help="manage appointment slots")
    slot_commands = slot.add_subparsers(required=True, metavar="ACTION")
    generate = slot_commands.add_parser("generate", help="create slots from working hours")
    generate.add_argument("--days", type=int, default=appointment_times.DEFAULT_HORIZON_DAYS)
    generate.set_defaults(run=_generate_slots)

    box = commands.add_parser("outbox", help="deliver bookings to the CRM webhook")
    box_commands = box.add_subparsers(required=True, metavar="ACTION")
    deliver = box_commands.add_parser("deliver", help="post pending rows to CRM_WEBHOOK_URL")
    deliver.add_argument("--once", action="store_true", help="try what is due once, then exit")
    deliver.add_argument("--poll", type=float, default=5.0, help="seconds between polls")
    deliver.set_defaults(run=_deliver)

    leads = commands.add_parser("leads", help="leads and appointments")
    lead_commands = leads.add_subparsers(required=True, metavar="ACTION")
    dump = lead_commands.add_parser("export", help="write leads as CSV or JSON")
    dump.add_argument("--format", choices=export.FORMATS, default="csv")
    dump.add_argument("--output", type=Path, help="file to write (default: standard output)")
    dump.set_defaults(run=_export)


def _seed_counselors(args: argparse.Namespace) -> None:
    settings = load_settings()
    url = settings.database_url
    path = args.file or settings.booking.counselors_file
    migrate.upgrade(engine_for(url))
    with session_factory(url)() as session:
        count = counselors.seed_counselors(session, path)
    print(f"Seeded {count} counselors from {path} into {safe_url(url)}.")


def _generate_slots(args: argparse.Namespace) -> None:
    url = load_settings().database_url
    with session_factory(url)() as session:
        created = appointment_times.generate_slots(session, days=args.days)
        session.commit()
    print(f"Created {created} new slots for the next {args.days} days.")


def _deliver(args: argparse.Namespace) -> int:
    try:
        webhook = crm_webhook_from_settings(load_settings().booking)
    except WebhookConfigError as error:
        print(f"Not delivering to the CRM: {error}", file=sys.stderr)
        return 2
    if webhook is None:
        print(
            "CRM_WEBHOOK_URL is not set; use `python -m bot leads export` instead.", file=sys.stderr
        )
        return 2
    factory = session_factory(load_settings().database_url)
    if args.once:
        report = outbox.deliver_due(factory, webhook)
        print(f"Delivered {report.delivered}, failed {report.failed}.")
        return 0 if report.failed == 0 else 1
    outbox.run_worker(factory, webhook, poll_seconds=args.poll)
    return 0


def _export(args: argparse.Namespace) -> None:
    with session_factory(load_settings().database_url)() as session:
        if args.output is None:
            # A file keeps the data as stored; a terminal gets it without control characters.
            out = TerminalSafeWriter(sys.stdout) if sys.stdout.isatty() else sys.stdout
            export.write_export(session, args.format, out)
            return
        # Contact details: readable by the owner only.
        args.output.touch(mode=0o600, exist_ok=True)
        with args.output.open("w", encoding="utf-8", newline="") as out:
            count = export.write_export(session, args.format, out)
    print(f"Wrote {count} rows to {args.output}.", file=sys.stderr)
