"""The enrollment assistant's application: one package per context, layered (pyproject.toml's
import-linter contracts, docs/development.md "The layout of bot/").

Rasa actions (actions/) are thin adapters over it; nothing in this package imports Rasa, so it
can be tested and used from the command line on its own. It may import nothing from
`actions`, `rasa_plugins` or `tools`, which sit above it.
"""
