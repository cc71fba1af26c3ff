"""The two-stage fallback through the real servers: after "did you mean ...?", a chosen topic
is answered as if it had been the first message, and "Something else" leads to a rephrase.

The unclear message is sent as the `/nlu_fallback` payload so the test does not depend on which
real sentence today's model happens to be unsure about.
"""

from __future__ import annotations

from tools.servers import Servers, text_of


def test_choosing_a_suggestion_answers_it(servers: Servers, sender: str) -> None:
    first = text_of(servers.say(sender, "/nlu_fallback"))
    assert first.strip()
    assert servers.last_bot_actions(sender) == ["action_two_stage_fallback"]
    assert "$3,920" in text_of(servers.say(sender, "/ask_tuition"))


def test_something_else_asks_to_rephrase_then_answers(servers: Servers, sender: str) -> None:
    servers.say(sender, "/nlu_fallback")
    rephrase = text_of(servers.say(sender, "/out_of_scope"))
    assert "English" in rephrase  # both variations of utter_ask_rephrase say so
    assert "$3,920" in text_of(servers.say(sender, "how much is tuition?"))


def test_still_unclear_after_rephrasing_gives_up_then_answers(
    servers: Servers, sender: str
) -> None:
    servers.say(sender, "/nlu_fallback")
    servers.say(sender, "/out_of_scope")  # none of the suggestions: asked to rephrase
    servers.say(sender, "/nlu_fallback")  # the rephrasing is still unclear: suggestions again
    given_up = text_of(servers.say(sender, "/out_of_scope"))
    assert "still can't work out what you need" in given_up  # utter_default
    assert "$3,920" in text_of(servers.say(sender, "how much is tuition?"))
