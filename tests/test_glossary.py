"""Words of other languages read as English words through a knowledge's glossary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from model_advisor import Advisor, train_knowledge
from model_advisor._text import Analysis, normalize, words
from model_advisor.engine.building import load_knowledge
from model_advisor.engine.glossing import Glossary
from model_advisor.engine.pipeline import Engine, match_rules, training_texts
from model_advisor.knowledge.glossary import GlossaryTables, fold
from model_advisor.knowledge.loader import compile_directory, knowledge_sha256
from model_advisor.knowledge.schema import GlossaryFile

TINY = Path(__file__).parent / "data" / "knowledge"

SPANISH = GlossaryFile(
    version=1,
    language="es",
    words={
        "classify": ("clasificar", "clasifica", "clasific*"),
        "predict": ("predecir", "predicción"),
        "email": ("correo electrónico", "correos"),
        "network": ("red",),  # also an English word: never read
        "write": ("escribe", "escribir"),
        "poem": ("poema",),
        "machine learning": ("aprendizaje automátic*",),
        "yes or no": ("sí o no",),
    },
    cues={
        "not": ("no",),
        "but": ("sino",),
        "just": ("solo", "nada más"),
        "not needed": ("no hace falta",),
        "although": ("aunque",),
    },
)
CHINESE = GlossaryFile(
    version=1,
    language="zh",
    words={"predict": ("预测",), "stock price": ("股价",), "write": ("写一",)},
    cues={"not": ("不要",), "but": ("而是",)},
)
ENGLISH = frozenset({"red", "the", "weather", "classic", "classical", "predict"})


@pytest.fixture
def glossary() -> Glossary:
    return Glossary(GlossaryTables.compile([SPANISH, CHINESE], ENGLISH.__contains__, ENGLISH))


def gloss(glossary: Glossary, text: str) -> tuple[str, list[tuple[str, str, str | None]]]:
    normalized = normalize(text)
    read, corrections = glossary.gloss(normalized, words(normalized))
    return read, [(c.word, c.read_as, c.language) for c in corrections]


def test_glossary_reads_words_forms_and_beginnings_as_english(glossary: Glossary) -> None:
    read, corrections = gloss(glossary, "Clasifica los correos")
    assert read == "classify los email"
    assert corrections == [("clasifica", "classify", "es"), ("correos", "email", "es")]
    # a form's beginning: any word that starts with it
    assert gloss(glossary, "la clasificación")[0] == "la classify"


def test_glossary_reads_forms_of_several_words_the_longest_first(glossary: Glossary) -> None:
    read, corrections = gloss(glossary, "un correo electrónico, con aprendizaje automático")
    assert read == "un email, con machine learning"
    assert corrections[1] == ("aprendizaje automático", "machine learning", "es")


def test_glossary_finds_chinese_forms_inside_unspaced_text(glossary: Glossary) -> None:
    read, corrections = gloss(glossary, "用模型预测股价")
    assert words(read) == ["用模型", "predict", "stock", "price"]
    assert [c[1] for c in corrections] == ["predict", "stock price"]


def test_glossary_reads_cue_words_in_a_text_read_in_their_language(glossary: Glossary) -> None:
    read, corrections = gloss(glossary, "No escribe nada, solo clasifica los correos")
    assert words(read) == ["not", "write", "nada", "just", "classify", "los", "email"]
    assert ("no", "not", "es") in corrections
    # the reading then finds "write" negated, as in English
    assert "write" not in Analysis.of(read).seen.split()
    chinese = "不要写一首诗\uff0c而是预测股价"  # a full-width comma
    assert words(gloss(glossary, chinese)[0])[:3] == ["not", "write", "首诗"]


def test_glossary_reads_a_cue_after_what_it_turns_down(glossary: Glossary) -> None:
    # "escribir poemas no hace falta": the words before the verdict are not wanted
    read, _ = gloss(glossary, "Escribir un poema no hace falta, solo clasifica los correos")
    assert words(read)[:5] == ["write", "un", "poem", "not", "needed"]
    seen = Analysis.of(read).seen.split()
    assert "write" not in seen and "poem" not in seen and "classify" in seen


def test_glossary_reads_a_fronted_clause_as_english_sets_the_scene(glossary: Glossary) -> None:
    read, _ = gloss(glossary, "Aunque luego escribe un poema, ahora clasifica los correos")
    assert words(read)[:3] == ["although", "luego", "write"]
    analysis = Analysis.of(read)
    assert [s.kind for s in analysis.reading.scopes] == ["background"]
    assert "write" not in analysis.seen.split() and "classify" in analysis.seen.split()


def test_glossary_reads_a_closed_question_as_english_asks_one(glossary: Glossary) -> None:
    read, corrections = gloss(glossary, "Escribe solo sí o no: ¿es spam este correo?")
    assert ("sí o no", "yes or no", "es") in corrections
    assert read == "write just yes or no: ¿es spam este correo?"  # one space between words


def test_glossary_reads_no_cue_word_in_a_text_read_as_written(glossary: Glossary) -> None:
    # "no" is English too: alone, it is not read as Spanish
    assert gloss(glossary, "no need to write a poem") == ("no need to write a poem", [])


def test_glossary_reads_forms_written_without_their_accents(glossary: Glossary) -> None:
    assert fold("predicción") == "prediccion"
    assert gloss(glossary, "la prediccion del clima")[0] == "la predict del clima"


ARABIC = GlossaryFile(
    version=1,
    language="ar",
    words={"classify": ("تصنّف",), "detect": ("يكتشف",), "want": ("أريد",)},
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("تصنف الرسائل", "classify الرسائل"),  # the form's shadda left out of the text
        ("يكتشِف التزوير", "detect التزوير"),  # a short vowel written in the text only
        ("اريد نموذجا", "want نموذجا"),  # alef written without its hamza
    ],
)
def test_glossary_reads_a_word_with_or_without_its_optional_marks(text: str, expected: str) -> None:
    tables = GlossaryTables.compile([ARABIC], ENGLISH.__contains__, ENGLISH)
    assert gloss(Glossary(tables), text)[0] == expected


def test_glossary_leaves_english_as_written(glossary: Glossary) -> None:
    # "red" is also English; "classical" begins with no form; "classic" neither
    for text in ("the red network", "classify the weather", "classical music"):
        assert gloss(glossary, text) == (normalize(text), [])


def test_glossary_keeps_english_words_that_a_beginning_would_take() -> None:
    french = GlossaryFile(version=1, language="fr", words={"classify": ("classifi*",)})
    english = frozenset({"classified", "classify"})
    tables = GlossaryTables.compile([french], english.__contains__, english)
    assert tables.kept == {"classified"}  # "classify" reads as itself
    assert gloss(Glossary(tables), "classifier les classified ads")[0] == (
        "classify les classified ads"
    )


GERMAN = GlossaryFile(
    version=1,
    language="de",
    compounds=True,
    words={
        "face": ("gesicht",),
        "recognition": ("erkennung",),
        "image": ("bild*",),
        "classify": ("klassifizier*",),
        "planet": ("planeten",),
        "rating": ("bewertung",),
        "write": ("schreibe",),
        "data": ("daten",),
    },
)


@pytest.fixture
def german() -> Glossary:
    english = frozenset({"exoplaneten", "the", "for"})
    return Glossary(GlossaryTables.compile([GERMAN, SPANISH], english.__contains__, english))


def test_glossary_reads_a_compound_by_its_ending_and_its_first_part(german: Glossary) -> None:
    # the first part read too, without the "s" that joins it
    assert gloss(german, "gesichtserkennung am eingang") == (
        "face recognition am eingang",
        [("gesichtserkennung", "face recognition", "de")],
    )
    # a first part the glossary does not know stays as written
    assert gloss(german, "schreibe eine kundenbewertung")[0] == "write eine kunden rating"


def test_glossary_reads_a_compound_whole_when_a_beginning_covers_its_first_part_only(
    german: Glossary,
) -> None:
    # "bild*" would read the whole word as "image"; the compound says image classification
    assert gloss(german, "bildklassifizierung")[0] == "image classify"
    assert gloss(german, "bilder")[0] == "image"  # a word the beginning reads alone


def test_glossary_reads_compounds_only_of_the_languages_a_text_is_in(german: Glossary) -> None:
    # read as Spanish: a German ending inside a word is chance
    assert gloss(german, "clasifica las kundenbewertung")[0] == ("classify las kundenbewertung")
    # an English word ending in a form is kept as written, like one a beginning would take
    assert gloss(german, "schreibe the exoplaneten")[0] == "write the exoplaneten"
    # alone, with nothing else read, a compound needs a longer ending than beside German
    assert gloss(german, "kundenbewertung")[0] == "kunden rating"
    assert gloss(german, "sensordaten") == ("sensordaten", [])
    assert gloss(german, "schreibe sensordaten")[0] == "write sensor data"


VAV = "\u05d5"  # Hebrew "and", written joined to the next word (and like a Latin l)
HEBREW = GlossaryFile(
    version=1,
    language="he",
    words={"identify": ("מזהה",), "image": ("תמונה", "תמונות")},
    clitics=(VAV, "ש", "מ", "שמ"),
)


@pytest.fixture
def hebrew() -> Glossary:
    return Glossary(GlossaryTables.compile([HEBREW, SPANISH], ENGLISH.__contains__, ENGLISH))


def test_glossary_reads_a_word_without_the_clitic_joined_to_its_front(hebrew: Glossary) -> None:
    # "that identifies", "from images": a clitic and a form, written as one word
    assert gloss(hebrew, "כלי שמזהה פנים מתמונות")[0] == "כלי identify פנים image"
    # the longest clitic that leaves a form: "ש" + "מזהה", not "שמ" + "זהה"
    assert gloss(hebrew, "ושמזהה")[0] == "ושמזהה"  # two clitics: one is read off, not both
    assert ("שמזהה", "identify", "he") in gloss(hebrew, "שמזהה")[1]


def test_glossary_reads_no_clitic_before_too_short_a_rest_or_another_language(
    hebrew: Glossary,
) -> None:
    assert gloss(hebrew, "שמה") == ("שמה", [])  # "ש" + two letters: too short to be read
    # a Hebrew clitic before a Spanish form is chance: read as written
    assert gloss(hebrew, f"{VAV}clasifica")[0] == f"{VAV}clasifica"


def test_glossary_first_language_wins_a_shared_form() -> None:
    one = GlossaryFile(version=1, language="aa", words={"photo": ("foto",)})
    two = GlossaryFile(version=1, language="bb", words={"picture": ("foto",)})
    tables = GlossaryTables.compile([two, one], lambda _: False)
    assert tables.words["foto"] == "aa photo"


def test_glossary_tables_survive_the_model_file() -> None:
    files = [SPANISH, CHINESE, HEBREW]
    tables = GlossaryTables.compile(files, ENGLISH.__contains__, ENGLISH)
    again = GlossaryTables.from_parts({k: memoryview(v) for k, v in tables.parts().items()})
    assert again == tables
    text = "clasifica el correo electrónico y la predicción 预测股价 שמזהה"
    assert gloss(Glossary(again), text) == gloss(Glossary(tables), text)


def test_empty_glossary_reads_nothing() -> None:
    empty = Glossary(GlossaryTables.empty())
    assert empty.gloss("clasifica", ["clasifica"]) == ("clasifica", ())


# --- through the pipeline ------------------------------------------------------------------


@pytest.fixture(scope="module")
def glossed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny knowledge (English examples only) with a Spanish glossary, trained."""
    target = tmp_path_factory.mktemp("glossed") / "knowledge"
    shutil.copytree(TINY, target)
    (target / "glossary").mkdir()
    (target / "glossary" / "es.yaml").write_text(
        "version: 1\nlanguage: es\nwords:\n"
        "  write: [escribe, escribir]\n  poem: [poema]\n  classify: [clasifica*]\n"
        "  photos: [fotos]\n  cats: [gatos]\n",
        encoding="utf-8",
    )
    train_knowledge(target)
    return target


def test_advice_on_a_glossed_task_says_what_was_read(glossed_dir: Path) -> None:
    advice = Advisor.from_dir(glossed_dir).advise("escribe un poema")
    assert advice.category == "generative"
    assert [h.rule_id for h in advice.evidence.rules] == ["make-content"]
    assert [(c.word, c.read_as, c.language) for c in advice.evidence.corrected] == [
        ("escribe", "write", "es"),
        ("poema", "poem", "es"),
    ]
    assert 'Read "escribe" as "write" and "poema" as "poem" through the glossary (es).' in (
        advice.explanation
    )


def test_without_the_glossary_the_same_task_has_no_evidence(tiny_dir: Path) -> None:
    advice = Advisor.from_dir(tiny_dir).advise("escribe un poema")
    assert advice.category == "undetermined"


def test_training_reads_examples_through_the_glossary(glossed_dir: Path, tmp_path: Path) -> None:
    # an example in Spanish is learned as the words it is read as
    knowledge = load_knowledge(glossed_dir)
    engine = Engine(knowledge)
    assert training_texts(engine.rules, ["clasifica fotos de gatos", "sort books"]) == [
        "classify photos de cats",
        "sort books",
    ]
    # and a task is read the same way before the classifier sees it
    decided = engine.decide("clasifica fotos de gatos")
    assert decided.analysis.seen == "classify photos de cats"


def test_batch_and_single_task_read_the_same(glossed_dir: Path) -> None:
    engine = Engine(load_knowledge(glossed_dir))
    tasks = [f"clasifica fotos de gatos {i}" for i in range(40)] + ["escribe un poema"] * 2
    many = engine.decide_many(tasks)
    for task, batch in zip(tasks, many, strict=True):
        one = engine.decide(task, matched_words=False)
        assert not isinstance(batch, Exception)
        assert batch.corrections == one.corrections
        assert batch.decision.scores == pytest.approx(one.decision.scores, abs=1e-12)


def test_a_glossary_change_makes_the_model_stale(glossed_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "knowledge"
    shutil.copytree(glossed_dir, copy)
    before = knowledge_sha256(copy)
    with (copy / "glossary" / "es.yaml").open("a", encoding="utf-8") as handle:
        handle.write("  song: [canción]\n")
    assert knowledge_sha256(copy) != before
    assert compile_directory(copy).glossary.words["canción"] == "es song"


def test_analysis_of_glossed_text_is_what_the_rules_match(glossed_dir: Path) -> None:
    engine = Engine(load_knowledge(glossed_dir))
    decided = engine.decide("clasificar gatos")
    assert decided.analysis == Analysis.of("classify cats")


@pytest.mark.parametrize(
    ("part", "data"),
    [
        ("glossary.words", b"clasifica\x1ees classify\tes poem"),  # more meanings than forms
        ("glossary.phrases", b"correo electr\xc3\xb3nico\x1ees email"),  # columns missing
        ("glossary.cues", b"\xff\xfe\x1ees not"),  # not UTF-8
    ],
)
def test_a_glossary_part_out_of_shape_is_refused_at_load(part: str, data: bytes) -> None:
    tables = GlossaryTables.compile([SPANISH, CHINESE], ENGLISH.__contains__, ENGLISH)
    with pytest.raises(ValueError):
        GlossaryTables.from_parts({**tables.parts(), part: data})


@pytest.mark.parametrize(
    ("text", "turned_down"),
    [
        ("요약은 말고, 리뷰마다 별점만 매겨 주세요", "summarize"),  # Korean "not X but"
        ("要約ではなく、レビューごとに星の数を決めてほしい", "summarize"),  # Japanese "not X but"
        ("翻訳しないで、何語で書かれているかだけ教えて", "translate"),  # a negative ending
        ("Übersetze die Mail nicht, nenne nur ihre Sprache", "translate"),  # "nicht" closing
        ("Vertaal de mail niet, noem alleen de taal", "translate"),  # its clause
    ],
)
def test_shipped_glossary_reads_a_negation_written_after_what_it_turns_down(
    shipped: Advisor, text: str, turned_down: str
) -> None:
    analysis = match_rules(shipped.engine.rules, text).analysis
    assert turned_down in analysis.normalized.split()
    assert turned_down not in analysis.seen.split()
    assert shipped.advise(text).category == "discriminative"
