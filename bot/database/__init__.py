"""The program database: its engine and sessions (`db`), the typed models (`models`), and the
Alembic migrations (`migrate`, `migrations/`).

May import only `safe_io` and `settings`, the floor beneath it, so every context above can share
one schema and one way to open a session.
"""
