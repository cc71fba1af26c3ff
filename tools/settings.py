"""How the tools (benchmarks, evaluation, fuzzing, the cluster) read their knobs.

Each tool keeps its knobs in one frozen dataclass beside its code (`BenchConfig`, `EvalConfig`,
`FuzzConfig`, `ClusterSettings`), every field made with `env_setting`, so its default and the
variable that overrides it are written once; docs/ lists them per tool. The product's own
settings are `bot.settings`.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import field
from pathlib import Path
from typing import Any


def env_setting(name: str, default: Any, doc: str) -> Any:
    """A setting read from the variable ``name``; ``doc`` is what docs/ says of it."""
    return field(default_factory=lambda: default, metadata={"env": name, "doc": doc})


def values_from_env(config_class: type) -> dict[str, Any]:
    """The fields of a settings dataclass (made with `env_setting`) that the environment sets,
    parsed to the type of their default; `make bench` and `make fuzz` read theirs this way."""
    values = {}
    for setting in dataclasses.fields(config_class):
        text = os.environ.get(setting.metadata["env"], "").strip()
        default = setting.default_factory
        if not callable(default):  # dataclasses.MISSING: not a field made with env_setting
            raise TypeError(f"{config_class.__name__}.{setting.name} has no env_setting default")
        if text:
            values[setting.name] = _parse(text, default())
    return values


def _parse(text: str, like: Any) -> Any:
    if isinstance(like, bool):
        return text.lower() not in ("", "0", "false", "no")
    if isinstance(like, tuple):
        return tuple(
            int(part) if isinstance(like[0], int) else part.strip()
            for part in text.replace(",", " ").split()
        )
    if isinstance(like, Path):
        return Path(text)
    return type(like)(text)
