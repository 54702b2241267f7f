"""The one loader: a knowledge directory in, one immutable :class:`Knowledge` out.

A knowledge directory holds ``categories.yaml``, rule files, ``examples.csv``, the notes, and
perhaps a trained ``model.json``. Its model is one envelope with named parts: the settings,
the compiled rules and cue tables, the knowledge's words, the classifier's weights and the
decision's calibration. :func:`load` finds the envelope in the directory (``model.json``),
else in the cache under ``MODEL_ADVISOR_HOME``, else has it built now and caches it.
Whichever it is, the :class:`Knowledge` is decoded from the envelope's bytes by the same
code, so a model just trained answers exactly like the same model read back from a file.

Building a model calibrates the decision, which takes the engine's rule matching: so the
builder is one stage up (:mod:`model_advisor.engine.building`, which also holds the public
``load_knowledge``), and :func:`load` is handed it. This module compiles what needs no
training (:func:`compile_rules`) and frames the envelope (:func:`frame_model`).

A model is stamped with :func:`knowledge_sha256` of what it was built from (categories, rules,
examples, and the code that builds it); a stale one is never used.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from .. import _paths
from .._text import normalize, words
from .._typos import ENGLISH_LEAST_COUNT, english_words, lookalikes
from .._version import __version__
from ..errors import ExampleDataError, KnowledgeBaseError, ModelFileError
from ..types import Category, Example
from .compiled import COMMON_EXAMPLES, SPELLING_MIN_LENGTH, CueTables, RuleTables
from .glossary import GlossaryTables
from .modelfile import (
    REBUILD,
    Part,
    frame,
    json_part,
    read_bytes,
    read_json_part,
    read_words_part,
    unframe,
    words_part,
    write_atomic,
)
from .notes import KnowledgeBase
from .rules import SETTINGS_FILE, glossary_files, load_rules, rule_files
from .schema import KeywordCondition, PhraseCondition, RuleSet, Settings
from .weights import ClassifierWeights

EXAMPLES_FILE = "examples.csv"
MODEL_FILE = "model.json"
FORMAT = "model-advisor/knowledge"
FORMAT_VERSION = 8
"""3: the decision's calibration; 4: words, not a stem table, two temperatures; 5: named parts
on lines of their own, each n-gram's push and squared idf stored as computed; 6: the glossary;
7: its languages that join words into one; 8: its clitics."""
MAX_MODEL_BYTES = 64_000_000
_SKIPPED = ("stale", "version")  # a model for other knowledge, or from another version


def cached_model_path(stamp: str) -> Path:
    """Where the cache keeps the model built from the knowledge of hash ``stamp``."""
    return _paths.model_cache_dir() / f"{stamp}.json"


BUILDERS = (
    "_reading/__init__.py",
    "_reading/alternatives.py",
    "_reading/clauses.py",
    "_reading/duties.py",
    "_reading/negation.py",
    "_reading/scene.py",
    "_reading/scopes.py",
    "_reading/verbs.py",
    "_reading/words.py",
    "_script.py",
    "_text.py",
    "_typos.py",
    "engine/building.py",
    "engine/decision.py",
    "engine/glossing.py",
    "engine/matching.py",
    "engine/pipeline.py",
    "engine/spelling.py",
    "knowledge/compiled.py",
    "knowledge/examples.py",
    "knowledge/frames.py",
    "knowledge/glossary.py",
    "knowledge/loader.py",
    "knowledge/notes.py",
    "knowledge/rules.py",
    "knowledge/schema.py",
    "knowledge/training.py",
    "knowledge/weights.py",
)
"""The package's modules that turn a knowledge directory into a model: how texts are read and
stemmed (training reads the examples as advice reads tasks), how rules and their question and
output frames compile, which words the model keeps (this module), how the classifier is
trained and exported, and how rules match and the decision mixes (the calibration is fitted on
the decision's scores)."""


def builders_sha256() -> str:
    """Hash the code of :data:`BUILDERS`: a model built by other code is stale, like one built
    from other knowledge (an upgrade that reads texts differently retrains, it does not reuse
    a model it would not build). Without the sources (a byte-code-only install), the package
    version stands for them."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parents[1]
    for name in BUILDERS:
        with contextlib.suppress(OSError):
            digest.update(name.encode() + b"\0" + (package / name).read_bytes() + b"\0")
    return digest.hexdigest()


_BUILDERS_SHA256 = builders_sha256()


def knowledge_sha256(directory: Path) -> str:
    """Hash what a model is built from: the categories, the rule files, the examples, the
    glossary, and the code that builds it (:func:`builders_sha256`)."""
    digest = hashlib.sha256(_BUILDERS_SHA256.encode())
    files = [directory / SETTINGS_FILE, *rule_files(directory), directory / EXAMPLES_FILE]
    for path in [*files, *glossary_files(directory)]:
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"")
        digest.update(b"\0")
    return digest.hexdigest()


class Temperatures(NamedTuple):
    """The decision's calibration: what its scores are raised to the power of one over."""

    ruled: float  # for a task on which a rule fired: the mixed scores
    alone: float  # for a task no rule fired on: the classifier's probabilities
    glossed: float = 1.0  # for a task read through the glossary, rules or not

    def pick(self, *, ruled: bool, glossed: bool) -> float:
        """The temperature of a task (see :func:`calibration_group`)."""
        return float(getattr(self, calibration_group(ruled=ruled, glossed=glossed)))


def calibration_group(*, ruled: bool, glossed: bool) -> str:
    """Which of the :class:`Temperatures` calibrates a task: ``glossed`` when it was read
    through the glossary, else ``ruled`` when a rule fired on it, else ``alone``."""
    return "glossed" if glossed else ("ruled" if ruled else "alone")


@dataclass(frozen=True)
class CompiledRules:
    """The YAML of a knowledge directory, ready to match: what needs no training."""

    settings: Settings
    rules: RuleTables
    kinds: CueTables
    modalities: CueTables
    words: tuple[str, ...]
    """Every word of the knowledge (examples, rules, notes), and the English words that are
    typos of its common ones (:func:`~model_advisor._typos.lookalikes`), sorted."""
    common: tuple[str, ...]
    """The words a misspelling may be read as, commonest first: the words of plain letters
    that :data:`~.compiled.COMMON_EXAMPLES` examples or more hold."""
    glossary: GlossaryTables

    @property
    def known_words(self) -> frozenset[str]:
        """Real words of the knowledge: never taken for misspellings."""
        return frozenset(self.words)


def compile_rules(directory: Path, ruleset: RuleSet, examples: Sequence[Example]) -> CompiledRules:
    """Compile a validated rule set, with all the knowledge's words."""
    per_example = [set(words(normalize(e.task))) for e in examples]  # read once
    texts: list[str] = []
    for rule in ruleset.rules:
        for condition in (*rule.any, *rule.all, *rule.none):
            if isinstance(condition, KeywordCondition):
                texts.extend(condition.words)
            elif isinstance(condition, PhraseCondition):
                texts.extend(condition.phrases)
    notes = directory / ruleset.settings.notes
    if notes.is_file():
        texts.append(notes.read_text(encoding="utf-8", errors="replace"))
    held = Counter(w for found in per_example for w in found)
    common = sorted(
        (w for w, count in held.items() if count >= COMMON_EXAMPLES and _plain(w)),
        key=lambda w: (-held[w], w),
    )
    vocabulary = set(held).union(*(words(normalize(text)) for text in texts))
    vocabulary |= lookalikes(common, SPELLING_MIN_LENGTH)  # real words, never typos
    settings = ruleset.settings
    glossary = GlossaryTables.empty()
    if ruleset.glossary:
        own = set(words(normalize(" ".join(texts))))  # the rules' and the notes' words
        surely = english_words(ENGLISH_LEAST_COUNT) | own  # a form that is one is dropped
        glossary = GlossaryTables.compile(
            ruleset.glossary, surely.__contains__, english_words() | own
        )
    return CompiledRules(
        settings,
        RuleTables.compile(ruleset.rules),
        CueTables.compile([(k.id, k.cues) for k in settings.kinds]),
        CueTables.compile([(m.id, m.cues) for m in settings.modalities]),
        tuple(sorted(vocabulary)),
        tuple(common),
        glossary,
    )


def _plain(word: str) -> bool:
    """A word of four or more plain letters: one a misspelling (of five or more) may be."""
    return len(word) >= SPELLING_MIN_LENGTH - 1 and word.isascii() and word.isalpha()


@dataclass(frozen=True)
class KnowledgeRef:
    """A small, picklable reference to a knowledge directory as it was loaded.

    A worker process turns it into the same :class:`Knowledge` with
    :func:`model_advisor.engine.building.load_ref`, which refuses a directory that has changed
    since (:meth:`check`).
    """

    path: str
    fingerprint: str  # sha256 of the model's stamp and of the notes

    def check(self, knowledge: Knowledge) -> Knowledge:
        """``knowledge``, loaded from :attr:`path`, if it still is what this refers to.

        Raises:
            ModelFileError: the directory no longer holds the same knowledge.
        """
        if knowledge.ref.fingerprint != self.fingerprint:
            raise ModelFileError(
                self.path,
                "the knowledge changed after the batch started (its rules, examples or notes "
                "differ); run again",
                "stale",
            )
        return knowledge


@dataclass(frozen=True, eq=False)
class Knowledge:
    """A knowledge directory compiled: everything advising needs, and nothing that changes.

    Built only by :func:`load`, the same way whatever the model's source.
    """

    directory: Path
    sha256: str  # the stamp: what the model was built from
    settings: Settings
    rules: RuleTables
    kinds: CueTables
    modalities: CueTables
    known_words: frozenset[str]
    common_words: tuple[str, ...]  # what a misspelt word may be read as, commonest first
    glossary: GlossaryTables  # words of other languages read as English words
    classifier: ClassifierWeights
    decision_temperatures: Temperatures  # the calibration of the combined scores
    notes: KnowledgeBase

    @property
    def categories(self) -> tuple[Category, ...]:
        """The category ids, in declared order."""
        return self.settings.ids

    @property
    def ref(self) -> KnowledgeRef:
        """A picklable reference that a worker process loads the same knowledge from."""
        both = f"{self.sha256}:{self.notes.sha256}".encode()
        return KnowledgeRef(str(self.directory), hashlib.sha256(both).hexdigest())


def load(
    directory: Path | str | os.PathLike[str],
    build: Callable[[Path], bytes],
    *,
    notes: bool = True,
) -> Knowledge:
    """Load a knowledge directory with a model built from its current files.

    The directory's own ``model.json`` is used when it was built from the directory's current
    categories, rules and examples; else a cached model for them; else one made now by
    ``build`` and cached under ``MODEL_ADVISOR_HOME`` (when the cache cannot be written, it is
    used anyway). Without ``notes``, the notes are not read (the decision needs none; advice
    quotes them).

    Raises:
        RuleFileError, ExampleDataError: the YAML or the examples are invalid (when a model
            has to be built).
        KnowledgeBaseError: the notes cannot be read.
        ModelFileError: the directory's ``model.json`` is corrupt or unreadable.
    """
    directory = Path(directory)
    if not directory.is_dir():
        load_rules(directory)  # raises the usual "not a directory" problem
    stamp = knowledge_sha256(directory)
    cached = cached_model_path(stamp)
    found = _saved(directory / MODEL_FILE, stamp, own=True) or _saved(cached, stamp, own=False)
    if found is None:
        raw = build(directory)
        with contextlib.suppress(OSError):  # unwritable: a training next time, not an error
            write_atomic(cached, raw)
        shown = f"{directory} (trained now)"
        found = _unframe(raw, shown, stamp), shown  # from its bytes, as a saved one is read
    (header, parts), shown = found
    return _decode(directory, header, parts, shown, notes)


def compile_directory(directory: Path, ruleset: RuleSet | None = None) -> CompiledRules:
    """Compile a directory's rules (``ruleset``, when loaded already) as
    :func:`load` does, without a model.

    Unreadable examples only leave their words out of the known words.

    Raises:
        RuleFileError: the YAML is invalid.
    """
    from .examples import load_examples  # the table reader: not needed to answer

    ruleset = ruleset or load_rules(directory)
    try:
        examples = load_examples(directory / EXAMPLES_FILE, ruleset.settings.ids)
    except ExampleDataError:
        examples = []
    return compile_rules(directory, ruleset, examples)


def frame_model(
    stamp: str, compiled: CompiledRules, weights: ClassifierWeights, temperatures: Temperatures
) -> bytes:
    """The model file of a knowledge directory (of hash ``stamp``), as bytes: its compiled
    rules, its classifier's weights and its decision's calibration."""
    from sklearn import __version__ as sklearn_version

    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "sklearn_version": sklearn_version,
        "labels": list(weights.labels),
        "knowledge_sha256": stamp,
    }
    classifier, columns = weights.encode()
    body = {
        "settings": compiled.settings.model_dump(mode="json"),
        "rules": compiled.rules.to_json(),
        "kinds": compiled.kinds.to_json(),
        "modalities": compiled.modalities.to_json(),
        "classifier": classifier,
        "decision": {
            "temperature": temperatures.ruled,
            "temperature_alone": temperatures.alone,
            "temperature_glossed": temperatures.glossed,
        },
    }
    words = {"words": words_part(compiled.words), "common": words_part(compiled.common)}
    glossary = compiled.glossary.parts()
    return frame(header, {"body": json_part(body), **words, **glossary, **columns})


def read_model(path: Path, stamp: str | None = None) -> tuple[dict[str, Any], dict[str, Part]]:
    """Read and check a model file's header and parts (not yet decoded).

    Raises:
        ModelFileError: missing, unreadable, corrupt, from another format version, or (with
            ``stamp``) built from other knowledge.
    """
    return _unframe(read_bytes(path, MAX_MODEL_BYTES), str(path), stamp)


def _unframe(raw: bytes, shown: str, stamp: str | None) -> tuple[dict[str, Any], dict[str, Part]]:
    header, parts = unframe(raw, shown, FORMAT, FORMAT_VERSION)
    if not isinstance(header.get("knowledge_sha256"), str):
        raise ModelFileError(shown, f"malformed model (no knowledge_sha256); {REBUILD}")
    if stamp is not None and header["knowledge_sha256"] != stamp:
        message = "stale: built from other rules or examples; retrain with `model-advisor train`"
        raise ModelFileError(shown, message, "stale")
    return header, parts


def _saved(
    path: Path, stamp: str, *, own: bool
) -> tuple[tuple[dict[str, Any], dict[str, Part]], str] | None:
    """A model file's header and parts, and its name, if it was built from this very
    knowledge; else None.

    A model for other knowledge or from another version is passed over; so is a cached one
    that is corrupt (it is rebuilt), but the directory's own corrupt model is an error.
    """
    if not path.exists():
        return None
    try:
        return read_model(path, stamp), str(path)
    except ModelFileError as err:
        if err.code in _SKIPPED or not own:
            return None
        raise


def _decode(
    directory: Path, header: dict[str, Any], parts: dict[str, Part], shown: str, notes: bool
) -> Knowledge:
    try:
        body = read_json_part(parts["body"])
        if not isinstance(body, dict):
            raise ValueError("the body is not an object")
        settings = Settings.model_validate(body["settings"])
        known = read_words_part(parts["words"])
        common = read_words_part(parts["common"])
        glossary = GlossaryTables.from_parts(parts)  # its tables made at the first task
        classifier = ClassifierWeights.decode(body["classifier"], parts)
        if sorted(classifier.labels) != sorted(settings.ids):
            raise ValueError(f"labels {list(classifier.labels)} are not the declared categories")
        rules = RuleTables.from_json(body["rules"], settings.ids)
        kinds, modalities = (
            CueTables.from_json(body["kinds"]),
            CueTables.from_json(body["modalities"]),
        )
        decision = body["decision"]
        temperatures = Temperatures(
            decision["temperature"], decision["temperature_alone"], decision["temperature_glossed"]
        )
        if not all(type(t) is float and 0 < t < math.inf for t in temperatures):
            raise ValueError("the decision's temperatures must be positive numbers")
    except (ValidationError, ValueError, TypeError, KeyError) as err:
        raise ModelFileError(shown, f"malformed model ({err}); {REBUILD}") from err
    path = directory / settings.notes
    passages = KnowledgeBase.from_markdown(path) if notes else KnowledgeBase(path, "", [])
    return Knowledge(
        directory=directory,
        sha256=str(header["knowledge_sha256"]),
        settings=settings,
        rules=rules,
        kinds=kinds,
        modalities=modalities,
        known_words=frozenset(known),
        common_words=tuple(common),
        glossary=glossary,
        classifier=classifier,
        decision_temperatures=temperatures,
        notes=passages,
    )


def require_sections(knowledge: Knowledge) -> None:
    """Check that the notes hold a definition passage for every category.

    Raises:
        KnowledgeBaseError: naming the first category whose definition section is missing.
    """
    for category in knowledge.settings.categories:
        if not knowledge.notes.select(category.definition):
            raise KnowledgeBaseError(
                str(knowledge.notes.path),
                f"no passage in section {category.definition.section!r}, which "
                f"{SETTINGS_FILE} names as the definition of {category.id}",
            )
