"""Rasa NLU components of our own, used from config.yml by their dotted path."""
