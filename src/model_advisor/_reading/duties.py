"""The duties of a role: a machine, a virtual role or a replacement named first, then four or
more duties after a colon ("AI farm manager: decide what to plant, hire seasonal workers,
deal with the bank, ...").

The list spells out what the role holds. Each duty alone is a task of its own kind ("hire
seasonal workers", "forecast the harvest"), and the rules each fires would outvote the role
they make up. So the duties are subordinate: their rules count at half weight. The classifier
still reads them (hiding them from it lost more texts than it won on the development sets:
a list may hold the very claim, "an AI that fully staffs it, handling every call...").
A head that names a product ("AI assistant for our shop: ...", "an app: ...") is no role: its
list says what the product does, and is read as it is.
"""

from __future__ import annotations

import re

from .scopes import Scope
from .words import _FULL_STOP

_ITEMS = re.compile(r",|\band\b")  # what separates the duties of a list
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


def _may_list_duties(text: str, tokens: list[str]) -> bool:
    """Whether ``text`` may name a role and list its duties (from its words alone)."""
    return ":" in text and not _ROLE_MARKS.isdisjoint(tokens[:HEAD_REACH])


def _duties(text: str, spans: tuple[tuple[int, int], ...], tokens: list[str]) -> Scope | None:
    """The duties listed after a role's colon, as a ``duties`` scope, if the text lists them."""
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
