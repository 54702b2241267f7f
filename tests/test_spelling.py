"""Misspelt words read as the common words of the knowledge they were meant to be."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import pytest

from model_advisor import Advisor, load_examples
from model_advisor._text import Analysis
from model_advisor._typos import is_typo, lookalikes, typos
from model_advisor.engine import spelling
from model_advisor.engine.pipeline import match_rules
from model_advisor.engine.spelling import Speller

COMMON = ["whether", "summary", "generate", "render", "detect", "four", "speech", "records"]
KNOWN = frozenset([*COMMON, "write", "down", "each", "these", "sentences", "grammatical"])


@pytest.fixture
def speller() -> Speller:
    return Speller(KNOWN, COMMON)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("wether", "whether"),  # a letter left out
        ("summmary", "summary"),  # a letter doubled
        ("rendwer", "render"),  # a key beside its neighbour added
        ("wgether", "whether"),  # a key beside it
        ("speach", "speech"),  # another vowel
        ("gneerate", "generate"),  # two letters swapped
        ("rceords", "records"),
        ("edtect", "detect"),  # the first two swapped
    ],
)
def test_is_typo_takes_what_fingers_do(written: str, meant: str) -> None:
    assert is_typo(written, meant)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("whether", "whether"),  # the same word
        ("tender", "render"),  # the first letter changed
        ("renper", "render"),  # a key far from it
        ("summry", "sumary"),  # not one typo of each other
        ("detecting", "detect"),  # three letters more
        ("gnereate", "generate"),  # two typos
    ],
)
def test_is_typo_refuses_other_differences(written: str, meant: str) -> None:
    assert not is_typo(written, meant)


def test_speller_reads_misspelt_words_as_the_words_meant(speller: Speller) -> None:
    text, corrections = speller.correct("Write down wgether each of these sentences is grammatical")

    assert text == "Write down whether each of these sentences is grammatical"
    assert [(c.word, c.read_as) for c in corrections] == [("wgether", "whether")]


def test_speller_keeps_the_capital_of_a_sentence_start(speller: Speller) -> None:
    text, _ = speller.correct("Genrate a summary. Detcet each speech")

    assert text == "Generate a summary. Detect each speech"


@pytest.mark.parametrize(
    "text",
    [
        "write down whether each of these sentences is grammatical",  # nothing misspelt
        "write down each of these sentences in Wether style",  # a name inside a sentence
        "write down each of these sentences as WGETHER",  # an acronym
        "write down each of these sentences to ./wgether/down",  # a path
        "write down each of these sentences in re-wgether",  # part of a compound
        "write down each of these sentences with wgether2",  # a digit in it
        "write these gneralized sentnces sumary grammaticl",  # too many words unknown
        "écrire si chaque phrase est grammaticale wgether",  # another language
    ],
)
def test_speller_leaves_names_compounds_and_foreign_texts_alone(
    speller: Speller, text: str
) -> None:
    assert speller.correct(text) == (text, ())


def test_english_words_that_are_typos_of_common_ones_are_known() -> None:
    # "flour" is one letter from "four", "roots" from "robots": real words are kept as known
    # words of the model, so the speller leaves them as written
    found = lookalikes(["four", "robots", "whether"], 5)

    assert {"flour", "roots"} <= found
    assert all(any(is_typo(w, c) for c in ("four", "robots", "whether")) for w in found)
    assert "roobts" not in found  # not English
    speller = Speller(KNOWN | found, [*COMMON, "robots"])
    assert speller.correct("write down these sentences about roots") == (
        "write down these sentences about roots",
        (),
    )
    assert speller.correct("write down these sentences about roobts")[0].endswith("robots")


def test_the_shipped_model_knows_the_english_lookalikes_of_its_common_words(
    shipped: Advisor,
) -> None:
    known = shipped.knowledge.known_words
    assert {"roots", "flour", "diving", "pills"} <= known
    assert shipped.engine.rules.speller.correct("write about roots and diving")[1] == ()


@pytest.mark.parametrize("word", ["whether", "summary", "render", "ab", "speech", "queue"])
def test_typos_keep_the_first_letter_and_make_one_slip(word: str) -> None:
    for written in typos(word):
        assert written[0] == word[0] or written[:2] == word[1::-1]  # or the first two swapped
        assert abs(len(written) - len(word)) <= 1


@pytest.mark.parametrize("word", ["whether", "summary", "render", "ab", "speech", "queue", "aaaa"])
def test_is_typo_agrees_with_the_list_of_typos(word: str) -> None:
    # is_typo checks without listing: on every typo, and on every typo of a typo, it must
    # answer as membership of the list does
    near = typos(word)
    farther = {w for t in near for w in typos(t)}
    for written in near | farther | {word, "", word[0]}:
        assert is_typo(written, word) == (written in near), written


def test_speller_prefers_the_commonest_word() -> None:
    # "leter" is a letter short of "letter" and a vowel away from "later": the commoner
    known = frozenset(["letter", "later", "write", "each", "these"])
    text = "write each of these leter"

    assert Speller(known, ["letter", "later"]).correct(text)[0] == "write each of these letter"
    assert Speller(known, ["later", "letter"]).correct(text)[0] == "write each of these later"


def test_speller_answers_alike_whatever_its_cache_holds(
    speller: Speller, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [
        "write down wgether each of these sentences is grammatical",
        "Genrate a summmary of each speach",
        "write down these records and rceords",
    ] * 3
    expected = [Speller(KNOWN, COMMON).correct(t) for t in texts]
    monkeypatch.setattr(spelling, "CACHE_SIZE", 1)

    assert [speller.correct(t) for t in texts] == expected


def test_speller_without_common_words_changes_nothing() -> None:
    assert Speller(KNOWN, ()).correct("wgether") == ("wgether", ())


# --- in the pipeline ------------------------------------------------------------------------


def test_advice_reads_a_misspelt_request_as_the_one_meant(shipped: Advisor) -> None:
    meant = shipped.advise("Write down whether each of these sentences is grammatical")
    misspelt = shipped.advise("Write down wgether each of these sentances is grammatical")

    assert [(c.word, c.read_as) for c in misspelt.evidence.corrected] == [
        ("wgether", "whether"),
        ("sentances", "sentences"),
    ]
    assert 'Read "wgether" as "whether" and "sentances" as "sentences"' in misspelt.explanation
    assert misspelt.task == "Write down wgether each of these sentances is grammatical"
    assert (misspelt.category, misspelt.scores) == (meant.category, meant.scores)
    assert meant.evidence.corrected == ()


def test_a_batch_reads_misspelt_words_as_one_task_does(shipped: Advisor) -> None:
    # from CHUNK_AT_ONCE tasks on, the batch scores them all at once: the same corrections
    words = ["wgether", "summmary", "genrate", "detcet", "speach", "forcast", "clasify"]
    tasks = [f"please {w} the {n} records of our shop" for n in range(6) for w in words]
    engine = shipped.engine

    many = engine.decide_many(tasks)

    for task, decided in zip(tasks, many, strict=True):
        one = engine.decide(task, matched_words=False)
        assert not isinstance(decided, Exception)
        assert decided.corrections == one.corrections
        assert decided.decision.category == one.decision.category


def test_rule_tests_read_misspelt_words_too(shipped: Advisor) -> None:
    # `rules test` and the silent-rule check run match_rules with the same speller
    matched = match_rules(shipped.engine.rules, "summmarise this report", matched_words=True)

    assert [c.read_as for c in matched.corrections] == ["summarise"]
    assert "summarise" in matched.analysis.tokens


def test_the_common_words_are_plain_known_and_commonest_first(shipped: Advisor) -> None:
    knowledge = shipped.knowledge
    common = knowledge.common_words
    held = Counter(
        w
        for e in load_examples(knowledge.directory / "examples.csv", knowledge.categories)
        for w in set(Analysis.of(e.task).tokens)
    )

    assert len(common) > 1000
    assert all(w.isascii() and w.isalpha() and len(w) >= 4 for w in common)
    assert set(common) <= knowledge.known_words
    assert all(held[a] >= held[b] >= 5 for a, b in pairwise(common))
