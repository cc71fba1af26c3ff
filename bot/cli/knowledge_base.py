"""`knowledge-base`: the school's knowledge base as a CSV file, exported and imported from a
terminal (the same files as the console's Knowledge base page, bot.staff.knowledge_base)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import Commands
from bot.database.db import session_factory
from bot.safe_io.terminal_text import terminal_safe
from bot.settings import load_settings
from bot.staff import knowledge_base as kb


def add_commands(commands: Commands) -> None:
    base = commands.add_parser("knowledge-base", help="the school's knowledge base as CSV")
    base_commands = base.add_subparsers(required=True, metavar="ACTION")
    export = base_commands.add_parser("export", help="write every entry to a CSV file")
    export.add_argument("file", type=Path)
    export.set_defaults(run=_export)
    load = base_commands.add_parser(
        "import", help="create or update entries from a CSV file (all rows or none)"
    )
    load.add_argument("file", type=Path)
    load.set_defaults(run=_import)


def _export(args: argparse.Namespace) -> None:
    factory = session_factory(load_settings().database_url)
    with args.file.open("w", encoding="utf-8", newline="") as out:
        out.write(kb.export_csv(factory))
    print(f"Wrote {len(kb.list_entries(factory))} entries to {args.file}.")


def _import(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as error:
        print(
            f"python -m bot knowledge-base import: {error.strerror}: {args.file}", file=sys.stderr
        )
        return 1
    try:
        # No account: the history names the command line (bot.staff.knowledge_base.NO_ACCOUNT).
        result = kb.import_csv(session_factory(load_settings().database_url), data, None)
    except kb.ImportRefused as refused:
        print("Nothing was imported:", file=sys.stderr)
        for problem in refused.problems:
            # A cell's text may reach the message: no control character reaches the terminal.
            print(f"  {terminal_safe(problem)}", file=sys.stderr)
        return 1
    print(
        f"Imported {args.file}: {result.created} new, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )
    return 0
