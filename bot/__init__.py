"""The enrollment assistant's knowledge: the program database, and the replies built from it.

Rasa actions (actions/) are thin adapters over `bot.answers`; nothing in this package imports
Rasa, so it can be tested and used from the command line on its own.
"""
