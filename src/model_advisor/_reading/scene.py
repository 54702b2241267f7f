"""Background that sets the scene: a clause before the request, from a sentence's start
to its first comma, whole sentences before or beside the one that asks, what is put off till
later beside what is wanted now, and what the writer does before "and" what they need."""

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


# What is put off ("later", "eventually", "down the line") beside what is asked for now
# ("but for now I only need", "today I need", "the first step is"): the part put off only
# sets the scene. A part that names the present without asking ("today we sort them by
# hand") says how things are, and puts nothing off.
_LATER = frozenset("later eventually someday afterwards afterward ultimately".split())
_LATER_PAIRS = frozenset(
    [("down", "line"), ("down", "road"), ("long", "term"), ("end", "goal"), ("in", "future"),
     ("one", "day")]
)  # fmt: skip
_NOW = frozenset("now today immediately first".split())  # "first I want to know ..."
_NOW_PAIRS = frozenset(
    [("at", "moment"), ("this", "week"), ("this", "month"), ("this", "quarter"),
     ("this", "year")]
)  # fmt: skip
_FIRST_PAIRS = frozenset([("first", "step"), ("to", "start"), ("for", "starters")])
_NOW_OR_FIRST_PAIRS = _NOW_PAIRS | _FIRST_PAIRS
_LATER_ENDS = frozenset(second for _, second in _LATER_PAIRS)  # rarer than "in" or "one"
_ARTICLES = frozenset("the a an".split())  # left out of the pairs: "down *the* line"
_TURNS = frozenset("but yet however whereas".split())  # and ";" or ".": where a part ends
# "I run a bakery and need a jingle": a sentence that opens with the writer doing something,
# then "and" + what they need
_WRITERS = frozenset("i we our my".split())
_AND_WISHES = frozenset("need needs want wants require looking like".split())
_ASKING = _AND_WISHES | frozenset("just only please".split())
AND_WISH_REACH = 8
"""How far after "and" the wish may come ("and to clean its training data we need ..."); past
the word after "and", the writer must be its subject ("we need", "I'd like")."""
_WISHERS = frozenset("i we d".split())


def _may_set_scene(text: str, tokens: list[str]) -> bool:
    """Whether ``text`` may open a sentence with a background clause, or hold a sentence of
    background (from its words alone)."""
    if _may_defer(tokens) or (tokens and tokens[0] in _WRITERS and "and" in tokens):
        return True
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


def _may_defer(tokens: list[str]) -> bool:
    """Whether ``tokens`` may name both something put off and something asked for now (most
    texts name neither word of a pair: their pairs are never listed)."""
    later = not _LATER.isdisjoint(tokens) or (
        not _LATER_ENDS.isdisjoint(tokens) and not _LATER_PAIRS.isdisjoint(_pairs(tokens))
    )
    if not later:
        return False
    return not _NOW.isdisjoint(tokens) or not _NOW_OR_FIRST_PAIRS.isdisjoint(_pairs(tokens))


def _deferred(text: str, spans: tuple[tuple[int, int], ...], tokens: list[str]) -> list[Scope]:
    """The parts of a text that put something off till later beside one that asks for
    something now (see the package's docstring): each part from a sentence's start, a ";"
    or a "but" to the next."""
    cuts = [
        k + 1
        for k in range(len(spans) - 1)
        if _SENTENCE_END.search(text, spans[k][1], spans[k + 1][0]) is not None
        or tokens[k + 1] in _TURNS
    ]
    bounds = list(zip([0, *cuts], [*cuts, len(tokens)], strict=True))
    parts = [tokens[a:b] for a, b in bounds]
    later = [not _LATER.isdisjoint(p) or not _LATER_PAIRS.isdisjoint(_pairs(p)) for p in parts]
    now = [_asks_now(p) for p in parts]
    if not any(n and not put_off for n, put_off in zip(now, later, strict=True)):
        return []
    scene = [(a, b) for k, (a, b) in enumerate(bounds) if later[k] and not now[k]]
    if len(tokens) - sum(b - a for a, b in scene) < SCENE_REST:
        return []
    return [Scope("background", a, a, b) for a, b in scene]


def _asks_now(part: list[str]) -> bool:
    """Whether ``part`` asks for something now ("for now I only need", "the first step")."""
    pairs = _pairs(part)
    if not _FIRST_PAIRS.isdisjoint(pairs):
        return True
    names_now = not _NOW.isdisjoint(part) or not _NOW_PAIRS.isdisjoint(pairs)
    return names_now and not _ASKING.isdisjoint(part)


def _pairs(tokens: list[str]) -> set[tuple[str, str]]:
    """The pairs of neighbouring words of ``tokens``, articles left out."""
    return set(pairwise(t for t in tokens if t not in _ARTICLES))


def _doing_and_needing(
    text: str, spans: tuple[tuple[int, int], ...], tokens: list[str]
) -> list[Scope]:
    """What the writer says they do at the start of a text, before "and" and what they need
    ("We run a fraud team and need ...", "I'm writing a book about robots and need ...")."""
    if not tokens or tokens[0] not in _WRITERS or "and" not in tokens:
        return []
    cut = tokens.index("and")
    if cut < 2 or not _AND_WISHES.isdisjoint(tokens[:cut]):
        return []
    wish = next(
        (k for k in range(cut + 1, min(len(tokens), cut + 1 + AND_WISH_REACH))
         if tokens[k] in _AND_WISHES),
        None,
    )  # fmt: skip
    if wish is None or (wish > cut + 1 and tokens[wish - 1] not in _WISHERS):
        return []
    if _SENTENCE_END.search(text, spans[0][1], spans[cut][0]) is not None:
        return []  # the "and" is in a later sentence
    if len(tokens) - cut < SCENE_REST:
        return []
    return [Scope("background", 0, 0, cut)]
