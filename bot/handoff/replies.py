"""Replies when a student asks for a person: someone will join, or when counselors are in."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.booking.replies import when
from bot.knowledge.replies.base import Reply
from bot.knowledge.replies.enrollment import offer_a_call


def handed_over() -> Reply:
    return Reply("utter_handoff_started")


def counselors_away(next_opening: datetime, school_timezone: ZoneInfo) -> Reply:
    return Reply(
        "utter_handoff_after_hours",
        {"next_opening": when(next_opening, school_timezone)},
        offer_a_call(),
    )
