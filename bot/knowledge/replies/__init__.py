"""Replies: which domain.yml response to send and the variables to fill it with.

The wording lives in domain.yml; these modules pick the response and supply the facts, read from
the program database, so that actions stay thin and no fact is hard-coded in a template or an
action. Booking's and the handoff's replies live in their own contexts and build on `base`.
May import the rest of `bot.knowledge` and below.
"""

from bot.knowledge.replies.base import Button, Reply

__all__ = ["Button", "Reply"]
