"""What the simulated students say: three kinds of turn, and the mix used under load.

Each kind is a 10-turn script; a benchmark conversation plays a script from the start under a
fresh sender id, as a new visitor of the widget would.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

# Answered by a custom action from the program database (action_answer_*).
DB_ANSWERS = (
    "how much is tuition for computer science?",
    "how long does the software development degree take?",
    "what certifications come with computer science?",
    "how much do machine learning engineers make?",
    "how much is tuition for software development?",
    "how long does computer science take?",
    "what certifications are included in software development?",
    "what is the job growth for machine learning engineers?",
    "when can I start?",
    "can I transfer credits into computer science?",
)

# The booking form: the first message starts it and the bot asks for the full name;
# each later message answers the form's question (name, e-mail, phone, contact method,
# program, time, then a correction at the summary); the last one stops the form, so no slot
# is booked and every run starts from the same free slots.
FORM = (
    "can an advisor call me?",
    "Jordan Lee",
    "jordan.lee@example.com",
    "303 555 0147",
    "a phone call please",
    "computer science",
    "tomorrow afternoon",
    "change my email",
    "jordan.lee@example.org",
    "never mind",
)

# Nothing to understand: the fallback path.
FALLBACK = (
    "asdf qwer zxcv",
    "blorp flimflam quux",
    "kjh kjh kjh lkj",
    "zzzzz yyyyy xxxxx",
    "qwop qwop wibble",
    "lorem ipsum dolor sit",
    "fnord glarb snib",
    "xkcd jjj ooo",
    "mmmnnn bbbvvv",
    "plib plob plub",
)

KINDS = {"db_answer": DB_ANSWERS, "form": FORM, "fallback": FALLBACK}


def script(kind: str, length: int) -> list[str]:
    """The kind's messages for one conversation of ``length`` turns (cycled if longer than 10)."""
    return list(itertools.islice(itertools.cycle(KINDS[kind]), length))


def load_scripts(length: int) -> Iterator[tuple[str, list[str]]]:
    """Endless conversations for load tests: mostly questions, some form, some gibberish."""
    mix = ("db_answer", "db_answer", "form", "db_answer", "fallback")
    for kind in itertools.cycle(mix):
        yield kind, script(kind, length)
