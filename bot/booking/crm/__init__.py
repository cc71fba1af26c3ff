"""Getting bookings to the school's CRM: exactly once through the outbox (`outbox`), posted by
the webhook (`webhook`) with the signature the CRM checks (`signing`), or exported as CSV or
JSON for a school without one (`leads_export`).

Part of `bot.booking`; may import the rest of booking's lower modules, the database, `safe_io`
and `settings`.
"""
