"""The one-page SUMMARY.md: headline numbers of all three configs against the quality targets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The report's columns, in order: ours, the config it replaced, Rasa's default.
CONFIG_NAMES = ("ours", "previous", "default")

Getter = Callable[[dict[str, Any]], Any]


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


def _mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} MiB"


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} s"


def _text(value: Any) -> str:
    return "n/a" if value is None else str(value)


def _lookup(get: Getter, results: dict[str, Any]) -> Any:
    """``get(results)``, or None where a skipped step or config left the number out."""
    try:
        return get(results)
    except (KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Measure:
    """One row: where its number is in a config's results, and what counts as good.

    ``target`` is a bound on our config's value; with ``of_previous`` it is a multiple of the
    previous config's value instead (a cost may grow that much for what the change gains).
    A measure without a target is shown for comparison only.
    """

    what: str
    get: Getter
    higher_is_better: bool = True
    fmt: Callable[[Any], str] = _pct
    target: float | None = None
    of_previous: bool = False

    def value(self, results: dict[str, Any]) -> Any:
        return _lookup(self.get, results)

    def limit(self, previous: float | None) -> float | None:
        """The bound our value is held to, or None when it depends on a missing number."""
        if self.target is None or not self.of_previous:
            return self.target
        return None if previous is None else self.target * previous

    def describe_target(self) -> str:
        if self.target is None:
            return "-"
        sign = ">=" if self.higher_is_better else "<="
        if self.of_previous:
            return f"{sign} previous" if self.target == 1 else f"{sign} {self.target:g}x previous"
        return f"{sign} {self.fmt(self.target)}"


TARGETS = [
    Measure(
        "Cross-validation, ours only: intent macro-F1",
        lambda r: r["cv"]["intent_macro_f1"],
        target=0.92,
    ),
    Measure("Held-out split: intent macro-F1", lambda r: r["split"]["intent_macro_f1"]),
    Measure(
        "Held-out split: program entity F1 (the extractor the config relies on)",
        lambda r: r["split"]["program_entity_f1"],
        target=0.97,
    ),
    Measure(
        "External: in-scope lines with the right content",
        lambda r: r["external"]["in_scope_right"],
        target=0.92,
    ),
    Measure(
        "External: in-scope lines declined by mistake (any kind)",
        lambda r: r["external"]["declined_by_mistake"],
        higher_is_better=False,
        target=0.04,
    ),
    Measure(
        "External: oos.tsv lines given a real out-of-scope reply",
        lambda r: r["external"]["oos_out_of_scope"],
        target=0.92,
    ),
    Measure(
        "External: oos.tsv lines given a catalog fact",
        lambda r: r["external"]["oos_catalog_fact"],
        higher_is_better=False,
        target=0.02,
    ),
    Measure(
        "Knowledge base: held-out phrasings answered by their entry",
        lambda r: r["knowledge_base"]["right_entry"],
        target=0.95,
    ),
    Measure(
        "Knowledge base: off-topic lines (ours and oos.tsv) given an entry's answer",
        lambda r: r["knowledge_base"]["off_topic_answered"],
        higher_is_better=False,
        target=0.01,
    ),
    Measure(
        "Knowledge base: catalog questions taken by an entry",
        lambda r: r["knowledge_base"]["catalog_taken"],
        higher_is_better=False,
        target=0.01,
    ),
    Measure(
        "Spanish set: in-scope lines with the right content, in Spanish",
        lambda r: r["spanish"]["in_scope_right"],
        target=0.92,
    ),
    Measure(
        "Spanish set: off-topic lines given a real out-of-scope reply",
        lambda r: r["spanish"]["off_topic_out_of_scope"],
        target=0.90,
    ),
    Measure(
        "Spanish set: replies in Spanish (all lines)",
        lambda r: r["spanish"]["replied_in_spanish"],
    ),
    Measure(
        "Test stories: conversation accuracy",
        lambda r: r["core"]["conversation_accuracy"],
        target=1.0,
    ),
    Measure(
        "Cost: REST turn latency p50 (external scoring)",
        lambda r: r["external"]["latency_median_ms"],
        higher_is_better=False,
        fmt=_ms,
        target=1.2,
        of_previous=True,
    ),
    Measure(
        "Cost: Rasa server resident memory (after the external set)",
        lambda r: r["external"]["rasa_rss_mb"],
        higher_is_better=False,
        fmt=_mib,
        target=1.0,
        of_previous=True,
    ),
    Measure(
        "Cost: full `rasa train` wall time",
        lambda r: r["full_train_seconds"],
        higher_is_better=False,
        fmt=_seconds,
        target=120,
    ),
]

# Which extractor the headline program entity F1 came from; each extractor's own F1 follows it.
ENTITY_SOURCE = Measure(
    "Held-out split: program entity F1 taken from",
    lambda r: r["split"]["entity_extractor"],
    fmt=_text,
)

INFORMATIVE = [
    Measure("Cross-validation: program entity F1", lambda r: r["cv"]["program_entity_f1"]),
    Measure(
        "External: oos.tsv lines given the counselor offer",
        lambda r: r["external"]["oos_counselor_offer"],
    ),
    Measure(
        'External: oos.tsv lines given "Did you mean"', lambda r: r["external"]["oos_did_you_mean"]
    ),
    Measure(
        "External: heldout.tsv out_of_scope lines given a real out-of-scope reply",
        lambda r: r["external"]["heldout_oos_out_of_scope"],
    ),
    Measure("Test stories: action macro-F1", lambda r: r["core"]["action_macro_f1"]),
    Measure("REST turn latency p95", lambda r: r["external"]["latency_p95_ms"], fmt=_ms),
]


def _met(value: float | None, limit: float | None, higher: bool) -> str:
    if value is None:
        return "not measured"
    if limit is None:
        return "n/a"
    return "met" if (value >= limit if higher else value <= limit) else "**not met**"


def _beats_both(ours: float | None, others: list[float | None], higher: bool) -> str:
    """Whether ours is strictly better than every other config; a tie does not beat."""
    known = [other for other in others if other is not None]
    if ours is None or len(known) < len(others):
        return "n/a"
    if all(ours > other if higher else ours < other for other in known):
        return "yes"
    return "no (tie)" if ours in known else "**no**"


def _values(measure: Measure, results: dict[str, Any]) -> dict[str, Any]:
    return {name: measure.value(results.get(name) or {}) for name in CONFIG_NAMES}


def target_rows(results: dict[str, Any]) -> list[str]:
    """The main table: every measure with its target, met or not, and ours against both."""
    lines = [
        "| measure | target | ours | met | previous | default | ours beats both |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for measure in TARGETS:
        values = _values(measure, results)
        ours, previous, default = (values[name] for name in CONFIG_NAMES)
        met = (
            "-"
            if measure.target is None
            else _met(ours, measure.limit(previous), measure.higher_is_better)
        )
        lines.append(
            f"| {measure.what} | {measure.describe_target()} | {measure.fmt(ours)} | {met}"
            f" | {measure.fmt(previous)} | {measure.fmt(default)}"
            f" | {_beats_both(ours, [previous, default], measure.higher_is_better)} |"
        )
    return lines


def extractor_measures(results: dict[str, Any]) -> list[Measure]:
    """A row per entity extractor any config's split report scored, so DIET and our lookup
    extraction are compared on the same lines."""
    splits = [(config or {}).get("split") or {} for config in results.values()]
    names = sorted(
        {name for split in splits for name in split.get("program_entity_f1_by_extractor") or {}}
    )
    return [
        Measure(f"Held-out split: program entity F1, {name}", _extractor_f1(name)) for name in names
    ]


def _extractor_f1(name: str) -> Getter:
    """Where one extractor's program entity F1 is in a config's results."""
    return lambda results: results["split"]["program_entity_f1_by_extractor"][name]


def informative_rows(results: dict[str, Any]) -> list[str]:
    lines = ["| also measured | ours | previous | default |", "| --- | --- | --- | --- |"]
    for measure in [ENTITY_SOURCE, *extractor_measures(results), *INFORMATIVE]:
        values = _values(measure, results)
        lines.append(
            f"| {measure.what} | "
            + " | ".join(measure.fmt(values[name]) for name in CONFIG_NAMES)
            + " |"
        )
    return lines


def _count(external: dict[str, Any], counts_key: str, total_key: str, kind: str) -> str:
    counts, total = external.get(counts_key), external.get(total_key)
    if not counts or not total:
        return "n/a"
    return f"{counts.get(kind, 0) / total:.1%} ({counts.get(kind, 0)})"


# The line sets the kinds table counts: (shown as, counts in results, their total in results).
KIND_TABLE_LINES = (
    ("oos.tsv", "oos_kinds", "oos_total"),
    ("heldout.tsv in-scope", "in_scope_kinds", "in_scope_total"),
)


def kind_rows(results: dict[str, Any]) -> list[str]:
    """What each config replied to oos.tsv and to the in-scope lines, by kind of reply."""
    externals = [(results.get(name) or {}).get("external") or {} for name in CONFIG_NAMES]
    rows = []
    for what, counts_key, total_key in KIND_TABLE_LINES:
        kinds = next((list(e[counts_key]) for e in externals if e.get(counts_key)), [])
        rows += [
            f"| {what} | {kind} | "
            + " | ".join(_count(e, counts_key, total_key, kind) for e in externals)
            + " |"
            for kind in kinds
        ]
    if not rows:
        return ["- not run"]
    return [
        "| lines | reply | ours | previous | default |",
        "| --- | --- | --- | --- | --- |",
        *rows,
    ]


def _smoke(settings: dict[str, Any]) -> bool:
    return (
        settings["epochs_scale"] != 1.0
        or settings["folds"] < 5
        or settings["external_limit"] is not None
        or len(settings["steps"]) < 4
    )


def header(settings: dict[str, Any], runtime_minutes: float) -> list[str]:
    lines = ["# Understanding quality: `make eval` summary", ""]
    if _smoke(settings):
        lines += [
            f"> **Smoke run** (EVAL_EPOCHS_SCALE={settings['epochs_scale']}, "
            f"EVAL_FOLDS={settings['folds']}, EVAL_STEPS={','.join(sorted(settings['steps']))}, "
            f"EVAL_EXTERNAL_LIMIT={settings['external_limit']}): proves the pipeline "
            "runs; these are **not** headline numbers.",
            "",
        ]
    return lines + [
        f"Folds {settings['folds']}, epochs x{settings['epochs_scale']}, split seed "
        f"{settings['seed']} ({settings['training_fraction']:.0%} train), "
        f"runtime {runtime_minutes:.0f} min. Targets: docs/evaluation.md. "
        "Configs: ours (config.yml), "
        "previous (tools/evaluation/previous_config.yml, "
        "the pipeline before spaCy and TED were taken out), "
        "default (tools/evaluation/default_config.yml, Rasa's default)." + _left_out(settings),
        "",
    ]


def _left_out(settings: dict[str, Any]) -> str:
    """Configs EVAL_CONFIGS left out of the run: their columns read "n/a"."""
    left_out = [name for name in CONFIG_NAMES if name not in settings.get("configs", CONFIG_NAMES)]
    return f" Not run (EVAL_CONFIGS): {', '.join(left_out)}." if left_out else ""


def ours_details(ours: dict[str, Any]) -> list[str]:
    """Worst confusions, right content per label and the ambiguous lines, for ours only."""
    lines = ["## Worst confusions (ours, held-out split)", ""]
    pairs = _lookup(lambda r: r["split"]["worst_confusions"], ours) or []
    lines += [f"- {label} -> {other}: {count}" for label, other, count in pairs[:5]] or ["- none"]
    lines += ["", "## External set, right content per label (ours)", ""]
    per_label = _lookup(lambda r: r["external"]["per_label"], ours) or {}
    lines += [f"- {label}: {row['right']}/{row['total']}" for label, row in per_label.items()] or [
        "- not run"
    ]
    decisions = _lookup(lambda r: r["external"]["ambiguous_decisions"], ours) or {}
    lines += [
        "",
        "## heldout_ambiguous.tsv (ours; per line in external/ours_heldout_ambiguous.tsv)",
        "",
    ]
    return lines + (
        [f"- {decision}: {count}" for decision, count in decisions.items()] or ["- not run"]
    )


def render(results: dict[str, Any], settings: dict[str, Any], runtime_minutes: float) -> str:
    lines = [
        *header(settings, runtime_minutes),
        *target_rows(results),
        "",
        *informative_rows(results),
        "",
        "## Kinds of reply on the external set",
        "",
        '"answer" and "not_offered" (we don\'t offer that, here are our programs) answer; the '
        "counselor offer is the right answer for the in-scope labels ask_admission_requirements "
        "and ask_financial_aid.",
        "",
        *kind_rows(results),
        "",
        *ours_details(results.get("ours") or {}),
        "",
        "Details: `split/`, `cv/` (reports and PNG plots per config), `core/`, "
        "`external/` (every line with the bot's actions, responses and kind of reply), "
        "`results.json`.",
        "",
    ]
    return "\n".join(lines)
