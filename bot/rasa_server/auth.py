"""The Rasa HTTP API's secret, and the short-lived tokens its clients sign with it.

Rasa's plain `--auth-token` is only ever compared with a `?token=` query parameter, so it ends
up in URLs and proxy logs, and `rasa run --auth-token` puts it on the process's command line,
which any local user reads from /proc. Instead the server runs in Rasa's JWT mode (HS256,
started by `python -m rasa_plugins.server`) and every client signs a token that expires within
minutes and sends it in the `Authorization` header.

Server and clients find the secret the same way: `RASA_JWT_SECRET`, else the file
`RASA_JWT_SECRET_FILE` (default var/rasa-jwt-secret), which the server creates with a random
secret, readable by its owner only, when it is missing.

Standard library and PyJWT only, so both environments import it (PyJWT comes with Rasa).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jwt

from bot.safe_io.secret_files import SharedSecret
from bot.settings import load_settings

logger = logging.getLogger(__name__)

ALGORITHM = "HS256"
# Long enough for one request of the counselor's console, short enough that a token copied
# from a log or a terminal is useless soon after.
DEFAULT_LIFETIME = timedelta(minutes=5)


def jwt_secret(environ: Mapping[str, str] = os.environ) -> SharedSecret:
    """RASA_JWT_SECRET, else the file RASA_JWT_SECRET_FILE (var/rasa-jwt-secret)."""
    rasa = load_settings(environ).rasa
    return SharedSecret("Rasa API secret", "RASA_JWT_SECRET", rasa.jwt_secret, rasa.jwt_secret_file)


def secret_file(environ: Mapping[str, str] = os.environ) -> Path:
    return jwt_secret(environ).path


def read_secret(environ: Mapping[str, str] = os.environ) -> str | None:
    """`RASA_JWT_SECRET`, else the secret file's content; None when neither holds one."""
    return jwt_secret(environ).read()


def ensure_secret(environ: Mapping[str, str] = os.environ) -> str:
    """The secret as `read_secret` finds it, or a new random one in the secret file."""
    return jwt_secret(environ).ensure()


def mint_token(
    secret: str,
    *,
    username: str,
    role: str = "admin",
    lifetime: timedelta = DEFAULT_LIFETIME,
    now: datetime | None = None,
) -> str:
    """A signed token in the shape Rasa's `requires_auth` checks.

    Role "admin" may call every endpoint; role "user" only the endpoints of the conversation
    whose id equals `username` (rasa/server.py, `sufficient_scope`).
    """
    expires = (now or datetime.now(timezone.utc)) + lifetime
    payload = {"user": {"username": username, "role": role}, "exp": expires}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def authorization_header(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def admin_header(secret: str, lifetime: timedelta = DEFAULT_LIFETIME) -> dict[str, str]:
    """An `Authorization` header for operators' and tests' calls to any endpoint."""
    return authorization_header(
        mint_token(secret, username="admin", role="admin", lifetime=lifetime)
    )
