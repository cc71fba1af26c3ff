"""Understanding reads at most the configured number of characters, whichever way a text came in."""

from __future__ import annotations

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_plugins.nlu.text_limit import DEFAULT_MAX_CHARACTERS, TextLimit


def test_a_long_text_is_cut_to_the_limit_and_a_short_one_is_left_alone() -> None:
    limit = TextLimit(max_characters=10)
    long, short, empty = (
        Message({TEXT: "tuition? " * 1000}),
        Message({TEXT: "tuition?"}),
        Message({TEXT: ""}),
    )
    limit.process([long, short, empty])
    assert long.get(TEXT) == "tuition? t"
    assert short.get(TEXT) == "tuition?" and empty.get(TEXT) == ""


def test_the_default_limit_is_the_one_config_yml_documents() -> None:
    assert DEFAULT_MAX_CHARACTERS == 2000
    assert TextLimit.get_default_config() == {"max_characters": 2000}
    assert TextLimit.create({"max_characters": "500"}, None, None, None).max_characters == 500


def test_it_is_the_first_component_of_the_pipeline() -> None:
    import yaml

    with open("config.yml", encoding="utf-8") as config:
        pipeline = yaml.safe_load(config)["pipeline"]
    assert pipeline[0]["name"] == "rasa_plugins.nlu.text_limit.TextLimit"
