"""`handoffs`: students waiting for a counselor, answered and handed back from a terminal."""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import Commands
from bot.database.db import session_factory
from bot.handoff import service as handoff
from bot.rasa_server import client as rasa_api
from bot.safe_io.terminal_text import terminal_lines, terminal_safe
from bot.settings import load_settings


def add_commands(commands: Commands) -> None:
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


def _list_handoffs(args: argparse.Namespace) -> None:
    with session_factory(load_settings().database_url)() as session:
        waiting = handoff.waiting_handoffs(session)
        if not waiting:
            print("Nobody is waiting for a counselor.")
        for item in waiting:
            # The conversation id and the transcript are typed by the student: no control
            # characters may reach the counselor's terminal (bot/safe_io/terminal_text.py).
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
