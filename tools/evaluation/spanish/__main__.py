"""`python -m tools.evaluation.spanish [--model M] [--limit N]`: the Spanish set end to end with
one model (what `make eval`'s ``spanish`` step runs for every config), into
reports/eval/spanish/."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.settings import REPO_ROOT
from tools.evaluation.spanish.run import evaluate_spanish

OUT = REPO_ROOT / "reports" / "eval" / "spanish"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.evaluation.spanish")
    parser.add_argument("--model", type=Path, default=REPO_ROOT / "models" / "enrollment.tar.gz")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    results = evaluate_spanish({"ours": args.model}, OUT, args.limit)
    for name, result in results.items():
        shown = {key: value for key, value in result.items() if key != "per_label"}
        print(name, json.dumps(shown, indent=2))
        for label, counts in result["per_label"].items():
            print(f"  {label:30} {counts['right']:3}/{counts['total']}")


if __name__ == "__main__":
    main()
