"""Bringing in a person: the queue of students waiting for a counselor (`service`) and the
replies the assistant sends while they wait (`replies`).

May import `booking` (a counselor's working hours), `knowledge`, `rasa_server`, the database
and below; the staff console and the CLI build on it.
"""
