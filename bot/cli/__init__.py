"""Command line for admins: migrate and seed the program database, and preview answers.

python -m bot db upgrade            # create/upgrade the schema (Alembic)
python -m bot db seed               # upgrade, load catalog.yml and the shipped knowledge base
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
python -m bot knowledge-base export FILE | knowledge-base import FILE   # the knowledge base as CSV

One module per command group (`catalog`, `booking`, `handoffs`, `privacy`, `staff`,
`knowledge_base`), each adding its commands with `add_commands`; they call the same services the
console's pages do. May import every package of `bot` but `web` and `console`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import booking, catalog, handoffs, knowledge_base, privacy, staff
from bot.settings import SettingsError


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except SettingsError as error:  # a mistyped port: say which variable, not a traceback
        print(f"python -m bot: {error}", file=sys.stderr)
        return 2


def parser() -> argparse.ArgumentParser:
    """Every command group's commands, in the order `--help` lists them."""
    top = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(required=True, metavar="COMMAND")
    for group in (catalog, booking, handoffs, privacy, staff, knowledge_base):
        group.add_commands(commands)
    return top
