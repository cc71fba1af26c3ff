"""The program database schema (SQLAlchemy 2.x typed ORM), one module per context.

`base` holds what every table shares; `catalog`, `booking` and `staff` the tables of each
context. Importing this package registers every table on `Base.metadata`, which Alembic's
autogenerate and the migration test compare with the migrations, so callers import models
from here. May import nothing else from `bot`.
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
from bot.database.models.staff import (
    HANDOFF_STATUSES,
    STAFF_ROLES,
    FactChange,
    Handoff,
    LoginFailure,
    StaffAccount,
)

__all__ = [
    "APPOINTMENT_STATUSES",
    "Appointment",
    "AppointmentSlot",
    "Base",
    "BookingAttempt",
    "CAREER_ITEM_KINDS",
    "CONTACT_METHODS",
    "Career",
    "CareerItem",
    "ConfirmationEmail",
    "Counselor",
    "CounselorHours",
    "DEFAULT_ENROLLMENT_POLICY_KEY",
    "EnrollmentPolicy",
    "FactChange",
    "HANDOFF_STATUSES",
    "Handoff",
    "Lead",
    "LoginFailure",
    "NAMING_CONVENTION",
    "OutboxEvent",
    "Program",
    "ProgramAlias",
    "ProgramCareer",
    "ProgramCertification",
    "STAFF_ROLES",
    "SlotOffer",
    "SourcePage",
    "StaffAccount",
    "UTCDateTime",
]
