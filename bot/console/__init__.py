"""The staff console (/console): counselors' and the office's view of the booked calls.

Sign-in with the accounts of `bot.accounts`; see bot/console/app.py for the routes."""

from bot.console.app import ConsoleConfig, console_app

__all__ = ["ConsoleConfig", "console_app"]
