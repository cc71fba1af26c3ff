"""Replies about enrolling: start dates, topics the catalog does not cover (named in
bot.knowledge.intents), reaching a person, and the apology used whenever the program database
cannot answer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.knowledge.catalog import EnrollmentPolicy
from bot.knowledge.intents import UNKNOWN_TOPIC_NAMES
from bot.knowledge.replies.base import Button, Reply, long_date, sentence
from bot.knowledge.replies.language import SPANISH, TOPIC_NAMES_ES, current_language, phrase


def talk_to_counselor() -> Button:
    return Button(phrase("talk_to_counselor"), "/request_human")


def offer_a_call() -> tuple[Button, ...]:
    return (
        Button(phrase("yes_book_a_call"), "/book_counselor"),
        Button(phrase("no_thanks"), "/deny"),
    )


def start_dates(policy: EnrollmentPolicy, upcoming: Sequence[date]) -> Reply:
    """`upcoming` holds the next two start dates (see
    bot.knowledge.start_dates.next_start_dates)."""
    next_start, following_start = upcoming[0], upcoming[1]
    return Reply(
        "utter_start_date",
        {
            "next_start": long_date(next_start),
            "following_start": long_date(following_start),
            "start_rule": policy.start_rule,
            "year_round": sentence(policy.year_round),
            "prerequisite": policy.prerequisite,
            "contact_role": policy.contact_role,
        },
    )


def online_delivery(policy: EnrollmentPolicy) -> Reply:
    """How the programs are taught, with when they start: the two things a student asking
    "do I have to move / come to campus?" is weighing."""
    return Reply(
        "utter_online_delivery",
        {
            "delivery": sentence(policy.delivery),
            "start_rule": sentence(policy.start_rule),
            "year_round": sentence(policy.year_round),
        },
    )


def unknown_topic(intent: str) -> Reply:
    """Say plainly the catalog does not cover it: a guessed admission rule or aid figure could
    cost a student real money, so the bot never improvises one."""
    return Reply(
        "utter_unknown_topic",
        {"topic": _topic_name(intent)},
        buttons=offer_a_call(),
    )


def counselor(contact: str | None) -> Reply:
    """Point to the configured contact; with none configured, never make one up."""
    if contact:
        return Reply("utter_counselor_contact", {"contact": contact})
    return Reply("utter_counselor_no_contact")


def catalog_unavailable() -> Reply:
    return Reply("utter_catalog_unavailable", buttons=(talk_to_counselor(),))


def _topic_name(intent: str) -> str:
    name = UNKNOWN_TOPIC_NAMES.get(intent)
    if name is None:
        return phrase("that_topic")
    return TOPIC_NAMES_ES.get(name, name) if current_language() == SPANISH else name
