"""The actions, run the way rasa_sdk runs them: a Tracker in, messages and events out."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.career import ActionAnswerCareerQuestion
from actions.programs import ActionAnswerProgramQuestion, ActionComparePrograms
from actions.start_dates import ActionAnswerStartDate
from actions.unknown_topics import ActionAnswerUnknownTopic

CS = "computer_science"
SD = "software_development"

# The contract's intent -> action table (data/rules must say the same).
ACTION_FOR_INTENT: dict[str, type[Action]] = {
    **dict.fromkeys(
        [
            "ask_ml_role",
            "ask_ml_duties",
            "ask_ml_skills",
            "ask_ml_education",
            "ask_ml_certifications",
            "ask_related_roles",
            "ask_salary",
            "ask_job_growth",
            "ask_industries",
        ],
        ActionAnswerCareerQuestion,
    ),
    **dict.fromkeys(
        [
            "ask_programs",
            "ask_program_overview",
            "ask_program_duration",
            "ask_tuition",
            "ask_program_certifications",
            "ask_transfer_credit",
            "ask_program_careers",
            "inform_program",
        ],
        ActionAnswerProgramQuestion,
    ),
    **dict.fromkeys(["compare_programs", "ask_program_recommendation"], ActionComparePrograms),
    "ask_start_date": ActionAnswerStartDate,
    **dict.fromkeys(
        [
            "ask_admission_requirements",
            "ask_financial_aid",
            "ask_housing",
            "ask_other_enrollment_topic",
        ],
        ActionAnswerUnknownTopic,
    ),
}


class Conversation:
    """Plays turns through the actions, applying slot events and the `program` slot's
    from_entity mapping between turns the way Rasa does."""

    def __init__(self) -> None:
        self.slots: dict[str, Any] = {"program": None, "program_topic": None}

    def say(
        self, intent: str, text: str = "", program: str | None = None, action: Action | None = None
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        entities = [{"entity": "program", "value": program}] if program else []
        if program:
            self.slots["program"] = program  # from_entity mapping, before the action runs
        tracker = Tracker(
            sender_id="student",
            slots=dict(self.slots),
            latest_message={
                "intent": {"name": intent, "confidence": 1.0},
                "entities": entities,
                "text": text,
            },
            events=[],
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )
        dispatcher = CollectingDispatcher()
        events = (action or ACTION_FOR_INTENT[intent]()).run(dispatcher, tracker, {})
        for event in events:
            if event["event"] == "slot":
                self.slots[event["name"]] = event["value"]
        return dispatcher.messages, events


def _only(messages: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(messages) == 1
    return messages[0]


def test_every_action_is_named_as_in_the_domain() -> None:
    names = {action().name() for action in ACTION_FOR_INTENT.values()}
    assert names == {
        "action_answer_career_question",
        "action_answer_program_question",
        "action_compare_programs",
        "action_answer_start_date",
        "action_answer_unknown_topic",
    }


def test_the_action_server_registers_exactly_the_domain_actions() -> None:
    """What `python -m rasa_sdk --actions actions` does at start-up: it must not trip over a
    base class, and must serve every custom action the domain declares."""
    from rasa_sdk.executor import ActionExecutor

    from bot.settings import DOMAIN_PATH

    executor = ActionExecutor()
    executor.register_package("actions")
    declared = set(_domain_actions(DOMAIN_PATH))
    assert set(executor.actions) == declared


def _domain_actions(domain_path: Path) -> dict[str, dict[str, Any]]:
    """domain.yml's actions with their options (`- name` or `- name: {send_domain: true}`)."""
    actions: dict[str, dict[str, Any]] = {}
    for entry in yaml.safe_load(domain_path.read_text())["actions"]:
        if isinstance(entry, str):
            actions[entry] = {}
        else:
            ((name, options),) = entry.items()
            actions[name] = options or {}
    return actions


def test_form_validation_actions_are_sent_the_domain() -> None:
    """endpoints.yml enables selective domain: an action gets the domain only when domain.yml
    says `send_domain: true`, and rasa-sdk's FormValidationAction reads the form's required
    slots from it (without it a form would validate nothing)."""
    from rasa_sdk.executor import ActionExecutor
    from rasa_sdk.forms import FormValidationAction

    from bot.settings import DOMAIN_PATH, REPO_ROOT

    assert "enable_selective_domain: true" in (REPO_ROOT / "endpoints.yml").read_text()
    executor = ActionExecutor()
    executor.register_package("actions")
    validations = {
        name
        for name, action in executor.actions.items()
        if isinstance(getattr(action, "__self__", None), FormValidationAction)
    }
    assert validations == {"validate_counselor_booking_form", "validate_appointment_change_form"}
    declared = _domain_actions(DOMAIN_PATH)
    assert {name for name in validations if declared[name].get("send_domain")} == validations


@pytest.mark.parametrize(
    ("intent", "response", "variables"),
    [
        (
            "ask_salary",
            "utter_salary",
            {"average": "$114,000", "low": "$78,000", "high": "$150,000"},
        ),
        ("ask_job_growth", "utter_job_growth", {"growth": "31% through 2026"}),
        (
            "ask_ml_skills",
            "utter_ml_skills",
            {"languages": "Python, Java, and R", "frameworks": "TensorFlow or Keras"},
        ),
        ("ask_ml_duties", "utter_ml_duties", {}),
        ("ask_industries", "utter_industries", {}),
    ],
)
def test_career_questions(
    bot_env: str, intent: str, response: str, variables: dict[str, str]
) -> None:
    messages, events = Conversation().say(intent)
    message = _only(messages)
    assert message["response"] == response
    assert variables.items() <= message.items()
    assert events == []


def test_duties_lists_all_seven(bot_env: str) -> None:
    message = _only(Conversation().say("ask_ml_duties")[0])
    assert message["duties"].count("\n- ") == 6


def test_tuition_without_a_program_answers_for_both(bot_env: str) -> None:
    messages, events = Conversation().say("ask_tuition", "how much is tuition?")
    message = _only(messages)
    assert message["response"] == "utter_tuition_same_for_all"
    assert message["tuition"] == "$3,920 per 6-month term"
    assert "$15,680" in message["estimates"] and "$19,600" in message["estimates"]
    assert events == [SlotSet("program_topic", "tuition")]


def test_program_from_typed_text_sets_the_canonical_slot(bot_env: str) -> None:
    messages, events = Conversation().say("ask_program_duration", "how long is comp sci?")
    message = _only(messages)
    assert message["response"] == "utter_program_duration"
    assert message["time"] == "70% of graduates in similar programs finish within 23 months"
    assert SlotSet("program", CS) in events
    assert SlotSet("program_topic", "duration") in events


def test_context_chain_stays_on_software_development(bot_env: str) -> None:
    chat = Conversation()
    overview, _ = chat.say("ask_program_overview", "tell me about software development", SD)
    duration, _ = chat.say("ask_program_duration", "how long does it take?")
    certs, _ = chat.say("ask_program_certifications", "what certifications come with it?")

    assert _only(overview)["program_name"] == "B.S. Software Development"
    assert _only(duration)["response"] == "utter_program_duration"
    assert _only(duration)["time"] == "67% of graduates finish within 30 months"
    assert _only(certs)["response"] == "utter_program_certifications"
    assert _only(certs)["certifications"] == "- CompTIA A+\n- CompTIA Project+"
    assert chat.slots == {"program": SD, "program_topic": "certifications"}


def test_inform_program_repeats_the_previous_topic(bot_env: str) -> None:
    chat = Conversation()
    chat.say("ask_program_duration", "how long is software development?", SD)
    messages, events = chat.say("inform_program", "what about comp sci?", CS)
    message = _only(messages)
    assert message["response"] == "utter_program_duration"
    assert message["program_name"] == "B.S. Computer Science"
    assert SlotSet("program_topic", "duration") in events


def test_inform_program_without_a_topic_gives_the_overview(bot_env: str) -> None:
    message = _only(Conversation().say("inform_program", "comp sci", CS)[0])
    assert message["response"] == "utter_program_overview"
    assert message["certifications"] == "CompTIA Project+ and Axelos ITIL Foundation"
    assert [button["payload"] for button in message["buttons"]][0].startswith("/ask_tuition{")


def test_transfer_credit_not_stated_for_software_development(bot_env: str) -> None:
    message = _only(Conversation().say("ask_transfer_credit", "", SD)[0])
    assert message["response"] == "utter_transfer_credit_not_stated"


def test_recommendation_for_an_ml_engineer(bot_env: str) -> None:
    message = _only(Conversation().say("ask_program_recommendation")[0])
    assert message["response"] == "utter_program_recommendation_with_alternative"
    assert message["recommended"] == "B.S. Computer Science"
    assert "machine learning engineers" in message["recommended_careers"]
    assert message["alternatives"] == "B.S. Software Development"


def test_comparison_shows_both_programs(bot_env: str) -> None:
    message = _only(Conversation().say("compare_programs")[0])
    assert message["response"] == "utter_compare_programs"
    for fact in ("23 months", "30 months", "CompTIA A+", "Axelos ITIL Foundation"):
        assert fact in message["comparison"]


def test_start_date_uses_the_school_calendar(bot_env: str) -> None:
    action = ActionAnswerStartDate()
    action.clock = lambda: datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)  # Nov 30 in Denver
    message = _only(Conversation().say("ask_start_date", action=action)[0])
    assert message["response"] == "utter_start_date"
    assert message["next_start"] == "December 1, 2026"
    assert message["following_start"] == "January 1, 2027"
    assert message["prerequisite"] == "complete enrollment"


@pytest.mark.parametrize(
    ("intent", "topic"),
    [
        ("ask_financial_aid", "financial aid"),
        ("ask_housing", "housing"),
        ("ask_admission_requirements", "admission requirements"),
        ("ask_other_enrollment_topic", "that topic"),
    ],
)
def test_unknown_topics_are_not_guessed(intent: str, topic: str) -> None:
    message = _only(Conversation().say(intent)[0])
    assert message["response"] == "utter_unknown_topic"
    assert message["topic"] == topic
    assert not any(
        char.isdigit() for value in message.values() if isinstance(value, str) for char in value
    )


@pytest.mark.parametrize(
    "bad_url",
    [
        "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        "sqlite:////proc/no-such-dir/program.db",
        "not a url",
    ],
)
@pytest.mark.parametrize(
    "intent",
    sorted(
        set(ACTION_FOR_INTENT)
        - {
            "ask_admission_requirements",
            "ask_financial_aid",
            "ask_housing",
            "ask_other_enrollment_topic",
        }
    ),
)
def test_database_down_gives_the_apology(
    monkeypatch: pytest.MonkeyPatch, bad_url: str, intent: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", bad_url)
    message = _only(Conversation().say(intent, "tuition for cs")[0])
    assert message["response"] == "utter_catalog_unavailable"


def test_empty_database_gives_the_apology(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)  # reachable, but never migrated or seeded
    for intent in ("ask_salary", "ask_tuition", "compare_programs", "ask_start_date"):
        assert _only(Conversation().say(intent)[0])["response"] == "utter_catalog_unavailable"
