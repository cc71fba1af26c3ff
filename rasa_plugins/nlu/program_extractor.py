"""Rasa graph component: the `program` entity from the program database's names.

The names are the `program` lookup table and its synonyms, both generated from the
database (data/nlu/lookups/program.yml), plus any annotated example whose value is
known. Each found name is set with its program's value ("computer_science"), so no
EntitySynonymMapper step is needed and a typo ("softwre dev") resolves as well as the
exact name. It replaces DIET for entities: a trained tagger needed 60 epochs of
TensorFlow to learn the same two dozen names, and still missed names it had not seen.

Used from config.yml as ``rasa_plugins.nlu.program_extractor.ProgramEntityExtractor``.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_plugins.nlu.program_names import DEFAULT_MIN_SIMILARITY, ProgramNameMatcher, normalise

NAMES_FILE = "program_names.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class ProgramEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Sets a `program` entity for every program name, typo-tolerant, with its value."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"entity": "program", "min_similarity": DEFAULT_MIN_SIMILARITY}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        names: dict[str, str] | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.names = names or {}
        self._matcher = ProgramNameMatcher(self.names, float(self._config["min_similarity"]))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ProgramEntityExtractor:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self.names = program_names_in(training_data, self._config["entity"])
        self._matcher = ProgramNameMatcher(self.names, float(self._config["min_similarity"]))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / NAMES_FILE).write_text(json.dumps(self.names, indent=1, sort_keys=True))
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ProgramEntityExtractor:
        try:
            with model_storage.read_from(resource) as directory:
                names = json.loads((directory / NAMES_FILE).read_text())
        except (ValueError, FileNotFoundError):
            names = {}
        return cls(config, model_storage, resource, names)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text:
                continue
            found = [
                {
                    ENTITY_ATTRIBUTE_TYPE: self._config["entity"],
                    ENTITY_ATTRIBUTE_START: mention.start,
                    ENTITY_ATTRIBUTE_END: mention.end,
                    ENTITY_ATTRIBUTE_VALUE: mention.value,
                    ENTITY_ATTRIBUTE_CONFIDENCE: round(mention.similarity / 100, 3),
                }
                for mention in self._matcher.find(text)
            ]
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(found),
                add_to_output=True,
            )
        return messages


def program_names_in(training_data: TrainingData, entity: str) -> dict[str, str]:
    """Each way the training data names a program, mapped to the program's value.

    The value of a lookup entry comes from the synonyms (generated beside the lookup from
    the database); an annotated example contributes its own text and value.
    """
    synonyms = {text.lower(): value for text, value in training_data.entity_synonyms.items()}
    names: dict[str, str] = {}
    for table in training_data.lookup_tables:
        if table.get("name") != entity or not isinstance(table.get("elements"), list):
            continue
        for element in table["elements"]:
            if element.lower() in synonyms:
                names[element.lower()] = synonyms[element.lower()]
    for example in training_data.entity_examples:
        text = example.get(TEXT) or ""
        for annotation in example.get(ENTITIES) or []:
            if annotation.get(ENTITY_ATTRIBUTE_TYPE) == entity:
                written = text[
                    annotation[ENTITY_ATTRIBUTE_START] : annotation[ENTITY_ATTRIBUTE_END]
                ]
                if not _part_of_a_longer_name(written, names):
                    names.setdefault(written.lower(), str(annotation[ENTITY_ATTRIBUTE_VALUE]))
    return names


def _part_of_a_longer_name(written: str, names: dict[str, str]) -> bool:
    """True for "software" when "software development" is a name: in context ("the software
    one") it meant the program, but as a name of its own it would match "software engineer"."""
    words = f" {normalise(written)} "
    return any(
        words in f" {normalise(name)} " and normalise(name) != normalise(written) for name in names
    )
