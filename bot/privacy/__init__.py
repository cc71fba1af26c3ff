"""Students' personal data: how long it is kept and how it is erased (`retention`), and how
it is kept out of the logs (`log_masking`).

May import the database, `rasa_server` (Rasa's tracker tables are purged too), `safe_io` and
`settings`; nothing here imports a service, a web face or the CLI.
"""
