"""Background that sets the scene: a clause before the request, from a sentence's start
to its first comma, and whole sentences before or beside the one that asks."""

from __future__ import annotations

import re
from itertools import pairwise

from .scopes import Scope
from .words import _BREAK, _FULL_STOP, _PURPOSE_VERBS, BACKGROUND_REST

BACKGROUND_REACH = 16
"""The most words a background clause before the request covers; it ends at a comma."""
_SENTENCE_END = re.compile(r"[.!?;\n]")  # punctuation after which a sentence starts
_LATER_SENTENCE = re.compile(r"[.!?;\n]\W*[^\W_]")  # a sentence after the first

# Words that open a clause setting the scene when they start a sentence ("Since we ...,")
_FRONT_CUES = frozenset(
    """since because once whenever when after before although though while whilst as if
    considering given using having now""".split()
)
_SUBJECTS = frozenset("i we you they he she".split())  # "for the model *we* are training,"

# A sentence that asks: a wish of the writer's ("I want", "what we need", "I'd like",
# "management wants"), a plea ("please", "can you", "help me"), a named request ("the new
# project:"), an order (a sentence that opens with a verb of the task) or a question.
_WISHES = frozenset("want need like love require looking hoping".split())
_WANTS = frozenset("want wants need needs".split())  # "the curators want new artwork"
_ASKERS = frozenset("i we what d ll".split())  # "what we need", "I'd like", "we'll need"
_REQUEST_NOUNS = frozenset("project task request ask goal job idea brief assignment".split())
_ORDERS = _PURPOSE_VERBS | frozenset(
    """find tell sort build turn suggest recommend give show list draw paint convert
        extract group cluster segment transcribe read check decide determine pick choose
        match compare review assess analyse analyze monitor track count transform restore
        remove clean colourise colorize upscale denoise sharpen deblur edit fix fill answer
        explain describe reply respond plan schedule optimise optimize route tag spot help
        turn work figure give caption narrate sing invent imagine propose forecast
        please""".split()
)
# A sentence that says what is, was or is done already: background wherever it stands
_STATES = frozenset(
    """already currently previously formerly lately nowadays existing ago rely relies
    relied""".split()
)
_STATE_PAIRS = frozenset(
    [("used", "to"), ("has", "been"), ("have", "been"), ("had", "been"), ("ve", "been"),
     ("so", "far"), ("until", "now"), ("these", "days"), ("last", "year"),
     ("last", "season"), ("last", "month"), ("last", "week"), ("last", "quarter"),
     ("last", "spring"), ("last", "summer"), ("last", "autumn"), ("last", "winter"),
     ("at", "present")]
)  # fmt: skip
SCENE_REST = 4
"""The fewest words the sentences that ask must keep for the others to be background."""
_DONE = frozenset("already".split())  # "churn has already been predicted, so ..."
_FRONT_TRIGGERS = _FRONT_CUES | _DONE | frozenset("to in for".split())


def _may_set_scene(text: str, tokens: list[str]) -> bool:
    """Whether ``text`` may open a sentence with a background clause, or hold a sentence of
    background (from its words alone)."""
    if _LATER_SENTENCE.search(text) is not None and _FULL_STOP.search(text) is not None:
        return True  # more than one sentence: one may only set the scene
    if _FRONT_TRIGGERS.isdisjoint(tokens) or _BREAK.search(text) is None:
        return False  # no cue, or no comma or the like: no clause before a request
    if _sets_scene(tokens[: BACKGROUND_REACH + 1]) or not _DONE.isdisjoint(tokens):
        return True
    return _LATER_SENTENCE.search(text) is not None


def _background(
    text: str, spans: tuple[tuple[int, int], ...], tokens: list[str], breaks: frozenset[int]
) -> list[Scope]:
    """The clauses that set the scene before a request: each from a sentence's start to its
    first comma (see the package's docstring)."""
    found = []
    starts = [0] + [
        k + 1
        for k in sorted(breaks)
        if _SENTENCE_END.search(text, spans[k][1], spans[k + 1][0]) is not None
    ]
    for start in starts:
        end = start
        while end < len(tokens) and end - start < BACKGROUND_REACH and end not in breaks:
            end += 1
        if end >= len(tokens) or end not in breaks or end == start:
            continue  # no comma within reach, or the text ends there
        if _SENTENCE_END.search(text, spans[end][1], spans[end + 1][0]) is not None:
            continue  # a whole sentence, not a clause before its request
        if len(tokens) - end - 1 < BACKGROUND_REST or not _sets_scene(tokens[start : end + 1]):
            continue
        found.append(Scope("background", start, start, end + 1))
    return found


def _scene_sentences(
    text: str, spans: tuple[tuple[int, int], ...], tokens: list[str]
) -> list[Scope]:
    """The whole sentences that only set the scene for a request made in another one (see
    the package's docstring)."""
    cuts = [
        k + 1
        for k in range(len(spans) - 1)
        if _FULL_STOP.search(text, spans[k][1], spans[k + 1][0]) is not None
    ]
    if not cuts:
        return []
    bounds = list(zip([0, *cuts], [*cuts, len(tokens)], strict=True))
    asking = [_asks(tokens[a:b], text[spans[a][0] : spans[b - 1][1] + 2]) for a, b in bounds]
    if not any(asking):  # no sentence asks outright: one that says who wants what does
        asking = [not _WANTS.isdisjoint(tokens[a:b]) for a, b in bounds]
    if not any(asking):
        return []
    first = asking.index(True)
    scene = [
        (a, b)
        for k, (a, b) in enumerate(bounds)
        if not asking[k] and (k < first or _states(tokens[a:b]))
    ]
    if len(tokens) - sum(b - a for a, b in scene) < SCENE_REST:
        return []
    return [Scope("background", a, a, b) for a, b in scene]


def _asks(sentence: list[str], text: str) -> bool:
    """Whether ``sentence`` (its words; ``text`` as written, with what ends it) asks for
    something rather than tells how things are."""
    if sentence[0] in _ORDERS or text.rstrip().endswith("?"):
        return True
    for i, token in enumerate(sentence):
        before = sentence[max(0, i - 3) : i]
        if token in _WISHES and not _ASKERS.isdisjoint(before):
            return True  # "I want", "what we need", "I'd like"
        if token == "wants" or token == "please":
            return True  # "management now wants", "please ..."
        if token == "you" and before[-1:] in (["can"], ["could"], ["would"], ["will"]):
            return True
        if token == "help" and sentence[i + 1 : i + 2] in (["me"], ["us"]):
            return True
        if token in _REQUEST_NOUNS and before[-1:] in (["new"], ["the"], ["my"], ["our"]):
            return True  # "the new project", "our goal"
    return False


def _states(sentence: list[str]) -> bool:
    """Whether ``sentence`` says how things are or were ("we already...", "last season...")."""
    if not _STATES.isdisjoint(sentence):
        return True
    return any(pair in _STATE_PAIRS for pair in pairwise(sentence))


# after a "to" that opens a sentence, the words that begin no purpose clause
_NOT_PURPOSES = frozenset(
    "do dos date the a an my our your their this that these those me us".split()
)


def _sets_scene(clause: list[str]) -> bool:
    """Whether ``clause``, at a sentence's start, sets the scene rather than asks."""
    first, second = clause[0], clause[1] if len(clause) > 1 else ""
    if first == "now":
        return second == "that"
    if first == "to":  # "to reach AGI, we need ...": any verb but "do" ("to-do list")
        return bool(second) and second not in _NOT_PURPOSES
    if first == "in":
        return clause[1:3] == ["order", "to"]
    if first == "for":
        return not _SUBJECTS.isdisjoint(clause)  # "for the generator we are training"
    if first == "using" and "to" in clause[2:]:
        return False  # "using a model to write code, ...": what the tool is used to do
    return first in _FRONT_CUES or not _DONE.isdisjoint(clause)
