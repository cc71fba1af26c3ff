"""A student asks for a person: point them to the Enrollment Counselors."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions._support import ReplyAction, settings
from bot.answers import offer_counselor
from bot.replies import Reply


class ActionOfferCounselor(ReplyAction):
    def name(self) -> str:
        return "action_offer_counselor"

    def reply(self, tracker: Tracker) -> Reply:
        return offer_counselor(settings().enrollment_contact)
