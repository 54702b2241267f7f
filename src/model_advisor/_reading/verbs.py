"""Unread verbs: a verb of making whose object is a closed answer, a verb that turns its
input into one of a set, and a verb of predicting whose object is the rest of a work."""

from __future__ import annotations

# A making verb whose object (within ANSWER_REACH words) is a closed answer makes no content
_MAKING = frozenset(
    """write writes writing produce produces producing generate generates generating create
    creates creating draft drafts output outputs make makes""".split()
)
_ANSWERS = frozenset(
    """label labels tag tags yes verdict verdicts score scores rating ratings probability
    probabilities percentage likelihood category categories tick ticks checkmark 0 depth
    keypoints segmentation number numbers estimate estimates expected decision decisions
    mask masks""".split()
)
# ... or a listing of which ("a list of which", "a map showing where", "a heatmap of where")
_LISTINGS = frozenset("list lists map maps heatmap heatmaps table overview".split())
_WHICH = frozenset("which whether where who".split())
# A verb that turns its input into something: a closed answer when that is "one of" a set
_TURNING = frozenset(
    """translate translates summarise summarises summarize summarizes turn turns convert
    converts condense condenses boil map rewrite""".split()
)
_NOT_ANSWERS = frozenset("design designs print printed sticker stickers logo".split())
# ... or an indicator: "write 1 if the comment is rude, otherwise 0"
_ONE_IF = (["1", "if"], ["1", "when"])
# A predicting verb whose object is the rest of a work makes that rest
_PREDICTING = frozenset(
    """predict predicts predicting forecast forecasts forecasting estimate estimates guess
    anticipate""".split()
)
_REST = frozenset("next rest remainder ending continuation".split())
_WORKS = frozenset(
    """chapter chapters paragraph paragraphs verse verses scene scenes sentence sentences line
    lines bar bars measures page pages episode episodes word words melody story song poem
    novel dialogue frame frames notes lyrics script code function tune track video""".split()
)
# ... and so does the prediction of a next token, word or frame: a language or video model's
# output ("next-token prediction"; a next *sentence* prediction is a yes or no, so not that)
_PREDICTION = frozenset("prediction predictions".split())
_NEXT_PAIRS = [["next", unit] for unit in "token tokens word words frame frames".split()]
_VERBS = _MAKING | _PREDICTING | _TURNING | _PREDICTION
ANSWER_REACH = 5
"""How far after a making verb its object's closed answer may be ("write *a sentiment tag*")."""


def _unseen_verbs(tokens: list[str]) -> frozenset[int]:
    """The making verbs whose object is a closed answer, and the predicting verbs whose object
    is the rest of a work (see the package's docstring)."""
    if _VERBS.isdisjoint(tokens):
        return frozenset()  # most texts: no verb of either kind
    present = set(tokens)
    making = not _MAKING.isdisjoint(present) and not (
        _ANSWERS.isdisjoint(present) and _WHICH.isdisjoint(present) and "1" not in present
    )
    turning = not _TURNING.isdisjoint(present) and "one" in present
    if not (making or turning) and (
        (_PREDICTING.isdisjoint(present) and _PREDICTION.isdisjoint(present))
        or _REST.isdisjoint(present)
    ):
        return frozenset()
    found = set()
    for i, token in enumerate(tokens):
        after = tokens[i + 1 : i + 7]
        if token in _MAKING:
            if _closed(after) and _NOT_ANSWERS.isdisjoint(after[:5]):
                found.add(i)
        elif token in _TURNING:
            ahead = tokens[i + 1 : i + 10]
            if any(ahead[k : k + 3] == ["into", "one", "of"] for k in range(len(ahead))):
                found.add(i)  # "summarise each record into one of four codes"
        elif token in _PREDICTING:
            rest = not _REST.isdisjoint(after[:3])
            if rest and not _WORKS.isdisjoint(after):
                found.add(i)
        elif token in _PREDICTION and i > 1 and tokens[i - 2 : i] in _NEXT_PAIRS:
            found.add(i)  # "next-token prediction"
    return frozenset(found)


def _closed(after: list[str]) -> bool:
    """Whether the words ``after`` a making verb name a closed answer: one of ``_ANSWERS``
    within ``ANSWER_REACH`` words, or a listing of which ("a list of which", "a map showing
    where")."""
    for k, word in enumerate(after[:ANSWER_REACH]):
        if word in _ANSWERS and after[k - 1 : k + 2] != ["a", "number", "of"]:
            return True  # "write the number of...", not "write a number of stories"
        if after[k : k + 2] in _ONE_IF:
            return True
    for k, word in enumerate(after[:3]):
        if word in _LISTINGS and not _WHICH.isdisjoint(after[k + 1 : k + 3]):
            return True
    # "write down whether...", "write out which of the codes apply": a closed question
    return after[:1] in (["which"], ["whether"]) or (
        after[:1] in (["down"], ["out"], ["me"], ["us"]) and after[1:2] in (["which"], ["whether"])
    )


def _unread_kind(verb: str) -> str:
    """Why a verb of :func:`_unseen_verbs` goes unread: it makes a closed ``answer`` (or
    turns its input into one), or it predicts the ``continuation`` of a work."""
    return "continuation" if verb in _PREDICTING or verb in _PREDICTION else "answer"
