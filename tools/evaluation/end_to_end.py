"""The external set, answered end to end by the running bot, for one trained model.

The servers and the scoring are the end-to-end tests' own (tools/servers.py and
tools/external_set.py), imported rather than copied, so `make eval` and `make test`
can never disagree about what a right answer is or which kind of reply a line got.
"""

from __future__ import annotations

import csv
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bot.knowledge.reply_kinds import ANSWERING_KINDS, ReplyKind
from tools.external_set import (
    COUNSELOR_LABELS,
    EXTERNAL_DIR,
    RIGHT_CONTENT,
    Outcome,
    ask,
    kind_counts,
    read_lines,
    score,
)
from tools.servers import Servers

T = TypeVar("T")


@dataclass
class EvalServers(Servers):
    """The e2e servers (serving the model the evaluation trained), timing every REST turn."""

    turn_seconds: list[float] = field(default_factory=list)

    def say_with_metadata(
        self, sender: str, message: Any, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """A REST turn as the widget makes it, timed: the latency a student waits for."""
        started = time.perf_counter()
        replies = super().say_with_metadata(sender, message, metadata)
        self.turn_seconds.append(time.perf_counter() - started)
        return replies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def spread(lines: list[T], limit: int | None) -> list[T]:
    """At most ``limit`` lines taken evenly through the file, or all of them.

    The files are grouped by label, so the first N lines of a smoke run would all be one
    or two labels and leave measures like "declined by mistake" with nothing to count.
    """
    if limit is None or limit >= len(lines):
        return lines
    return lines[:: len(lines) // limit][:limit]


def rate(count: int, total: int) -> float | None:
    return count / total if total else None


def share(outcomes: list[Outcome], test: Callable[[Outcome], bool]) -> float | None:
    """The fraction of ``outcomes`` that pass ``test``; None when there is nothing to count."""
    return rate(sum(map(test, outcomes)), len(outcomes))


def of_kind(kind: ReplyKind) -> Callable[[Outcome], bool]:
    return lambda outcome: outcome.kind == kind


def external_results(heldout: list[Outcome], oos: list[Outcome]) -> dict[str, Any]:
    """The external-set measures from scored outcomes.

    Not answering is counted by kind: for oos.tsv only the real out-of-scope reply is right,
    a catalog fact is the worst reply, and the counselor offer and "Did you mean" are shown
    apart. "Declined by mistake" counts every kind on in-scope lines, except the labels whose
    right answer is the counselor offer.
    """
    in_scope = [o for o in heldout if o.label != "out_of_scope"]
    mistaken = [o for o in in_scope if o.label not in COUNSELOR_LABELS]
    labels = sorted({o.label for o in heldout})
    return {
        "in_scope_right": share(in_scope, lambda o: o.correct),
        "in_scope_total": len(in_scope),
        "declined_by_mistake": share(mistaken, lambda o: o.declined),
        "heldout_oos_out_of_scope": share(
            [o for o in heldout if o.label == "out_of_scope"], of_kind("out_of_scope")
        ),
        "oos_out_of_scope": share(oos, of_kind("out_of_scope")),
        "oos_catalog_fact": share(oos, lambda o: o.catalog_fact),
        "oos_counselor_offer": share(oos, of_kind("counselor_offer")),
        "oos_did_you_mean": share(oos, of_kind("did_you_mean")),
        "oos_total": len(oos),
        "oos_kinds": kind_counts(oos),
        "in_scope_kinds": kind_counts(in_scope),
        "per_label": {
            label: {
                "right": sum(o.correct for o in heldout if o.label == label),
                "total": sum(o.label == label for o in heldout),
            }
            for label in labels
        },
    }


def ambiguous_decision(servers: Servers, text: str, candidates: list[str]) -> dict[str, str]:
    """What the bot did with one line that could fairly mean several things.

    ``score`` needs one label per line, so these are asked directly; the decision names
    the candidate whose right content the reply carries, or which kind of not answering it
    was, or says it did something else, for the team to judge line by line.
    """
    reply = ask(servers, text, prefix="ambiguous")
    served = [
        label
        for label in candidates
        if label in RIGHT_CONTENT and RIGHT_CONTENT[label](reply.text, reply.actions)
    ]
    if served:
        decision = "answered as " + " + ".join(served)
    elif reply.kind not in ANSWERING_KINDS:
        decision = f"declined ({reply.kind})"
    else:
        decision = "other"
    return {"actions": " ".join(reply.actions), "decision": decision}


def resident_memory_mb(pid: int, proc: Path = Path("/proc")) -> float | None:
    """A process's resident memory (VmRSS) in MiB, or None where /proc does not tell.

    The memory a Rasa server holds once it has answered the external set is what each
    server of a deployment needs, so it is one of the costs the configs are compared on.
    """
    try:
        status = (proc / str(pid) / "status").read_text()
    except OSError:
        return None
    rss_kb = next(
        (line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")), None
    )
    return None if rss_kb is None else int(rss_kb) / 1024


def write_outcomes(outcomes: list[Outcome], path: Path) -> None:
    """Every scored line with the bot's actions, so a wrong answer can be looked up."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(
            ["text", "label", "correct", "kind", "catalog_fact", "actions", "responses"]
        )
        for o in outcomes:
            writer.writerow(
                [
                    o.text,
                    o.label,
                    o.correct,
                    o.kind,
                    o.catalog_fact,
                    " ".join(o.actions),
                    " ".join(o.responses),
                ]
            )


def read_ambiguous() -> list[dict[str, str]]:
    with (EXTERNAL_DIR / "heldout_ambiguous.tsv").open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def evaluate_models(models: dict[str, Path], out: Path, limit: int | None = None) -> dict[str, Any]:
    """Score every model on the external set behind one action server and database.

    One action server and one seeded database serve all models, so the configs differ in
    nothing but the model; Rasa servers run one at a time so latencies are comparable, and
    each server's memory is read after it answered the same lines, before it is stopped.
    """
    if not EXTERNAL_DIR.is_dir():
        print(f"external set not found at {EXTERNAL_DIR}: skipping end-to-end scoring")
        return {}
    workdir = out / "servers"
    workdir.mkdir(parents=True, exist_ok=True)
    servers = EvalServers(workdir=workdir)
    servers.seed_database()
    heldout_lines = spread(read_lines("heldout.tsv"), limit)
    oos_lines = spread(read_lines("oos.tsv"), limit)
    ambiguous_lines = spread(read_ambiguous(), limit)
    results: dict[str, Any] = {}
    for name in served_one_at_a_time(servers, models, "the external set"):
        try:
            heldout, oos = score(servers, heldout_lines), score(servers, oos_lines)
            latencies = list(servers.turn_seconds)
            ambiguous = [
                {
                    **row,
                    **ambiguous_decision(servers, row["text"], row["candidate_labels"].split("|")),
                }
                for row in ambiguous_lines
            ]
            rss_mb = resident_memory_mb(servers.processes["rasa"].pid)
        finally:
            servers.stop("rasa")
        write_outcomes(heldout, out / f"{name}_heldout.tsv")
        write_outcomes(oos, out / f"{name}_oos.tsv")
        write_ambiguous(ambiguous, out / f"{name}_heldout_ambiguous.tsv")
        results[name] = {
            **external_results(heldout, oos),
            "latency_median_ms": 1000 * statistics.median(latencies),
            "latency_p95_ms": 1000 * percentile(latencies, 0.95),
            "rasa_rss_mb": rss_mb,
            "ambiguous_decisions": dict(
                sorted(Counter(row["decision"] for row in ambiguous).items())
            ),
        }
    return results


def served_one_at_a_time(servers: EvalServers, models: dict[str, Path], what: str) -> Iterator[str]:
    """Each model's name while its Rasa server runs, behind one action server: one server at a
    time, so latencies are comparable. The caller stops it (`servers.stop("rasa")`) once it has
    read its memory; everything is stopped at the end, whatever happened."""
    try:
        servers.start_action_server()
        for name, model in models.items():
            print(f"scoring {what} with {model}", flush=True)
            servers.model, servers.turn_seconds = model, []
            servers.start_rasa()
            yield name
    finally:
        servers.stop_all()


def write_ambiguous(rows: list[dict[str, str]], path: Path) -> None:
    columns = ["text", "candidate_labels", "note", "actions", "decision"]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, delimiter="\t", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
