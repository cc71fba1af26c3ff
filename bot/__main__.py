"""`python -m bot ...`: see bot/cli/__init__.py."""

import sys

from bot.cli import main

sys.exit(main())
