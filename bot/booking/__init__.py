"""Booking a counselor contact: validation, appointment times, bookings, erasure on request,
the CRM delivery (`crm/`) and the confirmation e-mail.

`bot.booking.desk.BookingDesk` is the one entry point the Rasa actions use: it is built from
`bot.settings` and turns each step of the conversation into a Reply. Nothing here knows about
Rasa, so the whole booking flow is tested with plain pytest on SQLite and PostgreSQL. May
import `privacy`, `knowledge`, `rasa_server`, the database and below; never the handoff queue,
the staff side or a web face.
"""
