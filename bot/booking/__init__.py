"""Booking a counselor contact: validation, appointment times, bookings, the CRM outbox, export
and e-mail.

`bot.booking.desk.BookingDesk` is the one entry point the Rasa actions use: it is built from
`bot.settings` and turns each step of the conversation into a Reply. Nothing here knows about
Rasa, so the whole booking flow is tested with plain pytest on SQLite and PostgreSQL.
"""
