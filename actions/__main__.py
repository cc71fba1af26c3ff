"""`python -m actions`: the action server for this package, as the servers should run it.

Unlike `python -m rasa_sdk`, it masks e-mail addresses and phone numbers in every log record,
answers errors without the tracker (actions/server.py), and binds ACTION_SERVER_HOST (default
127.0.0.1: only the Rasa server calls it; rasa-sdk would bind 0.0.0.0) on ACTION_SERVER_PORT
(default 5055). Logging options are rasa-sdk's: -v (default), -vv/--debug, --quiet, --log-file.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.privacy.log_masking import install_log_masking
from bot.settings import SettingsError, load_settings


def main(argv: Sequence[str] | None = None) -> int:
    # Before logging is configured and the server starts, so that no record escapes masking.
    install_log_masking()
    from rasa_sdk import utils
    from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME

    parser = argparse.ArgumentParser(prog="python -m actions", description=__doc__.splitlines()[0])
    utils.add_logging_level_option_arguments(parser)
    utils.add_logging_file_arguments(parser)
    args = parser.parse_args(argv)
    try:
        binding = load_settings().action_server
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2

    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
        args.log_file,
        args.loglevel,
        args.logging_config_file,
    )
    utils.update_sanic_log_level()

    from actions.server import create_action_app

    app = create_action_app("actions")
    logging.getLogger(__name__).info(
        "Action server on http://%s:%d/webhook", binding.host, binding.port
    )
    app.run(binding.host, binding.port, workers=utils.number_of_sanic_workers(), motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
