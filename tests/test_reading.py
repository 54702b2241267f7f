"""Reading a request beyond its words: negation, subordinate clauses, question and output
conditions, and how the advice reports what it set aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from model_advisor import Advisor, load_examples
from model_advisor._reading import PLAIN, alternatives
from model_advisor._text import Analysis, classifier_text
from model_advisor.engine.matching import SUBORDINATE_WEIGHT, RuleEngine
from model_advisor.errors import RuleFileError
from model_advisor.knowledge.rules import load_rules
from model_advisor.knowledge.schema import Rule


def marked(text: str, kind: str) -> list[str]:
    """The phrases of ``text`` read as ``kind`` (negated or subordinate), cue included."""
    analysis = Analysis.of(text)
    reading = analysis.reading
    return [reading.phrase(s, analysis.normalized) for s in reading.scopes if s.kind == kind]


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("No need to write anything, just tell me who sent it", ["no need to write anything"]),
        ("I don't want a classifier; I want replies", ["don't want a classifier"]),
        ("Summarise, don't score, each review", ["don't score"]),
        ("do not translate the letters but summarise them", ["not translate the letters"]),
        ("label the photos instead of captioning them", ["instead of captioning them"]),
        ("draft replies rather than routing tickets", ["rather than routing tickets"]),
        ("translate it without changing the tone", ["without changing the tone"]),
        ("no drafting needed; flag the risky clauses", ["no drafting needed"]),
        ("never write code for this, only rank the bugs", ["never write code for this"]),
        # "not just X": X is not what is asked for, or not all of it
        ("answer the email for me, don't just sort it", ["don't just sort it"]),
        ("not only classify but also explain the photos", ["not only classify"]),
    ],
)
def test_reading_marks_the_scope_of_a_negation(text: str, negated: list[str]) -> None:
    assert marked(text, "negated") == negated


@pytest.mark.parametrize(
    "text",
    [
        "tell me whether or not the email is spam",
        "predict weather",
        "run the clinic without human doctors",  # absence of people, not of an action
        "is it spam or not",
        "there is no need for a poem",
        # a "not" that closes a question or a condition is no verdict
        "say whether each photo is fake or not, and caption it",
        "check the invoice and if not, write to the supplier",
    ],
)
def test_reading_leaves_other_texts_unnegated(text: str) -> None:
    assert Analysis.of(text).reading.negated == frozenset()


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("Summarising is not what we need; flag the risky clauses", ["summarising"]),
        ("A chatbot isn't what I want, just route the messages", ["a chatbot"]),
        ("Classify is the wrong word: rewrite each review", ["classify"]),
        ("Ranking or scoring are not what the client asked for", ["ranking or scoring"]),
        # a verdict of need: "is not needed", "isn't required", "not necessary", "unnecessary"
        ("A summary is not needed, just tell me the topic", ["a summary"]),
        ("Writing the replies isn't required; flag the urgent mails", ["writing the replies"]),
        ("Captions not necessary. Which photos show a dog?", ["captions"]),
        ("A score is unnecessary: review each film in a paragraph", ["a score"]),
        # "no need to" that ends its clause looks back (as a glossed "не надо" does)
        ("Write replies no need to. Sort the mails by urgency", ["write replies"]),
        # a "not" that closes its clause, where German, Dutch and Swedish put it
        ("Classify the photos not, but describe each one", ["classify the photos"]),
        ("translate the manual not; just name its language", ["translate the manual"]),
    ],
)
def test_reading_negates_what_a_verdict_disowns(text: str, negated: list[str]) -> None:
    assert marked(text, "negated") == negated
    assert negated[0] not in classifier_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "the right word is what matters, so rewrite it",
        # the clause starts too far back for its start to be what the verdict disowns
        "this time the forecast for next week in the northern region is not what we expected",
        # a verdict inside a question or a clause of its own is what is asked about
        "predict whether a repair is not needed",
        # "no need to" with words after it looks ahead, as in English
        "forecasts no need to write, just predict the demand",
    ],
)
def test_reading_leaves_a_far_or_missing_verdict_alone(text: str) -> None:
    negated = " ".join(marked(text, "negated"))
    assert "right word" not in negated and "forecast" not in negated
    assert "repair" not in negated and "forecasts" not in negated


def test_advice_names_the_task_a_verdict_disowned(shipped: Advisor) -> None:
    advice = shipped.advise(
        "Translation is not what I need; tell me whether each pair of sentences match"
    )
    assert advice.category == "discriminative"
    discount = advice.evidence.discounted[0]
    assert discount.kind == "negated" and discount.phrase == "translation"
    assert '"translation" is negated, so it was not counted' in advice.explanation


def test_reading_scope_stops_at_reach() -> None:
    words = "do not " + " ".join(f"w{i}" for i in range(12))
    (phrase,) = marked(words, "negated")
    assert phrase == "not w0 w1 w2 w3 w4 w5"


@pytest.mark.parametrize(
    ("text", "subordinate"),
    [
        ("spot product reviews that a bot wrote", ["that a bot wrote"]),
        ("invent patient records to stress-test our model", ["to stress-test our model"]),
        # what a machine made, and things in the plural, are acted on
        ("spot AI-written reviews that a bot posted", ["that a bot posted"]),
        ("sort the robot arm photos that the camera took", ["that the camera took"]),
    ],
)
def test_reading_marks_clauses_about_what_is_acted_on(text: str, subordinate: list[str]) -> None:
    assert marked(text, "subordinate") == subordinate


@pytest.mark.parametrize(
    "text",
    [
        "a tool that writes the code for a photo sorter",  # after a thing that acts
        "a package to classify bird calls in field recordings",  # a package acts too
        "I want to generate images of cats",  # a frame saying what is wanted
        "use sales history to predict demand",
        "train a model to detect fraud",
        "sort my photos by who is in them",  # an indirect question, not a clause
        "check that the totals add up",
        "an AI site foreman who orders materials and settles disputes",  # a machine in a role
        "a robot butler that cooks, cleans and answers the door",
    ],
)
def test_reading_keeps_what_is_wanted_in_the_main_clause(text: str) -> None:
    assert Analysis.of(text).reading.subordinate == frozenset()


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("Since the auditors come on Monday, flag every claim without a receipt",
         "since the auditors come on monday"),
        ("Because we will compose music later, I need the tracks sorted by mood",
         "because we will compose music later"),
        ("To help the fraud team, generate fake passports with defects",
         "to help the fraud team"),
        ("For the generator we are training, drop the blurry photos from the set",
         "for the generator we are training"),
        ("Churn was already predicted, so write an offer for each customer",
         "churn was already predicted"),
        ("Write a poem. Once it is done, count its syllables per line",
         "once it is done"),
        ("To celebrate the harbour's centenary, compose a short fanfare",
         "to celebrate the harbour's centenary"),
    ],
)  # fmt: skip
def test_reading_marks_a_clause_that_sets_the_scene(text: str, background: str) -> None:
    assert marked(text, "background") == [background]
    reading = Analysis.of(text).reading
    assert reading.background and reading.background <= reading.subordinate
    assert background not in classifier_text(text)  # the classifier does not read it


@pytest.mark.parametrize(
    "text",
    [
        "Since I must classify emails, which model?",  # too little after the comma
        "For our newsletter, write a short story",  # a beneficiary, not a clause
        "When will the shipment arrive",  # no comma: a question, not a clause
        "Predict sales. Write a summary, then email it",  # no cue opens the sentence
        "To-do list app for our team, with shared reminders and due dates",  # "to do": no verb
        "Using a model to write source code from a description, a snippet or a test",  # does
    ],
)
def test_reading_keeps_a_request_without_a_scene_setting_clause(text: str) -> None:
    assert Analysis.of(text).reading.background == frozenset()


@pytest.mark.parametrize(
    ("text", "scene"),
    [
        ("Our bakery already forecasts bread demand with a model. What I want now is a "
         "cheerful jingle for the radio advert.",
         ["our bakery already forecasts bread demand with a model"]),
        ("The archive team used to write catalogue entries by hand. Last winter we scanned "
         "every letter. The new task: sort the letters by sender.",
         ["the archive team used to write catalogue entries by hand",
          "last winter we scanned every letter"]),
        ("Sort the parcels by destination. The warehouse currently writes every label by "
         "hand.",  # the request may come first
         ["the warehouse currently writes every label by hand"]),
        ("We are a small charity with lots of volunteers. Could you draft a thank-you "
         "letter for each donor?",
         ["we are a small charity with lots of volunteers"]),
        ("Our charity runs food banks in six towns. The volunteers want a cheerful poster for "
         "the spring drive.",  # no sentence asks outright: the one that says who wants what
         ["our charity runs food banks in six towns"]),
    ],
)  # fmt: skip
def test_reading_marks_whole_sentences_that_set_the_scene(text: str, scene: list[str]) -> None:
    assert marked(text, "background") == scene
    seen = classifier_text(text)
    assert all(sentence not in seen for sentence in scene)


@pytest.mark.parametrize(
    ("text", "scene"),
    [
        ("Later we may want drafted replies, but for now I only need the tickets sorted by "
         "team", ["later we may want drafted replies"]),
        ("Eventually this should write our reports; the first step is flagging late orders",
         ["eventually this should write our reports"]),
        ("Down the line a classifier will read them. Today I need fake receipts generated.",
         ["down the line a classifier will read them"]),
        ("Later we will write the slogans, but first I want to know which age group buys it",
         ["later we will write the slogans"]),
        # the present told without asking puts nothing off: the later part is the request,
        # and the present only sets its scene
        ("Today we sort the tickets by hand; later we want an AI to draft the replies",
         ["today we sort the tickets by hand"]),
        # nothing asked for now
        ("Eventually we want an AI that drafts the replies to every ticket", []),
    ],
)  # fmt: skip
def test_reading_marks_what_is_put_off_beside_what_is_asked_now(
    text: str, scene: list[str]
) -> None:
    assert marked(text, "background") == scene


@pytest.mark.parametrize(
    ("text", "scene"),
    [
        ("We run a fraud team and need short explanations written for each flagged payment",
         ["we run a fraud team"]),
        ("I'm writing a book about robots and need my notes sorted by chapter",
         ["i'm writing a book about robots"]),
        ("We're building a voice app, and to clean its data we need each clip's noise rated",
         ["we're building a voice app"]),
        # a wish before "and", no wish after it, or another subject wishing: no scene
        ("We need the photos sorted and the blurry ones flagged", []),
        ("We sort the photos by hand and the team wants a poster", []),
        ("I run a bakery and the shop needs a jingle", []),
    ],
)  # fmt: skip
def test_reading_marks_what_the_writer_does_before_and_what_they_need(
    text: str, scene: list[str]
) -> None:
    assert marked(text, "background") == scene


@pytest.mark.parametrize(
    ("text", "aside"),
    [
        ("Spot the cracked tiles in each roof photo, because we plan to design new roofs",
         "because we plan to design new roofs"),
        ("Tag each recipe by cuisine so that we can write a newsletter about it",
         "so that we can write a newsletter about it"),
        ("tag the songs so that we can generate playlists", "so that we can generate playlists"),
        ("Write a haiku for every guest, who was already sorted by table",
         "who was already sorted by table"),
        ("Compose a lullaby for my niece, which I will sing while the nanny sorts her toys",
         "which i will sing while the nanny sorts her toys"),
        ("Score each lead, so our reps can write warmer emails",
         "so our reps can write warmer emails"),
    ],
)  # fmt: skip
def test_reading_marks_a_trailing_reason_or_aside(text: str, aside: str) -> None:
    assert aside in marked(text, "background")
    assert aside not in classifier_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "Since I must classify emails, which model?",  # a question
        "Find me an app, which writes thank-you notes",  # says what the app does
        "Sort the invoices by supplier",  # nothing trails
    ],
)
def test_reading_keeps_a_clause_that_asks_after_a_comma(text: str) -> None:
    assert not any(s.kind == "background" and s.start > 0 for s in Analysis.of(text).reading.scopes)


@pytest.mark.parametrize(
    "text", ["we lose members and dont know who leaves next", "I don't know which bids win"]
)
def test_reading_does_not_negate_what_the_writer_does_not_know(text: str) -> None:
    assert Analysis.of(text).reading.negated == frozenset()


@pytest.mark.parametrize(
    "text",
    [
        "Translate the menu into Greek. I want it to sound friendly.",  # two requests
        "We already label the scans. They are stored as PNG files.",  # nothing asks
        "Draw a fox. We already have one.",  # too little would be left
        "Estimate the rent of each flat in e.g. Lisbon from 3.5 rooms up.",  # no sentence end
    ],
)
def test_reading_keeps_sentences_when_no_other_one_asks(text: str) -> None:
    assert Analysis.of(text).reading.background == frozenset()


def test_reading_sentence_of_background_counts_its_rules_at_half_weight() -> None:
    text = "Our studio already writes jingles with AI. I want each invoice tagged as paid or not."
    engine = Advisor.from_dir(Path(__file__).parent.parent / "rules").engine
    decided = engine.decide(text)
    writing = [h for h in decided.hits if h.rule_id == "write-compose-draft"]
    assert writing and all(h.subordinate for h in writing)
    assert decided.decision.category == "discriminative"


@pytest.mark.parametrize(
    ("text", "unseen"),
    [
        ("write a 0 or 1 for every row", "write"),
        ("for each comment write 1 if it is rude, otherwise 0", "write"),
        ("Generate labels for my photos", "generate"),
        ("produce a yes/no answer for each claim", "produce"),
        ("predict the next chapter of my novel", "predict"),
        ("forecast the rest of this melody", "forecast"),
        ("write a number between 0 and 100 for each bid", "write"),
        ("produce an approve or reject decision per loan", "produce"),
        ("create a list of which invoices are overdue", "create"),
        ("make a map showing where the roof tiles are missing", "make"),
        ("generate per-row masks of the weeds", "generate"),
        ("condense every complaint into one of six topic codes", "condense"),
        ("write down whether each tenant paid on time", "write"),
        ("write out which of the twelve hazard codes apply to each site report", "write"),
        ("generate which of the two offers is cheaper", "generate"),
        ("write me which of these photos show a cat", "write"),
    ],
)
def test_classifier_does_not_read_a_verb_that_what_comes_out_contradicts(
    text: str, unseen: str
) -> None:
    assert unseen not in classifier_text(text).split()
    assert Analysis.of(text).reading.subordinate == frozenset()  # the rules still see it


@pytest.mark.parametrize(
    "text",
    [
        "write a label design for the jam jar",
        "forecast next month's sales",
        "write a story",
        "write a number of short stories",
        "make a map of the hiking trails",
        "translate the leaflet into one language after another",
        "write out the whole speech for the wedding",
    ],
)
def test_classifier_reads_a_verb_that_what_comes_out_agrees_with(text: str) -> None:
    assert classifier_text(text) == text


def test_classifier_reads_the_text_without_its_negated_words() -> None:
    # nor the cue of a negation that opened one: it would only teach which labels the
    # examples' negated texts happen to have
    assert classifier_text("No need to write, just tell me").split() == [",", "just", "tell", "me"]
    assert classifier_text("I don't want a classifier; I want replies").split() == [
        "i", "'", ";", "i", "want", "replies"
    ]  # fmt: skip
    assert "don" in classifier_text("we don't know who will leave next")  # no negation
    assert classifier_text("Predict Weather") == "predict weather"


# --- rules on what is read -------------------------------------------------------------------


def rule(rule_id: str, category: str, any_: list[dict[str, object]]) -> Rule:
    return Rule.model_validate(
        {
            "id": rule_id,
            "category": category,
            "weight": 0.8,
            "rationale": "r",
            "any": any_,
            "examples": {"match": ["x"]},
        }
    )


ENGINE = RuleEngine.from_rules(
    [
        rule("write", "generative", [{"kind": "keyword", "words": ["write"]}]),
        rule("absent-staff", "agi", [{"kind": "phrase", "phrases": ["without human"]}]),
        rule("score", "discriminative", [{"kind": "regex", "pattern": r"\bscor(e|ing)\b"}]),
    ]
)


def test_rules_skip_negated_words_but_keep_a_phrase_that_starts_with_the_cue() -> None:
    assert [h.rule_id for h in ENGINE.match("no need to write anything, just sort it")] == []
    assert [h.rule_id for h in ENGINE.match("don't bother scoring them; tag them")] == []
    fired = ENGINE.match("run the ward without human staff and write the notes")
    assert [h.rule_id for h in fired] == ["absent-staff", "write"]


def test_rules_matched_only_in_a_subordinate_clause_count_at_half_weight() -> None:
    (hit,) = ENGINE.match("spot product reviews that a bot would write")
    assert hit.subordinate and hit.weight == pytest.approx(0.8 * SUBORDINATE_WEIGHT)
    (brief,) = ENGINE.weigh("spot product reviews that a bot would write")
    assert brief.weight == hit.weight  # the batch's path weighs the same
    (main,) = ENGINE.match("write reviews of the products that we sell")
    assert not main.subordinate and main.weight == 0.8


def test_a_regex_matched_only_in_a_subordinate_clause_counts_at_half_weight() -> None:
    hits = ENGINE.match("write up the essays that the judges are scoring")
    assert [(h.rule_id, h.subordinate) for h in hits] == [("score", True), ("write", False)]
    (minor,) = ENGINE.match("sort the essays, which the judges are scoring")
    assert minor.rule_id == "score" and minor.subordinate
    assert minor.weight == pytest.approx(0.8 * SUBORDINATE_WEIGHT)
    (brief,) = ENGINE.weigh("sort the essays, which the judges are scoring")
    assert brief.weight == minor.weight
    # a second match in the main clause counts in full, whichever comes first
    (full,) = ENGINE.match("the essays, which the judges are scoring; score them again")
    assert not full.subordinate and full.weight == 0.8


def test_a_regex_counts_where_a_match_is_not_negated() -> None:
    (hit,) = ENGINE.match("don't bother scoring the essays by length; score them by clarity")
    assert hit.rule_id == "score" and hit.matched == ("score",)


@pytest.mark.parametrize(
    ("text", "judged"),
    [
        ("evaluation metrics for music generation", ["for music generation"]),
        ("an evaluation framework for image generation", ["for image generation"]),
        ("a detector of deepfake voices in calls", ["of deepfake voices in calls"]),
        ("uncertainty quantification for radiology report generation",
         ["for radiology report generation"]),
        ("pairwise comparison of chatbot answers", ["of chatbot answers"]),
        ("the grading of short essays by teachers", ["of short essays by teachers"]),
    ],
)  # fmt: skip
def test_reading_marks_what_a_word_of_judging_is_for(text: str, judged: list[str]) -> None:
    assert marked(text, "judged") == judged


@pytest.mark.parametrize(
    ("text", "judged"),
    [
        ("benchmarking text-to-image generative models", ["text-to-image generative models"]),
        ("we are evaluating generated captions", ["generated captions"]),
        ("detect ai-generated images on our site", ["ai-generated images on our site"]),
        ("comparing the answers of two llms", ["the answers of two llms"]),
        # a verb of judging opens nothing before a thing nobody made, and a form that may
        # be a noun opens nothing at all
        ("detecting cracks in concrete", []),
        ("a benchmark dataset generator for synthetic tables", []),
        ("production-grade synthetic data generation", []),
    ],
)
def test_reading_marks_the_made_thing_a_verb_of_judging_acts_on(
    text: str, judged: list[str]
) -> None:
    assert marked(text, "judged") == judged


def test_a_verb_of_judging_stays_the_request() -> None:
    hits = ENGINE.match("scoring generated essays")
    assert [(h.rule_id, h.subordinate) for h in hits] == [("score", False)]


@pytest.mark.parametrize(
    ("text", "judged"),
    [
        ("Snowl: a general agent evaluation framework", ["general agent"]),
        ("open LLM benchmarks, updated weekly", ["open llm"]),
        ("a chatbot safety leaderboard", ["chatbot safety"]),
    ],
)
def test_reading_marks_what_a_noun_phrase_ending_in_judging_judges(
    text: str, judged: list[str]
) -> None:
    assert marked(text, "judged") == judged


@pytest.mark.parametrize(
    "text",
    [
        "A Python package for generating evaluation datasets",  # a verb before it: the request
        "a synthetic QA benchmark dataset generator",  # the phrase goes on to what is made
        "run the evaluation",  # nothing before it in its phrase
    ],
)
def test_reading_marks_no_judged_phrase_where_the_judging_is_not_its_end(text: str) -> None:
    assert marked(text, "judged") == []


def test_advice_says_what_is_judged_went_unread(shipped: Advisor) -> None:
    advice = shipped.advise("evaluation metrics for symbolic music generation")
    assert advice.category == "discriminative"
    (discount,) = advice.evidence.discounted
    assert discount.kind == "judged" and discount.phrase == "for symbolic music generation"
    assert "names what is judged, not what is made" in advice.explanation


def test_the_classifier_does_not_read_the_thing_a_judging_word_is_for() -> None:
    analysis = Analysis.of("objective evaluation metrics for symbolic music generation")
    assert "music" not in analysis.seen and "evaluation metrics" in analysis.seen
    # a judging word is needed: "for" alone opens nothing
    assert Analysis.of("a soundtrack for music generation fans").reading is PLAIN


def test_reading_changes_nothing_for_a_plain_text() -> None:
    analysis = Analysis.of("write a poem for my mother")
    assert analysis.reading is PLAIN and analysis.seen == analysis.normalized


# --- the advice says what it set aside -------------------------------------------------------


def test_advice_names_the_negated_words_and_the_rules_they_kept_out(shipped: Advisor) -> None:
    advice = shipped.advise("Summarise, don't score, each review")
    assert advice.category == "generative"
    (discount,) = advice.evidence.discounted
    assert discount.kind == "negated" and discount.phrase == "don't score"
    assert discount.rules and all(
        r not in {h.rule_id for h in advice.evidence.rules} for r in discount.rules
    )
    assert '"don\'t score" is negated, so it was not counted' in advice.explanation


def test_advice_names_a_clause_that_weakened_a_rule(shipped: Advisor) -> None:
    advice = shipped.advise("spot product reviews that a bot wrote")
    assert advice.category == "discriminative"
    (discount,) = advice.evidence.discounted
    assert discount.kind == "subordinate" and discount.phrase == "that a bot wrote"
    weakened = [h for h in advice.evidence.rules if h.subordinate]
    assert [h.rule_id for h in weakened] == list(discount.rules)
    assert "only describes what is acted on" in advice.explanation


def test_advice_says_a_scene_setting_clause_and_a_closed_answer_verb_went_unread(
    shipped: Advisor,
) -> None:
    task = "Since churn has been rising for months, write a 0 or 1 next to each customer"
    advice = shipped.advise(task)
    kinds = {d.kind: d.phrase for d in advice.evidence.discounted}
    assert kinds == {"background": "since churn has been rising for months", "answer": "write"}
    assert '"since churn has been rising for months" only sets the scene' in advice.explanation
    assert '"write" makes a closed answer here' in advice.explanation


def test_advice_says_a_verb_asking_for_the_rest_of_a_work_went_unread(shipped: Advisor) -> None:
    advice = shipped.advise("predict the next chapter of my novel")
    assert advice.category == "generative"
    assert [(d.kind, d.phrase) for d in advice.evidence.discounted] == [("continuation", "predict")]
    assert "asks for the rest of a work here" in advice.explanation


@pytest.mark.parametrize(
    ("text", "unread"),
    [
        ("a small model for next-token prediction on legal text", "prediction"),
        ("Next-word predictions for a phone keyboard", "predictions"),
        ("next-frame prediction for traffic camera video", "prediction"),
    ],
)
def test_reading_leaves_the_prediction_of_a_next_token_unread(text: str, unread: str) -> None:
    analysis = Analysis.of(text)
    (scope,) = analysis.reading.scopes
    assert scope.kind == "continuation"
    assert analysis.tokens[scope.start] == unread and unread not in analysis.seen.split()


@pytest.mark.parametrize(
    "text", ["next sentence prediction for dialogue turns", "predictions for next week's sales"]
)
def test_reading_reads_other_predictions(text: str) -> None:
    assert not Analysis.of(text).reading.scopes


def test_advice_of_a_plain_task_discounts_nothing(shipped: Advisor) -> None:
    advice = shipped.advise("predict weather")
    assert advice.evidence.discounted == ()
    assert "negated" not in advice.explanation


# --- question and output conditions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "matches", "misses"),
    [
        ({"kind": "question", "frames": ["yes-no"]}, "write down whether each loan defaults",
         "write a loan agreement"),
        ({"kind": "question", "frames": ["which-of"]}, "which of the three suppliers is late",
         "list our suppliers"),
        ({"kind": "question", "frames": ["which-of"]}, "tell me the team each ticket goes to",
         "tell me the story of each painting"),
        ({"kind": "question", "frames": ["how-much"]}, "how likely is each customer to leave",
         "thank each customer"),
        ({"kind": "output", "types": ["prose"]}, "write up the figures as a paragraph",
         "predict the figures"),
        ({"kind": "output", "types": ["continuation"]}, "guess the next chapter of my novel",
         "summarise my novel"),
        ({"kind": "output", "types": ["label"]}, "tag each clip (cooking, sport, dance)",
         "film a cooking clip"),
        ({"kind": "output", "types": ["number"]}, "a score from 1 to 5 for each essay",
         "an essay on scores"),
        ({"kind": "question", "frames": ["yes-no"]}, "did the tenant pay late or not?",
         "not the tenant"),
        ({"kind": "output", "types": ["prose"]}, "describe the trends in three paragraphs",
         "write out the tag for every word"),
        ({"kind": "output", "types": ["image"]}, "show what the hall would look like in red",
         "compose a list of songs"),
        ({"kind": "output", "types": ["continuation"]}, "the next 8 bars of the tune",
         "the next 8 weeks of sales"),
        ({"kind": "output", "types": ["continuation"]}, "forecast the rest of this story",
         "forecast the rest of the year"),
        ({"kind": "output", "types": ["label"]}, "give each bug a severity (low/medium/high)",
         "read the low/medium/high notes"),
        ({"kind": "output", "types": ["label"]}, "one per photo: person, pet, food or landscape",
         "a photo of a person, a pet or food at home"),
        ({"kind": "output", "types": ["label"]}, "respond with only the genre of each song",
         "respond to each fan of the song"),
        ({"kind": "output", "types": ["label"]}, "write a sentiment tag for every tweet",
         "write a tweet"),
        ({"kind": "output", "types": ["audio"]}, "compose a short jingle for the shop",
         "compose a list of ten products"),
        ({"kind": "output", "types": ["label"]}, "generate a depth map for each frame",
         "generate a map of the kingdom"),
        ({"kind": "output", "types": ["label"]}, "draw a heat map of where shoppers stop",
         "draw a map of the shop"),
        ({"kind": "output", "types": ["label"]}, "output a binary mask of the river",
         "sew a carnival mask"),
        ({"kind": "output", "types": ["label"]}, "give a go/no-go decision for each launch",
         "write about a hard decision"),
        ({"kind": "output", "types": ["label"]}, "a list of which tenants paid",
         "a list of gift ideas"),
        ({"kind": "output", "types": ["label"]}, "sort them into one of our three risk bands",
         "turn them into one long story"),
        ({"kind": "output", "types": ["label"]}, "assign each pupil to one of four reading levels",
         "talk to one of our reading mentors"),
        ({"kind": "output", "types": ["number"]}, "note down the expected rainfall",
         "note down the recipe"),
        ({"kind": "output", "types": ["image"]}, "guess the skyline in 2050 and render it",
         "tally the survey replies and report it"),
        ({"kind": "output", "types": ["image"]}, "present the predicted flood as a picture",
         "read the invoices that arrive as pictures"),
        ({"kind": "output", "types": ["label"]}, "for each comment write 1 if it is rude, else 0",
         "write 1 paragraph if it is rude"),
        ({"kind": "output", "types": ["label"]}, "a column saying 1 if they return and 0 otherwise",
         "a column saying 10 things about them"),
        ({"kind": "output", "types": ["label"]}, "put yes when the invoice is paid, or no",
         "yes, when the invoice is paid write a thank-you note"),
    ],
)  # fmt: skip
def test_question_and_output_conditions_match_their_wordings(
    condition: dict[str, object], matches: str, misses: str
) -> None:
    engine = RuleEngine.from_rules([rule("r", "discriminative", [condition])])
    assert [h.rule_id for h in engine.match(matches)] == ["r"]
    assert engine.match(misses) == []


def test_an_unknown_question_frame_is_an_error_at_its_line(
    tmp_path: Path, shipped: Advisor
) -> None:
    source = shipped.knowledge.directory
    for name in ("categories.yaml", "generative-ai.md"):
        (tmp_path / name).write_bytes((source / name).read_bytes())
    (tmp_path / "rules.yaml").write_text(
        "version: 1\n"
        "rules:\n"
        "  - id: asks\n"
        "    category: discriminative\n"
        "    weight: 0.5\n"
        "    rationale: r\n"
        "    any:\n"
        "      - {kind: question, frames: [maybe-so]}\n"
        "    examples: {match: [x]}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError) as caught:
        load_rules(tmp_path)
    message = str(caught.value)
    assert "rules.yaml:8" in message and "'yes-no'" in message and "(asks)" in message


def test_the_c_stemmer_is_used_and_stems_like_the_pure_python_one(shipped: Advisor) -> None:
    import snowballstemmer
    from snowballstemmer.english_stemmer import EnglishStemmer

    fast, plain = snowballstemmer.stemmer("english"), EnglishStemmer()
    assert type(fast).__module__ == "Stemmer"  # PyStemmer, a dependency
    examples = load_examples(shipped.knowledge.directory / "examples.csv", shipped.categories)
    words = {w for e in examples for w in Analysis.of(e.task).tokens}
    assert len(words) > 2000
    assert [fast.stemWord(w) for w in sorted(words)] == [plain.stemWord(w) for w in sorted(words)]


# --- editing and dense prediction in the shipped rules ----------------------------------------


@pytest.mark.parametrize(
    ("text", "fires", "silent"),
    [
        ("stabilise the wobbly clips from my bike helmet camera", "image-editing-enhancement",
         "image-or-video-plus-judgement"),
        ("fill in the ripped edge of this scanned wedding photo", "image-editing-enhancement",
         "image-or-video-plus-judgement"),
        ("track the body pose of every skier on the slope camera", "visual-recognition-tasks",
         "image-editing-enhancement"),
        ("find the facial landmarks in each passport photo", "visual-recognition-tasks",
         "image-editing-enhancement"),
        ("recommend two novels from the school library for a shy reader", "choose-from-what-exists",
         "write-compose-draft"),
    ],
)  # fmt: skip
def test_shipped_rules_tell_editing_from_dense_prediction(
    shipped: Advisor, text: str, fires: str, silent: str
) -> None:
    fired = {h.rule_id for h in shipped.engine.decide(text).hits}
    assert fires in fired and silent not in fired


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("caption or classify images", [["caption", "classify"]]),
        ("I want to tag, rank or summarise the posts", [["tag", "rank", "summarise"]]),
        ("I want to tag, rank and summarise the posts", []),  # "and" joins tasks wanted
        ("Photos: crop, or enhance them", [["crop", "enhance"]]),
        ("classify the captions and subtitles", []),  # not where a request begins
        ("Hello, I need a model", []),  # no "and" or "or"
    ],
)
def test_reading_finds_words_offered_as_alternatives(text: str, groups: list[list[str]]) -> None:
    analysis = Analysis.of(text)
    found = alternatives(analysis.normalized, analysis.tokens)
    assert [[analysis.tokens[i] for i in sorted(g)] for g in found] == groups


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("write an essay about thinking machines", ["about thinking machines"]),
        ("produce a short weekly report on which stores sold out", ["on which stores sold out"]),
        ("draft a briefing of the risks in our supply chain", ["of the risks in our supply chain"]),
    ],
)
def test_reading_marks_the_topic_of_a_written_work(text: str, topic: list[str]) -> None:
    assert marked(text, "topic") == topic
    assert topic[0].split()[1] not in Analysis.of(text).seen.split()


@pytest.mark.parametrize(
    "text",
    [
        "a blog post about fine-tuning a sentiment model",  # no verb asks for the work
        "classify the reports on fraud",  # not a written work asked for
    ],
)
def test_reading_needs_a_work_asked_for_to_mark_a_topic(text: str) -> None:
    assert not any(s.kind == "topic" for s in Analysis.of(text).reading.scopes)


def test_advice_says_the_topic_of_a_written_work_went_unread(shipped: Advisor) -> None:
    advice = shipped.advise("write an essay about artificial general intelligence")
    assert advice.category == "generative"
    (discount,) = advice.evidence.discounted
    assert discount.kind == "topic" and discount.phrase == "about artificial general intelligence"
    assert "names what the written work is about, not the work to do" in advice.explanation


@pytest.mark.parametrize(
    ("text", "duties"),
    [
        ("AI harbour master: schedule berths, talk to captains, set fees and forecast traffic",
         "schedule berths, talk to captains, set fees and forecast traffic"),
        ("Replace our bookkeeper: invoices, payroll, reconciling accounts, chasing late payers. "
         "Thanks!", "invoices, payroll, reconciling accounts, chasing late payers"),
    ],
)  # fmt: skip
def test_reading_marks_the_duties_listed_after_a_role(text: str, duties: str) -> None:
    analysis = Analysis.of(text)
    (scope,) = [s for s in analysis.reading.scopes if s.kind == "duties"]
    assert analysis.reading.phrase(scope, analysis.normalized) == duties.lower()
    assert set(range(scope.start, scope.end)) <= analysis.reading.subordinate
    assert "captains" in analysis.seen or "payroll" in analysis.seen  # the classifier reads them


@pytest.mark.parametrize(
    "text",
    [
        "AI assistant for my shop: write descriptions, answer emails, post ads, make banners",
        "Classify support tickets into: billing, bugs, feature requests, other",
        "AI harbour master: schedule berths and talk to captains",  # too few duties
    ],
)
def test_reading_lists_no_duties_without_a_role_and_four_of_them(text: str) -> None:
    assert not any(s.kind == "duties" for s in Analysis.of(text).reading.scopes)


@pytest.mark.parametrize(
    ("text", "duties"),
    [
        ("Quillby runs the front office of a dental clinic. It answers the phone, books "
         "check-ups, chases unpaid invoices, orders supplies and reminds patients by text.",
         "answers the phone, books check-ups, chases unpaid invoices, orders supplies and "
         "reminds patients by text"),
        ("Greets visitors, signs parcels and letters in, routes calls, prints badges and "
         "pages hosts.", "greets visitors, signs parcels and letters in, routes calls, "
         "prints badges and pages hosts"),
    ],
)  # fmt: skip
def test_reading_marks_a_chain_of_duties(text: str, duties: str) -> None:
    analysis = Analysis.of(text)
    (scope,) = [s for s in analysis.reading.scopes if s.kind == "duties"]
    assert analysis.reading.phrase(scope, analysis.normalized) == duties.lower()
    assert set(range(scope.start, scope.end)) <= analysis.reading.subordinate


@pytest.mark.parametrize(
    "text",
    [
        # a sentence that names a product before its chain: what the product does
        "Our app transcribes calls, tags speakers, summarises meetings and exports notes",
        # plural nouns, not verbs: nothing follows them, or "of" does
        "Invoices, receipts, contracts, payslips and letters",
        "Images of cats, videos of dogs, recordings of birds, scans of leaves",
        # too few clauses, or one verb again and again
        "It answers calls, books visits and sends reminders",
        "flags spam, flags phishing, flags fraud, flags scams",
    ],
)
def test_reading_finds_no_chain_of_duties(text: str) -> None:
    assert not any(s.kind == "duties" for s in Analysis.of(text).reading.scopes)


def test_advice_says_the_duties_of_a_role_counted_at_half_weight(shipped: Advisor) -> None:
    advice = shipped.advise(
        "AI office manager: order supplies, book meetings, forecast the budget, pay bills and "
        "handle complaints"
    )
    assert advice.category == "agi"
    (discount,) = [d for d in advice.evidence.discounted if d.kind == "duties"]
    assert "forecast-predict" in discount.rules
    assert "lists the duties of a role, one after another" in advice.explanation


def test_several_rules_of_a_subordinate_clause_count_together_for_half() -> None:
    engine = RuleEngine.from_rules(
        [
            rule("invent", "generative", [{"kind": "keyword", "words": ["invent"]}]),
            rule("flag", "discriminative", [{"kind": "keyword", "words": ["flags"]}]),
            rule("triage", "discriminative", [{"kind": "keyword", "words": ["triage"]}]),
            rule("sepsis", "discriminative", [{"kind": "keyword", "words": ["sepsis"]}]),
        ]
    )
    text = "invent records to stress-test our triage model that flags sepsis"
    hits = engine.match(text)
    minor = [h for h in hits if h.subordinate]
    assert {h.rule_id for h in minor} == {"flag", "triage", "sepsis"}
    missing = 1.0
    for hit in minor:
        missing *= 1 - hit.weight
    # together they weigh half of what they would in full: 1 - 0.2 ** 3 = 0.992
    assert 1 - missing == pytest.approx(SUBORDINATE_WEIGHT * (1 - 0.2**3), abs=1e-5)
    assert [h.weight for h in engine.weigh(text)] == [h.weight for h in hits]
    (main,) = [h for h in hits if not h.subordinate]
    assert main.weight == 0.8  # the request's own rule keeps its weight
