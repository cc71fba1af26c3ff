""" "Delete my data" erases the stored conversation: after a successful `action_delete_my_data`,
no event or snapshot of that conversation holds the student's name, e-mail or phone, other
conversations are untouched, and the conversation goes on from the erase.

Runs in the Rasa environment, on a SQLite file and on PostgreSQL (conftest.py).
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.settings import REPO_ROOT
from rasa_plugins.tracker_store.windowed_sql import (
    ERASE_ACTION,
    ERASED_SLOT,
    TrackerSnapshot,
    WindowedSQLTrackerStore,
)

REPO = REPO_ROOT
DOMAIN = Domain.load(REPO / "domain.yml")
# Small enough that the tracker the erase runs on was rebuilt from a snapshot holding the
# student's details; 0 is Rasa's own whole-session loading.
WINDOWS = [6, 0]

NAME = "Ada Lovelace"
EMAIL = "ada.lovelace@example.org"
PHONE = "+13035550123"
TYPED_PHONE = "303 555 0123"
SECRETS = (NAME, "Lovelace", EMAIL, PHONE, TYPED_PHONE, "3035550123")


def listen() -> ActionExecuted:
    return ActionExecuted(ACTION_LISTEN_NAME)


def form_step(text: str, slot: str, value: str, next_slot: str, question: str) -> list[Event]:
    return [
        UserUttered(text, {"name": "inform", "confidence": 0.9}),
        SlotSet(slot, value),
        ActionExecuted("counselor_booking_form"),
        SlotSet("requested_slot", next_slot),
        BotUttered(question),
        listen(),
    ]


def personal_conversation() -> list[list[Event]]:
    """A question, then the booking form with a name, an e-mail (echoed by the bot) and a
    phone number, then "delete my data" and its confirmation question."""
    return [
        [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), listen()],
        [
            UserUttered(
                "how much is computer science?", {"name": "ask_tuition", "confidence": 0.9}
            ),
            ActionExecuted("action_answer_program_question"),
            BotUttered("about computer science"),
            SlotSet("program", "computer_science"),
            listen(),
        ],
        [
            UserUttered("can an advisor call me", {"name": "book_counselor", "confidence": 0.9}),
            ActionExecuted("counselor_booking_form"),
            ActiveLoop("counselor_booking_form"),
            SlotSet("requested_slot", "full_name"),
            BotUttered("What is your name?"),
            listen(),
        ],
        form_step(f"I'm {NAME}", "full_name", NAME, "email", "Your e-mail?"),
        form_step(EMAIL, "email", EMAIL, "phone", f"Thanks, I have {EMAIL}. Your phone?"),
        form_step(TYPED_PHONE, "phone", PHONE, "preferred_contact", "Phone or e-mail?"),
        [
            UserUttered("please delete my data", {"name": "delete_my_data", "confidence": 0.9}),
            ActionExecutionRejected("counselor_booking_form"),
            ActionExecuted("utter_ask_delete_confirmed"),
            BotUttered("Delete everything I have on you?"),
            listen(),
        ],
    ]


def erase_turn() -> list[Event]:
    """The confirmation and what a successful `action_delete_my_data` returns."""
    return [
        UserUttered("yes", {"name": "affirm", "confidence": 0.9}),
        ActionExecuted(ERASE_ACTION),
        BotUttered("Done. I deleted your contact details and 0 bookings from this conversation."),
        AllSlotsReset(),
        ActiveLoop(None),
        SlotSet("program", "computer_science"),
        SlotSet(ERASED_SLOT, True),
        listen(),
    ]


def next_question() -> list[Event]:
    return [
        UserUttered("and how long is it?", {"name": "ask_program_duration", "confidence": 0.9}),
        ActionExecuted("action_answer_program_question"),
        BotUttered("about four years"),
        listen(),
    ]


def store_for(url: str, window: int) -> WindowedSQLTrackerStore:
    return WindowedSQLTrackerStore(domain=DOMAIN, host=url, window_events=window)


def play(
    store: WindowedSQLTrackerStore, sender_id: str, turns: list[list[Event]]
) -> DialogueStateTracker:
    """Each turn as the Rasa server handles a message (retrieve, update, save); returns the
    last turn's in-memory tracker."""

    async def run() -> DialogueStateTracker:
        tracker = None
        for turn in turns:
            tracker = await store.get_or_create_tracker(sender_id, append_action_listen=False)
            for event in turn:
                tracker.update(event, DOMAIN)
            await store.save(tracker)
        assert tracker is not None
        return tracker

    return asyncio.run(run())


def stored_rows(store: WindowedSQLTrackerStore, sender_id: str) -> list[str]:
    """Every stored event and snapshot of the conversation, as the text in its columns."""
    with store.session_scope() as session:
        events = session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender_id).all()
        snapshots = (
            session.query(TrackerSnapshot).filter(TrackerSnapshot.sender_id == sender_id).all()
        )
        return [f"{e.type_name} {e.intent_name} {e.action_name} {e.data}" for e in events] + [
            s.state for s in snapshots
        ]


def snapshot_count(store: WindowedSQLTrackerStore, sender_id: str) -> int:
    with store.session_scope() as session:
        return session.query(TrackerSnapshot).filter(TrackerSnapshot.sender_id == sender_id).count()


def leaked(rows: list[str]) -> set[str]:
    return {secret for secret in SECRETS for row in rows if secret in row}


def full_events(store: WindowedSQLTrackerStore, sender_id: str) -> list[Event]:
    full = asyncio.run(store.retrieve_full_tracker(sender_id))
    assert full is not None
    return list(full.events)


@pytest.mark.parametrize("window", WINDOWS)
def test_the_erase_leaves_no_personal_value_and_the_chat_goes_on(
    database_url: str, window: int
) -> None:
    store = store_for(database_url, window)
    student, other = f"erase-{uuid.uuid4()}", f"keep-{uuid.uuid4()}"
    play(store, other, personal_conversation())
    play(store, student, personal_conversation())
    others_rows = stored_rows(store, other)
    assert leaked(stored_rows(store, student)) == set(SECRETS)
    if window:
        assert snapshot_count(store, student) > 1

    in_memory = play(store, student, [erase_turn()])

    assert leaked(stored_rows(store, student)) == set()
    assert full_events(store, student) == erase_turn()[1:], "only the events from the erase on"
    if window:
        assert snapshot_count(store, student) == 1  # the erase's own turn boundary
    assert stored_rows(store, other) == others_rows, "other conversations untouched"

    # Rasa saving the same in-memory tracker again stores nothing the erase removed.
    asyncio.run(store.save(in_memory))
    assert leaked(stored_rows(store, student)) == set()

    after = play(store, student, [next_question()])
    assert after.get_slot("full_name") is None and after.get_slot("email") is None
    assert after.get_slot("program") == "computer_science"
    assert after.active_loop_name is None
    assert (
        after.latest_bot_utterance is not None
        and after.latest_bot_utterance.text == "about four years"
    )
    assert full_events(store, student) == erase_turn()[1:] + next_question()
    assert leaked(stored_rows(store, student)) == set()

    loaded = asyncio.run(store.retrieve(student))
    assert loaded is not None
    assert loaded.current_slot_values() == after.current_slot_values()
    assert loaded.past_states(DOMAIN), "the policies can featurise the conversation"


def failed_erase() -> list[Event]:
    """`action_delete_my_data` when the program database was down: an apology, no marker."""
    return [
        UserUttered("yes", {"name": "affirm", "confidence": 0.9}),
        ActionExecuted(ERASE_ACTION),
        BotUttered("Sorry, I couldn't delete your data just now."),
        listen(),
    ]


def marker_from_another_action() -> list[Event]:
    return [
        UserUttered("yes", {"name": "affirm", "confidence": 0.9}),
        ActionExecuted("action_answer_program_question"),
        SlotSet(ERASED_SLOT, True),
        listen(),
    ]


@pytest.mark.parametrize("turn", [failed_erase, marker_from_another_action])
@pytest.mark.parametrize("window", WINDOWS)
def test_only_a_successful_erase_erases(database_url: str, window: int, turn: object) -> None:
    store = store_for(database_url, window)
    student = f"kept-{uuid.uuid4()}"
    play(store, student, personal_conversation())
    before = full_events(store, student)

    play(store, student, [turn()])  # type: ignore[operator]

    assert full_events(store, student) == before + turn()  # type: ignore[operator]
    assert leaked(stored_rows(store, student)) == set(SECRETS)


def test_the_marker_is_in_the_domain() -> None:
    """The store reads the marker event; the slot keeps Rasa from rejecting it."""
    assert ERASE_ACTION in DOMAIN.action_names_or_texts
    slot = next(slot for slot in DOMAIN.slots if slot.name == ERASED_SLOT)
    assert slot.type_name == "bool" and not slot.influence_conversation
