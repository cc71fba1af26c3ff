"""An entry the office publishes reaches every Rasa replica on its own: each polls the shared
PostgreSQL program database's knowledge-base revision, with no restart and no message bus.

The target is 10 s from the write to an answer on every replica (docs/knowledge-base.md); the
assertion allows 60 s so a loaded CI machine cannot fail it, and the measured time is printed.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from rest import post

from tools.cluster.launcher import Cluster

SOURCE = "From the admissions office"
QUESTION = "is there a makerspace with 3d printers students can use?"


def test_a_published_entry_answers_on_every_replica(cluster: Cluster, tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    entries.write_text(
        "title,status,phrasings,answer\n"
        'Makerspace,published,"Do you have a makerspace?\nCan students use 3D printers?",'
        "Students book the makerspace's 3D printers online.\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    done = cluster.cli("knowledge-base", "import", str(entries))
    assert done.returncode == 0, done.stderr
    waiting = {f"http://127.0.0.1:{port}" for port in cluster.rasa_ports}
    while waiting:
        for url in sorted(waiting):
            if SOURCE in post(url, f"kb-{uuid.uuid4().hex}", QUESTION).text:
                waiting.discard(url)
        assert time.monotonic() - started < 60, f"not answered after 60 s on {sorted(waiting)}"
        time.sleep(0.2)
    print(
        f"published -> answered on all {len(cluster.rasa_ports)} replicas in "
        f"{time.monotonic() - started:.1f} s"
    )
