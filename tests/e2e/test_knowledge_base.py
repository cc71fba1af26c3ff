"""The office's knowledge base through the real servers: an entry imported and published (as
the console's CSV import writes it) answers from the next messages without a restart; a catalog
question stays the catalog's, an off-topic one stays declined; unpublished, it is gone again.

The time from the write to the first answer is printed (`-rP`); its target lives in `make bench`
(tools/benchmarks/knowledge_base.py), not here, so a busy machine cannot fail this test.
"""

from __future__ import annotations

import csv
import io
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tools.servers import Servers, text_of

SOURCE = "From the admissions office"
ANSWER = "Yes: the **online library** is open to every student. <script>alert(1)</script>"
QUESTION = "can i read e-books and journal articles through the school library?"
# Within this the refresher (every second by default) must have picked the change up.
PATIENCE_S = 20


def _import(servers: Servers, tmp_path: Path, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=["id", "title", "status", "phrasings", "answer", "link"]
    )
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / f"entries-{uuid.uuid4().hex[:8]}.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    done = servers.cli("knowledge-base", "import", str(path))
    assert done.returncode == 0, done.stderr


def _entry_id(servers: Servers, tmp_path: Path, title: str) -> str:
    path = tmp_path / "export.csv"
    done = servers.cli("knowledge-base", "export", str(path))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    return next(row["id"] for row in rows if row["title"] == title)


def _wait_for(check: Callable[[str], bool], servers: Servers) -> float:
    """Seconds until a fresh conversation's answer to QUESTION passes `check`."""
    started = time.perf_counter()
    while True:
        reply = text_of(servers.say(f"kb-{uuid.uuid4().hex}", QUESTION))
        if check(reply):
            return time.perf_counter() - started
        assert time.perf_counter() - started < PATIENCE_S, f"still {reply!r} after {PATIENCE_S} s"
        time.sleep(0.1)


@pytest.fixture
def library_entry(servers: Servers, tmp_path: Path) -> Iterator[str]:
    rows = [
        {
            "title": "Online library",
            "status": "published",
            "phrasings": "\n".join(
                (
                    "Is there an online library?",
                    "How do I get library e-books and databases?",
                    "Can students read journal articles online?",
                )
            ),
            "answer": ANSWER,
            "link": "https://library.example.edu/",
        },
        # An office mistake: a phrasing that is a catalog question. The catalog keeps it.
        {
            "title": "Costs",
            "status": "published",
            "phrasings": "How much is tuition for computer science?",
            "answer": "An answer the catalog's tuition must win over.",
            "link": "",
        },
    ]
    _import(servers, tmp_path, rows)
    ids = [_entry_id(servers, tmp_path, row["title"]) for row in rows]
    yield ids[0]
    _import(
        servers,
        tmp_path,
        [{**row, "id": i, "status": "draft"} for row, i in zip(rows, ids, strict=True)],
    )


def test_a_published_entry_answers_until_it_is_unpublished(
    servers: Servers, sender: str, tmp_path: Path, library_entry: str
) -> None:
    live_after = _wait_for(lambda reply: SOURCE in reply, servers)
    print(f"published -> answered in {live_after:.2f} s")

    reply = text_of(servers.say(sender, QUESTION))
    assert reply.startswith(SOURCE)
    assert ANSWER in reply, "the office's text is sent as written, for the widget to show as text"
    assert "https://library.example.edu/" in reply
    assert servers.last_bot_actions(sender) == ["action_answer_from_knowledge_base"]

    tuition = text_of(servers.say(sender, "How much is tuition for computer science?"))
    assert "$3,920" in tuition and SOURCE not in tuition
    weather = text_of(servers.say(sender, "what's the weather going to be in Paris tomorrow"))
    assert SOURCE not in weather

    _import(
        servers,
        tmp_path,
        [
            {
                "id": library_entry,
                "title": "Online library",
                "status": "draft",
                "phrasings": "Is there an online library?",
                "answer": ANSWER,
                "link": "",
            }
        ],
    )
    gone_after = _wait_for(lambda reply: SOURCE not in reply, servers)
    print(f"unpublished -> gone in {gone_after:.2f} s")
