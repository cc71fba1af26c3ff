"""The program database schema (SQLAlchemy 2.x typed ORM), one module per context.

`base` holds what every table shares; `catalog`, `booking`, `staff` and `knowledge_base` the
tables of each context. Importing this package registers every table on `Base.metadata`, which
Alembic's autogenerate and the migration test compare with the migrations, so callers import
models from here. May import nothing else from `bot`.
"""

from bot.database.models.base import NAMING_CONVENTION, Base, UTCDateTime
from bot.database.models.booking import (
    APPOINTMENT_STATUSES,
    CONTACT_METHODS,
    Appointment,
    AppointmentSlot,
    BookingAttempt,
    ConfirmationEmail,
    Counselor,
    CounselorHours,
    Lead,
    OutboxEvent,
    SlotOffer,
)
from bot.database.models.catalog import (
    CAREER_ITEM_KINDS,
    DEFAULT_ENROLLMENT_POLICY_KEY,
    Career,
    CareerItem,
    EnrollmentPolicy,
    Program,
    ProgramAlias,
    ProgramCareer,
    ProgramCertification,
    SourcePage,
)
from bot.database.models.knowledge_base import (
    ANSWER_MAX_CHARACTERS,
    KNOWLEDGE_CHANGE_ACTIONS,
    KNOWLEDGE_ENTRY_ORIGINS,
    KNOWLEDGE_ENTRY_STATUSES,
    LINK_MAX_CHARACTERS,
    MAX_PHRASINGS_PER_ENTRY,
    PHRASING_MAX_CHARACTERS,
    REVISION_ROW_ID,
    TITLE_MAX_CHARACTERS,
    KnowledgeBaseRevision,
    KnowledgeChange,
    KnowledgeEntry,
    KnowledgePhrasing,
)
from bot.database.models.staff import (
    HANDOFF_STATUSES,
    STAFF_ROLES,
    FactChange,
    Handoff,
    LoginFailure,
    StaffAccount,
)

__all__ = [
    "ANSWER_MAX_CHARACTERS",
    "Appointment",
    "APPOINTMENT_STATUSES",
    "AppointmentSlot",
    "Base",
    "BookingAttempt",
    "Career",
    "CAREER_ITEM_KINDS",
    "CareerItem",
    "ConfirmationEmail",
    "CONTACT_METHODS",
    "Counselor",
    "CounselorHours",
    "DEFAULT_ENROLLMENT_POLICY_KEY",
    "EnrollmentPolicy",
    "FactChange",
    "Handoff",
    "HANDOFF_STATUSES",
    "KNOWLEDGE_CHANGE_ACTIONS",
    "KNOWLEDGE_ENTRY_ORIGINS",
    "KNOWLEDGE_ENTRY_STATUSES",
    "KnowledgeBaseRevision",
    "KnowledgeChange",
    "KnowledgeEntry",
    "KnowledgePhrasing",
    "Lead",
    "LINK_MAX_CHARACTERS",
    "LoginFailure",
    "MAX_PHRASINGS_PER_ENTRY",
    "NAMING_CONVENTION",
    "OutboxEvent",
    "PHRASING_MAX_CHARACTERS",
    "Program",
    "ProgramAlias",
    "ProgramCareer",
    "ProgramCertification",
    "REVISION_ROW_ID",
    "SlotOffer",
    "SourcePage",
    "STAFF_ROLES",
    "StaffAccount",
    "TITLE_MAX_CHARACTERS",
    "UTCDateTime",
]
