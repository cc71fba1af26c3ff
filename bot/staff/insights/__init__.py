"""What students ask, for the enrollment office (`python -m bot insights`).

The enrollment office wants to see how many conversations there are, how far they get (a catalog
answer, a booking started, booked, contacted), what students ask about most, which of their
messages the assistant did not answer (the list the team improves the training data, the catalog
and the knowledge base from) and how often each knowledge-base entry answered. Everything is
counted over a range of whole days in the school's time zone, both ends included.

Two sources, both read-only here:
- the tracker store (TRACKER_STORE_URL): Rasa's `events` table, read from the actions
  environment as bot.privacy.retention reads it (SQLAlchemy 2 Core, psycopg 3 for PostgreSQL). Rasa
  fills `intent_name` for user messages and `action_name` with the event's `name` (the action, or
  the loop of an `active_loop` event), so nearly everything is an SQL aggregate over plain columns;
  the JSON in `data` is read only for the few messages that were not answered, and for those
  answered from the knowledge base (for the entry's id);
- the program database (DATABASE_URL): the bookings (`Appointment`) and the conversation and
  program of their lead, and the titles of the knowledge base's entries.

No report holds a name, an e-mail address, a phone number or a conversation id: the messages
are shown with e-mail addresses and phone numbers masked by bot.privacy.log_masking (the masking the
logs use), and everything else is a count.

How a reply is judged is tools/external_set.py's rule (the end-to-end evaluation's), so the office
and the evaluation count "not answered" the same way: a turn (a user message and everything up
to the next one) that ran one of the actions, or uttered one of the responses, in NOT_ANSWERING
was not answered, the out-of-scope decline first, then the counselor offer, then "Did you
mean ...?". The tracker store adds one case the evaluation never sees: a student who clears up a
"Did you mean ...?" (a button, or a clearer message) ends the fallback loop, which rewinds that
message and records a copy of it, answered as a new turn. Such a clarifying message is neither
unanswered nor asked twice: it is left out of the unanswered list and counted once as a topic.

The package: `report` (the report's shape), `events` (its sections, counted from the tracker
store, with what they share in `tracker_rows`), `languages` (which language each conversation
was in: topics and unanswered messages are split by it), `knowledge_answers` (how often each of the
knowledge base's entries answered), `bookings` (the program database's side), `sources`
(opening both read-only) and `export` (text and CSV), and `cache` (a report kept a minute for
the console). Callers use
the names below. May import what `bot.staff` may.
"""

from bot.staff.insights.bookings import bookings_by_program
from bot.staff.insights.events import (
    build_report,
    conversations_per_day,
    funnel,
    normalised,
    top_topics,
    unanswered_messages,
)
from bot.staff.insights.export import CSV_FILES, csv_tables, render, write_csv, write_csv_table
from bot.staff.insights.report import (
    DEFAULT_DAYS,
    DEFAULT_UNANSWERED_LIMIT,
    REPLY_TITLES,
    DayCount,
    Funnel,
    FunnelStep,
    InsightsError,
    KnowledgeBaseAnswers,
    LanguageCount,
    Period,
    ProgramBookings,
    Report,
    TopicCount,
    UnansweredMessage,
    today_in,
)
from bot.staff.insights.sources import program_database, tracker_store

__all__ = [
    "CSV_FILES",
    "DEFAULT_DAYS",
    "DEFAULT_UNANSWERED_LIMIT",
    "REPLY_TITLES",
    "DayCount",
    "Funnel",
    "FunnelStep",
    "InsightsError",
    "KnowledgeBaseAnswers",
    "LanguageCount",
    "Period",
    "ProgramBookings",
    "Report",
    "TopicCount",
    "UnansweredMessage",
    "bookings_by_program",
    "build_report",
    "conversations_per_day",
    "csv_tables",
    "funnel",
    "normalised",
    "program_database",
    "render",
    "today_in",
    "top_topics",
    "tracker_store",
    "unanswered_messages",
    "write_csv",
    "write_csv_table",
]
