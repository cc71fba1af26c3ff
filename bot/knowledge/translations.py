"""Reviewed translations of the catalog's wording, and the catalog in another language.

`catalog_es.yml` mirrors `catalog.yml` (same keys, same list order) with only the wording a
student reads translated; numbers, quotes and sources stay in `catalog.yml` alone. Each English
string is paired with its translation and stored by `python -m bot db seed` in
`catalog_translation`, keyed by the English itself. `translated` then swaps every string of a
catalog dataclass that has a translation: an English wording with none (a fact the office has
edited since its translation was reviewed) stays in English, so a Spanish answer never states
an old fact.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.database.models import CatalogTranslation

TRANSLATION_FILES: dict[str, Path] = {"es": Path(__file__).with_name("catalog_es.yml")}
# Identifiers, never shown as wording: a program's code must stay the code whatever the language.
_UNTRANSLATED_FIELDS = frozenset({"code"})

T = TypeVar("T")


class TranslationFileError(ValueError):
    """A translation file that does not mirror catalog.yml."""


def translation_pairs(english: Any, translated: Any, where: str = "") -> dict[str, str]:
    """English wording -> its translation, walking the two catalogs side by side. A key or a list
    item the translation leaves out has no translation; one the English lacks is an error."""
    if isinstance(translated, str):
        if not isinstance(english, str):
            raise TranslationFileError(f"{where or 'top'}: translated text where English has none")
        return (
            {english.strip(): translated.strip()} if english.strip() != translated.strip() else {}
        )
    if isinstance(translated, Mapping):
        if not isinstance(english, Mapping):
            raise TranslationFileError(f"{where or 'top'}: a section English does not have")
        pairs: dict[str, str] = {}
        for key, value in translated.items():
            if key not in english:
                raise TranslationFileError(f"{where}.{key}: not in catalog.yml")
            pairs |= translation_pairs(english[key], value, f"{where}.{key}")
        return pairs
    if isinstance(translated, list):
        if not isinstance(english, list) or len(english) != len(translated):
            raise TranslationFileError(f"{where}: a list of another length than catalog.yml's")
        pairs = {}
        for position, (source, target) in enumerate(zip(english, translated, strict=True)):
            pairs |= translation_pairs(source, target, f"{where}[{position}]")
        return pairs
    return {}  # numbers, booleans and nulls are not wording


def load_translation_pairs(catalog: Mapping[str, Any], language: str) -> dict[str, str]:
    path = TRANSLATION_FILES[language]
    return translation_pairs(catalog, yaml.safe_load(path.read_text(encoding="utf-8")))


def seed_translations(session: Session, language: str, pairs: Mapping[str, str]) -> None:
    """Make `catalog_translation` hold exactly `pairs` for `language`; the caller commits."""
    session.execute(delete(CatalogTranslation).where(CatalogTranslation.language == language))
    session.add_all(
        CatalogTranslation(
            language=language, english_sha256=_digest(english), english=english, text=text
        )
        for english, text in pairs.items()
    )
    session.flush()


def read_translations(session: Session, language: str) -> dict[str, str]:
    rows = session.execute(
        select(CatalogTranslation.english, CatalogTranslation.text).where(
            CatalogTranslation.language == language
        )
    ).all()
    return {english: text for english, text in rows}


def translated(value: T, memory: Mapping[str, str]) -> T:
    """`value` (a catalog dataclass, a tuple of them, or a string) with every string that has a
    translation in `memory` replaced by it."""
    if not memory:
        return value
    return _translate(value, memory)  # type: ignore[no-any-return]


def _translate(value: Any, memory: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return memory.get(value.strip(), value)
    if isinstance(value, tuple):
        return tuple(_translate(item, memory) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            field.name: _translate(getattr(value, field.name), memory)
            for field in dataclasses.fields(value)
            if field.name not in _UNTRANSLATED_FIELDS
        }
        return dataclasses.replace(value, **changes)
    return value


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
