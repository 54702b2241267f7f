"""How a request is read beyond its words: what it says not to do, and what is subordinate.

:func:`read` marks words of a task (by position among its word tokens) in two ways:

- **Negated**: the words in the scope of "don't", "do not", "not", "never", "no need to",
  "instead of", "rather than" or "without" + a verb in -ing, up to the next punctuation mark or
  contrast word ("but", "just", "only"...), at most ``NEGATION_REACH`` words ("don't
  know", "not sure" and the like say what the writer wants found out, and negate nothing).
  "No need to write anything, just tell me which supplier sent each invoice" asks for no
  writing. Negated words are not evidence: the rules skip them and the classifier does not
  see them (the NOT_ marking of the sentiment-analysis literature, the marked words carrying
  no weight, since the examples teach none). The cue words themselves stay for the rules,
  so a rule may name a phrase that starts with one ("without human oversight", "instead of
  hiring"); the classifier reads no cue of a negation that opened a scope (a cue word would
  only teach which labels the examples' negated texts happen to have). "Don't just X", "not
  only X" negate X: it is not what is asked for, or not all of it ("answer the email, don't
  just sort it").
- **Subordinate**: the words of a relative clause about a thing acted on ("reviews *that a bot
  wrote*") or of a purpose clause ("invent records *to stress-test our model*", "so that ...").
  A rule that matched only there counts for less (:data:`SUBORDINATE_WEIGHT` in the engine).
  A clause that says what is wanted is the main one: after a thing that acts ("a tool that
  writes ...", "a model to detect ...", "an AI site foreman who ..."), or a frame ("I want
  to ...", "use the logs to ...").
  What a word of judging is "of", "for" or "on" is subordinate too, and unseen by the
  classifier, which reads the judging: "evaluation metrics *for music generation*",
  "plausibility checks *for generated poses*" measure what others made; so is what a verb of
  judging acts on when it names a made thing ("benchmarking *text-to-image generative
  models*", "evaluating *generated captions*"), the verb staying the request, and the words
  of a noun phrase that ends with a word of judging ("a *general agent* evaluation
  framework", "*LLM* benchmarks"), up to a function word, a verb in -ing or three words.
  So is the **topic** of a written work that a verb of making asks for, unseen by the
  classifier too: "write an essay *about AGI*", "produce a report *on which jobs AI may
  take*". And the **duties** of a role are subordinate, though the classifier reads them
  (``duties``): listed after its colon ("AI harbour master: *schedule berths, talk to
  captains, ...*"), or in a chain of four or more clauses that each open with a verb ("It
  *answers the calls, triages each job, assigns a technician and closes the work order*").
- **Background** (subordinate too, and also unseen by the classifier): a clause put before
  the request to set the scene, from the start of a sentence to its first comma, when it
  opens with a subordinating word ("since", "because", "once", "whenever", "considering",
  "using", "to help us...", "to reach AGI...": any verb but "do", "in order to...", "for the
  model we are training...") or says what is done already ("churn has already been
  predicted, so ..."). "Because we plan to compose music later, I need the old tracks
  classified by mood" asks for classifying: the classifier reads "I need the old tracks
  classified by mood", and a rule matched only in the clause counts at half weight. The
  request must go on for at least ``BACKGROUND_REST`` words after the comma ("Since I must
  classify emails, which model?" keeps its clause).
  Whole sentences are background too when another sentence of the text asks: one that
  wishes ("I want", "what we need now is", "I'd like", "management wants"), pleads
  ("please", "can you", "help me"), names the request ("the new project:"), opens with a
  verb of the task or ends with a question mark (when none does, one that says who wants
  or needs what: "the volunteers want a poster"). Then every sentence before the first that
  asks, and any other that says how things are or were ("already", "currently", "last
  season", "used to", "has been", "relies on"), only sets the scene: "Our bakery already
  forecasts demand with a model. What I want now is a jingle" is read as its second
  sentence. At least ``SCENE_REST`` words must remain.
  So is a part put off till later ("later", "eventually", "down the line", "the end goal")
  beside one that asks for something now ("but for now I only need", "today I need", "the
  first step is"): "Eventually a model will write the replies, but for now I need the emails
  routed" asks for routing. And so is what the writer says they do at the start, before
  "and" and what they need: "We run a fraud team and need short explanations written" asks
  for the explanations.
  Last, a clause after the request that gives its reason or says more about a thing is
  background as well, from its cue to the next punctuation mark: after a comma, "which",
  "who", "where", "because" or "since" ("draft the minutes, which the system has already
  labelled by speaker"), and anywhere, "because" and "so that" ("detect the defects so that
  we can write better guides"), and after a comma "so" with a subject ("..., so our reps can
  write warmer emails"). A "which" after a thing that acts ("an app, which writes
  ...") and a clause ending in a question mark ("..., which model?") stay.
- **Unseen verbs** (by the classifier only): a verb of making whose object is a closed
  answer ("write a 0 or 1 for each row", "generate labels", "produce a yes/no answer",
  "write a number from 1 to 10", "generate a go/no-go decision", "create a per-pixel mask",
  "write down the expected output") or a listing of which ("draft a list of which...",
  "create a map showing where...") or a closed question straight after it ("write down
  whether...", "write out which of the codes apply"), a verb that turns its input "into
  one of" a set ("summarise each record into one of four codes"), and a verb of predicting
  whose object is the rest of a work ("predict the next chapter", "forecast the rest of this
  melody").
  What comes out decides, not the verb: the classifier reads such a task without the verb,
  and the rules' `output` conditions see what comes out.

The word lists are English, like the stemmer. This package is private and sits at the bottom
of ``model_advisor``: training and the engine read a text the same way.

:func:`read` (here) puts the parts together; each part is a module, and imports run one way,
from here down to the last two:

- ``alternatives``: words offered as alternatives ("caption or classify"), which the engine
  asks for only when a rule's veto word is present.
- ``duties``: the duties of a role, listed after its colon ("AI farm manager: plant, hire,
  ...") or one clause after another ("It answers the calls, books the jobs, ...").
- ``negation``: the cues of a negated scope and the words that end it.
- ``clauses``: subordinate clauses, and the clauses that trail a request.
- ``scene``: background clauses and sentences that set the scene.
- ``verbs``: the unread verbs (closed answers, continuations).
- ``scopes``: what a reading is (:class:`Scope`, :class:`Reading`, :data:`PLAIN`).
- ``words``: what several parts share (punctuation, purpose verbs, ``BACKGROUND_REST``).
"""

from __future__ import annotations

from .._script import word_pattern
from .alternatives import alternatives
from .clauses import (
    _CLAUSE_ENDS,
    _RELATIVES,
    CLAUSE_REACH,
    COMPOUND_JUDGING,
    JUDGING,
    JUDGING_VERBS,
    MADE_THINGS,
    OBJECT_CUES,
    TOPIC_CUES,
    WRITTEN,
    _clause,
    _compound_judged,
    _judging,
    _may_trail,
    _trailing,
)
from .duties import _duties, _may_list_duties
from .negation import _ENDS, _NOT_WORDS, _NT, NEGATION_REACH, _disowned, _negation, _verdict
from .scene import (
    BACKGROUND_REACH,
    SCENE_REST,
    _background,
    _deferred,
    _doing_and_needing,
    _may_set_scene,
    _scene_sentences,
)
from .scopes import PLAIN, Reading, Scope
from .verbs import ANSWER_REACH, _unread_kind, _unseen_verbs
from .words import _BREAK, BACKGROUND_REST

__all__ = [
    "ANSWER_REACH",
    "BACKGROUND_REACH",
    "BACKGROUND_REST",
    "CLAUSE_REACH",
    "NEGATION_REACH",
    "PLAIN",
    "SCENE_REST",
    "Reading",
    "Scope",
    "alternatives",
    "read",
]

_TRIGGERS = (
    _NT
    | _NOT_WORDS
    | _RELATIVES
    | frozenset("t not no without instead rather to skip forget so order wrong unnecessary".split())
)
# the cue words worth looking at, by whether a text judges something, names a written work
# and names a made thing
_TRIGGER_SETS = {
    (judging, written, made): _TRIGGERS
    | (OBJECT_CUES if judging else frozenset())
    | (TOPIC_CUES if written else frozenset())
    | (JUDGING_VERBS if made else frozenset())
    for judging in (False, True)
    for written in (False, True)
    for made in (False, True)
}


def read(normalized: str, tokens: list[str]) -> Reading:
    """Mark the negated and subordinate words of ``normalized`` (``tokens`` are its words)."""
    unseen = _unseen_verbs(tokens)
    fronted = _may_set_scene(normalized, tokens) or _may_trail(normalized, tokens)
    listing = _may_list_duties(normalized, tokens)
    compound = not COMPOUND_JUDGING.isdisjoint(tokens)
    # "of", "for" and "on" are cues only in a text that judges something
    triggers = _triggers(tokens)
    if not (fronted or unseen or listing or compound) and triggers.isdisjoint(tokens):
        return PLAIN
    # most texts with a trigger word ("to", "that") open nothing: find that out from the
    # words alone before placing them in the text
    cues = [i for i, token in enumerate(tokens) if token in triggers]
    if not (fronted or unseen or listing or compound) and not any(
        _negation(tokens, i, True) or _clause(tokens, i) or _verdict(tokens, i) for i in cues
    ):
        return PLAIN
    spans = tuple(m.span() for m in word_pattern(normalized).finditer(normalized))
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
    if fronted and not background:
        background = _deferred(normalized, spans, tokens) or _doing_and_needing(
            normalized, spans, tokens
        )
    scopes += background
    negated: set[int] = set()
    cue_words: set[int] = set()  # the classifier reads no cue of a negation that opened one
    reached = 0  # the first token after the last negated scope: a cue inside one opens none
    for i in cues:
        verdict = _verdict(tokens, i, breaks) if i >= reached else None
        if verdict is not None and (first := _disowned(tokens, verdict[0], breaks)) is not None:
            # "translate is not what I need": the words before the verdict are not wanted
            verb, past = verdict
            scopes.append(Scope("negated", first, first, verb))
            negated.update(range(first, verb))
            cue_words.update(range(verb, past))
            reached = past
            continue
        width = _negation(tokens, i, i == 0 or i - 1 in breaks) if i >= reached else 0
        if width:
            end = _scope_end(tokens, breaks, i + width, NEGATION_REACH, i + width - 1)
            if end > i + width:
                cue = i - 1 if tokens[i] == "t" else i  # "don't" starts at "don"
                scopes.append(Scope("negated", cue, i + width, end))
                negated.update(range(i + width, end))
                cue_words.update(range(cue, i + width))
            reached = max(end, i + 1)
    subordinate: set[int] = set()
    for scope in background:
        subordinate.update(range(scope.cue, scope.end))
    hidden = frozenset(subordinate) | unseen | frozenset(cue_words)
    if listing and (duties := _duties(normalized, spans, tokens)) is not None:
        scopes.append(duties)  # the classifier reads them: rules matched there count half
        subordinate.update(range(duties.start, duties.end))
    for i in cues:
        start = _clause(tokens, i)
        if start is None or i in negated or i in subordinate:
            continue
        end = _scope_end(tokens, breaks, start, CLAUSE_REACH, i, _CLAUSE_ENDS)
        if end > start:
            # a verb of judging is the request itself, what it acts on starts after it; other
            # cues belong to their clause ("in order to" is shown from "in")
            first = start if tokens[i] in JUDGING_VERBS else i
            cue = i - 1 if tokens[i] == "order" else first
            kind = _kind(tokens, i)
            scopes.append(Scope(kind, cue, start, end))
            subordinate.update(range(first, end))
            if kind != "subordinate":  # what is judged or written about: the classifier
                # reads the judging or the writing without it
                hidden |= frozenset(range(start, end))
    if compound:
        for scope in _compound_judged(tokens, breaks, negated | subordinate):
            scopes.append(scope)
            subordinate.update(range(scope.start, scope.end))
            hidden |= frozenset(range(scope.start, scope.end))
    if not scopes and not hidden:
        return PLAIN
    scopes += [Scope(_unread_kind(tokens[i]), i, i, i + 1) for i in sorted(unseen)]
    scopes.sort(key=lambda s: s.cue)
    return Reading(
        frozenset(negated), frozenset(subordinate - negated), tuple(scopes), spans, hidden
    )


def _triggers(tokens: list[str]) -> frozenset[str]:
    """The cue words worth looking at in ``tokens``: "of", "for" and "on" only in a text that
    judges something, "on", "about" and "of" only in one that names a written work, verbs of
    judging only in one that names a made thing."""
    judging = not JUDGING.isdisjoint(tokens)
    written = not WRITTEN.isdisjoint(tokens)
    return _TRIGGER_SETS[judging, written, not MADE_THINGS.isdisjoint(tokens)]


def _kind(tokens: list[str], i: int) -> str:
    """The kind of the clause that the cue at ``i`` opens (see :func:`read`)."""
    if tokens[i] in JUDGING_VERBS or (tokens[i] in OBJECT_CUES and _judging(tokens, i)):
        return "judged"
    if tokens[i] in TOPIC_CUES:
        return "topic"
    return "subordinate"


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
