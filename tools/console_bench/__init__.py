"""`make bench-console`: how fast the staff console answers on a busy school's data.

The console's speed goals: with 10,000 conversations and 2,000 bookings in the database,
every console page answers in under 300 ms on the 2-core machine, and a student's new message
shows in the inbox in under 2 s. This package generates such a program database and tracker
store in a throw-away directory (`dataset`), starts the site on them (`site`), signs in and
times every console page and CSV export, and the inbox's event stream after a new message
(`measure`), then prints and writes the numbers (`report`, into reports/bench/console.json
and console.txt).

Run as `.venv/actions/bin/python -m tools.console_bench` (the actions environment: it needs
`bot`, SQLAlchemy 2 and Starlette's site, never Rasa). It imports from `bot` only modules that
need nothing but the standard library (`bot.knowledge.intents`, `bot.settings`): the Makefile's
mypy check of tools/ runs against the Rasa environment, where `bot`'s SQLAlchemy 2 models do not
check, so the program database is made by the `python -m bot` commands and filled with SQLAlchemy
Core.
"""
