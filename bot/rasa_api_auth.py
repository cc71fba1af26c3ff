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
import secrets
import tempfile
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jwt

from bot.settings import load_settings

logger = logging.getLogger(__name__)

ALGORITHM = "HS256"
# Long enough for one request of the counselor's console, short enough that a token copied
# from a log or a terminal is useless soon after.
DEFAULT_LIFETIME = timedelta(minutes=5)
# HS256 needs a key at least as long as its digest (RFC 7518, 3.2).
MINIMUM_SECRET_BYTES = 32


class SecretError(RuntimeError):
    """The secret is missing or unusable; the message says where it was looked for."""


def secret_file(environ: Mapping[str, str] = os.environ) -> Path:
    return load_settings(environ).rasa.jwt_secret_file


def read_secret(environ: Mapping[str, str] = os.environ) -> str | None:
    """`RASA_JWT_SECRET`, else the secret file's content; None when neither holds one."""
    if secret := load_settings(environ).rasa.jwt_secret:
        return _checked(secret, "RASA_JWT_SECRET")
    path = secret_file(environ)
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if path.stat().st_mode & 0o077:
        logger.warning("%s is readable by other users; make it mode 600 (chmod 600 %s)", path, path)
    return _checked(secret, str(path)) if secret else None


def ensure_secret(environ: Mapping[str, str] = os.environ) -> str:
    """The secret as `read_secret` finds it, or a new random one in the secret file.

    The file is written complete under a temporary name created with mode 600 and then linked
    into place, so it is never readable by others, and two servers starting at once agree on
    one secret (the second link fails and that server reads the first one's).
    """
    if secret := read_secret(environ):
        return secret
    path = secret_file(environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".rasa-jwt-secret-")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(MINIMUM_SECRET_BYTES) + "\n")
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)
    if secret := read_secret(environ):
        return secret
    raise SecretError(f"{path} exists but is empty: delete it, or put a secret in it")


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


def _checked(secret: str, source: str) -> str:
    if len(secret.encode("utf-8")) < MINIMUM_SECRET_BYTES:
        raise SecretError(
            f"the Rasa API secret from {source} is shorter than {MINIMUM_SECRET_BYTES} "
            "bytes; make a longer one, e.g. `python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'`"
        )
    return secret
