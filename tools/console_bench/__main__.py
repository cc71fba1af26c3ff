"""`make bench-console`: generate the data, start the site, time the console, print the table.

Settings (environment): CONSOLE_BENCH_REQUESTS (30) timed GETs of each page,
CONSOLE_BENCH_TRIALS (10) inbox trials of each kind, CONSOLE_BENCH_CONVERSATIONS (10000) and
CONSOLE_BENCH_BOOKINGS (2000) in the generated data, CONSOLE_BENCH_KEEP=1 to keep the
throw-away directory (its path is printed) for a look at the data or the site's log.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.settings import REPO_ROOT
from tools.console_bench import dataset, measure, report, site
from tools.processes import free_port

OUT = REPO_ROOT / "reports" / "bench"


def _number(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdecimal() or int(text) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)


def _now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def run(directory: Path) -> dict[str, Any]:
    requests = _number("CONSOLE_BENCH_REQUESTS", 30)
    trials = _number("CONSOLE_BENCH_TRIALS", 10)
    conversations = _number("CONSOLE_BENCH_CONVERSATIONS", 10_000)
    bookings = _number("CONSOLE_BENCH_BOOKINGS", 2_000)
    results: dict[str, Any] = {
        "started": _now(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(terse=True),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
        },
        "config": {"requests": requests, "trials": trials, "directory": str(directory)},
    }
    print(
        f"Generating {conversations:,} conversations and {bookings:,} bookings in {directory}",
        flush=True,
    )
    began = time.perf_counter()
    data = dataset.build(directory / "data", conversations=conversations, bookings=bookings)
    results["dataset"] = {
        "conversations": data.conversations,
        "events": data.events,
        "bookings": data.bookings,
        "waiting": list(data.waiting),
        "closed_handoffs": data.closed_handoffs,
        "days": dataset.DAYS,
        "generated_s": time.perf_counter() - began,
    }
    env = site.environment(data.directory, data.database_url, data.tracker_url, free_port())
    counselor = site.add_account(env, "counselor", "counselor-a@example.org", "Sample Counselor A")
    office = site.add_account(env, "office", "office-bench@example.org", "Enrollment Office")
    with site.running_site(env, directory / "site.log") as port:
        clients = {"counselor": site.ConsoleClient(port), "office": site.ConsoleClient(port)}
        clients["counselor"].sign_in(counselor)
        clients["office"].sign_in(office)
        fact = measure.first_fact_key(clients["office"])
        results["pages"] = []
        for page in measure.pages(measure.school_today(), data.waiting[0], fact):
            row = measure.time_page(clients[page.role], page, requests)
            print(
                f"  {row['page']:<34} median {row['median_ms']:6.1f} ms, "
                f"p95 {row['p95_ms']:6.1f} ms",
                flush=True,
            )
            results["pages"].append(row)
        print(f"Inbox: {trials} trials each of a new message and a new waiting student", flush=True)
        results["inbox"] = measure.inbox_latency(
            port,
            clients["counselor"],
            data.database_url,
            data.tracker_url,
            data.waiting[0],
            trials,
        )
        for client in clients.values():
            client.close()
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["finished"] = _now()
    results["targets"] = report.verdicts(results)
    return results


def main() -> int:
    directory = Path(tempfile.mkdtemp(prefix="console-bench-"))
    keep = os.environ.get("CONSOLE_BENCH_KEEP", "").strip() not in ("", "0")
    try:
        results = run(directory)
    finally:
        if keep:
            print(f"Kept {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
    printed = report.table(results)
    print("\n" + printed)
    json_path, table_path = report.write(results, OUT)
    print(f"\nWrote {json_path.relative_to(REPO_ROOT)} and {table_path.relative_to(REPO_ROOT)}")
    # Like `make bench`: the verdicts are in the table; a missed target is not a failed run.
    return 0


if __name__ == "__main__":
    sys.exit(main())
