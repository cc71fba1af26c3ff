"""Secrets the servers share: taken from a variable, else from a file made on first use.

The Rasa HTTP API's JWT secret and the console's session key work the same way: the school may
set the variable (a secrets manager, a cluster), and on one machine `make run` needs no set-up,
so the first process to start writes a random secret to a file only its owner can read. The
file is written complete under a temporary name created with mode 600 and then linked into
place, so it is never readable by others, and two processes starting at once agree on one
secret (the second link fails and that process reads the first one's).
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

# HS256 needs a key at least as long as its digest (RFC 7518, 3.2); the same floor suits the
# session key.
MINIMUM_SECRET_BYTES = 32


class SecretError(RuntimeError):
    """The secret is missing or unusable; the message says where it was looked for."""


@dataclass(frozen=True)
class SharedSecret:
    # What the secret is for, in messages ("the Rasa API secret").
    purpose: str
    # The variable's name and value (None when unset).
    variable: str
    value: str | None = field(repr=False)
    path: Path

    def read(self) -> str | None:
        """The variable's value, else the file's content; None when neither holds one."""
        if self.value:
            return self._checked(self.value, self.variable)
        try:
            secret = self.path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if self.path.stat().st_mode & 0o077:
            logger.warning(
                "%s is readable by other users; make it mode 600 (chmod 600 %s)",
                self.path,
                self.path,
            )
        return self._checked(secret, str(self.path)) if secret else None

    def ensure(self) -> str:
        """The secret as `read` finds it, or a new random one written to the file."""
        if secret := self.read():
            return secret
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}-")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_urlsafe(MINIMUM_SECRET_BYTES) + "\n")
            os.link(temporary, self.path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
        if secret := self.read():
            return secret
        raise SecretError(f"{self.path} exists but is empty: delete it, or put a secret in it")

    def _checked(self, secret: str, source: str) -> str:
        if len(secret.encode("utf-8")) < MINIMUM_SECRET_BYTES:
            raise SecretError(
                f"the {self.purpose} from {source} is shorter than {MINIMUM_SECRET_BYTES} "
                "bytes; make a longer one, e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'`"
            )
        return secret
