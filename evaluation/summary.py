"""The one-page SUMMARY.md: headline numbers of both configs against issue 5's targets."""

from __future__ import annotations

from typing import Any, Callable

# (what, where in results, target, higher is better). Each row of the summary table.
TARGETS: list[tuple[str, Callable[[dict[str, Any]], float | None], float, bool]] = [
    ("Held-out split: intent macro-F1", lambda r: r["split"]["intent_macro_f1"], 0.95, True),
    ("Held-out split: entity macro-F1", lambda r: r["split"]["entity_macro_f1"], 0.95, True),
    ("External: in-scope lines with the right content",
     lambda r: r["external"]["in_scope_right"], 0.90, True),
    ("External: oos.tsv declined (OOS recall)", lambda r: r["external"]["oos_declined"], 0.90, True),
    ("External: in-scope lines declined by mistake",
     lambda r: r["external"]["declined_by_mistake"], 0.05, False),
    ("Test stories: conversation accuracy", lambda r: r["core"]["conversation_accuracy"], 1.0, True),
]


def _get(getter: Callable[[dict[str, Any]], float | None], results: dict[str, Any]) -> float | None:
    try:
        return getter(results)
    except (KeyError, TypeError):
        return None


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _met(value: float | None, target: float, higher: bool) -> str:
    if value is None:
        return "not measured"
    return "met" if (value >= target if higher else value <= target) else "**not met**"


def _better(ours: float | None, default: float | None, higher: bool) -> str:
    if ours is None or default is None:
        return "n/a"
    if ours == default:
        return "tie"
    return "yes" if (ours > default if higher else ours < default) else "**no**"


def render(results: dict[str, Any], settings: dict[str, Any], runtime_minutes: float) -> str:
    ours, default = results["ours"], results["default"]
    smoke = (settings["epochs_scale"] != 1.0 or settings["folds"] < 5
             or settings["external_limit"] is not None or len(settings["steps"]) < 4)
    lines = ["# Understanding quality: `make eval` summary", ""]
    if smoke:
        lines += [f"> **Smoke run** (EVAL_EPOCHS_SCALE={settings['epochs_scale']}, "
                  f"EVAL_FOLDS={settings['folds']}, EVAL_STEPS={','.join(sorted(settings['steps']))}, "
                  f"EVAL_EXTERNAL_LIMIT={settings['external_limit']}): proves the pipeline "
                  "runs; these are **not** headline numbers.", ""]
    lines += [f"Folds {settings['folds']}, epochs x{settings['epochs_scale']}, split seed "
              f"{settings['seed']} ({settings['training_fraction']:.0%} train), "
              f"runtime {runtime_minutes:.0f} min. Targets from issue 5.", "",
              "| measure | target | ours | met | Rasa default | ours better |",
              "| --- | --- | --- | --- | --- | --- |"]
    for what, getter, target, higher in TARGETS:
        mine, theirs = _get(getter, ours), _get(getter, default)
        sign = ">=" if higher else "<="
        lines.append(f"| {what} | {sign} {target:.0%} | {_pct(mine)} | {_met(mine, target, higher)}"
                     f" | {_pct(theirs)} | {_better(mine, theirs, higher)} |")
    lines += ["", "| also measured | ours | Rasa default |", "| --- | --- | --- |"]
    informative = [
        ("Cross-validation: intent macro-F1", lambda r: r["cv"]["intent_macro_f1"], _pct),
        ("Cross-validation: entity macro-F1", lambda r: r["cv"]["entity_macro_f1"], _pct),
        ("Test stories: action macro-F1", lambda r: r["core"]["action_macro_f1"], _pct),
        ("External heldout.tsv out_of_scope lines declined",
         lambda r: r["external"]["heldout_oos_declined"], _pct),
        ("REST turn latency, median", lambda r: r["external"]["latency_median_ms"], _ms),
        ("REST turn latency, p95", lambda r: r["external"]["latency_p95_ms"], _ms),
    ]
    for what, getter, fmt in informative:
        lines.append(f"| {what} | {fmt(_get(getter, ours))} | {fmt(_get(getter, default))} |")
    lines += ["", "## Worst confusions (ours, held-out split)", ""]
    pairs = _get(lambda r: r["split"]["worst_confusions"], ours) or []
    lines += [f"- {label} -> {other}: {count}" for label, other, count in pairs[:5]] or ["- none"]
    lines += ["", "## External set, right content per label (ours)", ""]
    per_label = _get(lambda r: r["external"]["per_label"], ours) or {}
    lines += [f"- {label}: {row['right']}/{row['total']}"
              for label, row in per_label.items()] or ["- not run"]
    decisions = _get(lambda r: r["external"]["ambiguous_decisions"], ours) or {}
    lines += ["", "## heldout_ambiguous.tsv (ours; per line in external/ours_heldout_ambiguous.tsv)", ""]
    lines += [f"- {decision}: {count}" for decision, count in decisions.items()] or ["- not run"]
    lines += ["", "Details: `split/`, `cv/` (reports and PNG plots per config), `core/`, "
              "`external/` (every line with the bot's actions), `results.json`.", ""]
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"
