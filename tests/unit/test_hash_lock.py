"""scripts/hash-lock and the locks it writes: every pin carries the digests of its own release only.

`make-venv` installs with `--require-hashes`, so a lock line without the right digests breaks
`make setup` on some machine; these tests catch that before a lock is committed.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import pytest

from bot.settings import REPO_ROOT

REPO = REPO_ROOT


def _load_hash_lock():
    loader = SourceFileLoader("hash_lock", str(REPO / "scripts" / "hash-lock"))
    module = module_from_spec(spec_from_loader("hash_lock", loader))
    loader.exec_module(module)
    return module


hash_lock = _load_hash_lock()

# A tiny PEP 691 index: project -> [(filename, sha256)].
INDEX_FILES = {
    "python-crfsuite": [
        ("python-crfsuite-0.9.12.tar.gz", "a" * 64),
        ("python_crfsuite-0.9.12-cp310-cp310-manylinux_2_17_x86_64.whl", "b" * 64),
        ("python_crfsuite-0.9.11-cp310-cp310-manylinux_2_17_x86_64.whl", "c" * 64),
    ],
    "limits": [
        ("limits-2.4.0-py3-none-any.whl", "d" * 64),
        ("limits-2.4.0.tar.gz", "e" * 64),
        ("limits-2.4.0.1-py3-none-any.whl", "f" * 64),
        ("limits-2.4.0-py3.7.egg", "0" * 64),
    ],
}


class _SimpleJsonIndex(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        project = self.path.strip("/")
        if (
            project not in INDEX_FILES
            or "application/vnd.pypi.simple.v1+json" not in self.headers["Accept"]
        ):
            self.send_error(404)
            return
        body = json.dumps(
            {
                "meta": {"api-version": "1.0"},
                "name": project,
                "files": [
                    {"filename": name, "hashes": {"sha256": digest}, "url": f"/files/{name}"}
                    for name, digest in INDEX_FILES[project]
                ],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def index_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SimpleJsonIndex)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("filename", "project", "version"),
    [
        ("python-crfsuite-0.9.12.tar.gz", "python-crfsuite", "0.9.12"),
        (
            "python_crfsuite-0.9.12-cp310-cp310-manylinux_2_17_x86_64.whl",
            "python-crfsuite",
            "0.9.12",
        ),
        ("APScheduler-3.9.1.post1.tar.gz", "apscheduler", "3.9.1.post1"),
        ("limits-2.4.0-py3.7.egg", "limits", None),
    ],
)
def test_file_version_reads_the_version_from_wheel_and_sdist_names(filename, project, version):
    assert hash_lock.file_version(filename, project) == version


def test_each_pin_gets_the_digests_of_every_file_of_its_release_only(index_url):
    frozen = ["# header kept as is\n", "limits==2.4.0\n", "python-crfsuite==0.9.12\n"]

    lock = hash_lock.hashed_lock(frozen, index_url)

    assert lock == (
        "# header kept as is\n"
        "limits==2.4.0 \\\n"
        f"    --hash=sha256:{'d' * 64} \\\n"
        f"    --hash=sha256:{'e' * 64}\n"
        "python-crfsuite==0.9.12 \\\n"
        f"    --hash=sha256:{'a' * 64} \\\n"
        f"    --hash=sha256:{'b' * 64}\n"
    )


def test_a_release_the_index_does_not_have_stops_the_lock(index_url):
    with pytest.raises(SystemExit, match="limits==9.9.9"):
        hash_lock.hashed_lock(["limits==9.9.9\n"], index_url)


def test_a_line_that_is_not_an_exact_pin_stops_the_lock(index_url):
    with pytest.raises(SystemExit, match="not an exact"):
        hash_lock.hashed_lock(["limits>=2.4\n"], index_url)


def _lock_entries(path: Path) -> dict[str, tuple[str, list[str]]]:
    """canonical name -> (version, digests) for each requirement of a committed lock."""
    entries = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", path.read_text()):
        if block.startswith("#"):
            continue
        head, *hash_lines = [line.strip(" \\") for line in block.strip().splitlines()]
        name, version = head.split("==")
        entries[hash_lock.canonical_name(name)] = (
            version,
            [h.removeprefix("--hash=sha256:") for h in hash_lines],
        )
    return entries


@pytest.mark.parametrize("lock_name", ["rasa.lock", "actions.lock"])
def test_committed_locks_pin_every_requirement_with_digests(lock_name):
    entries = _lock_entries(REPO / "requirements" / lock_name)

    assert {"pip", "setuptools", "wheel"} <= entries.keys()
    for name, (version, digests) in entries.items():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!]*", version), name
        assert digests and all(re.fullmatch(r"[0-9a-f]{64}", d) for d in digests), name


def test_locks_carry_the_rate_limit_and_token_libraries_at_matching_versions():
    rasa = _lock_entries(REPO / "requirements" / "rasa.lock")
    actions = _lock_entries(REPO / "requirements" / "actions.lock")

    assert rasa["limits"][0] == "2.4.0"
    assert rasa["packaging"][0].startswith("20.")  # what Rasa 3.6 and limits 2.4.0 both accept
    assert actions["pyjwt"][0] == rasa["pyjwt"][0]  # the CLI signs what the Rasa server verifies
