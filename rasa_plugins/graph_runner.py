"""Rasa's prediction graphs, run in order without dask's scheduler.

For every message the Rasa server runs its NLU graph once and its policy graph two or three
times. Rasa 3.6's `DaskGraphRunner` recomputes the minimal graph for the targets, rebuilds a dask
graph and hands it to dask's synchronous scheduler (a task queue, locks, callbacks) on every
run: 10% of the server's busy time in a profile under load, for graphs of a dozen nodes that
can only run one after another. `InProcessGraphRunner` keeps the graph per set of targets and
calls each node once, after the nodes it needs, exactly as the dask graph would; the nodes,
their hooks and their errors are Rasa's own.

`install()` (called by `python -m rasa_plugins.server`) makes the Rasa server load its models
with it; training keeps Rasa's runner.
"""

from __future__ import annotations

from typing import Any

import rasa.core.processor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner


class InProcessGraphRunner(DaskGraphRunner):
    """`DaskGraphRunner`'s graph (the same nodes and inputs), evaluated without dask."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._graphs: dict[tuple[str, ...], dict[str, Any]] = {}

    def run(
        self,
        inputs: dict[str, Any] | None = None,
        targets: list[str] | None = None,
    ) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        graph = dict(self._graph_for(tuple(run_targets)))
        if inputs:
            self._add_inputs_to_graph(inputs, graph)
        results: dict[str, Any] = {}
        try:
            return dict(_evaluate(graph, target, results) for target in run_targets)
        except RuntimeError as error:  # as DaskGraphRunner reports a failed run
            raise GraphRunError("Error running runner.") from error

    def _graph_for(self, targets: tuple[str, ...]) -> dict[str, Any]:
        if targets not in self._graphs:
            minimal = self._graph_schema.minimal_graph_schema(list(targets))
            self._graphs[targets] = self._build_dask_graph(minimal)
        return self._graphs[targets]


def _evaluate(graph: dict[str, Any], key: str, results: dict[str, Any]) -> Any:
    """The value of `key`: a node called with the values of the keys it needs, or an input.

    In the graph (dask's format), a node is `(GraphNode, *keys it needs)` and an input is
    `(input name, value)`; a node's value is `(node name, output)`. A name that is not in the
    graph stands for itself, as in dask.
    """
    if key not in graph:
        return key
    if key not in results:
        task = graph[key]
        if callable(task[0]):
            node, *needs = task
            results[key] = node(*(_evaluate(graph, need, results) for need in needs))
        else:
            results[key] = task
    return results[key]


def install() -> None:
    """Load the Rasa server's models with `InProcessGraphRunner`."""
    rasa.core.processor.DaskGraphRunner = InProcessGraphRunner
