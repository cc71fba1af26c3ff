"""Booking a counselor contact: validation, slots, bookings, the CRM outbox, export and e-mail.

The Rasa actions (a later layer) call these functions; nothing here knows about Rasa, so the whole
booking flow is tested with plain pytest on SQLite and PostgreSQL.
"""
