"""`python -m tools.evaluation.knowledge_base choose|score [--model M]`.

choose: parse the tuning half (plus data/nlu's own off-topic examples) and print, for each
threshold, how many entry phrasings reach their entry and how many off-topic and catalog lines an
entry would take; it names the threshold to put in config.yml. score: the held-out half at the
threshold the model was trained with, into reports/eval/knowledge_base/ (what `make eval` runs).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
from pathlib import Path
from typing import Any

import yaml

from bot.settings import REPO_ROOT
from rasa_plugins.nlu.knowledge_base_matcher import Thresholds
from tools.evaluation.knowledge_base.fixture import EvaluationData, build_database, load_data
from tools.evaluation.knowledge_base.scoring import Parsed, choose_thresholds, parse_lines, rates
from tools.external_set import EXTERNAL_DIR, read_lines

MODEL = REPO_ROOT / "models" / "enrollment.tar.gz"
OUT = REPO_ROOT / "reports" / "eval" / "knowledge_base"
OWN_OFF_TOPIC = REPO_ROOT / "data" / "nlu" / "out_of_scope.yml"


def lines_of(
    data: EvaluationData, ids: dict[str, int], half: str, extra_off_topic: tuple[str, ...] = ()
) -> list[tuple[str, str, int | None]]:
    lines: list[tuple[str, str, int | None]] = []
    for entry in data.entries:
        lines += [(text, "entry", ids[entry.key]) for text in getattr(entry, half)]
    lines += [(text, "off_topic", None) for text in (*data.off_topic[half], *extra_off_topic)]
    lines += [(text, "catalog", None) for text in data.catalog[half]]
    lines += [(text, "uncovered", None) for text in data.uncovered[half]]
    return lines


def training_off_topic() -> tuple[str, ...]:
    """data/nlu's out_of_scope examples: our own off-topic lines, more negatives to tune on."""
    raw = yaml.safe_load(OWN_OFF_TOPIC.read_text(encoding="utf-8"))
    examples = "\n".join(item.get("examples", "") for item in raw["nlu"] if "intent" in item)
    return tuple(line[2:].strip() for line in examples.splitlines() if line.startswith("- "))


def external_off_topic() -> tuple[str, ...]:
    """CLINC's out-of-scope queries (oos.tsv): measured on, never tuned on; absent, left out."""
    if not (EXTERNAL_DIR / "oos.tsv").is_file():
        print(f"{EXTERNAL_DIR / 'oos.tsv'} not found: the off-topic measure uses our lines only")
        return ()
    return tuple(text for text, _ in read_lines("oos.tsv"))


def parse_half(model: Path, half: str, workdir: Path) -> list[Parsed]:
    """The tuning half with data/nlu's off-topic examples, or the held-out half with oos.tsv."""
    data = load_data()
    database_url = f"sqlite:///{workdir / 'knowledge_base_eval.db'}"
    ids = build_database(database_url, data)
    extra = training_off_topic() if half == "tuning" else external_off_topic()
    return parse_lines(model, database_url, lines_of(data, ids, half, extra))


def configured_thresholds(config_file: Path = REPO_ROOT / "config.yml") -> Thresholds:
    """The matcher's thresholds in config.yml (what `make train` gives the model)."""
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"].endswith("KnowledgeBaseMatcher"):
            return Thresholds(
                topic=float(component["topic_threshold"]),
                unsure=float(component["unsure_threshold"]),
                margin=float(component.get("margin", 0.0)),
            )
    raise SystemExit(f"{config_file} has no KnowledgeBaseMatcher")


def evaluate_knowledge_base(model: Path, out: Path = OUT) -> dict[str, Any]:
    """The held-out half at the configured threshold; writes results.json and outcomes.tsv."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        parsed = parse_half(model, "held_out", Path(workdir))
    thresholds = configured_thresholds()
    result = dataclasses.asdict(rates(parsed, thresholds))
    (out / "results.json").write_text(json.dumps(result, indent=2))
    with (out / "outcomes.tsv").open("w", encoding="utf-8") as tsv:
        tsv.write("group\texpected\tanswered\treading\tclosest\tsimilarity\ttext\n")
        for row in parsed:
            answered = row.answered_by(thresholds)
            tsv.write(
                f"{row.group}\t{row.expected_entry or ''}\t{answered or ''}\t{row.reading}\t"
                f"{row.closest_entry or ''}\t{row.similarity:.3f}\t{row.text}\n"
            )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.evaluation.knowledge_base")
    parser.add_argument("step", choices=("choose", "score"))
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args()
    if args.step == "score":
        print(json.dumps(evaluate_knowledge_base(args.model), indent=2))
        return
    with tempfile.TemporaryDirectory() as workdir:
        parsed = parse_half(args.model, "tuning", Path(workdir))
    chosen, table = choose_thresholds(parsed)
    # Each threshold varied alone around the chosen one.
    print("topic  unsure  margin  right  wrong  off-topic  catalog  off-topic close  uncovered")
    for row in table:
        t = row.thresholds
        alike = (
            (t.topic == chosen.topic) + (t.unsure == chosen.unsure) + (t.margin == chosen.margin)
        )
        if alike >= 2:
            mark = "  <- chosen" if t == chosen else ""
            print(
                f"{t.topic:5.2f}  {t.unsure:6.2f}  {t.margin:6.2f}  "
                f"{row.right_entry:5.1%}  {row.wrong_entry:5.1%}  "
                f"{row.off_topic_answered:9.1%}  {row.catalog_taken:7.1%}  "
                f"{row.off_topic_close:15.1%}  {row.uncovered_answered:9.1%}{mark}"
            )
    print(f"counts: {table[0].counts}; chosen: {chosen}")


if __name__ == "__main__":
    main()
