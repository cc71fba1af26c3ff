"""`python -m bot insights`: every number of a small tracker store and program database, the
masking of the messages, the date range in the school's time zone, the report and its CSV files,
and a missing source said in one line. Runs on SQLite and, when reachable, PostgreSQL."""

from __future__ import annotations

import csv
import itertools
import json
import stat
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bot import cli
from bot.booking.counselors import SAMPLE_COUNSELORS_PATH, seed_counselors
from bot.database.db import engine_for, session_factory
from bot.database.models import APPOINTMENT_STATUSES, Appointment, AppointmentSlot, Counselor, Lead
from bot.knowledge.reply_kinds import reply_kind
from bot.staff import insights
from bot.staff.insights import (
    DayCount,
    Funnel,
    LanguageCount,
    Period,
    ProgramBookings,
    TopicCount,
    UnansweredMessage,
)
from tests.unit.tracker_store_double import create_tracker_store

DENVER = ZoneInfo("America/Denver")
PERIOD = Period(date(2030, 5, 10), date(2030, 5, 12), DENVER)
# The staff console's migration adds `contacted`; until it is in, the contacted booking is a
# plain booked one and every "contacted" count is 0.
CONTACTED = "contacted" if "contacted" in APPOINTMENT_STATUSES else "booked"
CONTACTED_COUNT = 1 if CONTACTED == "contacted" else 0
_numbers = itertools.count(1)


def local(day: int, hour: int, minute: int = 0, month: int = 5) -> datetime:
    return datetime(2030, month, day, hour, minute, tzinfo=DENVER)


# ---- a tracker store, filled as Rasa fills it ---------------------------------------------------


def create_events_table(url: str) -> None:
    create_tracker_store(url, with_snapshots=False)


@dataclass
class Chat:
    """One conversation's events, a second apart, each a row as SQLTrackerStore.save writes."""

    sender: str
    at: datetime
    rows: list[dict[str, Any]] = field(default_factory=list)

    def _add(self, type_name: str, data: dict[str, Any], **columns: Any) -> Chat:
        self.at += timedelta(seconds=1)
        moment = self.at.timestamp()
        row = {"event": type_name, "timestamp": moment, **data}
        self.rows.append(
            {
                "sender_id": self.sender,
                "type_name": type_name,
                "timestamp": moment,
                "intent_name": columns.get("intent"),
                "action_name": data.get("name"),
                "data": json.dumps(row),
            }
        )
        return self

    def user(self, text: str, intent: str, language: str | None = None) -> Chat:
        """`language`: the language step's decision, as LanguageIdentifier marks it."""
        entities = [] if language is None else [language_entity(language)]
        parse = {"intent": {"name": intent, "confidence": 0.9}, "entities": entities, "text": text}
        return self._add("user", {"text": text, "parse_data": parse}, intent=intent)

    def action(self, *names: str) -> Chat:
        for name in names:
            self._add("action", {"name": name, "policy": "RulePolicy", "confidence": 1.0})
        return self

    def bot(self, response: str) -> Chat:
        return self._add("bot", {"text": "...", "metadata": {"utter_action": response}})

    def loop(self, name: str | None) -> Chat:
        return self._add("active_loop", {"name": name})

    def rewind(self) -> Chat:
        return self._add("rewind", {})

    def listen(self) -> Chat:
        return self.action("action_listen")

    def later(self, at: datetime) -> Chat:
        self.at = at
        return self


def language_entity(language: str) -> dict[str, Any]:
    return {
        "entity": "language",
        "value": language,
        "confidence": 1.0,
        "extractor": "LanguageIdentifier",
    }


def store(url: str, *chats: Chat) -> None:
    """Insert the chats' events interleaved (as concurrent conversations are), so a reply's
    message can only be found through its conversation."""
    rows = [
        row for batch in itertools.zip_longest(*(c.rows for c in chats)) for row in batch if row
    ]
    with engine_for(url).begin() as connection:
        for row in rows:
            connection.execute(
                sa.text(
                    "INSERT INTO events "
                    "(sender_id, type_name, timestamp, intent_name, action_name, data) "
                    "VALUES (:sender_id, :type_name, :timestamp, :intent_name, :action_name, :data)"
                ),
                row,
            )


def catalog_answer(chat: Chat, text: str, intent: str, action: str) -> Chat:
    return chat.user(text, intent).action(action).bot("utter_answer").listen()


def start_booking(chat: Chat) -> Chat:
    chat.user("I'd like to book a call", "book_counselor")
    chat.action("action_start_booking", "counselor_booking_form").loop("counselor_booking_form")
    return chat.bot("utter_ask_full_name").listen()


def conversations() -> list[Chat]:
    answered = catalog_answer(
        Chat("answered", local(10, 9)),
        "How much is tuition?",
        "ask_tuition",
        "action_answer_program_question",
    )
    catalog_answer(
        answered, "What does an ML engineer do?", "ask_ml_role", "action_answer_career_question"
    )
    # Back the next day: counted on both days, once in the range.
    answered.later(local(11, 8))
    catalog_answer(
        answered, "And how long is it?", "ask_program_duration", "action_answer_program_question"
    )

    declined = Chat("declined", local(10, 10))
    declined.user("Can you email me at Ada.Lovelace@Example.org about   parking?", "out_of_scope")
    declined.action("utter_out_of_scope").bot("utter_out_of_scope").listen()
    declined_again = Chat("declined-again", local(11, 11))
    declined_again.user("can you email me at bob@example.com about parking?", "out_of_scope")
    declined_again.action("utter_out_of_scope").bot("utter_out_of_scope").listen()

    offered = Chat("counselor-offer", local(11, 12))
    offered.user("Do you have dorms? Call me on +1 303 555 0199", "ask_housing")
    offered.action("action_answer_unknown_topic").bot("utter_unknown_topic").listen()

    # "Did you mean ...?", then a button: the fallback loop rewinds the click and records a
    # copy of it, which is answered.
    unsure = Chat("did-you-mean", local(11, 13))
    unsure.user("how mucho   cost", "nlu_fallback")
    unsure.action("action_two_stage_fallback").loop("action_two_stage_fallback")
    unsure.bot("utter_did_you_mean").listen()
    unsure.user("/ask_tuition", "ask_tuition").action("action_two_stage_fallback").loop(None)
    unsure.rewind().listen()
    catalog_answer(unsure, "/ask_tuition", "ask_tuition", "action_answer_program_question")

    # The default fallback utters utter_default and rewinds: declined, not a clarification.
    gave_up = Chat("gave-up", local(11, 14))
    gave_up.user("asdf qwer", "greet").action("action_default_fallback").bot("utter_default")
    gave_up.rewind()

    booked = catalog_answer(
        Chat("booked", local(12, 9)),
        "tuition for cs?",
        "ask_tuition",
        "action_answer_program_question",
    )
    start_booking(booked)
    contacted = catalog_answer(
        Chat("contacted", local(12, 10)),
        "tuition?",
        "ask_tuition",
        "action_answer_program_question",
    )
    start_booking(contacted)
    # Booked without a catalog answer: not in the funnel past its first step.
    booked_directly = start_booking(Chat("booked-directly", local(12, 11)))

    # 23:30 in Denver is already the next day in UTC: still the 12th, in the range.
    night_owl = catalog_answer(
        Chat("night-owl", local(12, 23, 30)),
        "When does the next term start?",
        "ask_start_date",
        "action_answer_start_date",
    )
    night_owl.later(local(13, 0, 10)).user("thanks", "thank").bot("utter_welcome").listen()

    # 23:30 on the 9th in Denver is the 10th in UTC: before the range.
    early = catalog_answer(
        Chat("before-range", local(9, 23, 30)),
        "How much is tuition?",
        "ask_tuition",
        "action_answer_program_question",
    )
    early.user("what about parking", "out_of_scope").action("utter_out_of_scope").listen()
    start_booking(early)
    return [
        answered,
        declined,
        declined_again,
        offered,
        unsure,
        gave_up,
        booked,
        contacted,
        booked_directly,
        night_owl,
        early,
    ]


# ---- the program database ---------------------------------------------------------------------


def add_booking(
    session: Session, conversation: str, program: str | None, status: str, made: datetime
) -> None:
    counselor_id = session.scalars(sa.select(Counselor.id)).first()
    lead = Lead(
        full_name="Ada Lovelace",
        email="ada@example.org",
        phone="+13035550199",
        program_code=program,
        preferred_contact="email",
        consent=True,
        consent_at=made,
        conversation_id=conversation,
        source_page=None,
        created_at=made,
    )
    session.add(lead)
    session.flush()
    starts = (made + timedelta(days=3)).replace(minute=7, second=next(_numbers) % 60)
    slot = AppointmentSlot(
        counselor_id=counselor_id, starts_at=starts, ends_at=starts + timedelta(minutes=30)
    )
    session.add(slot)
    session.flush()
    session.add(
        Appointment(
            lead_id=lead.id,
            slot_id=None if status == "cancelled" else slot.id,
            counselor_id=counselor_id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            status=status,
            reference=f"INS{next(_numbers):05d}",
            created_at=made,
            updated_at=made,
        )
    )


@pytest.fixture
def sources(seeded_url: str) -> str:
    """One database holding the catalog, bookings and (in Rasa's `events` table) the
    conversations above; its URL serves as DATABASE_URL and TRACKER_STORE_URL."""
    factory: sessionmaker[Session] = session_factory(seeded_url)
    with factory() as session:
        seed_counselors(session, SAMPLE_COUNSELORS_PATH)
        add_booking(session, "booked", "computer_science", "booked", local(12, 9, 5))
        add_booking(session, "contacted", "computer_science", CONTACTED, local(12, 10, 5))
        add_booking(session, "booked-directly", None, "cancelled", local(12, 11, 5))
        add_booking(session, "before-range", "software_development", "booked", local(9, 23, 40))
        session.commit()
    create_events_table(seeded_url)
    store(seeded_url, *conversations())
    return seeded_url


def sections(url: str, period: Period = PERIOD) -> insights.Report:
    return insights.build_report(url, url, period, unanswered_limit=None)


# ---- the numbers ---------------------------------------------------------------------------------


def test_conversations_per_day_count_each_conversation_once_a_day(sources: str) -> None:
    assert sections(sources).per_day == (
        DayCount(date(2030, 5, 10), 2),  # answered, declined
        DayCount(date(2030, 5, 11), 5),  # answered again, declined-again, offer, unsure, gave-up
        DayCount(date(2030, 5, 12), 4),  # booked, contacted, booked-directly, night-owl
    )


def test_the_funnel_counts_conversations_each_step_a_subset(sources: str) -> None:
    funnel = sections(sources).funnel
    assert funnel == Funnel(
        conversations=10, catalog_answer=5, booking_started=2, booked=2, contacted=CONTACTED_COUNT
    )
    assert [step.conversations for step in funnel.steps()] == [10, 5, 2, 2, CONTACTED_COUNT]


def test_top_topics_are_question_intents_by_title_a_cleared_up_message_counted_once(
    sources: str,
) -> None:
    assert sections(sources).topics == (
        TopicCount("ask_tuition", "Tuition and fees", 4, 4),
        TopicCount("ask_housing", "Housing", 1, 1),
        TopicCount("ask_program_duration", "How long a program takes", 1, 1),
        TopicCount("ask_start_date", "Start dates", 1, 1),
        TopicCount("ask_ml_role", "What an ML engineer does", 1, 1),
    )


def test_unanswered_messages_are_masked_normalised_and_grouped(sources: str) -> None:
    assert sections(sources).unanswered == (
        UnansweredMessage("can you email me at [email] about parking?", "out_of_scope", 2),
        UnansweredMessage("asdf qwer", "out_of_scope", 1),
        UnansweredMessage("do you have dorms? call me on [phone]", "counselor_offer", 1),
        UnansweredMessage("how mucho cost", "did_you_mean", 1),
    )


def test_topics_and_unanswered_messages_are_split_by_the_conversation_language(
    seeded_url: str,
) -> None:
    """A conversation is in its last decided language: one that switched to Spanish counts
    there, with its English message; one never decided is English."""
    create_events_table(seeded_url)
    switched = Chat("switched", local(10, 9)).user("how much is tuition", "ask_tuition", "en")
    switched.listen().user("¿cuánto cuesta la matrícula?", "ask_tuition", "es").listen()
    switched.user("¿tienen estacionamiento?", "out_of_scope").action("utter_out_of_scope").listen()
    undecided = Chat("undecided", local(10, 10)).user("tuition?", "ask_tuition").listen()
    undecided.user("do you have parking", "out_of_scope").action("utter_out_of_scope").listen()
    store(seeded_url, switched, undecided)
    with insights.tracker_store(seeded_url) as tracker:
        assert insights.top_topics(tracker, PERIOD) == (
            TopicCount("ask_tuition", "Tuition and fees", 2, 1, "es"),
            TopicCount("ask_tuition", "Tuition and fees", 1, 1, "en"),
        )
        assert insights.unanswered_messages(tracker, PERIOD) == (
            UnansweredMessage("do you have parking", "out_of_scope", 1, "en"),
            UnansweredMessage("¿tienen estacionamiento?", "out_of_scope", 1, "es"),
        )
    report = insights.build_report(seeded_url, seeded_url, PERIOD)
    assert report.languages == (LanguageCount("en", 1), LanguageCount("es", 1))


def test_the_unanswered_list_is_cut_at_the_limit(sources: str) -> None:
    with insights.tracker_store(sources) as tracker:
        top = insights.unanswered_messages(tracker, PERIOD, limit=1)
    assert [item.count for item in top] == [2]


def test_bookings_by_program(sources: str) -> None:
    assert sections(sources).programs == (
        ProgramBookings("computer_science", "B.S. Computer Science", 2, 0, CONTACTED_COUNT),
        ProgramBookings(None, "(no program named)", 1, 1, 0),
    )


def test_the_range_is_whole_days_in_the_school_time_zone(sources: str) -> None:
    # The 9th in Denver: only the conversation that began at 23:30 there (the 10th in UTC).
    ninth = sections(sources, Period(date(2030, 5, 9), date(2030, 5, 9), DENVER))
    assert ninth.per_day == (DayCount(date(2030, 5, 9), 1),)
    assert ninth.funnel == Funnel(1, 1, 1, 1, 0)
    assert ninth.unanswered == (UnansweredMessage("what about parking", "out_of_scope", 1),)
    assert ninth.programs == (
        ProgramBookings("software_development", "B.S. Software Development", 1, 0, 0),
    )
    # The 13th: the night owl's "thanks" ten minutes after midnight, and nothing else.
    thirteenth = sections(sources, Period(date(2030, 5, 13), date(2030, 5, 13), DENVER))
    assert thirteenth.per_day == (DayCount(date(2030, 5, 13), 1),)
    assert thirteenth.topics == () and thirteenth.programs == ()
    # Read in UTC, the same events fall on other days.
    in_utc = sections(sources, Period(date(2030, 5, 10), date(2030, 5, 10), timezone.utc))
    assert in_utc.per_day == (DayCount(date(2030, 5, 10), 3),)


def test_days_follow_the_clock_across_a_daylight_saving_change(database_url: str) -> None:
    create_events_table(database_url)
    # Denver moves to summer time at 02:00 on 10 March 2030.
    chat = Chat("spring", local(9, 23, 50, month=3)).user("hi", "greet")
    chat.later(local(10, 23, 50, month=3)).user("hi again", "greet")
    chat.later(local(11, 0, 10, month=3)).user("still here", "greet")
    store(database_url, chat, Chat("other", local(10, 0, 5, month=3)).user("hello", "greet"))
    period = Period(date(2030, 3, 9), date(2030, 3, 11), DENVER)
    with insights.tracker_store(database_url) as tracker:
        assert insights.conversations_per_day(tracker, period) == (
            DayCount(date(2030, 3, 9), 1),
            DayCount(date(2030, 3, 10), 2),
            DayCount(date(2030, 3, 11), 1),
        )


def test_an_empty_range_counts_nothing(sources: str) -> None:
    report = sections(sources, Period(date(2031, 1, 1), date(2031, 1, 2), DENVER))
    assert report.per_day == (DayCount(date(2031, 1, 1), 0), DayCount(date(2031, 1, 2), 0))
    assert report.funnel == Funnel(0, 0, 0, 0, 0)
    assert (report.topics, report.unanswered, report.programs) == ((), (), ())


def test_a_range_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="after it ends"):
        Period(date(2030, 5, 12), date(2030, 5, 10), DENVER)
    assert Period.last_days(30, date(2030, 5, 30), DENVER).first == date(2030, 5, 1)


@pytest.mark.parametrize(
    ("typed", "grouped"),
    [
        ("  Mail ME at  Jo.Doe+x@Uni.EDU\tplease ", "mail me at [email] please"),
        ("call 303-555-0199 or (303) 555 0100", "call [phone] or [phone]"),
        ("Is it $3,920 per term in 2030?", "is it $3,920 per term in 2030?"),
    ],
)
def test_messages_are_grouped_masked_lower_case_with_single_spaces(
    typed: str, grouped: str
) -> None:
    assert insights.normalised(typed) == grouped


def test_a_turn_is_judged_by_its_actions_and_responses() -> None:
    # One definition (bot.knowledge.reply_kinds) serves the insights and the external-set scoring.
    assert reply_kind(["action_answer_program_question"]) == "answer"
    assert reply_kind(["action_listen", "utter_out_of_scope"]) == "out_of_scope"
    assert reply_kind(["action_answer_unknown_topic"]) == "counselor_offer"
    assert reply_kind(["action_two_stage_fallback"]) == "did_you_mean"


# ---- the command ---------------------------------------------------------------------------------


@pytest.fixture
def command_env(sources: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", sources)
    monkeypatch.setenv("TRACKER_STORE_URL", sources)
    monkeypatch.setenv("SCHOOL_TIMEZONE", "America/Denver")
    return sources


def test_the_command_prints_the_report_and_writes_private_csv_files(
    command_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "insights"
    argv = ["insights", "--from", "2030-05-10", "--to", "2030-05-12", "--csv", str(out_dir)]
    assert cli.main(argv) == 0
    printed = capsys.readouterr()
    report = printed.out
    assert report.startswith("Insights 2030-05-10 to 2030-05-12 (America/Denver)\n")
    for line in (
        "  conversations               10  100.0%",
        "  got a catalog answer         5   50.0%",
        "  started a booking            2   20.0%",
        "  booked                       2   20.0%",
        "        10  en",
        "         4              4  en        Tuition and fees",
        "      2  en        declined         can you email me at [email] about parking?",
        "      1  en        counselor offer  do you have dorms? call me on [phone]",
        "      1  en        did you mean     how mucho cost",
        f"         2          0          {CONTACTED_COUNT}  B.S. Computer Science",
        "         1          1          0  (no program named)",
        "  2030-05-11  Sat       5",
    ):
        assert line in report, line
    assert str(out_dir / "funnel.csv") in printed.err

    files = sorted(out_dir.iterdir())
    assert [path.name for path in files] == sorted(insights.CSV_FILES)
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    tables = {path.stem: list(csv.reader(path.open(encoding="utf-8"))) for path in files}
    assert tables["conversations_per_day"] == [
        ["day", "conversations"],
        ["2030-05-10", "2"],
        ["2030-05-11", "5"],
        ["2030-05-12", "4"],
    ]
    assert tables["conversations_by_language"] == [
        ["language", "conversations"],
        ["en", "10"],
        ["es", "0"],
    ]
    assert tables["funnel"][1:] == [
        ["conversations", "10"],
        ["got a catalog answer", "5"],
        ["started a booking", "2"],
        ["booked", "2"],
        ["contacted", str(CONTACTED_COUNT)],
    ]
    assert tables["top_topics"][:2] == [
        ["intent", "topic", "language", "messages", "conversations"],
        ["ask_tuition", "Tuition and fees", "en", "4", "4"],
    ]
    assert tables["unanswered_messages"][:2] == [
        ["message", "language", "reply", "count"],
        ["can you email me at [email] about parking?", "en", "out_of_scope", "2"],
    ]
    assert tables["bookings_by_program"][1:] == [
        ["computer_science", "B.S. Computer Science", "2", "0", str(CONTACTED_COUNT)],
        ["", "(no program named)", "1", "1", "0"],
    ]
    # No contact details, names or conversation ids anywhere.
    everything = report + "".join(path.read_text(encoding="utf-8") for path in files)
    for personal in ("@", "Ada", "Lovelace", "555", "0199", "night-owl", "declined-again"):
        assert personal not in everything, personal


def test_the_default_range_is_the_last_30_days(
    command_env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(insights, "today_in", lambda zone: date(2030, 5, 12))
    assert cli.main(["insights"]) == 0
    report = capsys.readouterr().out
    assert report.startswith("Insights 2030-04-13 to 2030-05-12 (America/Denver)")
    assert "  conversations               11  100.0%" in report  # the 9th is in it now
    assert cli.main(["insights", "--to", "2030-05-09"]) == 0
    assert capsys.readouterr().out.startswith("Insights 2030-04-10 to 2030-05-09")


def test_a_message_cannot_drive_the_terminal(database_url: str) -> None:
    create_events_table(database_url)
    chat = Chat("evil", local(10, 9)).user("hi\x1b[2J\x1b]0;owned\x07 there", "out_of_scope")
    store(database_url, chat.action("utter_out_of_scope"))
    with insights.tracker_store(database_url) as tracker:
        unanswered = insights.unanswered_messages(tracker, PERIOD)
    report = insights.Report(PERIOD, (), Funnel(0, 0, 0, 0, 0), (), unanswered, ())
    assert "\x1b" not in insights.render(report) and "\x07" not in insights.render(report)


def test_a_formula_stays_text_in_the_csv(database_url: str, tmp_path: Path) -> None:
    create_events_table(database_url)
    chat = Chat("formula", local(10, 9)).user("=HYPERLINK(1)", "out_of_scope")
    store(database_url, chat.action("utter_out_of_scope"))
    with insights.tracker_store(database_url) as tracker:
        unanswered = insights.unanswered_messages(tracker, PERIOD)
    report = insights.Report(PERIOD, (), Funnel(0, 0, 0, 0, 0), (), unanswered, ())
    insights.write_csv(report, tmp_path)
    rows = list(csv.reader((tmp_path / "unanswered_messages.csv").open(encoding="utf-8")))
    assert rows[1] == ["'=hyperlink(1)", "en", "out_of_scope", "1"]


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--from", "2030-05-12", "--to", "2030-05-10"], "starts (2030-05-12) after it ends"),
    ],
)
def test_a_reversed_range_is_refused(
    argv: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["insights", *argv]) == 2
    assert error in capsys.readouterr().err


@pytest.mark.parametrize("typed", ["10/05/2030", "2030-13-01", "yesterday"])
def test_a_bad_date_is_refused(typed: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["insights", "--from", typed])
    assert exit_.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_a_missing_tracker_store_is_one_line_and_not_created(
    sources: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "nowhere" / "tracker.db"
    monkeypatch.setenv("DATABASE_URL", sources)
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{missing}")
    assert cli.main(["insights", "--csv", str(tmp_path / "out")]) == 1
    printed = capsys.readouterr()
    assert printed.err == (
        f"python -m bot insights: the tracker store (sqlite:///{missing}) does not exist\n"
    )
    assert printed.out == ""
    assert not missing.exists() and not (tmp_path / "out").exists()


def test_a_tracker_store_without_events_is_one_line(
    sources: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    monkeypatch.setenv("DATABASE_URL", sources)
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{empty}")
    assert cli.main(["insights"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "has no events table" in error


def test_an_unreadable_tracker_store_is_one_line(
    sources: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("DATABASE_URL", sources)
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{garbage}")
    assert cli.main(["insights"]) == 1
    error = capsys.readouterr().err
    assert error == (
        f"python -m bot insights: the tracker store (sqlite:///{garbage}) could not be read: "
        "DatabaseError\n"
    )


def test_a_missing_or_unmigrated_program_database_is_one_line(
    sources: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "no-program.db"
    monkeypatch.setenv("TRACKER_STORE_URL", sources)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")
    assert cli.main(["insights"]) == 1
    assert capsys.readouterr().err == (
        f"python -m bot insights: the program database (sqlite:///{missing}) does not exist\n"
    )
    assert not missing.exists()

    unmigrated = tmp_path / "unmigrated.db"
    create_events_table(f"sqlite:///{unmigrated}")  # a database, without the program's tables
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{unmigrated}")
    assert cli.main(["insights"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("python -m bot insights: the program database (")
    assert error.endswith("could not be read: OperationalError\n")
