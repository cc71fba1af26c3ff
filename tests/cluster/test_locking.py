"""Many messages sent at once for one sender are handled one at a time, in order, exactly once.

They go through nginx, so they are spread over every Rasa process; only the Redis lock
store keeps two processes from handling the same conversation at the same moment. Two
turns handled at once would both load the same tracker and save over each other: events
lost, duplicated or interleaved, which is what the tracker is checked for.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from rest import Answer, post, turns, user_texts

from tools.cluster.launcher import Cluster

QUESTIONS = (
    ("how much is tuition for computer science?", "$3,920"),
    ("how long does the software development degree take?", "30 months"),
    ("how much do machine learning engineers make?", "$114,000"),
    ("how long does computer science take?", "23 months"),
)
AT_ONCE = 12


def test_simultaneous_messages_of_one_sender_are_serialised(cluster: Cluster, sender: str) -> None:
    messages = [QUESTIONS[i % len(QUESTIONS)][0] + f" (question {i + 1})" for i in range(AT_ONCE)]
    start = threading.Barrier(AT_ONCE)

    def send(message: str) -> Answer:
        start.wait()
        return post(cluster.rasa_url, sender, message, timeout=120)

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        answers = list(pool.map(send, messages))

    assert [answer.status for answer in answers] == [200] * AT_ONCE
    assert len({answer.upstream for answer in answers}) > 1, "all messages went to one process"
    for message, answer in zip(messages, answers, strict=True):
        expected = next(figure for question, figure in QUESTIONS if message.startswith(question))
        assert expected in answer.text, f"{message!r} was answered with {answer.text!r}"

    tracker = cluster.tracker(sender)
    handled = user_texts(tracker)
    # Exactly once each: nothing lost, nothing duplicated.
    assert sorted(handled) == sorted(messages)
    # One at a time: every turn is complete (its answer, then listening) before the next begins.
    for message, events in zip(handled, turns(tracker), strict=True):  # a turn per user message
        actions = [event["name"] for event in events if event["event"] == "action"]
        assert actions and actions[-1] == "action_listen", (
            f"turn {message!r} was cut into: {actions}"
        )
        assert actions.count("action_listen") == 1, (
            f"turn {message!r} interleaved with another: {actions}"
        )
        assert sum(event["event"] == "bot" for event in events) >= 1
    # In order: the order they were handled in is the order their answers came back.
    answered_order = [
        message for _, message in sorted(zip((a.finished for a in answers), messages, strict=True))
    ]
    assert handled == answered_order
