"""Negated scopes: the cues that open one ("don't", "not", "no need to", "instead of",
"without" + -ing...) and the words that end it."""

from __future__ import annotations

NEGATION_REACH = 6
"""The most words a negation covers; a scope also ends at punctuation or a contrast word."""

# contractions split at the apostrophe: "don't" is "don" + "t"
_NT = frozenset(
    """don doesn didn isn aren wasn weren won wouldn shouldn can couldn mustn needn haven
    hasn""".split()
)
_NOT_WORDS = frozenset("never cannot dont doesnt didnt cant wont shouldnt mustnt".split())
# words that end a scope: contrast, coordination, and the start of the request proper
_ENDS = frozenset(
    """but just only instead rather and or so then yet though although however because while
    whereas please simply merely also i we""".split()
)
_NOT_A_CUE_AFTER_NOT = frozenset("only just sure necessarily know".split())
# "don't just sort it", "not only classify them": what follows is not what is asked for, or
# not all of it (the request is the other thing named)
_JUST = frozenset("just only merely simply".split())
_ACTION_ENDINGS = ("ing", "ion", "ions")
_NEEDED = frozenset("needed required necessary wanted".split())
_NOT_ING = frozenset("anything nothing something everything thing things king any".split())


DISOWN_REACH = 4
"""The most words a verdict such as "is not what I need" disowns, back to the start of its
clause ("translate", "a score", "scoring or generating")."""
_IS = frozenset("is are s".split())
_ISN = frozenset("isn aren".split())
_WRONG_THINGS = frozenset("word words term thing tool task job verb".split())
# a "not" after these closes a question, not a verdict: "spam or not", "and if not, ..."
_OPEN = frozenset("or if".split())
# a "not" before these closes its clause even where no punctuation does ("nicht sondern")
_CONTRASTS = frozenset("but instead".split())
# words that open a clause whose verdict is what it says, not a judgement of the request
_OWN_CLAUSE = frozenset("whether if which when where that so because why how".split())


def _verdict(
    tokens: list[str], i: int, breaks: frozenset[int] | None = None
) -> tuple[int, int] | None:
    """The verdict on the words before it whose cue is at ``i``, as its first word (its "is",
    where it has one) and one past its last: "translate *is not* what I need" (cue "not"), "a
    score *isn't* what..." ("t"), "classify *is the wrong* word" ("wrong"), "a summary *is
    not needed*" or "a summary *not needed*" ("not"), "a summary *is unnecessary*"
    ("unnecessary"), "write replies *no need to*." ("no": only at the end of its clause, as
    ``breaks`` tell; without them, whether it may be one), "classify the images *not*, but
    describe them" (a "not" that closes its clause, as languages that put it after the verb
    write it: German *nicht*, Swedish *inte*); None when there is none."""
    token, after = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else ""
    is_before = bool(i) and tokens[i - 1] in _IS
    if token == "not" and after == "what" and is_before:
        return i - 1, i + 1
    isn_before = bool(i) and tokens[i - 1] in _ISN
    if token == "t" and after == "what" and isn_before:
        return i - 1, i + 1
    wrong_the = token == "wrong" and i > 1 and tokens[i - 1] == "the"
    if wrong_the and after in _WRONG_THINGS and tokens[i - 2] in _IS:
        return i - 2, i + 1
    if after in _NEEDED and (token == "not" or (token == "t" and isn_before)):
        return (i - 1 if is_before or token == "t" else i), i + 2
    if token == "unnecessary" and is_before:
        return i - 1, i + 1
    if token == "not" and _closes_clause(tokens, i, breaks) and not (i and tokens[i - 1] in _OPEN):
        return i, i + 1
    if token == "no" and tokens[i + 1 : i + 3] == ["need", "to"]:
        clause_ends = i + 3 == len(tokens) or breaks is None or i + 2 in breaks
        return (i, i + 3) if clause_ends else None
    return None


def _closes_clause(tokens: list[str], i: int, breaks: frozenset[int] | None) -> bool:
    """Whether the word at ``i`` ends its clause: the text or a sentence ends after it, or a
    contrast follows it ("classify die image not, but describe"). Without ``breaks``, whether
    it may."""
    if i + 1 == len(tokens) or tokens[i + 1] in _CONTRASTS:
        return True
    return breaks is None or i in breaks


def _disowned(tokens: list[str], verb: int, breaks: frozenset[int]) -> int | None:
    """The first word that a verdict whose "is" is ``verb`` disowns: the start of its clause,
    at most :data:`DISOWN_REACH` words back (None when the clause starts further back, or is
    a question or a clause of its own: "whether a repair is not needed")."""
    start = verb
    while start > 0 and start - 1 not in breaks:
        start -= 1
        if verb - start > DISOWN_REACH or tokens[start] in _OWN_CLAUSE:
            return None
    return start if start < verb else None


def _negation(tokens: list[str], i: int, opens: bool) -> int:
    """How many tokens a negation cue starting at ``i`` has (0: none starts there).

    ``opens`` tells whether ``i`` starts a clause (where "skip" and "forget" are orders).
    """
    token = tokens[i]
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    if token == "not":
        before = tokens[i - 1] if i else ""
        return 0 if before == "or" else _not_width(after)
    if token in _NOT_WORDS:
        return _not_width(after)
    if token == "t":
        return _not_width(after) if i and tokens[i - 1] in _NT else 0
    if token == "no" and after == "need" and tokens[i + 2 : i + 3] == ["to"]:
        return 3
    needed = not _NEEDED.isdisjoint(tokens[i + 2 : i + 4])
    if token == "no" and (after.endswith(_ACTION_ENDINGS) or needed):
        return 1  # "no drafting", "no classification needed"
    if opens and token in ("skip", "forget"):
        return 1
    if token == "without" and after.endswith("ing") and after not in _NOT_ING:
        return 1
    if (token, after) in (("instead", "of"), ("rather", "than")):
        return 2
    return 0


def _not_width(after: str) -> int:
    """How many tokens a "not" (or "don't") cue has, given the word after it: "not just"
    has two, "not sure" none."""
    if after in _JUST:
        return 2
    return 0 if after in _NOT_A_CUE_AFTER_NOT else 1
