"""Checks on the training data in data/ and the test stories in tests/stories/.

Run in the Rasa environment (make test does):
.venv/rasa/bin/python -m pytest tests/test_training_data.py

- The held-out evaluation set (<repo>/../shared/eval/external/) must never leak into the
  training data or the test stories, neither verbatim nor after normalisation.
- Every intent declared in domain.yml has enough NLU examples, and data/ uses no undeclared intent.
- No example is claimed by two intents; test-story messages are not copies of NLU examples.

Data is read with Rasa's own loaders, so what is checked is what Rasa trains on.
"""

import re
import string
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import rasa.shared.utils.io
from rasa.shared.core.constants import DEFAULT_INTENTS
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.loading import load_data

from bot.knowledge.intents import KNOWLEDGE_BASE_INTENT
from bot.settings import REPO_ROOT, SHARED_DIR

REPO = REPO_ROOT
DATA = REPO / "data"
DOMAIN_FILE = REPO / "domain.yml"
TEST_STORIES = REPO / "tests" / "stories"
COVERAGE_TABLE = REPO / "tests" / "coverage" / "statements.yml"
KNOWLEDGE_BASE_EVALUATION = REPO / "tools" / "evaluation" / "knowledge_base" / "entries.yml"
# Intents a pipeline component sets and no example trains (the knowledge-base matcher's).
UNTRAINED_INTENTS = {KNOWLEDGE_BASE_INTENT}
SPANISH_EVALUATION = REPO / "tools" / "evaluation" / "spanish" / "evaluation.tsv"
EXTERNAL = SHARED_DIR / "eval" / "external"
EXTERNAL_FILES = ("heldout.tsv", "heldout_ambiguous.tsv", "oos.tsv")

MIN_EXAMPLES_PER_INTENT = 20

# [text](entity), [text]{"entity": ...}, [text]{...}(...) -> text
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))+")
_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation})


def normalise(text: str) -> str:
    """Lower-case, without entity markup and punctuation, whitespace collapsed."""
    text = _ENTITY_MARKUP.sub(r"\1", text)
    return " ".join(text.lower().translate(_PUNCTUATION).split())


def _yaml_files(folder: Path):
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml"))


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(DOMAIN_FILE))


@pytest.fixture(scope="module")
def declared_intents() -> set:
    """Intents listed in domain.yml itself (Rasa adds its default intents on top)."""
    content = rasa.shared.utils.io.read_yaml_file(DOMAIN_FILE)
    names = set()
    for item in content.get("intents", []):
        names.add(item if isinstance(item, str) else next(iter(item)))
    return names


@pytest.fixture(scope="module")
def nlu_data():
    return load_data(str(DATA / "nlu"))


@pytest.fixture(scope="module")
def nlu_examples(nlu_data):
    """(intent, text without markup) for every NLU example."""
    return [(m.get("intent"), m.get("text")) for m in nlu_data.intent_examples]


def _user_turns(domain: Domain, folder: Path):
    """(file, intent, text or None) for every user turn in the stories/rules below folder."""
    turns = []
    for path in _yaml_files(folder):
        reader = YAMLStoryReader(domain, source_name=str(path))
        for step in reader.read_from_file(str(path)):
            for event in step.events:
                if isinstance(event, UserUttered):
                    turns.append((path, event.intent_name, event.text))
    return turns


@pytest.fixture(scope="module")
def story_turns(domain):
    return _user_turns(domain, DATA / "rules") + _user_turns(domain, DATA / "stories")


@pytest.fixture(scope="module")
def test_story_turns(domain):
    if not TEST_STORIES.is_dir():
        return []
    return _user_turns(domain, TEST_STORIES)


@pytest.fixture(scope="module")
def external_lines():
    if not EXTERNAL.is_dir():
        pytest.skip(
            f"held-out set not found at {EXTERNAL} (the shared folder must sit beside "
            f"the repository as <repo>/../shared); leak check skipped"
        )
    lines = []
    for name in EXTERNAL_FILES:
        path = EXTERNAL / name
        if not path.is_file():
            continue
        rows = path.read_text(encoding="utf-8").splitlines()
        # The first row is the TSV header ("text<TAB>source<TAB>label"), not a held-out line:
        # counting it made the one-word training example "text" look like a leak.
        for raw in rows[1:] if rows and rows[0].startswith("text\t") else rows:
            text = raw.split("\t", 1)[0].strip()
            if text and not text.startswith("#"):
                lines.append((name, text))
    if not lines:
        pytest.skip(f"no held-out lines found in {EXTERNAL} ({', '.join(EXTERNAL_FILES)})")
    return lines


def _leaks(external_lines, texts):
    """Held-out lines found among texts, exactly or after normalisation."""
    exact = set(texts)
    normalised = {normalise(t) for t in texts}
    return sorted(
        f"{name}: {line!r}"
        for name, line in external_lines
        if line in exact or normalise(line) in normalised
    )


def test_no_heldout_line_in_training_data(external_lines, nlu_data, story_turns):
    texts = []
    for message in nlu_data.training_examples:
        texts.append(message.get("text"))
    # the raw example lines as written (with entity markup), in every file under data/
    for path in _yaml_files(DATA):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith("- "):
                texts.append(stripped[2:].strip())
    texts += [text for _, _, text in story_turns if text]
    leaks = _leaks(external_lines, [t for t in texts if t])
    assert not leaks, "held-out evaluation lines found in data/:\n" + "\n".join(leaks)


# A training line this close to a held-out line is a paraphrase of it, not an independent
# example: by spelling (RapidFuzz ratio after `normalise`, lines of 15+ characters) or by
# meaning (the sentence encoder's cosine, lines of 3+ words; short greetings like "ok bye"
# are everyone's words and are left out).
PARAPHRASE_SPELLING = 90.0
PARAPHRASE_MEANING = 0.95


def test_no_close_paraphrase_of_a_heldout_line_in_training_data(external_lines, nlu_data):
    from rapidfuzz import fuzz, process

    from rasa_plugins.nlu.sentence_encoder import shared_encoder

    held_out = [line for _, line in external_lines]
    training = sorted({m.get("text") for m in nlu_data.training_examples if m.get("text")})
    similarity = shared_encoder().encode(training) @ shared_encoder().encode(held_out).T
    comparable_held_out = [normalise(line) for line in held_out]
    close = []
    for row, text in enumerate(training):
        nearest = int(similarity[row].argmax())
        spelled = process.extractOne(normalise(text), comparable_held_out, scorer=fuzz.ratio)
        if len(normalise(text)) >= 15 and spelled[1] >= PARAPHRASE_SPELLING:
            close.append(f"{text!r} ~ {held_out[spelled[2]]!r} (spelling {spelled[1]:.0f})")
        elif len(text.split()) > 2 and similarity[row, nearest] >= PARAPHRASE_MEANING:
            close.append(
                f"{text!r} ~ {held_out[nearest]!r} (meaning {similarity[row, nearest]:.2f})"
            )
    assert not close, "training lines paraphrase held-out lines:\n" + "\n".join(close)


def test_no_answer_coverage_question_in_training_data(nlu_data):
    """The coverage questions (tests/coverage/statements.yml) test generalisation: a question
    copied into data/ would reach its statement by memory alone."""
    table = rasa.shared.utils.io.read_yaml_file(COVERAGE_TABLE)
    questions = {normalise(q["text"]) for row in table["statements"] for q in row["questions"]}
    trained = {normalise(m.get("text")) for m in nlu_data.training_examples if m.get("text")}
    copied = sorted(questions & trained)
    assert not copied, "coverage questions found in data/nlu:\n" + "\n".join(copied)


def test_no_knowledge_base_evaluation_line_in_training_data(nlu_data):
    """The knowledge-base evaluation's phrasings, off-topic lines and catalog questions
    (tools/evaluation/knowledge_base/entries.yml) measure matching by meaning and choose its
    thresholds: one trained into the classifier would be read by memory instead."""
    table = rasa.shared.utils.io.read_yaml_file(KNOWLEDGE_BASE_EVALUATION)
    lines = [
        line
        for entry in table["entries"]
        for key in ("phrasings", "tuning", "held_out")
        for line in entry[key]
    ]
    lines += [
        line
        for group in ("off_topic", "catalog", "uncovered")
        for half in table[group].values()
        for line in half
    ]
    trained = {normalise(m.get("text")) for m in nlu_data.training_examples if m.get("text")}
    copied = sorted({normalise(line) for line in lines} & trained)
    assert len(lines) >= 600
    assert not copied, "knowledge-base evaluation lines found in data/nlu:\n" + "\n".join(copied)


def _folded(text: str) -> str:
    """`normalise`, without accents: "cuánto" and "cuanto" are the same line to a student."""
    decomposed = unicodedata.normalize("NFKD", normalise(text))
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def test_no_spanish_evaluation_line_or_close_spelling_of_one_in_training_data(nlu_data):
    """tools/evaluation/spanish/evaluation.tsv measures Spanish understanding (`make eval`):
    neither its lines of 3+ words nor near-copies of them (RapidFuzz ratio, accents ignored, lines
    of 15+ characters) may be trained on; "hola" and "no gracias" are everyone's words."""
    from rapidfuzz import fuzz, process

    rows = SPANISH_EVALUATION.read_text(encoding="utf-8").splitlines()[1:]
    held_out = [_folded(row.split("\t")[0]) for row in rows if row.strip()]
    assert len(held_out) >= 400
    trained = sorted({_folded(m.get("text")) for m in nlu_data.training_examples if m.get("text")})
    copied = sorted(line for line in set(held_out) & set(trained) if len(line.split()) > 2)
    assert not copied, "Spanish evaluation lines found in data/nlu:\n" + "\n".join(copied)
    close = []
    for text in trained:
        if len(text) < 15:
            continue
        spelled = process.extractOne(text, held_out, scorer=fuzz.ratio)
        if spelled[1] >= PARAPHRASE_SPELLING:
            close.append(f"{text!r} ~ {spelled[0]!r} ({spelled[1]:.0f})")
    assert not close, "training lines spell Spanish evaluation lines:\n" + "\n".join(close)


def test_untrained_intents_have_no_examples(nlu_examples):
    trained = {intent for intent, _ in nlu_examples} & UNTRAINED_INTENTS
    assert not trained, f"set by a component, never trained: {trained}"


def test_no_heldout_line_in_test_stories(external_lines, test_story_turns):
    leaks = _leaks(external_lines, [text for _, _, text in test_story_turns if text])
    assert not leaks, "held-out evaluation lines found in tests/stories/:\n" + "\n".join(leaks)


def test_every_domain_intent_has_enough_examples(declared_intents, nlu_examples):
    counts = defaultdict(int)
    for intent, _ in nlu_examples:
        counts[intent] += 1
    too_few = {
        intent: counts[intent]
        for intent in sorted(declared_intents - UNTRAINED_INTENTS)
        if counts[intent] < MIN_EXAMPLES_PER_INTENT
    }
    assert not too_few, f"intents with fewer than {MIN_EXAMPLES_PER_INTENT} examples: {too_few}"


def test_nlu_uses_only_declared_intents(declared_intents, nlu_examples):
    undeclared = sorted({intent for intent, _ in nlu_examples} - declared_intents)
    assert not undeclared, f"NLU intents missing from domain.yml: {undeclared}"


def test_stories_and_rules_use_only_known_intents(declared_intents, story_turns, test_story_turns):
    known = declared_intents | set(DEFAULT_INTENTS)
    unknown = sorted(
        f"{path.relative_to(REPO)}: {intent}"
        for path, intent, _ in story_turns + test_story_turns
        if intent and intent not in known
    )
    assert not unknown, "stories/rules use intents not in domain.yml:\n" + "\n".join(unknown)


def test_every_domain_intent_has_a_rule(declared_intents, domain):
    ruled = {intent for _, intent, _ in _user_turns(domain, DATA / "rules")}
    missing = sorted(declared_intents - ruled)
    assert not missing, f"intents without a rule in data/rules: {missing}"


def test_no_example_under_two_intents(nlu_examples):
    intents_by_text = defaultdict(set)
    for intent, text in nlu_examples:
        intents_by_text[normalise(text)].add(intent)
    clashes = {text: sorted(i) for text, i in intents_by_text.items() if len(i) > 1}
    assert not clashes, f"examples claimed by more than one intent: {clashes}"


def test_no_duplicate_example_within_an_intent(nlu_examples):
    seen = set()
    duplicates = []
    for intent, text in nlu_examples:
        key = (intent, normalise(text))
        if key in seen:
            duplicates.append(f"{intent}: {text!r}")
        seen.add(key)
    assert not duplicates, "examples repeated within an intent:\n" + "\n".join(duplicates)


def test_test_stories_are_not_training_examples(nlu_examples, test_story_turns):
    """Test stories check generalisation, so their messages must be new to the model."""
    trained = {normalise(text) for _, text in nlu_examples}
    copies = sorted(
        f"{path.relative_to(REPO)}: {text!r}"
        for path, _, text in test_story_turns
        if text and normalise(text) in trained
    )
    assert not copies, "test-story messages copied from data/nlu:\n" + "\n".join(copies)


def test_test_stories_cover_every_intent(declared_intents, test_story_turns):
    if not test_story_turns:
        pytest.skip("no test stories in tests/stories")
    covered = {intent for _, intent, _ in test_story_turns}
    missing = sorted(declared_intents - covered)
    assert not missing, f"intents no test story exercises: {missing}"
