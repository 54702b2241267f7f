"""The duties of a role, listed in one of two ways:

- after a colon, under a head that names a machine, a virtual role or a replacement: four or
  more duties ("AI farm manager: decide what to plant, hire seasonal workers, deal with the
  bank, ...");
- in a chain of four or more clauses, each opening with a verb that has a subject ("It
  answers the calls, triages each job, assigns the nearest technician and closes out the
  work order"), three of those verbs different.

The list spells out what the role holds. Each duty alone is a task of its own kind ("hire
seasonal workers", "forecast the harvest"), and the rules each fires would outvote the role
they make up. So the duties are subordinate: their rules count at half weight. The classifier
still reads them (hiding them from it lost more texts than it won on the development sets:
a list may hold the very claim, "an AI that fully staffs it, handling every call...").
A head that names a product ("AI assistant for our shop: ...", "an app: ...") is no role: its
list says what the product does, and is read as it is. The same goes for a chain in a
sentence whose words before it name a product ("Our app transcribes calls, tags speakers,
...").
"""

from __future__ import annotations

import re

from .scopes import Scope
from .words import _FULL_STOP

_ITEMS = re.compile(r",|\band\b")  # what separates the duties of a list
# what separates the clauses of a chain of duties
_SPLITS = re.compile(r"[,;\u2014]|\s[-\u2013]\s|\band\b|[.!?][\"')\]\u201d\u2019]*\s|\n")
DUTIES_MIN = 4
"""The fewest duties after the colon for the list to spell out a role."""
HEAD_REACH = 10
"""The most words of the head before the colon."""
# a head that names a machine in a role, a virtual role, or the person it replaces
_ROLE_MARKS = frozenset(
    """ai virtual digital robot robotic autonomous automated replace replacing stand""".split()
)
# a head that names a product: its list says what the product does
_PRODUCTS = frozenset(
    """tool tools app apps application assistant assistants copilot copilots plugin chatbot
    chatbots bot bots platform software library package api model models dataset framework
    features feature""".split()
)
CHAIN_MIN = 4
"""The fewest clauses of a chain of duties."""
CHAIN_VERBS = 3
"""The fewest different verbs among them."""
_VERB_REACH = 4
"""How far into the first clause of a chain its verb may be (after its subject: "It
answers", "Our new dispatcher answers")."""
_OBJECT_WORDS = 2
"""A clause this short with no verb is one more object of the verb before it."""
_NEXT_REACH = 2
"""How far into each further clause its verb may be ("then routes", "also sends")."""
# words of four letters or more ending in "s", but not in "ss", "us" or "is" (which
# :func:`_verb` leaves out by their ending), that are no verb with a subject
_NOT_VERBS = frozenset("hers ours yours theirs does always perhaps whereas news series".split())
# what follows a plural noun more often than a verb's object ("images of", "sales and")
_AFTER_NOUNS = frozenset("of and or in for to with from by on at per".split())


def _may_list_duties(text: str, tokens: list[str]) -> bool:
    """Whether ``text`` may name a role and list its duties (from its words alone)."""
    if ":" in text and not _ROLE_MARKS.isdisjoint(tokens[:HEAD_REACH]):
        return True
    if text.count(",") < CHAIN_MIN - 2:
        return False
    return sum(1 for token in tokens if len(token) > 3 and token[-1] == "s") >= CHAIN_MIN


def _duties(text: str, spans: tuple[tuple[int, int], ...], tokens: list[str]) -> Scope | None:
    """The duties of a role, as a ``duties`` scope, if the text lists them (see above)."""
    if ":" in text and (listed := _listed(text, spans, tokens)) is not None:
        return listed
    return _chain(text, spans, tokens)


def _listed(text: str, spans: tuple[tuple[int, int], ...], tokens: list[str]) -> Scope | None:
    """The duties listed after a role's colon, if the text lists them."""
    colon = text.find(":")
    head = [k for k, (_, end) in enumerate(spans) if end <= colon]
    if not head or len(head) > HEAD_REACH or len(head) == len(tokens):
        return None
    words = [tokens[k] for k in head]
    if _ROLE_MARKS.isdisjoint(words) or not _PRODUCTS.isdisjoint(words):
        return None
    start = len(head)
    stop = _FULL_STOP.search(text, colon)
    end = len(tokens)
    if stop is not None:
        end = next((k for k in range(start, len(tokens)) if spans[k][0] >= stop.end()), end)
    if end <= start:
        return None
    listed = text[colon + 1 : spans[end - 1][1]]
    if len([item for item in _ITEMS.split(listed) if item.strip()]) < DUTIES_MIN:
        return None
    return Scope("duties", start, start, end)


def _chain(text: str, spans: tuple[tuple[int, int], ...], tokens: list[str]) -> Scope | None:
    """The first chain of duties in ``text``: clauses of one sentence (see :func:`_clauses`),
    each opening with a verb that has a subject (it ends in "s" and has an object)."""
    run: list[int] = []  # the verb of each clause of the chain
    end = 0  # the token after the chain's last clause
    for first, last, opens_sentence in _clauses(text, spans):
        if run and not opens_sentence:
            verb = _opening_verb(tokens, first, min(first + _NEXT_REACH, last), last)
            if verb is not None:
                run.append(verb)
                end = last
                continue
            if last - first <= _OBJECT_WORDS:  # "answers calls, chats and emails": objects
                continue
        if _holds(run, tokens):
            return Scope("duties", run[0], run[0], end)
        run = []
        verb = _opening_verb(tokens, first, min(first + _VERB_REACH, last), last)
        if verb is not None and _plain_head(text, spans, tokens, verb):
            run, end = [verb], last
    if _holds(run, tokens):
        return Scope("duties", run[0], run[0], end)
    return None


def _opening_verb(tokens: list[str], first: int, reach: int, last: int) -> int | None:
    """The first token from ``first`` up to ``reach`` that may be a verb opening a duty."""
    return next((i for i in range(first, reach) if _verb(tokens, i, last)), None)


def _clauses(text: str, spans: tuple[tuple[int, int], ...]) -> list[tuple[int, int, bool]]:
    """The clauses of ``text`` as (first token, token after the last, whether it opens a
    sentence), split by commas, semicolons, dashes, "and" and the ends of sentences."""
    # a clause starts after its "and", at its comma or dash, or after the end of a sentence
    cuts = sorted(
        (m.end() if m.group() == "and" else m.start(), _FULL_STOP.fullmatch(m.group()) is not None)
        for m in _SPLITS.finditer(text)
    )
    clauses: list[tuple[int, int, bool]] = []
    first, opens = 0, True
    for cut, full_stop in cuts:
        last = next((k for k in range(first, len(spans)) if spans[k][0] >= cut), len(spans))
        if last > first:
            clauses.append((first, last, opens))
            first, opens = last, False
        opens = opens or full_stop
    if first < len(spans):
        clauses.append((first, len(spans), opens))
    return clauses


def _verb(tokens: list[str], i: int, last: int) -> bool:
    """Whether ``tokens[i]`` may be a verb with a subject that opens a duty: it ends in "s",
    is no known other word, and an object follows it."""
    word = tokens[i]
    return (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is"))
        and word not in _NOT_VERBS
        and i + 1 < last
        and tokens[i + 1] not in _AFTER_NOUNS
    )


def _plain_head(
    text: str, spans: tuple[tuple[int, int], ...], tokens: list[str], verb: int
) -> bool:
    """Whether the words of the sentence before the chain's first verb name no product."""
    stop = max((m.end() for m in _FULL_STOP.finditer(text, 0, spans[verb][0])), default=0)
    head = [tokens[k] for k in range(verb) if spans[k][0] >= stop]
    return _PRODUCTS.isdisjoint(head)


def _holds(run: list[int], tokens: list[str]) -> bool:
    """Whether the verbs ``run`` make a chain of duties."""
    return len(run) >= CHAIN_MIN and len({tokens[i] for i in run}) >= CHAIN_VERBS
