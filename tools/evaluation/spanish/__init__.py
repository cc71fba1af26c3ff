"""The Spanish evaluation set and its end-to-end scoring (`make eval`'s ``spanish`` step).

May import bot, rasa_plugins and the other tools.
"""
