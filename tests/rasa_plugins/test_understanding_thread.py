"""Understanding runs on its thread pool (rasa_plugins/understanding_thread.py): the event loop
stays free meanwhile, and the parse is Rasa's own, checked as Rasa checks it."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor

from rasa_plugins import understanding_thread


class Processor:
    """The parts of MessageProcessor that parse_message uses."""

    http_interpreter = None

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.calls: list[tuple[str, str]] = []

    def _parse_message_with_graph(
        self, message: UserMessage, tracker: Any, only_output_properties: bool
    ) -> dict[str, Any]:
        self.calls.append(("graph", threading.current_thread().name))
        time.sleep(self.seconds)  # as onnxruntime does, without holding Python's lock
        return {
            "text": message.text,
            "intent": {"name": "ask_tuition", "confidence": 0.9},
            "entities": [],
            "tracker_events": len(tracker.events),
        }

    def _update_full_retrieval_intent(self, parse_data: dict[str, Any]) -> None:
        self.calls.append(("retrieval", threading.current_thread().name))

    def _check_for_unseen_features(self, parse_data: dict[str, Any]) -> None:
        self.calls.append(("unseen", threading.current_thread().name))


def test_the_graph_runs_on_the_pool_and_the_rest_on_the_loop() -> None:
    processor = Processor()

    async def parse() -> dict[str, Any]:
        return await understanding_thread.parse_message(
            processor,
            UserMessage("how much is tuition?", sender_id="s"),
        )

    parsed = asyncio.run(parse())
    assert parsed["intent"]["name"] == "ask_tuition" and parsed["tracker_events"] == 0
    (graph, retrieval, unseen) = processor.calls
    assert graph[0] == "graph" and graph[1].startswith("understanding")
    assert retrieval == ("retrieval", threading.current_thread().name)
    assert unseen == ("unseen", threading.current_thread().name)


def test_the_loop_serves_others_while_a_message_is_understood() -> None:
    processor = Processor(seconds=0.3)
    ticks: list[float] = []

    async def tick() -> None:
        for _ in range(5):
            ticks.append(time.monotonic())
            await asyncio.sleep(0.02)

    async def both() -> None:
        await asyncio.gather(
            understanding_thread.parse_message(
                processor,
                UserMessage("hi", sender_id="s"),
            ),
            tick(),
        )

    started = time.monotonic()
    asyncio.run(both())
    assert len(ticks) == 5 and ticks[-1] - started < 0.25


def test_a_failing_parse_reaches_the_caller() -> None:
    class Broken(Processor):
        def _parse_message_with_graph(self, *args: Any) -> dict[str, Any]:
            raise ValueError("graph failed")

    with pytest.raises(ValueError, match="graph failed"):
        asyncio.run(
            understanding_thread.parse_message(
                Broken(),
                UserMessage("hi", sender_id="s"),
            )
        )


def test_install_replaces_rasas_method(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MessageProcessor, "parse_message", MessageProcessor.parse_message)
    understanding_thread.install()
    assert MessageProcessor.parse_message is understanding_thread.parse_message
