"""The in-process graph runner (rasa_plugins/graph_runner.py) gives what Rasa's dask runner gives,
on the same graph, and fails the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import rasa.core.processor
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

from rasa_plugins import graph_runner
from rasa_plugins.graph_runner import InProcessGraphRunner

CALLS: list[str] = []


class Step(GraphComponent):
    """Records its calls; `combine` joins what it is given, `fail` raises."""

    def __init__(self, name: str) -> None:
        self.name = name

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Step:
        return cls(config["name"])

    def combine(self, **inputs: Any) -> str:
        CALLS.append(self.name)
        return f"{self.name}(" + ",".join(f"{k}={inputs[k]}" for k in sorted(inputs)) + ")"

    def fail(self, **inputs: Any) -> str:
        raise ValueError(f"{self.name} failed")


def node(name: str, needs: dict[str, str], fn: str = "combine", target: bool = False) -> SchemaNode:
    return SchemaNode(
        needs=needs,
        uses=Step,
        constructor_name="create",
        fn=fn,
        config={"name": name},
        is_target=target,
    )


SCHEMA = GraphSchema(
    {
        "tokens": node("tokens", {"message": "__message__"}),
        "features": node("features", {"tokens": "tokens"}),
        "intent": node("intent", {"tokens": "tokens", "features": "features"}, target=True),
        "unused": node("unused", {"message": "__message__"}),
        "policy": node("policy", {"intent": "intent", "tracker": "__tracker__"}, target=True),
        "broken": node("broken", {"intent": "intent"}, fn="fail"),
    }
)


def runners(tmp_path: Path) -> tuple[DaskGraphRunner, InProcessGraphRunner]:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(SCHEMA, "test")
    return (
        DaskGraphRunner(SCHEMA, storage, context),
        InProcessGraphRunner(SCHEMA, storage, context),
    )


@pytest.mark.parametrize("targets", [["intent"], ["policy"], ["intent", "policy"]])
def test_the_same_results_with_each_node_run_once(tmp_path: Path, targets: list[str]) -> None:
    dask_runner, ours = runners(tmp_path)
    inputs = {"__message__": "hi", "__tracker__": "t1"}
    CALLS.clear()
    expected = dask_runner.run(inputs, targets)
    dask_calls = list(CALLS)
    CALLS.clear()
    for _ in range(2):  # a second run reuses the kept graph
        assert ours.run(inputs, targets) == expected
    assert sorted(CALLS) == sorted(dask_calls * 2)
    assert "unused" not in CALLS and CALLS.count("tokens") == 2


def test_new_inputs_give_new_results(tmp_path: Path) -> None:
    _, ours = runners(tmp_path)
    first = ours.run({"__message__": "hi", "__tracker__": "t"}, ["intent"])
    second = ours.run({"__message__": "bye", "__tracker__": "t"}, ["intent"])
    assert first != second and "bye" in second["intent"]


def test_a_failing_node_raises_as_with_dask(tmp_path: Path) -> None:
    dask_runner, ours = runners(tmp_path)
    inputs = {"__message__": "hi", "__tracker__": "t"}
    with pytest.raises(Exception) as from_dask:
        dask_runner.run(inputs, ["broken"])
    with pytest.raises(Exception) as from_ours:
        ours.run(inputs, ["broken"])
    assert type(from_ours.value) is type(from_dask.value)
    assert str(from_ours.value) == str(from_dask.value)


def test_install_makes_the_server_load_models_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", DaskGraphRunner)
    graph_runner.install()
    assert rasa.core.processor.DaskGraphRunner is InProcessGraphRunner
