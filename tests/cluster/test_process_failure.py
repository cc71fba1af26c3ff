"""Killing one Rasa process in the middle of a load run loses no conversation.

Several students chat through nginx while one Rasa process is SIGKILLed (as a crash or an
out-of-memory kill would do it). A client whose message was in flight on that process gets
an error and sends it again, as the widget's user would; every conversation must then go
on to its end with its context intact, the other processes must keep answering, and each
tracker must hold every message, in the order it was sent, once each.

One exception is allowed, because it is what the system guarantees: if the process stored
its turn and died before its answer left, the re-sent message is handled again, so that one
message appears twice in a row (at least once, not exactly once; docs/scale-out.md).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
from rest import Answer, post, user_texts

from tools.cluster.launcher import Cluster

STUDENTS = 9
SCRIPT = (
    ("tell me about software development", "Software Development"),
    ("how long does it take?", "30 months"),
    ("how much is tuition?", "$3,920"),
    ("what certifications come with it?", "CompTIA A+"),
    ("what about comp sci?", "ITIL"),
    ("how long does it take?", "23 months"),
    ("how much do machine learning engineers make?", "$114,000"),
    ("when can I start?", ""),
)
KILL_AFTER_ANSWERS = 15
RETRIES = 8


@dataclass
class Student:
    sender: str
    answers: list[Answer] = field(default_factory=list)
    resent: set[str] = field(default_factory=set)


def chat(cluster: Cluster, student: Student, answered: list[int]) -> None:
    for message, _ in SCRIPT:
        for _attempt in range(RETRIES):
            try:
                answer = post(cluster.rasa_url, student.sender, message, timeout=90)
            except requests.RequestException:
                answer = Answer(0)
            if answer.status == 200 and answer.messages:
                break
            student.resent.add(message)
            time.sleep(1)
        student.answers.append(answer)
        answered[0] += 1


def without_repeats_of(texts: list[str], resent: set[str]) -> list[str]:
    """``texts`` without a re-sent message's immediate repeat (any other repeat stays)."""
    kept: list[str] = []
    for text in texts:
        if not (kept and text == kept[-1] and text in resent):
            kept.append(text)
    return kept


def test_killing_a_rasa_process_loses_no_conversation(cluster: Cluster) -> None:
    victim = cluster.rasa_names()[0]
    victim_address = f"127.0.0.1:{cluster.rasa_ports[0]}"
    students = [Student(f"failover-{index}-{time.time_ns()}") for index in range(STUDENTS)]
    answered = [0]
    killed_at: list[float] = []

    def killer() -> None:
        deadline = time.monotonic() + 120
        while answered[0] < KILL_AFTER_ANSWERS and time.monotonic() < deadline:
            time.sleep(0.05)
        cluster.kill_rasa(victim)
        killed_at.append(time.monotonic())

    kill = threading.Thread(target=killer)
    kill.start()
    with ThreadPoolExecutor(max_workers=STUDENTS) as pool:
        list(pool.map(lambda student: chat(cluster, student, answered), students))
    kill.join()

    assert killed_at, "the Rasa process was never killed"
    for student in students:
        assert len(student.answers) == len(SCRIPT)
        for (message, expected), answer in zip(SCRIPT, student.answers, strict=True):
            assert answer.status == 200, f"{student.sender}: {message!r} never got an answer"
            assert expected in answer.text, f"{student.sender}: {message!r} -> {answer.text!r}"
        stored = without_repeats_of(user_texts(cluster.tracker(student.sender)), student.resent)
        assert stored == [message for message, _ in SCRIPT], (
            f"{student.sender}: the tracker does not hold each message once, in order"
        )

    after_kill = [
        answer
        for student in students
        for answer in student.answers
        if answer.finished > killed_at[0]
    ]
    survivors = {f"127.0.0.1:{port}" for port in cluster.rasa_ports} - {victim_address}
    assert after_kill, "the load run ended before the kill"
    assert victim_address not in {answer.upstream for answer in after_kill}
    assert {answer.upstream for answer in after_kill} == survivors, (
        "not every other process kept answering"
    )
