"""Understanding a message runs beside the Rasa server's event loop, not on it.

Rasa 3.6 runs the NLU graph synchronously on the server's one event-loop thread, so while one
student's message is understood, no other student's turn moves. Most of that time is the
sentence encoder in onnxruntime (a fifth of the server's busy time under load), which releases
Python's lock while it computes: on a worker thread it runs on the second core while the loop
serves other students. Per message nothing changes (the graph, its input and its output are
Rasa's); under load, one process answers more students within the same p95.

Messages of one conversation still reach understanding one at a time (the lock store holds the
conversation for the whole turn), and every component in config.yml only reads its trained
state while it processes a message, so two conversations may be understood at once.

`install()` (called by `python -m rasa_plugins.server`) replaces
`MessageProcessor.parse_message`; the body below is Rasa 3.6.21's, with the graph run moved to
the thread pool. A remote NLU server (`http_interpreter`) is left to Rasa's own method.
"""

from __future__ import annotations

import asyncio
import copy
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import rasa.core.processor
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

# Two cores: one worker understands while the loop works; a second keeps a short message from
# waiting behind a long one.
WORKERS = 2

_rasa_parse_message = MessageProcessor.parse_message
_pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="understanding")


async def parse_message(
    self: MessageProcessor,
    message: UserMessage,
    tracker: DialogueStateTracker | None = None,
    only_output_properties: bool = True,
) -> dict[str, Any]:
    """Rasa's `parse_message`, with the NLU graph run on the understanding thread pool."""
    if self.http_interpreter:
        parsed: dict[str, Any] = await _rasa_parse_message(
            self, message, tracker, only_output_properties
        )
        return parsed
    if tracker is None:
        tracker = DialogueStateTracker.from_events(message.sender_id, [])
    parse_data: dict[str, Any] = await asyncio.get_running_loop().run_in_executor(
        _pool, self._parse_message_with_graph, message, tracker, only_output_properties
    )
    self._update_full_retrieval_intent(parse_data)
    rasa.core.processor.structlogger.debug(
        "processor.message.parse",
        parse_data_text=copy.deepcopy(parse_data["text"]),
        parse_data_intent=parse_data["intent"],
        parse_data_entities=copy.deepcopy(parse_data["entities"]),
    )
    self._check_for_unseen_features(parse_data)
    return parse_data


def install() -> None:
    """Understand messages on the thread pool in this Rasa process."""
    MessageProcessor.parse_message = parse_message
