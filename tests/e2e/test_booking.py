"""Booking a counselor call, changing it, and asking for a person, over the REST channel with
the real action server and program database (seeded with an always-available test counselor)."""

from __future__ import annotations

import json
import re
from typing import Any

from tools.servers import Servers, text_of

REFERENCE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b")


def buttons(replies: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [button for reply in replies for button in reply.get("buttons", [])]


def leads(servers: Servers) -> list[dict[str, Any]]:
    """The leads as the enrollment office exports them from the program database."""
    return json.loads(servers.cli("leads", "export", "--format", "json").stdout)


def email_of(sender: str) -> str:
    """Each test's student has an address of their own: one address may hold one upcoming call."""
    return f"jordan.lee.{sender[-8:].lower()}@example.org"


def book(servers: Servers, sender: str) -> tuple[int, str, list[dict[str, Any]]]:
    """A student who answers each question directly, tapping a button where one is offered.
    Returns the number of turns, the reference, and the confirmation replies."""
    turns = 0

    def say(message: str) -> list[dict[str, Any]]:
        nonlocal turns
        turns += 1
        return servers.say(sender, message)

    assert "full name" in text_of(say("can an advisor call me?"))
    assert "e-mail" in text_of(say("Jordan Lee"))
    assert "phone number" in text_of(say(email_of(sender)))
    contact = say("303 555 0147")
    assert "contact you" in text_of(contact)
    program = say(next(b["payload"] for b in buttons(contact) if b["title"] == "Phone call"))
    assert "Which program" in text_of(program)
    times = say(next(b["payload"] for b in buttons(program) if "Computer Science" in b["title"]))
    offered = [b for b in buttons(times) if '"slot_id"' in b["payload"]]
    assert len(offered) == 4, text_of(times)
    summary = text_of(say(offered[0]["payload"]))
    assert "Jordan Lee" in summary and "+13035550147" in summary and "privacy notice" in summary
    confirmation = say("yes")
    match = REFERENCE.search(text_of(confirmation))
    assert match, text_of(confirmation)
    return turns, match.group(0), confirmation


def test_booking_from_request_to_reference_in_at_most_8_turns(
    servers: Servers, sender: str
) -> None:
    turns, reference, confirmation = book(servers, sender)
    print(f"booking took {turns} turns; reference {reference}")
    assert turns <= 8
    assert "You're booked" in text_of(confirmation)
    assert re.search(r"\b(AM|PM) M[SD]T\b", text_of(confirmation))
    saved = [row for row in leads(servers) if row["reference"] == reference]
    assert len(saved) == 1
    row = saved[0]
    assert (row["status"], row["conversation_id"], row["program_code"]) == (
        "booked",
        sender,
        "computer_science",
    )
    assert (row["email"], row["phone"], row["preferred_contact"]) == (
        email_of(sender),
        "+13035550147",
        "phone",
    )
    assert row["consent_at"]


def test_a_question_mid_form_is_answered_and_the_form_resumes(
    servers: Servers, sender: str
) -> None:
    servers.say(sender, "sign me up")
    servers.say(sender, "Jordan Lee")
    digression = text_of(servers.say(sender, "wait, how much is tuition?"))
    assert "$3,920" in digression
    assert "e-mail" in digression  # the question it was on, asked again
    assert "phone number" in text_of(servers.say(sender, "jordan@example.org"))


def test_invalid_email_is_explained_and_asked_again(servers: Servers, sender: str) -> None:
    servers.say(sender, "book a call")
    servers.say(sender, "Jordan Lee")
    again = text_of(servers.say(sender, "jordan at example dot org"))
    assert "doesn't look right" in again
    assert "phone number" in text_of(servers.say(sender, "jordan@example.org"))


def test_never_mind_saves_nothing(servers: Servers, sender: str) -> None:
    servers.say(sender, "can someone call me")
    servers.say(sender, "Robert'); DROP TABLE lead;-- <script>x</script>")
    assert "nothing was saved" in text_of(servers.say(sender, "never mind"))
    assert not [row for row in leads(servers) if row["conversation_id"] == sender]
    assert "$3,920" in text_of(servers.say(sender, "how much is tuition?"))  # back to answering


def test_reschedule_and_cancel_by_reference_in_a_later_conversation(
    servers: Servers, sender: str
) -> None:
    _, reference, _ = book(servers, sender)
    later = sender + "-later"
    ask = servers.say(later, "i need to reschedule my appointment")
    assert "reference" in text_of(ask)
    times = servers.say(later, reference.lower())
    offered = [b for b in buttons(times) if '"slot_id"' in b["payload"]]
    assert offered, text_of(times)
    moved = text_of(servers.say(later, offered[-1]["payload"]))
    assert "now on" in moved and reference in moved

    question = text_of(servers.say(later, f"cancel my appointment {reference}"))
    assert reference in question
    assert "is cancelled" in text_of(servers.say(later, "yes"))
    assert [row["status"] for row in leads(servers) if row["reference"] == reference] == [
        "cancelled"
    ]


def test_delete_my_data_removes_the_lead(servers: Servers, sender: str) -> None:
    _, reference, _ = book(servers, sender)
    assert "Delete them?" in text_of(servers.say(sender, "delete my data"))
    assert "I deleted" in text_of(servers.say(sender, "yes"))
    assert not [row for row in leads(servers) if row["reference"] == reference]


def test_a_person_joins_inside_hours_and_hands_back(servers: Servers, sender: str) -> None:
    servers.say(sender, "how much is tuition?")
    handed = text_of(servers.say(sender, "i want to talk to a person"))
    assert "asked an Enrollment Counselor to join" in handed
    assert servers.say(sender, "hello? anyone there?") == []  # the bot stays quiet
    queue = servers.cli("handoffs", "list").stdout
    assert sender in queue and "how much is tuition?" in queue

    servers.cli("handoffs", "reply", sender, "Hi, I'm Sam from admissions.")
    servers.cli("handoffs", "close", sender)
    events = servers.tracker(sender)["events"]
    assert any(e["event"] == "bot" and e["text"] == "Hi, I'm Sam from admissions." for e in events)
    assert "$3,920" in text_of(servers.say(sender, "how much is tuition?"))
    assert sender not in servers.cli("handoffs", "list").stdout
