"""Custom actions for the enrollment assistant (run: python -m actions).

Each module is a thin adapter: it reads what it needs from the tracker, asks `bot` (the answers,
the booking and handoff desks) and sends the resulting Reply. Importing the modules here
registers their actions with rasa_sdk.
"""

from actions import (  # noqa: F401
    appointments,
    booking,
    booking_form,
    career,
    fallback,
    handoff,
    programs,
    start_dates,
    unknown_topics,
)
