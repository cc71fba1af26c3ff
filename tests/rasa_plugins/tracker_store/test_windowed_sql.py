"""The windowed tracker store gives the same dialogue state as Rasa's full replay, stores every
event exactly once, and loads a bounded number of events however long the conversation.

Runs in the Rasa environment, on a SQLite file and on PostgreSQL (the `database_url` fixture in
conftest.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy.exc
import sqlalchemy.pool
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    LoopInterrupted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.settings import REPO_ROOT
from rasa_plugins.tracker_store.windowed_sql import (
    SnapshotBase,
    WindowedSQLTrackerStore,
    window_from_env,
)

REPO = REPO_ROOT
DOMAIN = Domain.load(REPO / "domain.yml")
WINDOW = 12
# config.yml's policies look at 5 past states (memoization's max_history); 30 events
# mostly hold more than that in this conversation, 12 never do.
POLICY_HISTORY = 5
WINDOW_FOR_POLICIES = 30


def store_for(url: str, window: int = WINDOW) -> WindowedSQLTrackerStore:
    return WindowedSQLTrackerStore(domain=DOMAIN, host=url, window_events=window)


def question(text: str, intent: str, program: str) -> list[Event]:
    return [
        UserUttered(text, {"name": intent, "confidence": 0.9}),
        ActionExecuted("action_answer_program_question"),
        BotUttered(f"about {program}"),
        SlotSet("program", program),
        SlotSet("program_topic", "tuition"),
        ActionExecuted(ACTION_LISTEN_NAME),
    ]


def conversation() -> list[list[Event]]:
    """Turns of a long chat: questions, a booking form rejected by an off-topic message, then
    questions while it waits, a handoff that pauses the chat and is resumed, more questions."""
    turns: list[list[Event]] = [
        [
            ActionExecuted(ACTION_SESSION_START_NAME),
            SessionStarted(),
            ActionExecuted(ACTION_LISTEN_NAME),
        ]
    ]
    programs = ["computer_science", "software_development"]
    turns += [question(f"tuition {i}?", "ask_tuition", programs[i % 2]) for i in range(8)]
    turns.append(
        [
            UserUttered("can an advisor call me", {"name": "book_counselor", "confidence": 0.9}),
            ActionExecuted("counselor_booking_form"),
            ActiveLoop("counselor_booking_form"),
            SlotSet("requested_slot", "full_name"),
            BotUttered("What is your name?"),
            ActionExecuted(ACTION_LISTEN_NAME),
        ]
    )
    turns.append(
        [
            UserUttered("Ada Lovelace", {"name": "inform", "confidence": 0.9}),
            SlotSet("full_name", "Ada Lovelace"),
            ActionExecuted("counselor_booking_form"),
            SlotSet("requested_slot", "email"),
            BotUttered("Your e-mail?"),
            ActionExecuted(ACTION_LISTEN_NAME),
        ]
    )
    turns.append(
        [
            UserUttered("what is a pointer", {"name": "out_of_scope", "confidence": 0.9}),
            ActionExecutionRejected("counselor_booking_form"),
            ActionExecuted("action_answer_unknown_topic"),
            BotUttered("I can't help with that"),
            ActionExecuted(ACTION_LISTEN_NAME),
        ]
    )
    turns += [question(f"and fees {i}?", "ask_tuition", programs[i % 2]) for i in range(4)]
    turns.append(
        [
            UserUttered(
                "wait, how long is it?", {"name": "ask_program_duration", "confidence": 0.9}
            ),
            ActionExecuted("action_answer_program_question"),
            BotUttered("about four years"),
            ActionExecuted("counselor_booking_form"),
            LoopInterrupted(True),
            BotUttered("Your e-mail?"),
            ActionExecuted(ACTION_LISTEN_NAME),
        ]
    )
    turns.append(
        [
            UserUttered("a person please", {"name": "request_human", "confidence": 0.9}),
            ActionExecuted("action_hand_over"),
            BotUttered("A counselor will join"),
            SlotSet("counselors_available", True),
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            ConversationPaused(),
            ActionExecuted(ACTION_LISTEN_NAME),
        ]
    )
    turns += [[UserUttered(f"hello? {i}", {"name": "greet", "confidence": 0.9})] for i in range(32)]
    turns.append(
        [
            BotUttered("Hi, Sam here", metadata={"sender": "counselor"}),
            ConversationResumed(),
            ActionExecuted(ACTION_LISTEN_NAME),
        ]
    )
    turns += [question(f"cost {i}?", "ask_tuition", programs[i % 2]) for i in range(6)]
    return turns


def state_of(tracker: DialogueStateTracker) -> dict[str, Any]:
    loop = tracker.active_loop
    return {
        "slots": tracker.current_slot_values(),
        "active_loop": dataclasses.asdict(loop) if loop else None,
        "paused": tracker.is_paused(),
        "latest_message": tracker.latest_message.text if tracker.latest_message else None,
        "latest_action": tracker.latest_action_name,
        "latest_bot": tracker.latest_bot_utterance.text if tracker.latest_bot_utterance else None,
    }


def recent_states(tracker: DialogueStateTracker) -> list[Any]:
    return tracker.past_states(DOMAIN)[-POLICY_HISTORY:]


def holds_policy_history(window: list[Event]) -> bool:
    """Whether a window has more actions than the policies look back over (while a counselor
    has the chat, the student's messages come without actions and nothing is predicted)."""
    return sum(isinstance(event, ActionExecuted) for event in window) > POLICY_HISTORY


def stored_count(store: SQLTrackerStore, sender_id: str) -> int:
    with store.session_scope() as session:
        return session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender_id).count()


def play(
    store: WindowedSQLTrackerStore,
    sender_id: str,
    turns: list[list[Event]],
    policy_states: bool = True,
) -> list[Event]:
    """Each turn the way the Rasa server handles a message: retrieve, update, save. Checks the
    state after every turn against a full replay of everything so far, and the past states the
    policies featurise when the window holds them; returns all events."""
    history: list[Event] = []

    async def run() -> None:
        for number, turn in enumerate(turns):
            tracker = await store.get_or_create_tracker(sender_id, append_action_listen=False)
            for event in turn:
                tracker.update(event, DOMAIN)
            await store.save(tracker)
            history.extend(turn)

            loaded = await store.retrieve(sender_id)
            assert loaded is not None
            full = DialogueStateTracker.from_events(sender_id, history, DOMAIN.slots)
            assert state_of(loaded) == state_of(full), f"state differs after turn {number}"
            if policy_states and holds_policy_history(history[-store.window_events :]):
                assert recent_states(loaded) == recent_states(full), (
                    f"states differ after turn {number}"
                )

    asyncio.run(run())
    return history


@pytest.mark.parametrize("window", [WINDOW, WINDOW_FOR_POLICIES])
def test_every_turn_has_the_state_of_a_full_replay(database_url: str, window: int) -> None:
    store = store_for(database_url, window)
    sender_id = f"window-{uuid.uuid4()}"
    history = play(store, sender_id, conversation())

    assert stored_count(store, sender_id) == len(history), "each event stored exactly once"
    full = asyncio.run(store.retrieve_full_tracker(sender_id))
    assert full is not None
    assert list(full.events) == history


def test_a_long_conversation_loads_a_bounded_window(database_url: str) -> None:
    store = store_for(database_url)
    sender_id = f"window-{uuid.uuid4()}"
    turns = conversation()
    play(store, sender_id, turns)
    longest_turn = max(len(turn) for turn in turns)

    loaded = asyncio.run(store.retrieve(sender_id))
    assert loaded is not None
    restoring_events = 2 + len(DOMAIN.slots) + 4
    assert WINDOW <= len(loaded.events) <= WINDOW + longest_turn + restoring_events
    assert len(loaded.events) < stored_count(store, sender_id) / 4


def test_a_new_session_starts_from_its_own_events(database_url: str) -> None:
    store = store_for(database_url)
    sender_id = f"window-{uuid.uuid4()}"
    turns = conversation()
    play(store, sender_id, turns)
    # resumed later: a new session without carried-over slots, then one question
    play(
        store,
        sender_id,
        [
            [
                ActionExecuted(ACTION_SESSION_START_NAME),
                SessionStarted(),
                ActionExecuted(ACTION_LISTEN_NAME),
            ],
            question("price?", "ask_tuition", "computer_science"),
        ],
    )

    loaded = asyncio.run(store.retrieve(sender_id))
    expected = asyncio.run(SQLTrackerStore(domain=DOMAIN, host=database_url).retrieve(sender_id))
    assert loaded is not None and expected is not None
    assert list(loaded.events) == list(expected.events)
    assert len(loaded.events) == 8  # the session start (from SessionStarted on) and one question
    assert loaded.get_slot("full_name") is None


def test_a_window_of_zero_is_rasas_own_store(database_url: str) -> None:
    store = store_for(database_url, window=0)
    reference = SQLTrackerStore(domain=DOMAIN, host=database_url)
    sender_id = f"window-{uuid.uuid4()}"
    history = play(store, sender_id, conversation())

    loaded = asyncio.run(store.retrieve(sender_id))
    expected = asyncio.run(reference.retrieve(sender_id))
    assert loaded is not None and expected is not None
    # Rasa's retrieve starts at SessionStarted, after the `action_session_start` before it
    assert list(loaded.events) == list(expected.events) == history[1:]


# A bad value (negative, not a number) keeps the default, as bot/settings.py does for every limit.
@pytest.mark.parametrize(
    ("value", "expected"), [("", 80), ("40", 40), ("0", 0), ("-3", 80), ("many", 80)]
)
def test_the_window_comes_from_the_environment(value: str, expected: int) -> None:
    assert window_from_env({"TRACKER_WINDOW_EVENTS": value}) == expected


def test_a_sqlite_file_keeps_its_connection_and_writes_ahead(tmp_path: Path) -> None:
    """The embedded default: one kept connection, write-ahead log, no sync on every commit, and
    a store opened later on the same file reads every turn the first one saved."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = store_for(url)
    sender_id = f"window-{uuid.uuid4()}"
    history = play(store, sender_id, conversation()[:6])

    assert isinstance(store.engine.pool, sqlalchemy.pool.QueuePool)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    assert stored_count(store_for(url), sender_id) == len(history)


def test_events_are_read_as_rasas_own_lookup_reads_them() -> None:
    """The store's map of event types picks the class Rasa's `resolve_by_type` would."""
    from rasa.shared.core.events import Event

    from rasa_plugins.tracker_store import windowed_sql

    assert windowed_sql._EVENT_CLASSES  # every Rasa event type, built at import
    for name, event_class in windowed_sql._EVENT_CLASSES.items():
        assert Event.resolve_by_type(name) is event_class


def test_an_in_memory_sqlite_store_is_left_as_rasa_makes_it() -> None:
    """`sqlite://` is one database per connection: a pool of several would lose turns."""
    store = store_for("sqlite://")
    assert not isinstance(store.engine.pool, sqlalchemy.pool.QueuePool)
    play(store, f"window-{uuid.uuid4()}", conversation()[:3])


def test_processes_racing_to_create_the_snapshot_table_all_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several Rasa processes start together: the losers of CREATE TABLE get an error."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    create_all = SnapshotBase.metadata.create_all

    def lose_the_race(bind: Any, **kwargs: Any) -> None:
        create_all(bind, **kwargs)  # the winner's table
        raise sqlalchemy.exc.ProgrammingError(
            "CREATE TABLE tracker_snapshots", {}, Exception("exists")
        )

    monkeypatch.setattr(SnapshotBase.metadata, "create_all", lose_the_race)
    store = store_for(url)
    play(store, f"window-{uuid.uuid4()}", conversation()[:3])


def test_a_snapshot_table_that_cannot_be_created_stops_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(bind: Any, **kwargs: Any) -> None:
        raise sqlalchemy.exc.OperationalError(
            "CREATE TABLE tracker_snapshots", {}, Exception("disk full")
        )

    monkeypatch.setattr(SnapshotBase.metadata, "create_all", fail)
    with pytest.raises(sqlalchemy.exc.OperationalError):
        store_for(f"sqlite:///{tmp_path / 'tracker.db'}")


def fallback_conversation() -> list[list[Event]]:
    """A student stuck in the two-stage fallback for longer than the window, who then says
    something the assistant understands: the fallback reverts its own events (as Rasa's
    TwoStageFallbackAction does) and hands the clarified message on."""
    turns = conversation()[:4]
    turns.append(
        [
            UserUttered("asdf", {"name": "nlu_fallback", "confidence": 1.0}),
            ActionExecuted("action_two_stage_fallback"),
            ActiveLoop("action_two_stage_fallback"),
            BotUttered("Did you mean tuition?"),
            ActionExecuted(ACTION_LISTEN_NAME),
        ]
    )
    turns += [
        [
            UserUttered(f"qwer {i}", {"name": "nlu_fallback", "confidence": 1.0}),
            ActionExecuted("action_two_stage_fallback"),
            BotUttered("Could you say it another way?"),
            ActionExecuted(ACTION_LISTEN_NAME),
        ]
        for i in range(10)
    ]
    clarified = UserUttered("tuition?", {"name": "ask_tuition", "confidence": 1.0})
    turns.append(
        [
            clarified,
            ActionExecuted("action_two_stage_fallback"),
            ActiveLoop(None),
            UserUtteranceReverted(),
            ActionExecuted(ACTION_LISTEN_NAME),
            clarified,
            ActionExecuted("action_answer_program_question"),
            BotUttered("about computer_science"),
            ActionExecuted(ACTION_LISTEN_NAME),
        ]
    )
    return turns


def test_the_two_stage_fallback_is_never_cut_by_the_window(database_url: str) -> None:
    """Its exit reverts back through the messages of the loop; a window starting inside the loop
    once kept it active after the exit, and the prediction loop ran until the server stopped."""
    store = store_for(database_url)
    sender_id = f"window-{uuid.uuid4()}"
    # The policies' past states fold a loop's turns together, so no event window is sure to
    # hold five of them here; the state itself (the loop above all) must match a full replay.
    play(store, sender_id, fallback_conversation(), policy_states=False)
    loaded = asyncio.run(store.retrieve(sender_id))
    assert loaded is not None and loaded.active_loop_name is None
