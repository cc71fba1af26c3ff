"""Files that hold students' data readable by their owner only: var/ 0700, SQLite files 0600.

The program database (leads, bookings, handoff transcripts) and the tracker store are SQLite
files under var/ by default. Created with the usual umask they are world-readable (0644 in a
0755 directory), so any local account could copy every conversation. SQLite creates its journal
and WAL files with the database file's mode, so fixing the database file covers those too.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from bot.settings import REPO_ROOT

logger = logging.getLogger(__name__)

PRIVATE_DIRECTORY_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
# The project's own runtime folder: always made private, even when something else created it.
VAR_DIR = REPO_ROOT / "var"


def private_directory(path: Path) -> Path:
    """Create `path` (and its parents) if missing, with mode 0700 for `path` itself.

    An existing folder is tightened only when it is the project's var/: a database URL may point
    into a shared folder (/tmp, a home directory) whose mode is not ours to change."""
    existed = path.is_dir()
    path.mkdir(mode=PRIVATE_DIRECTORY_MODE, parents=True, exist_ok=True)
    if not existed or path.resolve() == VAR_DIR.resolve():
        _chmod(path, PRIVATE_DIRECTORY_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 if missing (an empty file is a valid empty SQLite
    database), or tighten an existing one to 0600."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE)
    except FileExistsError:
        pass
    else:
        os.close(descriptor)
    _chmod(path, PRIVATE_FILE_MODE)
    return path


def _chmod(path: Path, mode: int) -> None:
    try:
        os.chmod(path, mode)
    except OSError as error:  # e.g. owned by another account: still usable, so warn, go on
        logger.warning("Could not make %s private (mode %o): %s", path, mode, error.strerror)
