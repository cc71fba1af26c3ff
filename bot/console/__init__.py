"""The staff console (/console): counselors' and the office's view of the booked calls, the
inbox, insights, the facts editor and the knowledge base.

The web face of `bot.staff` only: routes and HTML, no logic the CLI also needs. Sign-in with
the accounts of `bot.staff.accounts`; the routes are in bot/console/app.py. May import the
staff side and every package below it, never `web` or `cli`.
"""

from bot.console.app import console_app
from bot.console.config import ConsoleConfig

__all__ = ["ConsoleConfig", "console_app"]
