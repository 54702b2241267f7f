"""Subordinate clauses (a relative clause about a thing acted on, a purpose clause) and the
clauses that trail a request (its reason, or more about a thing), which are background."""

from __future__ import annotations

from .scopes import Scope
from .words import _FULL_STOP, _PURPOSE_VERBS, BACKGROUND_REST

CLAUSE_REACH = 8
"""The most words a subordinate clause covers; it also ends at punctuation or a conjunction."""

# a clause goes on through its own subject ("that we wrote") up to a conjunction
_CLAUSE_ENDS = frozenset("but and or then yet though although however because while".split())

# A that/which clause after these says what is wanted, not what is acted on.
_ACTORS = frozenset(
    """tool tools app apps application model models system systems ai bot bots chatbot
    assistant agent agents program programs software script scripts service services
    something someone anything way ways robot robots machine network pipeline algorithm
    platform solution api feature plugin extension website site engine one classifier
    detector generator function method workflow product package packages library libraries
    module modules toolkit toolbox framework frameworks sdk cli utility utilities wrapper
    implementation project repository repo notebook approach architecture technique""".split()
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
# "of", "for" or "on" after a word of judging opens the thing judged ("evaluation metrics
# *for music generation*", "plausibility checks *for generated poses*"): what it names is
# acted on, not made
OBJECT_CUES = frozenset("of for on".split())
JUDGING = frozenset(
    """evaluation evaluations evaluating evaluate evaluates evaluator evaluators metric
    metrics benchmark benchmarks benchmarking check checks checker checkers checking
    detector detectors detection detecting guardrail guardrails assessment assessments
    scoring scorer scorers verification verifier verifiers validator validators validation
    audit audits auditing moderation critic critics judge judges judging discriminator
    discriminators classifier classifiers classification test tests testing distance
    distances similarity measure measures measurement measurements filter filters
    quantification quantifying comparison comparisons rating ratings ranking rankings
    grading assessing auditor auditors""".split()
)
# A verb of judging followed by a thing that was made ("*benchmarking* text-to-image
# generative models", "scoring images generated from prompts", "compare the answers of two
# LLMs"): what follows it is judged too, as after "of" or "for". Only forms that are no noun:
# "a benchmark dataset generator" and "production-grade generation" judge nothing
JUDGING_VERBS = frozenset(
    """evaluate evaluates evaluating assess assesses assessing detect detects detecting verify
    verifies verifying compare compares comparing benchmarking scoring rating grading ranking
    testing auditing judging measuring""".split()
)
MADE_THINGS = frozenset(
    """generated generative generation generator generators synthetic synthesized synthesised
    fake fakes deepfake deepfakes cloned llm llms chatbot chatbots completions""".split()
)
# "on", "about" or "of" after a written work that a verb of making asks for opens its topic
# ("write an essay *about AGI*", "produce a report *on which jobs AI may take*"): the topic
# is what the work is about, not the work to do
TOPIC_CUES = frozenset("on about of".split())
WRITTEN = frozenset(
    """report reports essay essays article articles blog post posts newsletter newsletters
    explainer explainers briefing briefings presentation presentations speech speeches story
    stories poem poems song songs podcast podcasts lecture lectures talk column op ed
    overview guide guides summary summaries""".split()
)
_MAKING_WORK = frozenset(
    """write writes writing draft drafts produce produces create creates compose composes
    prepare prepares generate generates give make makes put""".split()
)
TOPIC_REACH = 4
"""How far before a written work its verb of making may be ("write *a short weekly* report")."""

# A clause after the request that gives its reason or says more about a thing: after a
# comma ("..., which the team has already labelled", "..., because we want to...") or, for
# a reason, anywhere ("... so that we can write guides", "... because we plan to...")
_BECAUSE = frozenset("because since".split())
_TRAILING = _BECAUSE | frozenset("which who whom whose where".split())
# "so" + a subject opens a clause of what follows ("..., so our reps can write emails")
_SO_SUBJECTS = frozenset("that we i they our my your their you he she it the staff people".split())


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
    the package's docstring): each from its cue to the next punctuation mark."""
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
            opens = token == "so" and bool(after) and after[0] in _SO_SUBJECTS
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


def _clause(tokens: list[str], i: int) -> int | None:
    """The first token of a subordinate clause that the cue at ``i`` opens, if it opens one
    (at the start of a text only a verb of judging opens one: "detect fake reviews")."""
    token = tokens[i]
    if token in JUDGING_VERBS:
        made = not MADE_THINGS.isdisjoint(tokens[i + 1 : i + 1 + CLAUSE_REACH])
        return i + 1 if made else None
    if i == 0:
        return None
    before = tokens[i - 1]
    if token in _RELATIVES:
        if before in _ACTORS or before in _SAYING or before in _FUNCTION_WORDS:
            return None
        if _machine_role(tokens, i):
            return None
        return i + 1
    if token in OBJECT_CUES and _judging(tokens, i):
        return i + 1  # "evaluation (framework) for ..."
    if token in TOPIC_CUES and _topic(tokens, i):
        return i + 1  # "write an essay about ..."
    if token in OBJECT_CUES:
        return None
    if token == "so" and tokens[i + 1 : i + 2] == ["that"]:
        return i + 2
    if token == "order" and before == "in" and tokens[i + 1 : i + 2] == ["to"]:
        return i + 2  # "in order to": the clause is counted from "order"
    if token == "to" and i + 1 < len(tokens) and tokens[i + 1] in _PURPOSE_VERBS:
        if before in _TO_FRAMES or before in _ACTORS or tokens[0] in _USE_FRAMES:
            return None
        return i + 1
    return None


def _judging(tokens: list[str], i: int) -> bool:
    """Whether the "of", "for" or "on" at ``i`` follows a word of judging (one word between
    them at most: "evaluation framework for")."""
    return tokens[i - 1] in JUDGING or (i > 1 and tokens[i - 2] in JUDGING)


def _topic(tokens: list[str], i: int) -> bool:
    """Whether the "on", "about" or "of" at ``i`` follows a written work that a verb of making
    asks for, a few words before it ("write a short report on")."""
    if tokens[i - 1] not in WRITTEN:
        return False
    before = tokens[max(0, i - 1 - TOPIC_REACH) : i - 1]
    return not _MAKING_WORK.isdisjoint(before)


ROLE_REACH = 4
"""How far before a relative word a machine may name the role it plays (an AI + up to three
words: "an AI executive director who ...")."""
_MACHINES = frozenset("ai robot robotic autonomous android".split())
_MADE = frozenset(
    """written generated made created drawn produced composed synthesised synthesized
    edited faked cloned""".split()
)


def _machine_role(tokens: list[str], i: int) -> bool:
    """Whether the words before the relative at ``i`` name a machine in a role ("an AI site
    foreman who ...", "a robot butler that ..."): what it does is what is wanted. A thing a
    machine made ("AI-written reviews that ...") is acted on, and so are things in the
    plural ("robot arm images that ..."): a role is one."""
    before = tokens[max(0, i - ROLE_REACH) : i]
    head = before[-1]
    if head.endswith("s") and not head.endswith("ss"):
        return False
    if not any(word in _MACHINES for word in before[:-1]):
        return False
    start = max(k for k, word in enumerate(before) if word in _MACHINES)
    return not any(word in _MADE for word in before[start + 1 :])


# Words after which "that", "which" or "who" is not a relative clause ("by who is in them",
# "tell me which", "all that").
_FUNCTION_WORDS = frozenset(
    """a an the by of in on at for from to with about me us you him her them it all and or
    but if whether out down see find guess identify spot pick choose know which what write
    generate produce create output""".split()
)


# A word of judging that a noun phrase ends with ("a general agent *evaluation* framework",
# "LLM *benchmarks*"): the words before it in the phrase are what is judged
COMPOUND_JUDGING = frozenset(
    """evaluation evaluations eval evals benchmark benchmarks benchmarking leaderboard
    leaderboards harness harnesses""".split()
)
COMPOUND_REACH = 3
"""The most words before a word of judging that a noun phrase may name as what is judged."""
# words that end such a phrase going back: function words, and words of acting or judging
_PHRASE_STOPS = (
    _FUNCTION_WORDS
    | JUDGING
    | JUDGING_VERBS
    | frozenset(
        """is are was be this that these those our your my their its we i they run runs
    suite suites framework frameworks""".split()
    )
)


def _compound_judged(tokens: list[str], breaks: frozenset[int], taken: set[int]) -> list[Scope]:
    """What the noun phrases that end with a word of judging judge (see COMPOUND_JUDGING)."""
    found = []
    for i, token in enumerate(tokens):
        if token not in COMPOUND_JUDGING or i == 0:
            continue
        if not MADE_THINGS.isdisjoint(tokens[i + 1 : i + 3]):
            continue  # the phrase goes on to what is made: "a benchmark dataset generator"
        start = i
        while (
            start > max(0, i - COMPOUND_REACH)
            and tokens[start - 1] not in _PHRASE_STOPS
            and not tokens[start - 1].endswith("ing")  # a verb: "generating evaluation sets"
            and start - 1 not in breaks
            and start - 1 not in taken
        ):
            start -= 1
        if start < i:
            found.append(Scope("judged", start, start, i))
    return found
