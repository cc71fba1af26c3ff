"""Command line for admins: migrate and seed the program database, and preview answers.

    python -m bot db upgrade            # create/upgrade the schema (Alembic)
    python -m bot db seed               # upgrade, then load bot/catalog.yml (safe to re-run)
    python -m bot ask ask_tuition --program "comp sci"
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

from sqlalchemy.engine import make_url

from bot import answers, migrate
from bot.config import CATALOG_PATH, DOMAIN_PATH, load_settings
from bot.db import engine_for, session_factory
from bot.seed import seed_from_file
from bot.templates import load_response_texts, render_reply


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    return int(args.run(args) or 0)


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
    return parser


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


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
