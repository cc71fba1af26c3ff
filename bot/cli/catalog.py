"""`db`, `ask` and `lookups`: the program database (with the knowledge base's shipped entries),
an answer previewed, the NLU lookups."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import Commands, safe_url
from bot.database import migrate
from bot.database.db import engine_for, session_factory
from bot.knowledge import answers, lookups
from bot.knowledge.seed import seed_from_file
from bot.knowledge.templates import load_response_texts, render_reply
from bot.settings import CATALOG_PATH, DOMAIN_PATH, load_settings
from bot.staff import knowledge_base


def add_commands(commands: Commands) -> None:
    db = commands.add_parser("db", help="manage the program database (DATABASE_URL)")
    db_commands = db.add_subparsers(required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply the migrations").set_defaults(run=_upgrade)
    seed = db_commands.add_parser(
        "seed", help="apply the migrations, load the catalog and the shipped knowledge base"
    )
    seed.add_argument("--catalog", type=Path, default=CATALOG_PATH, help="catalog YAML file")
    seed.set_defaults(run=_seed)

    ask = commands.add_parser("ask", help="print the bot's answer to an intent")
    ask.add_argument("intent", choices=answers.ANSWERED_INTENTS, metavar="INTENT")
    ask.add_argument("--program", default="", help='program as a student would type it ("cs")')
    ask.add_argument("--topic", help="previous program topic, for inform_program")
    ask.add_argument("--variation", type=int, default=0, help="which template variation")
    ask.add_argument("--language", choices=("en", "es"), default="en", help="reply language")
    ask.set_defaults(run=_ask)

    lookup = commands.add_parser("lookups", help="NLU lookup tables made from the database")
    lookup_commands = lookup.add_subparsers(required=True, metavar="ACTION")
    write = lookup_commands.add_parser("write", help="write the program-name lookup table")
    write.add_argument("--output", type=Path, default=lookups.PROGRAM_LOOKUP_PATH)
    write.set_defaults(run=_write_lookups)


def _upgrade(args: argparse.Namespace) -> None:
    url = load_settings().database_url
    migrate.upgrade(engine_for(url))
    print(f"Schema is up to date ({safe_url(url)}).")


def _seed(args: argparse.Namespace) -> None:
    url = load_settings().database_url
    migrate.upgrade(engine_for(url))
    with session_factory(url)() as session:
        seed_from_file(session, args.catalog)
    print(f"Seeded {args.catalog} into {safe_url(url)}.")
    # Only adds the shipped entries that are missing: the office's edits are kept.
    added = knowledge_base.seed_career_guide(session_factory(url))
    shipped = knowledge_base.CAREER_GUIDE_PATH.name
    print(f"Knowledge base: {len(added)} shipped entries added from {shipped}.")


def _ask(args: argparse.Namespace) -> None:
    reply = answers.answer_intent(
        args.intent,
        load_settings(),
        mention=answers.ProgramMention(text=args.program),
        previous_topic=args.topic,
        language=args.language,
    )
    print(render_reply(reply, load_response_texts(DOMAIN_PATH, args.language), args.variation))


def _write_lookups(args: argparse.Namespace) -> None:
    with session_factory(load_settings().database_url)() as session:
        changed = lookups.write_program_lookup(session, args.output)
    print(f"{'Wrote' if changed else 'Already up to date:'} {args.output}")
