"""What the simulated students say: our three kinds of turn, the mood bot's, and the load mixes.

Each kind is a 10-turn script; a benchmark conversation plays a script from the start under a
fresh sender id, as a new visitor of the widget would. A `Scripts` is everything said to one
assistant, so the same latency and load machinery measures ours and the peers beside it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

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

# The `rasa init` assistant (the mood bot): a conversation through its stories and rules, as
# long as ours. Every reply is a response from its domain; nothing calls an action server.
MOOD = (
    "hello",
    "I am feeling sad",
    "yes",
    "great, thanks",
    "are you a bot?",
    "I'm happy",
    "hey there",
    "I am very sad",
    "no",
    "bye",
)


@dataclass(frozen=True)
class Scripts:
    """What simulated students say to one assistant: its kinds of turn and the load mix."""

    kinds: Mapping[str, tuple[str, ...]]
    # Kinds in the order conversations under load play them (cycled).
    mix: tuple[str, ...]

    def script(self, kind: str, length: int) -> list[str]:
        """The kind's messages for one conversation of ``length`` turns (cycled if longer)."""
        return list(itertools.islice(itertools.cycle(self.kinds[kind]), length))

    def load_scripts(self, length: int) -> Iterator[tuple[str, list[str]]]:
        """Endless conversations for load tests, in the order of the mix."""
        for kind in itertools.cycle(self.mix):
            yield kind, self.script(kind, length)

    def only(self, *kinds: str) -> Scripts:
        """The same assistant's scripts with only ``kinds`` (for sequential latency)."""
        return Scripts({kind: self.kinds[kind] for kind in kinds}, kinds)


# Ours under load: mostly questions, some form, some gibberish.
OURS = Scripts(
    {"db_answer": DB_ANSWERS, "form": FORM, "fallback": FALLBACK},
    ("db_answer", "db_answer", "form", "db_answer", "fallback"),
)
MOOD_BOT = Scripts({"mood": MOOD}, ("mood",))
