"""Command line for admins: migrate and seed the program database, and preview answers.

python -m bot db upgrade            # create/upgrade the schema (Alembic)
python -m bot db seed               # upgrade, then load bot/catalog.yml (safe to re-run)
python -m bot ask ask_tuition --program "comp sci"
python -m bot counselors seed       # load counselors and hours (sample file by default)
python -m bot slots generate        # create the next 14 days of appointment slots
python -m bot outbox deliver [--once]   # post pending bookings to CRM_WEBHOOK_URL
python -m bot leads export --format csv|json [--output FILE]
python -m bot handoffs list         # students waiting for a counselor, with transcripts
python -m bot handoffs reply CONVERSATION "text"   # answer in the student's chat
python -m bot handoffs close CONVERSATION          # hand the conversation back to the bot
python -m bot lookups write         # data/nlu/lookups/program.yml from the program names
python -m bot retention purge --older-than DAYS [--dry-run]   # delete old students' data
python -m bot insights [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv DIR]   # what students ask
python -m bot staff add EMAIL --name NAME --role counselor|office [--password-stdin]
python -m bot staff set-password EMAIL | staff disable EMAIL | staff list   # console accounts
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot import accounts, answers, handoff, insights, lookups, migrate, rasa_api, retention
from bot.booking import appointment_times, counselors, export, outbox
from bot.booking.crm_webhook import WebhookConfigError, crm_webhook_from_settings
from bot.db import engine_for, session_factory
from bot.seed import seed_from_file
from bot.settings import CATALOG_PATH, DOMAIN_PATH, SettingsError, load_settings
from bot.templates import load_response_texts, render_reply
from bot.terminal_text import TerminalSafeWriter, terminal_lines, terminal_safe


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except SettingsError as error:  # a mistyped port: say which variable, not a traceback
        print(f"python -m bot: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    db = commands.add_parser("db", help="manage the program database (DATABASE_URL)")
    db_commands = db.add_subparsers(required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply the migrations").set_defaults(run=_upgrade)
    seed = db_commands.add_parser("seed", help="apply the migrations and load the catalog")
    seed.add_argument("--catalog", type=Path, default=CATALOG_PATH, help="catalog YAML file")
    seed.set_defaults(run=_seed)

    ask = commands.add_parser("ask", help="print the bot's answer to an intent")
    ask.add_argument("intent", choices=answers.ANSWERED_INTENTS, metavar="INTENT")
    ask.add_argument("--program", default="", help='program as a student would type it ("cs")')
    ask.add_argument("--topic", help="previous program topic, for inform_program")
    ask.add_argument("--variation", type=int, default=0, help="which template variation")
    ask.set_defaults(run=_ask)

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

    queue = commands.add_parser("handoffs", help="students waiting for a counselor")
    queue_commands = queue.add_subparsers(required=True, metavar="ACTION")
    queue_commands.add_parser("list", help="waiting conversations and transcripts").set_defaults(
        run=_list_handoffs
    )
    answer = queue_commands.add_parser("reply", help="send a counselor's message to the student")
    answer.add_argument("conversation")
    answer.add_argument("text")
    answer.set_defaults(run=_reply_handoff)
    done = queue_commands.add_parser("close", help="hand the conversation back to the bot")
    done.add_argument("conversation")
    done.set_defaults(run=_close_handoff)

    leads = commands.add_parser("leads", help="leads and appointments")
    lead_commands = leads.add_subparsers(required=True, metavar="ACTION")
    dump = lead_commands.add_parser("export", help="write leads as CSV or JSON")
    dump.add_argument("--format", choices=export.FORMATS, default="csv")
    dump.add_argument("--output", type=Path, help="file to write (default: standard output)")
    dump.set_defaults(run=_export)

    lookup = commands.add_parser("lookups", help="NLU lookup tables made from the database")
    lookup_commands = lookup.add_subparsers(required=True, metavar="ACTION")
    write = lookup_commands.add_parser("write", help="write the program-name lookup table")
    write.add_argument("--output", type=Path, default=lookups.PROGRAM_LOOKUP_PATH)
    write.set_defaults(run=_write_lookups)

    keep = commands.add_parser("retention", help="delete students' data after a retention period")
    keep_commands = keep.add_subparsers(required=True, metavar="ACTION")
    purge = keep_commands.add_parser(
        "purge",
        help="delete leads, past bookings, handoff transcripts, delivered CRM messages "
        "and conversations older than DAYS",
    )
    purge.add_argument(
        "--older-than",
        type=_days,
        required=True,
        metavar="DAYS",
        help="the retention period in days (at least 1)",
    )
    purge.add_argument("--dry-run", action="store_true", help="count only, delete nothing")
    purge.set_defaults(run=_purge)
    _add_insights_command(commands)
    _add_staff_commands(commands)
    return parser


def _add_staff_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`staff ...`: the staff console's accounts (bot/accounts.py)."""
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


def _days(text: str) -> int:
    if not text.strip().isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError("must be a whole number of days, at least 1")
    return int(text)


def _upgrade(args: argparse.Namespace) -> None:
    url = load_settings().database_url
    migrate.upgrade(engine_for(url))
    print(f"Schema is up to date ({_safe_url(url)}).")


def _seed(args: argparse.Namespace) -> None:
    url = load_settings().database_url
    migrate.upgrade(engine_for(url))
    with session_factory(url)() as session:
        seed_from_file(session, args.catalog)
    print(f"Seeded {args.catalog} into {_safe_url(url)}.")


def _ask(args: argparse.Namespace) -> None:
    reply = answers.answer_intent(
        args.intent,
        load_settings(),
        mention=answers.ProgramMention(text=args.program),
        previous_topic=args.topic,
    )
    print(render_reply(reply, load_response_texts(DOMAIN_PATH), args.variation))


def _seed_counselors(args: argparse.Namespace) -> None:
    settings = load_settings()
    url = settings.database_url
    path = args.file or settings.booking.counselors_file
    migrate.upgrade(engine_for(url))
    with session_factory(url)() as session:
        count = counselors.seed_counselors(session, path)
    print(f"Seeded {count} counselors from {path} into {_safe_url(url)}.")


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


def _list_handoffs(args: argparse.Namespace) -> None:
    with session_factory(load_settings().database_url)() as session:
        waiting = handoff.waiting_handoffs(session)
        if not waiting:
            print("Nobody is waiting for a counselor.")
        for item in waiting:
            # The conversation id and the transcript are typed by the student: no control
            # characters may reach the counselor's terminal (bot/terminal_text.py).
            conversation = terminal_safe(item.conversation_id)
            since = f"waiting since {item.requested_at:%Y-%m-%d %H:%M} UTC"
            if item.claimer is not None:
                since += f", claimed by {terminal_safe(item.claimer.display_name)}"
            print(f"== {conversation}  ({since})")
            for line in item.transcript:
                first, *more = terminal_lines(str(line.get("text", "")))
                print(f"  {terminal_safe(str(line.get('from', ''))):>7}: {first}")
                for continued in more:  # indented past the labels, so it cannot pass for one
                    print(f"{'':11}{continued}")


def _reply_handoff(args: argparse.Namespace) -> int:
    try:
        handoff.send_reply(args.conversation, args.text)
    except rasa_api.RasaApiError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _close_handoff(args: argparse.Namespace) -> int:
    factory = session_factory(load_settings().database_url)
    try:
        handoff.hand_back(factory, args.conversation)
    except rasa_api.RasaApiError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{args.conversation} is back with the assistant.")
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


def _write_lookups(args: argparse.Namespace) -> None:
    with session_factory(load_settings().database_url)() as session:
        changed = lookups.write_program_lookup(session, args.output)
    print(f"{'Wrote' if changed else 'Already up to date:'} {args.output}")


def _purge(args: argparse.Namespace) -> int:
    before = retention.cutoff(args.older_than, appointment_times.utc_now())
    database_url = load_settings().database_url
    try:
        program = retention.purge_program_data(
            session_factory(database_url), before, dry_run=args.dry_run
        )
    except SQLAlchemyError as error:
        print(
            f"The program database ({_safe_url(database_url)}) could not be purged: "
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
            f"The tracker store ({_safe_url(tracker_url)}) could not be purged: "
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
            f"The program database ({_safe_url(url)}) could not be used: {type(error).__name__} "
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


def _add_insights_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`insights`: what students ask, for the enrollment office (bot/insights.py)."""
    report = commands.add_parser(
        "insights",
        help="conversations, funnel, most asked topics, unanswered messages, bookings by program",
    )
    report.add_argument(
        "--from",
        dest="first",
        type=_date,
        metavar="YYYY-MM-DD",
        help=f"first day (default: {insights.DEFAULT_DAYS} days up to --to)",
    )
    report.add_argument(
        "--to",
        dest="last",
        type=_date,
        metavar="YYYY-MM-DD",
        help="last day, included (default: today in SCHOOL_TIMEZONE)",
    )
    report.add_argument(
        "--limit",
        type=_how_many,
        default=insights.DEFAULT_UNANSWERED_LIMIT,
        metavar="N",
        help="how many unanswered messages to list (default: %(default)s)",
    )
    report.add_argument(
        "--csv", type=Path, metavar="DIR", help="also write one CSV per section into DIR"
    )
    report.set_defaults(run=_insights)


def _how_many(text: str) -> int:
    if not text.strip().isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError("must be a whole number, at least 1")
    return int(text)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a date written YYYY-MM-DD") from None


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


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
