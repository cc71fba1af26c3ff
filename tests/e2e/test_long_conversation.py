"""A long chat keeps its program, its form and its history while each message replays only a
window of recent events (rasa_plugins/tracker_store/windowed_sql.py; the e2e servers use a
small window)."""

from __future__ import annotations

import sqlite3

from tools.servers import E2E_TRACKER_WINDOW_EVENTS, Servers, text_of

CAREER_QUESTIONS = [
    ("how much do ML engineers make?", "$114,000"),
    ("when can I start?", "1, "),
    ("how much is tuition?", "$3,920"),
]


def snapshots_of(servers: Servers, sender: str) -> int:
    with sqlite3.connect(servers.workdir / "tracker.db") as database:
        (count,) = database.execute(
            "SELECT count(*) FROM tracker_snapshots WHERE sender_id = ?", (sender,)
        ).fetchone()
    return count


def test_context_and_form_outlive_the_window(servers: Servers, sender: str) -> None:
    assert "Software Development" in text_of(
        servers.say(sender, "tell me about software development")
    )
    for round_number in range(4):
        for question, figure in CAREER_QUESTIONS:
            reply = text_of(servers.say(sender, question))
            assert figure in reply, f"round {round_number}: {question!r} got {reply[:200]!r}"

    # The program was named a dozen turns ago, long before the window: it comes from the snapshot.
    duration = text_of(servers.say(sender, "how long does it take?"))
    assert "30 months" in duration and "23 months" not in duration

    assert "full name" in text_of(servers.say(sender, "can an advisor call me?"))
    assert "e-mail" in text_of(servers.say(sender, "Jordan Lee"))
    for _ in range(3):  # questions in the middle of the form push its start out of the window
        assert "$3,920" in text_of(servers.say(sender, "wait, how much is tuition?"))
    assert "phone number" in text_of(servers.say(sender, "jordan.lee@example.org"))

    events = servers.tracker(sender)["events"]  # the API still returns the whole conversation
    assert len(events) > 4 * E2E_TRACKER_WINDOW_EVENTS
    # Before it only the session's start metadata (the channel's client_id), as Rasa records it.
    first_action = next(event for event in events if event["event"] == "action")
    assert first_action is next(event for event in events if event["event"] != "slot")
    assert first_action["name"] == "action_session_start"
    assert snapshots_of(servers, sender) >= 15
