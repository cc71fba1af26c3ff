"""The program extractor learns the database's names at training and finds them after loading.

The bot's `program` slot takes the entity's value, so the value must be the program's code
("computer_science"), not the words typed; and a model packed without the names file must
still answer, only without program entities. Pure Python matching, no spaCy, no DIET.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.settings import REPO_ROOT
from rasa_plugins.nlu.program_extractor import ProgramEntityExtractor

NLU_DATA = REPO_ROOT / "data" / "nlu"
SYNONYMS = {
    "comp sci": "computer_science",
    "cs": "computer_science",
    "software dev": "software_development",
    "software development": "software_development",
}


@pytest.fixture
def context(tmp_path: Path) -> dict:
    return {
        "model_storage": LocalModelStorage(tmp_path),
        "resource": Resource("programs"),
        "execution_context": ExecutionContext(GraphSchema({}), "test"),
    }


def training_data() -> TrainingData:
    annotated = Message(
        data={
            TEXT: "i want to study comp science",
            INTENT: "ask_program",
            ENTITIES: [{"entity": "program", "start": 16, "end": 28, "value": "computer_science"}],
        }
    )
    return TrainingData(
        training_examples=[annotated],
        entity_synonyms=SYNONYMS,
        lookup_tables=[{"name": "program", "elements": list(SYNONYMS)}],
    )


def trained_then_loaded(context: dict, data: TrainingData) -> ProgramEntityExtractor:
    config = ProgramEntityExtractor.get_default_config()
    ProgramEntityExtractor.create(config, **context).train(data)
    return ProgramEntityExtractor.load(config, **context)


def entities(extractor: ProgramEntityExtractor, text: str) -> list[dict]:
    [message] = extractor.process([Message(data={TEXT: text})])
    return message.get(ENTITIES)


def test_a_loaded_extractor_sets_the_programs_code(context: dict) -> None:
    extractor = trained_then_loaded(context, training_data())
    assert entities(extractor, "is softwre dev harder than CS?") == [
        {
            "entity": "program",
            "start": 3,
            "end": 14,
            "value": "software_development",
            "confidence": 0.957,
            "extractor": "ProgramEntityExtractor",
        },
        {
            "entity": "program",
            "start": 27,
            "end": 29,
            "value": "computer_science",
            "confidence": 1.0,
            "extractor": "ProgramEntityExtractor",
        },
    ]


def test_an_annotated_example_teaches_its_name(context: dict) -> None:
    [entity] = entities(trained_then_loaded(context, training_data()), "tuition for comp science")
    assert (entity["value"], entity["start"], entity["end"]) == ("computer_science", 12, 24)


def test_other_extractors_entities_are_kept(context: dict) -> None:
    extractor = trained_then_loaded(context, training_data())
    other = {"entity": "slot_id", "value": "42", "start": 0, "end": 2}
    [message] = extractor.process([Message(data={TEXT: "42 for cs", ENTITIES: [other]})])
    assert [e["entity"] for e in message.get(ENTITIES)] == ["slot_id", "program"]


def test_an_extractor_without_names_adds_nothing(context: dict) -> None:
    """Loading from a resource that was never written (no names file) must not fail."""
    extractor = ProgramEntityExtractor.load(ProgramEntityExtractor.get_default_config(), **context)
    assert entities(extractor, "tell me about computer science") == []
    assert entities(ProgramEntityExtractor.create({}, **context), "comp sci") == []


def test_the_projects_data_does_not_make_software_a_program_name(context: dict) -> None:
    """FAILS (bug): data/nlu/programs.yml annotates "the [software] one" as software_development,
    and train() takes every annotated text as a name, so every "software" becomes a program:
    "can i be a software engineer with this degree" (a training example itself) gets one."""
    extractor = trained_then_loaded(context, load_data(str(NLU_DATA)))
    assert entities(extractor, "tuition for softwre dev")[0]["value"] == "software_development"
    assert entities(extractor, "can i be a software engineer with this degree") == []
