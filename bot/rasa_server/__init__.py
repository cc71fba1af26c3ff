"""What the rest of `bot` knows of the Rasa server: its HTTP API (`client`, `auth`) and the
tracker-store tables the staff side reads (`tracker_tables`).

May import only `safe_io` and `settings`, so that staff pages, the CLI and the handoff queue
share one client and one token scheme.
"""
