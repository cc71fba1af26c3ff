"""What the assistant knows and how it answers: the catalog read from the program database
(`catalog`, `seed`, `programs`, `start_dates`), the intents, the replies picked for them
(`answers`, `replies/`, `fallback`, `not_offered`) and the lookups and templates built from them.

May import `rasa_server`, the database, `safe_io` and `settings` only: booking, handoff, the
staff side and the web faces build on it, never the other way round. Nothing here imports Rasa.
"""
