"""How a request is read beyond its words: what it says not to do, and what is subordinate.

:func:`read` marks words of a task (by position among its word tokens) in two ways:

- **Negated**: the words in the scope of "don't", "do not", "not", "never", "no need to",
  "instead of", "rather than" or "without" + a verb in -ing, up to the next punctuation mark or
  contrast word ("but", "just", "only"...), at most ``NEGATION_REACH`` words ("don't
  know", "not sure" and the like say what the writer wants found out, and negate nothing).
  "No need to write anything, just tell me which supplier sent each invoice" asks for no
  writing. Negated words are not evidence: the rules skip them and the classifier does not
  see them (the NOT_ marking of the sentiment-analysis literature, the marked words carrying
  no weight, since the examples teach none). The cue words themselves stay, so a rule may
  name a phrase that starts with one ("without human oversight", "instead of hiring").
- **Subordinate**: the words of a relative clause about a thing acted on ("reviews *that a bot
  wrote*") or of a purpose clause ("invent records *to stress-test our model*", "so that ...").
  A rule that matched only there counts for less (:data:`SUBORDINATE_WEIGHT` in the engine).
  A clause that says what is wanted is the main one: after a thing that acts ("a tool that
  writes ...", "a model to detect ...") or a frame ("I want to ...", "use the logs to ...").
- **Background** (subordinate too, and also unseen by the classifier): a clause put before the
  request to set the scene, from the start of a sentence to its first comma, when it opens
  with a subordinating word ("since", "because", "once", "whenever", "considering", "using",
  "to help us...", "in order to...", "for the model we are training...") or says what is done
  already ("churn has already been predicted, so ..."). "Because we plan to compose music
  later, I need the old tracks classified by mood" asks for classifying: the classifier
  reads "I need the old tracks classified by mood", and a rule matched only in the clause
  counts at half weight. The request must go on for at least ``BACKGROUND_REST`` words after
  the comma ("Since I must classify emails, which model?" keeps its clause).
  Whole sentences are background too when another sentence of the text asks: one that
  wishes ("I want", "what we need now is", "I'd like", "management wants"), pleads
  ("please", "can you", "help me"), names the request ("the new project:"), opens with a
  verb of the task or ends with a question mark (when none does, one that says who wants
  or needs what: "the volunteers want a poster"). Then every sentence before the first that
  asks, and any other that says how things are or were ("already", "currently", "last
  season", "used to", "has been", "relies on"), only sets the scene: "Our bakery already
  forecasts demand with a model. What I want now is a jingle" is read as its second
  sentence. At least ``SCENE_REST`` words must remain.
  Last, a clause after the request that gives its reason or says more about a thing is
  background as well, from its cue to the next punctuation mark: after a comma, "which",
  "who", "where", "because" or "since" ("draft the minutes, which the system has already
  labelled by speaker"), and anywhere, "because" and "so that" ("detect the defects so that
  we can write better guides"). A "which" after a thing that acts ("an app, which writes
  ...") and a clause ending in a question mark ("..., which model?") stay.
- **Unseen verbs** (by the classifier only): a verb of making whose object is a closed
  answer ("write a 0 or 1 for each row", "generate labels", "produce a yes/no answer",
  "write a number from 1 to 10", "generate a go/no-go decision", "create a per-pixel mask",
  "write down the expected output") or a listing of which ("draft a list of which...",
  "create a map showing where..."), a verb that turns its input "into one of" a set
  ("summarise each record into one of four codes"), and a verb of predicting whose object
  is the rest of a work ("predict the next chapter", "forecast the rest of this melody").
  What comes out decides, not the verb: the classifier reads such a task without the verb,
  and the rules' `output` conditions see what comes out.

The word lists are English, like the stemmer. This module is private and sits at the bottom
of the package: training and the engine read a text the same way.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

NEGATION_REACH = 6
"""The most words a negation covers; a scope also ends at punctuation or a contrast word."""
CLAUSE_REACH = 8
"""The most words a subordinate clause covers; it also ends at punctuation or a conjunction."""
BACKGROUND_REACH = 16
"""The most words a background clause before the request covers; it ends at a comma."""
BACKGROUND_REST = 3
"""The fewest words a request must have after its background clause for the clause to count
as background."""

_TOKEN = re.compile(r"[^\W_]+")  # the same word tokens as _text.words
_BREAK = re.compile(r"[,;:.!?()\[\]{}\"|\n\u2014]|\s[-\u2013]\s")  # punctuation that ends a scope
_SENTENCE_END = re.compile(r"[.!?;\n]")  # punctuation after which a sentence starts
_LATER_SENTENCE = re.compile(r"[.!?;\n]\W*[^\W_]")  # a sentence after the first
# the end of a whole sentence between two words: not the dot of "3.5" or "e.g"
_FULL_STOP = re.compile(r"[.!?;][\"')\]\u201d\u2019]*\s|\n")

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
# a clause goes on through its own subject ("that we wrote") up to a conjunction
_CLAUSE_ENDS = frozenset("but and or then yet though although however because while".split())
_NOT_A_CUE_AFTER_NOT = frozenset("only just sure necessarily know".split())
_ACTION_ENDINGS = ("ing", "ion", "ions")
_NEEDED = frozenset("needed required necessary wanted".split())
_NOT_ING = frozenset("anything nothing something everything thing things king any".split())

# A that/which clause after these says what is wanted, not what is acted on.
_ACTORS = frozenset(
    """tool tools app apps application model models system systems ai bot bots chatbot
    assistant agent agents program programs software script scripts service services
    something someone anything way ways robot robots machine network pipeline algorithm
    platform solution api feature plugin extension website site engine one classifier
    detector generator function method workflow product""".split()
)
# "that" after these opens the object of the request ("check that ...", "make sure that ...")
_SAYING = frozenset(
    """sure check checks verify verifies ensure ensures confirm confirms say says said know
    knows think predict predicts decide decides determine determines tell tells show shows
    prove proves flag flags mean means assume so given such fact now is are was were""".split()
)
_RELATIVES = frozenset("that which who whom whose".split())
# "to" after these carries the request itself ("I want to ...", "how to ...")
_TO_FRAMES = frozenset(
    """want wants wanted need needs needed like love would how able trying try tries going
    have has had used use uses using wish hope plan plans planning ought helps help learn
    learns teach ask asked get allow allows enable enables lets let supposed meant aim
    aims intend expected required way ways task goal job idea order asking expect
    it them me us him her you this""".split()
)
_USE_FRAMES = frozenset("use using leverage apply employ utilise utilize".split())
# verbs that begin a purpose clause worth discounting: the actions that decide a category
_PURPOSE_VERBS = frozenset(
    """train test stress retrain fine tune evaluate benchmark validate feed teach improve
    bootstrap augment calibrate detect classify predict forecast score rank rate flag
    sort label categorize categorise recognize recognise identify spot estimate measure
    generate create write draft produce compose make render design synthesize synthesise
    summarize summarise translate illustrate animate""".split()
)


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
# A clause after the request that gives its reason or says more about a thing: after a
# comma ("..., which the team has already labelled", "..., because we want to...") or, for
# a reason, anywhere ("... so that we can write guides", "... because we plan to...")
_BECAUSE = frozenset("because since".split())
_TRAILING = _BECAUSE | frozenset("which who whom whose where".split())
SCENE_REST = 4
"""The fewest words the sentences that ask must keep for the others to be background."""
_DONE = frozenset("already".split())  # "churn has already been predicted, so ..."

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
_VERBS = _MAKING | _PREDICTING | _TURNING
ANSWER_REACH = 5
"""How far after a making verb its object's closed answer may be ("write *a sentiment tag*")."""


class Scope(NamedTuple):
    """One negated or subordinate stretch: its cue's first token and its words' tokens."""

    kind: str  # "negated", "subordinate", "background", or for one verb "answer"/"continuation"
    cue: int  # the token that opens it ("not", "that", "to")
    start: int  # its first word's token
    end: int  # one past its last word's token


class Reading(NamedTuple):
    """What :func:`read` found: the marked tokens and the stretches they form."""

    negated: frozenset[int]
    subordinate: frozenset[int]  # background clauses included
    scopes: tuple[Scope, ...]
    spans: tuple[tuple[int, int], ...]  # each token's (start, end) in the text read
    background: frozenset[int] = frozenset()  # the words of a clause setting the scene

    def negated_text(self, text: str) -> str:
        """``text`` without its negated and background words (each replaced by a space):
        what the classifier reads."""
        unseen = self.negated | self.background if self.background else self.negated
        if not unseen:
            return text
        pieces, last = [], 0
        for index in sorted(unseen):
            start, end = self.spans[index]
            pieces += [text[last:start], " "]
            last = end
        pieces.append(text[last:])
        return "".join(pieces)

    def phrase(self, scope: Scope, text: str) -> str:
        """The words of ``scope`` with its cue, as written in ``text``."""
        return text[self.spans[scope.cue][0] : self.spans[scope.end - 1][1]]


PLAIN = Reading(frozenset(), frozenset(), (), ())
"""The reading of a text with nothing negated or subordinate."""
_TRIGGERS = (
    _NT
    | _NOT_WORDS
    | _RELATIVES
    | frozenset("t not no without instead rather to skip forget so order".split())
)
_FRONT_TRIGGERS = _FRONT_CUES | _DONE | frozenset("to in for".split())


def read(normalized: str, tokens: list[str]) -> Reading:
    """Mark the negated and subordinate words of ``normalized`` (``tokens`` are its words)."""
    unseen = _unseen_verbs(tokens)
    fronted = _may_set_scene(normalized, tokens) or _may_trail(normalized, tokens)
    if not fronted and not unseen and _TRIGGERS.isdisjoint(tokens):
        return PLAIN
    # most texts with a trigger word ("to", "that") open nothing: find that out from the
    # words alone before placing them in the text
    cues = [i for i, token in enumerate(tokens) if token in _TRIGGERS]
    if not (fronted or unseen) and not any(
        _negation(tokens, i, True) or (i and _clause(tokens, i)) for i in cues
    ):
        return PLAIN
    spans = tuple(m.span() for m in _TOKEN.finditer(normalized))
    if len(spans) != len(tokens):  # not the tokens of this text: read nothing into it
        return PLAIN
    breaks = _breaks(normalized, spans)
    scopes: list[Scope] = []
    background = _background(normalized, spans, tokens, breaks) if fronted else []
    if fronted and (trailing := _trailing(normalized, spans, tokens, breaks)):
        taken = {i for scope in background for i in range(scope.start, scope.end)}
        background += [t for t in trailing if t.start not in taken]
    if fronted and (scene := _scene_sentences(normalized, spans, tokens)):
        inside = {i for scope in scene for i in range(scope.start, scope.end)}
        background = sorted(
            scene + [b for b in background if b.start not in inside], key=lambda b: b.start
        )
    scopes += background
    negated: set[int] = set()
    reached = 0  # the first token after the last negated scope: a cue inside one opens none
    for i in cues:
        width = _negation(tokens, i, i == 0 or i - 1 in breaks) if i >= reached else 0
        if width:
            end = _scope_end(tokens, breaks, i + width, NEGATION_REACH, i + width - 1)
            if end > i + width:
                cue = i - 1 if tokens[i] == "t" else i  # "don't" starts at "don"
                scopes.append(Scope("negated", cue, i + width, end))
                negated.update(range(i + width, end))
            reached = max(end, i + 1)
    subordinate: set[int] = set()
    for scope in background:
        subordinate.update(range(scope.cue, scope.end))
    hidden = frozenset(subordinate) | unseen
    for i in cues:
        start = _clause(tokens, i) if i else None
        if start is None or i in negated or i in subordinate:
            continue
        end = _scope_end(tokens, breaks, start, CLAUSE_REACH, i, _CLAUSE_ENDS)
        if end > start:
            cue = i - 1 if tokens[i] == "order" else i  # "in order to" starts at "in"
            scopes.append(Scope("subordinate", cue, start, end))
            subordinate.update(range(i, end))
    if not scopes and not hidden:
        return PLAIN
    scopes += [Scope(_unread_kind(tokens[i]), i, i, i + 1) for i in sorted(unseen)]
    scopes.sort(key=lambda s: s.cue)
    return Reading(
        frozenset(negated), frozenset(subordinate - negated), tuple(scopes), spans, hidden
    )


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


def _unseen_verbs(tokens: list[str]) -> frozenset[int]:
    """The making verbs whose object is a closed answer, and the predicting verbs whose object
    is the rest of a work (see the module's docstring)."""
    if _VERBS.isdisjoint(tokens):
        return frozenset()  # most texts: no verb of either kind
    present = set(tokens)
    making = not _MAKING.isdisjoint(present) and not (
        _ANSWERS.isdisjoint(present)
        and (_LISTINGS.isdisjoint(present) or _WHICH.isdisjoint(present))
    )
    turning = not _TURNING.isdisjoint(present) and "one" in present
    if not (making or turning) and (_PREDICTING.isdisjoint(present) or _REST.isdisjoint(present)):
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
    return frozenset(found)


def _closed(after: list[str]) -> bool:
    """Whether the words ``after`` a making verb name a closed answer: one of ``_ANSWERS``
    within ``ANSWER_REACH`` words, or a listing of which ("a list of which", "a map showing
    where")."""
    for k, word in enumerate(after[:ANSWER_REACH]):
        if word in _ANSWERS and after[k - 1 : k + 2] != ["a", "number", "of"]:
            return True  # "write the number of...", not "write a number of stories"
    for k, word in enumerate(after[:3]):
        if word in _LISTINGS and not _WHICH.isdisjoint(after[k + 1 : k + 3]):
            return True
    return False


def _unread_kind(verb: str) -> str:
    """Why a verb of :func:`_unseen_verbs` goes unread: it makes a closed ``answer`` (or
    turns its input into one), or it predicts the ``continuation`` of a work."""
    return "continuation" if verb in _PREDICTING else "answer"


def _background(
    text: str, spans: tuple[tuple[int, int], ...], tokens: list[str], breaks: frozenset[int]
) -> list[Scope]:
    """The clauses that set the scene before a request: each from a sentence's start to its
    first comma (see the module's docstring)."""
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
    the module's docstring)."""
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


def _may_trail(text: str, tokens: list[str]) -> bool:
    """Whether ``text`` may end a request with a clause that gives a reason or says more
    (from its words alone)."""
    if _TRAILING.isdisjoint(tokens) and "so" not in tokens:
        return False
    return "," in text or "because" in tokens or "so" in tokens


def _trailing(
    text: str, spans: tuple[tuple[int, int], ...], tokens: list[str], breaks: frozenset[int]
) -> list[Scope]:
    """The clauses after a request that only give its reason or say more about a thing (see
    the module's docstring): each from its cue to the next punctuation mark."""
    found: list[Scope] = []
    start = 0  # the first word of the current sentence
    for i in range(1, len(tokens)):
        if i - 1 in breaks and _FULL_STOP.search(text, spans[i - 1][1], spans[i][0]):
            start = i
            continue
        token, after = tokens[i], tokens[i + 1 : i + 2]
        comma = i - 1 in breaks and "," in text[spans[i - 1][1] : spans[i][0]]
        if token in _TRAILING:
            opens = comma and (token in _BECAUSE or tokens[i - 1] not in _ACTORS)
            opens = opens or (token in _BECAUSE and i - 1 not in breaks)
        else:
            opens = token == "so" and after in (["that"], ["we"], ["i"], ["they"])
            opens = opens and (comma or after == ["that"])
        if not opens or i - start < BACKGROUND_REST or (found and found[-1].end > i):
            continue
        end = i + 1
        while end < len(tokens) and end - 1 not in breaks:
            end += 1
        if text[spans[end - 1][1] :].lstrip().startswith("?"):
            continue  # "..., which model?" asks
        found.append(Scope("background", i, i, end))
    return found


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


def _sets_scene(clause: list[str]) -> bool:
    """Whether ``clause``, at a sentence's start, sets the scene rather than asks."""
    first, second = clause[0], clause[1] if len(clause) > 1 else ""
    if first == "now":
        return second == "that"
    if first == "to":
        return second in _PURPOSE_VERBS or second in ("help", "let", "make", "get", "support")
    if first == "in":
        return clause[1:3] == ["order", "to"]
    if first == "for":
        return not _SUBJECTS.isdisjoint(clause)  # "for the generator we are training"
    return first in _FRONT_CUES or not _DONE.isdisjoint(clause)


def _breaks(text: str, spans: tuple[tuple[int, int], ...]) -> frozenset[int]:
    """The tokens followed by punctuation that ends a scope."""
    return frozenset(
        k
        for k in range(len(spans) - 1)
        if _BREAK.search(text, spans[k][1], spans[k + 1][0]) is not None
    )


def _scope_end(
    tokens: list[str],
    breaks: frozenset[int],
    start: int,
    reach: int,
    cue: int,
    ends: frozenset[str] = _ENDS,
) -> int:
    """One past the last token of a scope opened at ``start`` by the cue ending at ``cue``;
    the scope stops before any of ``ends``."""
    if cue in breaks:
        return start  # "don't." opens nothing
    end = start
    while end < len(tokens) and end - start < reach and tokens[end] not in ends:
        end += 1
        if end - 1 in breaks:
            break
    return end


def _negation(tokens: list[str], i: int, opens: bool) -> int:
    """How many tokens a negation cue starting at ``i`` has (0: none starts there).

    ``opens`` tells whether ``i`` starts a clause (where "skip" and "forget" are orders).
    """
    token = tokens[i]
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    if token == "not":
        before = tokens[i - 1] if i else ""
        return 0 if before == "or" or after in _NOT_A_CUE_AFTER_NOT else 1
    if token in _NOT_WORDS:
        return 0 if after in _NOT_A_CUE_AFTER_NOT else 1
    if token == "t":
        return 1 if i and tokens[i - 1] in _NT and after not in _NOT_A_CUE_AFTER_NOT else 0
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


def _clause(tokens: list[str], i: int) -> int | None:
    """The first token of a subordinate clause that the cue at ``i`` opens, if it opens one."""
    token, before = tokens[i], tokens[i - 1]
    if token in _RELATIVES:
        if before in _ACTORS or before in _SAYING or before in _FUNCTION_WORDS:
            return None
        return i + 1
    if token == "so" and tokens[i + 1 : i + 2] == ["that"]:
        return i + 2
    if token == "order" and before == "in" and tokens[i + 1 : i + 2] == ["to"]:
        return i + 2  # "in order to": the clause is counted from "order"
    if token == "to" and i + 1 < len(tokens) and tokens[i + 1] in _PURPOSE_VERBS:
        if before in _TO_FRAMES or before in _ACTORS or tokens[0] in _USE_FRAMES:
            return None
        return i + 1
    return None


# Words after which "that", "which" or "who" is not a relative clause ("by who is in them",
# "tell me which", "all that").
_FUNCTION_WORDS = frozenset(
    """a an the by of in on at for from to with about me us you him her them it all and or
    but if whether out see find guess identify spot pick choose know which what""".split()
)
