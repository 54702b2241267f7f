"""The notes as a knowledge base: sections, passages, lines and selection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from model_advisor import (
    AdvisorError,
    KnowledgeBaseError,
    Passage,
    load_rules,
)
from model_advisor.knowledge.notes import KnowledgeBase
from model_advisor.knowledge.schema import SourceRef

DATA = Path(__file__).parent / "data"
TINY_NOTES = DATA / "knowledge" / "notes.md"
SHIPPED_NOTES = Path(__file__).parents[1] / "rules" / "generative-ai.md"

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def source_text(path: Path, passage: Passage) -> str:
    """The passage's lines of the file, without bullets and ``**``, whitespace collapsed."""
    lines = path.read_text(encoding="utf-8").splitlines()[passage.start_line - 1 : passage.end_line]
    return " ".join(" ".join(_BULLET.sub("", line).replace("**", "") for line in lines).split())


def write_notes(tmp_path: Path, text: str) -> KnowledgeBase:
    path = tmp_path / "notes.md"
    path.write_text(text, encoding="utf-8")
    return KnowledgeBase.from_markdown(path)


def texts(passages: list[Passage]) -> list[str]:
    return [p.text for p in passages]


@pytest.fixture(scope="module")
def tiny() -> KnowledgeBase:
    return KnowledgeBase.from_markdown(TINY_NOTES)


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return KnowledgeBase.from_markdown(SHIPPED_NOTES)


# --- parsing -------------------------------------------------------------------------


def test_knowledge_base_reads_title_from_front_matter(
    tiny: KnowledgeBase, shipped: KnowledgeBase
) -> None:
    assert tiny.title == "Tiny notes"
    assert shipped.title == "Generative AI"
    assert tiny.path == TINY_NOTES


def test_knowledge_base_skips_front_matter(tiny: KnowledgeBase, shipped: KnowledgeBase) -> None:
    assert tiny.passages[0].start_line == 8
    assert shipped.passages[0].start_line == 13
    for passage in [*tiny.passages, *shipped.passages]:
        assert "title:" not in passage.text
        assert "sidebar_position" not in passage.text


def test_knowledge_base_headings_make_the_section_path(tiny: KnowledgeBase) -> None:
    by_line = {p.start_line: p for p in tiny.passages}

    assert by_line[8].section == ("Kinds of models",)
    assert by_line[12].section == ("Kinds of models", "Models that Sort")
    assert by_line[12].section_path == "Kinds of models > Models that Sort"
    assert by_line[35].section == ("Kinds of models", "Thinking Machines")


def test_knowledge_base_sections_of_shipped_notes(shipped: KnowledgeBase) -> None:
    sections = list(dict.fromkeys(p.section_path for p in shipped.passages))

    assert sections == [
        "Overview",
        "Overview > How it works",
        "Overview > Real-World Applications",
        "Overview > The End of Work?",
        "Generative AI in the Machine Learning Landscape > Models that Analyze",
        "Generative AI in the Machine Learning Landscape > Models that Imagine",
        "Generative AI in the Machine Learning Landscape > Combining Models",
        "Generative AI in the Machine Learning Landscape > Generative Adversarial Networks (GANs)",
        "Generative AI in the Machine Learning Landscape > Artificial General Intelligence (AGI)",
        "Generative AI in the Machine Learning Landscape > Choosing the Right Tool",
    ]


def test_knowledge_base_a_shallower_heading_closes_deeper_ones(tmp_path: Path) -> None:
    kb = write_notes(tmp_path, "# A\n\n#### Deep\n\none\n\n### C\n\ntwo\n\n## D ##\n\nthree\n")

    assert [p.section for p in kb.passages] == [("A", "Deep"), ("A", "C"), ("A", "D")]


def test_knowledge_base_drops_images_html_and_admonition_fences(tiny: KnowledgeBase) -> None:
    for passage in tiny.passages:
        assert "![" not in passage.text
        assert "<div" not in passage.text and "</div>" not in passage.text
        assert ":::" not in passage.text
    assert {14, 20, 22, 24, 26, 30} & {p.start_line for p in tiny.passages} == set()


def test_knowledge_base_drops_shipped_images_and_html(shipped: KnowledgeBase) -> None:
    for passage in shipped.passages:
        assert "![" not in passage.text and "/img/" not in passage.text
        assert "<div" not in passage.text and "</div>" not in passage.text
        assert ":::" not in passage.text


def test_knowledge_base_keeps_admonition_list_items(
    tiny: KnowledgeBase, shipped: KnowledgeBase
) -> None:
    by_line = {p.start_line: p for p in tiny.passages}

    assert (by_line[28].text, by_line[28].kind) == ("A maker tries to create new things", "item")
    assert (by_line[29].text, by_line[29].kind) == ("A sorter tells things apart", "item")
    assert by_line[28].section[-1] == "Models that Make"
    gan = [p for p in shipped.passages if 113 < p.start_line < 120]
    assert [(p.start_line, p.kind) for p in gan] == [(115, "label"), (117, "item"), (118, "item")]


def test_knowledge_base_nested_items_know_their_parent(tiny: KnowledgeBase) -> None:
    items = [(p.text, p.parent) for p in tiny.passages if p.section[-1] == "Picking One"]

    assert items == [
        ("Sorters:", None),
        ("Guess the weather", "Sorters:"),
        ("Sort books", "Sorters:"),
        ("Makers:", None),
        ("Draw pictures", "Makers:"),
        ("Thinkers:", None),
        ("Do whole human jobs", "Thinkers:"),
    ]


def test_knowledge_base_nested_items_of_shipped_notes(shipped: KnowledgeBase) -> None:
    by_line = {p.start_line: p for p in shipped.passages}

    assert by_line[18].parent == "Examples:"
    assert by_line[20].parent == "Examples:"
    assert by_line[16].parent is None
    assert by_line[38].parent == "Creating Images"
    assert by_line[143].parent == "Discriminative Models:"
    assert by_line[154].parent == "AGI:"


def test_knowledge_base_lead_ins_are_labels(tiny: KnowledgeBase, shipped: KnowledgeBase) -> None:
    shipped_labels = {p.start_line: p.text for p in shipped.passages if p.kind == "label"}

    assert [p.text for p in tiny.passages if p.kind == "label"] == [
        "Sorters:",
        "Makers:",
        "Thinkers:",
    ]
    assert shipped_labels[28] == "Steps:"
    assert shipped_labels[54] == "They can:"
    assert shipped_labels[17] == "Examples:"
    assert shipped_labels[141] == "Discriminative Models:"
    for passage in [*tiny.passages, *shipped.passages]:
        if passage.text.endswith(":"):
            assert passage.kind == "label", passage


def test_knowledge_base_paragraphs_and_items_are_not_labels(tiny: KnowledgeBase) -> None:
    kinds = {p.text: p.kind for p in tiny.passages}

    assert kinds["Sorting models pick one of a few known labels for each input."] == "paragraph"
    assert kinds["Guess the weather"] == "item"


def test_knowledge_base_strips_bold_markup(tiny: KnowledgeBase, shipped: KnowledgeBase) -> None:
    assert tiny.passages[0].text == "Some intro paragraph about models in general."
    for passage in [*tiny.passages, *shipped.passages]:
        assert "**" not in passage.text


@pytest.mark.parametrize("notes", [TINY_NOTES, SHIPPED_NOTES], ids=["tiny", "shipped"])
def test_knowledge_base_every_quote_is_found_at_its_lines(notes: Path) -> None:
    kb = KnowledgeBase.from_markdown(notes)

    assert len(kb.passages) > 10
    for passage in kb.passages:
        assert 1 <= passage.start_line <= passage.end_line
        assert passage.text, passage
        assert passage.text in source_text(notes, passage), passage


def test_knowledge_base_passages_are_in_file_order(shipped: KnowledgeBase) -> None:
    starts = [p.start_line for p in shipped.passages]

    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts)


def test_knowledge_base_joins_a_wrapped_paragraph(tmp_path: Path) -> None:
    kb = write_notes(tmp_path, "## S\n\nFirst line of a\n**long** paragraph.\n\nNext one.\n")

    first, second = kb.passages
    assert (first.text, first.start_line, first.end_line) == (
        "First line of a long paragraph.",
        3,
        4,
    )
    assert (second.text, second.start_line) == ("Next one.", 6)
    for passage in kb.passages:
        assert passage.text in source_text(tmp_path / "notes.md", passage)


def test_knowledge_base_joins_an_item_continuation_line(tmp_path: Path) -> None:
    kb = write_notes(tmp_path, "## S\n\n- an item that\n  goes on\n- another\n")

    first, second = kb.passages
    assert (first.text, first.start_line, first.end_line) == ("an item that goes on", 3, 4)
    assert (second.text, second.start_line, second.end_line) == ("another", 5, 5)


def test_knowledge_base_numbered_and_deeply_nested_items(tmp_path: Path) -> None:
    kb = write_notes(tmp_path, "## S\n\n1. one:\n    * two\n        + three\n    * four\n2) five\n")

    assert [(p.text, p.parent) for p in kb.passages] == [
        ("one:", None),
        ("two", "one:"),
        ("three", "two"),
        ("four", "one:"),
        ("five", None),
    ]


def test_knowledge_base_skips_code_fences(tmp_path: Path) -> None:
    kb = write_notes(
        tmp_path, "## S\n\nBefore.\n\n```python\n# not a heading\nx = 1\n```\n\nAfter.\n"
    )

    assert texts(kb.passages) == ["Before.", "After."]
    assert kb.passages[1].section == ("S",)


def test_knowledge_base_without_front_matter_has_empty_title(tmp_path: Path) -> None:
    kb = write_notes(tmp_path, "## S\n\ntext\n")

    assert kb.title == ""
    assert kb.passages[0].start_line == 3


def test_knowledge_base_passage_stems_skip_function_words(tiny: KnowledgeBase) -> None:
    passage = next(p for p in tiny.passages if p.text == "Guess the weather")

    assert passage.stems == frozenset({"guess", "weather"})


# --- selection -----------------------------------------------------------------------


def test_knowledge_base_select_by_heading(tiny: KnowledgeBase) -> None:
    selected = tiny.select(SourceRef(section="Models that Make"))

    assert texts(selected) == [
        "Making models create new content such as text or pictures.",
        "A maker tries to create new things",
        "A sorter tells things apart",
    ]


@pytest.mark.parametrize(
    "section",
    [
        "Models that Sort",
        "Kinds of models > Models that Sort",
        "  models THAT sort ",
        "kinds of models>models that sort",
    ],
)
def test_knowledge_base_select_by_section_suffix_path(tiny: KnowledgeBase, section: str) -> None:
    selected = tiny.select(SourceRef(section=section))

    assert texts(selected) == ["Sorting models pick one of a few known labels for each input."]


def test_knowledge_base_select_matches_whole_headings_only(tiny: KnowledgeBase) -> None:
    assert tiny.select(SourceRef(section="Sort")) == []
    assert tiny.select(SourceRef(section="Other > Models that Sort")) == []
    assert tiny.select(SourceRef(section="Nowhere")) == []


def test_knowledge_base_select_a_parent_section_excludes_subsections(
    tiny: KnowledgeBase, shipped: KnowledgeBase
) -> None:
    assert texts(tiny.select(SourceRef(section="Kinds of models"))) == [
        "Some intro paragraph about models in general."
    ]
    overview = shipped.select(SourceRef(section="Overview"))
    assert overview and all(p.section == ("Overview",) for p in overview)


def test_knowledge_base_select_leaves_out_labels(tiny: KnowledgeBase) -> None:
    selected = tiny.select(SourceRef(section="Picking One"))

    assert texts(selected) == [
        "Guess the weather",
        "Sort books",
        "Draw pictures",
        "Do whole human jobs",
    ]


@pytest.mark.parametrize("under", ["Sorters", "Sorters:", "sorters", "Sort"])
def test_knowledge_base_select_under_an_item(tiny: KnowledgeBase, under: str) -> None:
    selected = tiny.select(SourceRef(section="Picking One", under=under))

    assert texts(selected) == ["Guess the weather", "Sort books"]


def test_knowledge_base_select_under_in_shipped_notes(shipped: KnowledgeBase) -> None:
    def under(name: str) -> list[str]:
        return texts(shipped.select(SourceRef(section="Choosing the Right Tool", under=name)))

    assert under("Discriminative Models") == [
        "Predict weather",
        "Categorize books",
        "Classify images",
    ]
    assert under("Generative AI") == ["Create website code", "Customer service responses, images."]
    assert under("AGI") == ["Potentially complete human jobs in the future."]
    assert under("Nobody") == []


def test_knowledge_base_every_shipped_category_source_is_found(shipped: KnowledgeBase) -> None:
    settings = load_rules(SHIPPED_NOTES.parent).settings  # the shipped rules must load
    for category in settings.categories:
        assert shipped.select(category.definition), category.id
        for source in category.sources:
            assert shipped.select(source), (category.id, source)


# --- errors --------------------------------------------------------------------------


def test_knowledge_base_missing_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "absent.md"

    with pytest.raises(KnowledgeBaseError) as caught:
        KnowledgeBase.from_markdown(missing)

    assert caught.value.path == str(missing)
    assert str(caught.value).startswith(f"{missing}: ")
    assert "cannot read" in str(caught.value)


def test_knowledge_base_non_utf8_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes("## Caf\u00e9\n\nNa\u00efve text\n".encode("latin-1"))

    with pytest.raises(KnowledgeBaseError) as caught:
        KnowledgeBase.from_markdown(path)

    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    assert "not UTF-8" in str(caught.value)


def test_knowledge_base_error_is_an_advisor_error(tmp_path: Path) -> None:
    with pytest.raises(AdvisorError):
        KnowledgeBase.from_markdown(tmp_path)
