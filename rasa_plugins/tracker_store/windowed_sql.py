"""A SQL tracker store that rebuilds a conversation from its recent events, not the whole session.

Rasa 3.6's `SQLTrackerStore` loads, deserialises and replays every event of the current session
for every message, and the policies then re-featurise all of them: a turn costs time in
proportion to how long the conversation has been going (py-spy at turn 200 of one session:
31% loading events, 14% re-computing past dialogue states; turn 200 took 12x turn 5 at p95).

This store keeps Rasa's `events` table as it is (every event is still stored, and
`retrieve_full_tracker`, which `GET /conversations/<id>/tracker` and `rasa export` use, still
returns all of them) and adds a `tracker_snapshots` table: at every turn boundary (the last
event is `action_listen`) it records the dialogue state (slot values, the active form, paused,
the last bot message).
`retrieve` takes the newest snapshot of the current session with at least `window_events` real
events after it, and returns a tracker made of a few synthetic events that restore that state,
then only the real events after it. The tracker's state is the same as a full replay's; its
history is cut to the window, which is all this assistant looks at: memoization reads the last
5 dialogue states, the rules are short, and the handoff transcript takes the messages it finds.

"Delete my data" is finished here too: the action server erases the program database, but it
cannot erase the conversation, because Rasa holds the tracker in memory and saves it after the
action. So when a save brings a successful run of `action_delete_my_data` (the action marks
success with `SlotSet("data_erased", True)` after the program database committed, and resets
the slots and ends the form with it), the same transaction deletes every stored event and
snapshot of that conversation and keeps only the events from the erase on, which hold no
personal value.

Used from endpoints.yml as
`type: rasa_plugins.tracker_store.windowed_sql.WindowedSQLTrackerStore`; the window comes from
TRACKER_WINDOW_EVENTS (0 = load the whole session, as Rasa does). A SQLite file (the embedded
default) gets a kept connection and write-ahead logging (`sqlite_engine`).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import (
    ACTION_LISTEN_NAME,
    ACTION_SESSION_START_NAME,
    ACTION_TWO_STAGE_FALLBACK_NAME,
)
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    ConversationPaused,
    Event,
    SessionStarted,
    SlotSet,
    deserialise_events,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.utils.common import all_subclasses
from sqlalchemy.orm import Session, declarative_base

from bot.settings import load_settings

logger = logging.getLogger(__name__)


# The attribute a retrieved tracker carries: how many of its events are already stored.
_STORED_EVENTS = "_windowed_store_stored_events"

# "Delete my data" (actions/appointments.py) and the slot it sets only once the program
# database's erase has committed (domain.yml).
ERASE_ACTION = "action_delete_my_data"
ERASED_SLOT = "data_erased"

# SQLAlchemy 1.4 ships no type information: declared as Any so mypy accepts it as a base class.
SnapshotBase: Any = declarative_base()


class TrackerSnapshot(SnapshotBase):
    """The dialogue state of one conversation right after the event `event_id` was stored."""

    __tablename__ = "tracker_snapshots"

    id = sa.Column(sa.Integer, sa.Sequence("tracker_snapshots_seq"), primary_key=True)
    sender_id = sa.Column(sa.String(255), nullable=False)
    event_id = sa.Column(sa.Integer, nullable=False)
    timestamp = sa.Column(sa.Float, nullable=False)
    state = sa.Column(sa.Text, nullable=False)

    __table_args__ = (sa.Index("ix_tracker_snapshots_sender_event", "sender_id", "event_id"),)


def window_from_env(environ: Mapping[str, str] = os.environ) -> int:
    """TRACKER_WINDOW_EVENTS as a non-negative number; unset or invalid gives the default."""
    return load_settings(environ).rasa.tracker_window_events


def snapshot_state(tracker: DialogueStateTracker) -> dict[str, Any]:
    """What a full replay of the tracker's events leaves behind that the window would lose:
    slots that differ from their initial value, the active form (whether it was rejected; it is
    never "interrupted" at a turn boundary, since every action resets that), paused, and the
    bot's latest message."""
    loop = tracker.active_loop
    latest_bot = tracker.latest_bot_utterance
    return {
        "slots": {
            name: slot.value
            for name, slot in tracker.slots.items()
            if slot.value != slot.initial_value
        },
        "active_loop": (
            {
                "name": loop.name,
                "rejected": loop.rejected,
                "trigger_message": loop.trigger_message,
            }
            if loop is not None and loop.name
            else None
        ),
        "paused": tracker.is_paused(),
        "latest_bot": latest_bot.as_dict()
        if latest_bot and (latest_bot.text or latest_bot.data)
        else None,
    }


def events_restoring(state: Mapping[str, Any], timestamp: float) -> list[Event]:
    """Events that bring a fresh tracker to `state`, shaped like the start of a session
    (session start, carried-over slots, the form, then listening) so the policies see a turn
    boundary, as they did at that point of the real conversation."""
    restored: list[Event] = [
        ActionExecuted(ACTION_SESSION_START_NAME, timestamp=timestamp),
        SessionStarted(timestamp=timestamp),
    ]
    restored += [
        SlotSet(name, value, timestamp=timestamp) for name, value in state["slots"].items()
    ]
    loop = state["active_loop"]
    if loop:
        restored.append(ActiveLoop(loop["name"], timestamp=timestamp))
        if loop["rejected"]:
            restored.append(ActionExecutionRejected(loop["name"], timestamp=timestamp))
    if state["paused"]:
        restored.append(ConversationPaused(timestamp=timestamp))
    if state["latest_bot"]:
        restored.append(Event.from_parameters({**state["latest_bot"], "timestamp": timestamp}))
    restored.append(ActionExecuted(ACTION_LISTEN_NAME, timestamp=timestamp))
    return restored


def tracker_from_snapshot(
    sender_id: str, state: Mapping[str, Any], timestamp: float, later: list[Event], slots: Any
) -> DialogueStateTracker:
    """The tracker at `state`, then `later` events replayed on it."""
    tracker = DialogueStateTracker.from_events(sender_id, events_restoring(state, timestamp), slots)
    loop = state["active_loop"]
    if loop and tracker.active_loop is not None:
        # ActiveLoop takes its trigger from the latest user message, which the window starts after.
        tracker.active_loop.trigger_message = loop["trigger_message"]
    for event in later:
        tracker.update(event)
    return tracker


def erasure_start(events: Sequence[Event]) -> int | None:
    """Where the latest successful "delete my data" among `events` begins: the index of its
    `ActionExecuted`, when the events that action returned include the success marker (a failed
    or unreachable action returns none, so its run erases nothing); None when there is none."""
    start = None
    running_erase_at: int | None = None
    for index, event in enumerate(events):
        if isinstance(event, ActionExecuted):
            running_erase_at = index if event.action_name == ERASE_ACTION else None
        elif (
            running_erase_at is not None
            and isinstance(event, SlotSet)
            and event.key == ERASED_SLOT
            and event.value is True
        ):
            start = running_erase_at
    return start


def window_would_cut_a_fallback(tracker: DialogueStateTracker) -> bool:
    """Whether the two-stage fallback is running. Its exit reverts back through the messages of
    the loop and reads the intents before them, so a window may not start inside it: restored
    from a snapshot, the loop stayed active after its own exit and the prediction loop never
    ended (make fuzz found it). No snapshot is written while it runs, so the window starts
    before its activation."""
    # Both sides come from untyped Rasa; bool() gives the comparison the type it has at runtime.
    return bool(tracker.active_loop_name == ACTION_TWO_STAGE_FALLBACK_NAME)


def event_row(model: Any, sender_id: str, event: Event) -> Any:
    """One row of Rasa's `events` table, filled exactly as `SQLTrackerStore.save` fills it."""
    data = event.as_dict()
    return model(
        sender_id=sender_id,
        type_name=event.type_name,
        timestamp=data.get("timestamp"),
        intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        action_name=data.get("name"),
        data=json.dumps(data),
    )


def _event_classes() -> dict[str, type[Event]]:
    """Event type name -> class, the first of Rasa's subclasses with it (as `resolve_by_type`)."""
    classes: dict[str, type[Event]] = {}
    for event_class in all_subclasses(Event):
        classes.setdefault(event_class.type_name, event_class)
    return classes


_EVENT_CLASSES = _event_classes()


def is_sqlite_file(url: sa.engine.URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def _write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def sqlite_engine(url: sa.engine.URL) -> sa.engine.Engine:
    """An engine for a SQLite file that is written after every message.

    Rasa's engine opens a new connection for every load and save (SQLAlchemy 1.4 gives SQLite
    files no pool), and SQLite's default journal syncs the disk several times per commit; both
    happen on the server's one event-loop thread, so every student waits for them. Here the
    connection is kept, and the file uses write-ahead logging with `synchronous=NORMAL`: a
    commit appends to the log, and the disk is synced at checkpoints. A crash of the process
    loses nothing; a power cut can lose the last moments of conversations but never corrupts
    the file. Readers (the staff console) no longer wait for the writer either.
    """
    engine = sa.create_engine(
        url,
        poolclass=sa.pool.QueuePool,
        pool_size=1,
        # One thread uses it at a time (the event loop); SQLite's own check is for pools
        # that could hand a connection across threads unguarded.
        connect_args={"check_same_thread": False},
    )
    sa.event.listen(engine, "connect", _write_ahead_log)
    return engine


class WindowedSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose `retrieve` replays a bounded window of recent events."""

    def __init__(self, *args: Any, window_events: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rasas_engine: sa.engine.Engine = getattr(self, "engine")  # noqa: B009  # untyped in Rasa
        if is_sqlite_file(rasas_engine.url):
            rasas_engine.dispose()
            self.engine = sqlite_engine(rasas_engine.url)
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        self.window_events = window_from_env() if window_events is None else max(window_events, 0)
        self._create_snapshot_table()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The current session's tracker, rebuilt from the newest snapshot that leaves at least
        `window_events` events to replay (the whole session while it is shorter)."""
        if self.window_events == 0:
            return await super().retrieve(sender_id)
        with self.session_scope() as session:
            snapshot = self._snapshot_before_window(session, sender_id)
            if snapshot is None:
                rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            else:
                rows = (
                    session.query(self.SQLEvent)
                    .filter(
                        self.SQLEvent.sender_id == sender_id, self.SQLEvent.id > snapshot.event_id
                    )
                    .order_by(self.SQLEvent.id)
                )
            # Only the JSON column: building an ORM object per event row cost more than reading it.
            stored = self._events_from_rows(rows.with_entities(self.SQLEvent.data).all())
        if not self.domain or not stored:
            return None
        if snapshot is None:
            tracker = DialogueStateTracker.from_events(sender_id, stored, self.domain.slots)
        else:
            state = json.loads(snapshot.state)
            tracker = tracker_from_snapshot(
                sender_id, state, snapshot.timestamp, stored, self.domain.slots
            )
        setattr(tracker, _STORED_EVENTS, len(tracker.events))
        return tracker

    def _events_from_rows(self, rows: Sequence[Any]) -> list[Event]:
        """`deserialise_events`, without Rasa's walk over every Event subclass for each event
        (6% of the server's busy time in a profile of database answers)."""
        events: list[Event] = []
        for row in rows:
            parameters = json.loads(row.data)
            event_class = _EVENT_CLASSES.get(parameters.get("event"))
            if event_class is None:  # a type this map does not know: Rasa's own lookup decides
                events.extend(deserialise_events([parameters]))
                continue
            event = event_class._from_parameters(parameters)
            if event is not None:
                events.append(event)
        return events

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events as Rasa does and, at a turn boundary, a snapshot of the state,
        in the same transaction; a save that brings a successful "delete my data" first deletes
        everything stored for the conversation and keeps only the events from the erase on."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            erase_at = erasure_start(new_events)
            if erase_at is not None:
                self._delete_conversation(session, tracker.sender_id)
                new_events = new_events[erase_at:]
            rows = [event_row(self.SQLEvent, tracker.sender_id, event) for event in new_events]
            session.add_all(rows)
            latest = new_events[-1] if new_events else None
            if (
                self.window_events
                and isinstance(latest, ActionExecuted)
                and latest.action_name == ACTION_LISTEN_NAME
                and not window_would_cut_a_fallback(tracker)
            ):
                session.flush()  # gives the rows their ids
                session.add(
                    TrackerSnapshot(
                        sender_id=tracker.sender_id,
                        event_id=rows[-1].id,
                        timestamp=latest.timestamp,
                        state=json.dumps(snapshot_state(tracker)),
                    )
                )
            session.commit()
        if erase_at is not None:
            logger.info("Erased the stored conversation on the student's request")
        # Counted from here on even with window_events == 0: after an erase, Rasa's count of the
        # stored session no longer matches this tracker's events.
        setattr(tracker, _STORED_EVENTS, len(tracker.events))

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publish only the events not stored yet (Rasa's diff against a fresh `retrieve`
        would count the window's synthetic events as missing)."""
        if self.event_broker is None:
            return
        stored = getattr(tracker, _STORED_EVENTS, None)
        if stored is None:
            await super().stream_events(tracker)
            return
        new_events = list(itertools.islice(tracker.events, stored, None))
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    def _additional_events(
        self, session: Session, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        """Events after the ones the tracker was retrieved with (or saved last); a tracker this
        store did not build (a new conversation, `PUT .../tracker/events`) is counted as Rasa
        counts it, against the stored events of its session."""
        stored = getattr(tracker, _STORED_EVENTS, None)
        if stored is None:
            counted: Iterator[Event] = super()._additional_events(session, tracker)
            return counted
        return itertools.islice(tracker.events, stored, len(tracker.events))

    def _delete_conversation(self, session: Session, sender_id: str) -> None:
        """Every stored event and snapshot of the conversation, in all its sessions."""
        session.query(TrackerSnapshot).filter(TrackerSnapshot.sender_id == sender_id).delete(
            synchronize_session=False
        )
        session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete(
            synchronize_session=False
        )

    def _create_snapshot_table(self) -> None:
        try:
            SnapshotBase.metadata.create_all(self.engine)
        except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError) as error:
            # Several Rasa processes started together race to create the table (as Rasa's own
            # store does for `events`); one of them wins, and that is all that is needed.
            if not sa.inspect(self.engine).has_table(TrackerSnapshot.__tablename__):
                raise
            logger.debug("tracker_snapshots was created by another process: %s", error)

    def _snapshot_before_window(self, session: Session, sender_id: str) -> TrackerSnapshot | None:
        """The newest snapshot of the current session with `window_events` events after it."""
        events = self.SQLEvent
        window_start = (
            session.query(events.id)
            .filter(events.sender_id == sender_id)
            .order_by(events.id.desc())
            .offset(self.window_events)
            .limit(1)
            .scalar()
        )
        if window_start is None:
            return None
        session_start = (
            session.query(sa.func.max(events.id))
            .filter(events.sender_id == sender_id, events.type_name == SessionStarted.type_name)
            .scalar()
        )
        snapshot: TrackerSnapshot | None = (
            session.query(TrackerSnapshot)
            .filter(
                TrackerSnapshot.sender_id == sender_id,
                TrackerSnapshot.event_id <= window_start,
                TrackerSnapshot.event_id > (session_start or 0),
            )
            .order_by(TrackerSnapshot.event_id.desc())
            .limit(1)
            .one_or_none()
        )
        return snapshot
