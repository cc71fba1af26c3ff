"""A copy of the project that `rasa train` runs in must carry our own NLU components.

config.yml names them by module path, so Rasa imports them from its working directory.
`make bench` times training in a temporary copy of the project; when that copy held only
config.yml, domain.yml and data/, training there failed on the import and the benchmark
stopped before writing its report.
"""

from __future__ import annotations

import yaml

from bot.settings import REPO_ROOT
from tools.benchmarks.training import TRAINING_DIRECTORIES


def _custom_component_packages() -> set[str]:
    config = yaml.safe_load((REPO_ROOT / "config.yml").read_text())
    components = [*(config.get("pipeline") or []), *(config.get("policies") or [])]
    return {component["name"].split(".")[0] for component in components if "." in component["name"]}


def test_config_uses_a_custom_component() -> None:
    # Without one, the next test would pass vacuously.
    assert "rasa_plugins" in _custom_component_packages()


def test_benchmark_training_copy_includes_every_custom_component_package() -> None:
    assert _custom_component_packages() <= set(TRAINING_DIRECTORIES)
