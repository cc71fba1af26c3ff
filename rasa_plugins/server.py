"""`python -m rasa_plugins.server`: `rasa run` with the HTTP API's secret kept off the command line.

`rasa run --auth-token T` puts T in the process's command line, which any local user reads from
/proc/PID/cmdline, and Rasa compares it with a `?token=` query parameter, so it also lands in
URLs and proxy logs. This launcher takes the same options `scripts/run-servers` gave `rasa run`
and no secret at all: with `--enable-api` it starts Rasa's JWT mode (HS256) with the secret from
`RASA_JWT_SECRET` or the file `RASA_JWT_SECRET_FILE` (created mode 600 with a random secret when
missing; bot/rasa_server/auth.py), so clients send short-lived signed tokens in the `Authorization`
header. Rasa is started the way `rasa run` starts it (its logging set-up, then `rasa.cli.run.run`
with the same argument names), and before that:

- every log record is masked (bot/privacy/log_masking.py): e-mail addresses and phone numbers that
  students type never reach the server's log;
- request bodies above `MAX_REQUEST_BYTES` (default 65536) are refused with 413 by Sanic before
  any handler runs (Sanic reads `SANIC_REQUEST_MAX_SIZE` from the environment);
- sanic-jwt's leeway for expired tokens drops from 3 minutes to 10 seconds, so a token's lifetime
  is what its signer chose (clock skew between two machines is the only allowance left);
- jax, which TensorFlow would import for nothing, is kept out (rasa_plugins/lean_imports.py);
- calls to the action server keep their connection alive and check responses with a validator
  built once (rasa_plugins/action_calls.py), models run their graphs without dask's scheduler
  (rasa_plugins/graph_runner.py), and messages are understood on a small thread pool beside
  the event loop (rasa_plugins/understanding_thread.py): docs/serving.md has what each saved.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, MutableMapping

from bot.privacy.log_masking import install_log_masking
from bot.rasa_server.auth import ALGORITHM, ensure_secret
from bot.safe_io.secret_files import SecretError
from bot.settings import load_settings
from rasa_plugins import lean_imports

JWT_LEEWAY_SECONDS = 10


def build_parser() -> argparse.ArgumentParser:
    """`rasa run`'s options that our start scripts use; none of them carries a secret."""
    from rasa.cli.arguments.default_arguments import add_logging_options
    from rasa.shared.constants import (
        DEFAULT_CREDENTIALS_PATH,
        DEFAULT_ENDPOINTS_PATH,
        DEFAULT_MODELS_PATH,
    )

    parser = argparse.ArgumentParser(
        prog="python -m rasa_plugins.server",
        description=__doc__.split("\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--model", "-m", default=DEFAULT_MODELS_PATH, help="model archive or directory"
    )
    parser.add_argument(
        "--endpoints", default=DEFAULT_ENDPOINTS_PATH, help="endpoints configuration"
    )
    parser.add_argument(
        "--credentials", default=DEFAULT_CREDENTIALS_PATH, help="channel credentials"
    )
    parser.add_argument("--interface", "-i", help="address to listen on (default: RASA_HOST)")
    parser.add_argument("--port", "-p", type=int, help="port to listen on (default: RASA_PORT)")
    parser.add_argument(
        "--cors",
        nargs="*",
        help="origins allowed to call the server from a browser (default: RASA_CORS_ORIGINS)",
    )
    parser.add_argument(
        "--enable-api",
        action="store_true",
        help="start the HTTP API (JWT; secret from RASA_JWT_SECRET or RASA_JWT_SECRET_FILE)",
    )
    add_logging_options(parser)
    return parser


def max_request_bytes(environ: Mapping[str, str] = os.environ) -> int:
    return load_settings(environ).rasa.max_request_bytes


def run_arguments(
    options: argparse.Namespace, environ: Mapping[str, str] = os.environ
) -> argparse.Namespace:
    """What `rasa run` would have parsed, with the JWT secret filled in from the environment."""
    secret = ensure_secret(environ) if options.enable_api else None
    rasa = load_settings(environ).rasa
    given = vars(options)
    return argparse.Namespace(
        **{
            **given,
            "interface": given.get("interface") or rasa.address.host,
            "port": given.get("port") or rasa.address.port,
            "cors": given.get("cors") if given.get("cors") is not None else list(rasa.cors_origins),
        },
        connector=None,
        remote_storage=None,
        auth_token=None,
        jwt_secret=secret,
        jwt_method=ALGORITHM if secret else None,
    )


def configure_sanic(environ: MutableMapping[str, str]) -> None:
    """Settings Sanic and sanic-jwt read from `SANIC_`-prefixed variables when Rasa makes its app,
    and the two URLs endpoints.yml reads, which YAML cannot take from `bot.settings` itself."""
    settings = load_settings(environ)
    environ["SANIC_REQUEST_MAX_SIZE"] = str(settings.rasa.max_request_bytes)
    # Blank counts as unset, as everywhere in bot.settings.
    for name, value in (
        ("ACTION_SERVER_URL", settings.action_server_url),
        ("TRACKER_STORE_URL", settings.tracker_store_url),
    ):
        if not (environ.get(name) or "").strip():
            environ[name] = value
    # Sanic strips the prefix, leaving app.config.SANIC_JWT_LEEWAY, which sanic-jwt reads.
    environ.setdefault("SANIC_SANIC_JWT_LEEWAY", str(JWT_LEEWAY_SECONDS))


def configure_logging(log_level: int | None, logging_config_file: str | None) -> None:
    """Rasa's own logging set-up for `rasa run` (rasa/__main__.py).

    structlog must be configured: unconfigured, it prints Rasa's structured events straight to
    stdout, past the standard logging handlers and so past the masking.
    """
    import rasa.utils.io
    import rasa.utils.tensorflow.environment as tf_env
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(
        log_level, logging_config_file, warn_only_once=True, filter_repeated_logs=True
    )
    tf_env.setup_tf_environment()
    tf_env.check_deterministic_ops()
    rasa.utils.io.configure_colored_logging(log_level)
    configure_structlog(log_level)


def main(argv: list[str] | None = None) -> int:
    # First: the masking wraps the making of log records, so no record of this process escapes it.
    install_log_masking()
    lean_imports.install()  # before anything imports TensorFlow
    parser = build_parser()
    options = parser.parse_args(argv)
    try:
        configure_sanic(os.environ)  # Sanic reads the process environment when Rasa makes its app
        arguments = run_arguments(options)
    except (ValueError, SecretError, OSError) as error:
        parser.error(str(error))
    configure_logging(options.loglevel, options.logging_config_file)

    import rasa.cli.run
    import rasa.cli.utils  # rasa.cli.run uses it without importing it (`rasa` imports it first)

    from rasa_plugins import action_calls, graph_runner, understanding_thread

    action_calls.install()
    graph_runner.install()
    understanding_thread.install()
    rasa.cli.run.run(arguments)
    return 0


if __name__ == "__main__":
    sys.exit(main())
