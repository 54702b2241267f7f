"""Advice beyond the label, on realistic phrasings: kind, modality, tools, citations,
why-not, questions, compound tasks, AGI parts and provenance (shipped knowledge)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from model_advisor import Advisor, __version__, knowledge_sha256
from model_advisor.advice.aspects import split_alternatives, split_shared, split_tasks
from model_advisor.cli import cli

RULES = Path(__file__).parents[1] / "rules"
CATEGORIES = ("discriminative", "generative", "agi")  # the shipped knowledge's, in order


@pytest.mark.parametrize(
    ("task", "kind"),
    [
        ("estimate what our listed houses will sell for", "forecasting"),
        ("flag card payments that look fraudulent", "detection"),
        ("sort incoming support tickets into topics", "classification"),
        ("suggest films each subscriber is likely to enjoy, best first", "ranking"),
        ("a bot that chats with shoppers about their orders", "conversation"),
        ("build a landing page in HTML and CSS for our bakery", "code"),
        ("design a poster for the spring concert", "image"),
        ("colourise old black and white family photos", "image-editing"),
        ("a 30-second animated explainer clip about our app", "video"),
        ("compose a catchy jingle for a radio advert", "audio"),
        ("model a low-poly tree asset for our game", "3d"),
    ],
)
def test_aspects_kind_of_task(shipped: Advisor, task: str, kind: str) -> None:
    advice = shipped.advise(task)
    assert advice.kind == kind
    assert advice.kind_name == {k.id: k.name for k in shipped.settings.kinds}[kind]


@pytest.mark.parametrize(
    ("task", "modality"),
    [
        ("transcribe recorded sales calls", "audio"),
        ("spot cracks in drone photos of bridges", "image"),
        ("forecast monthly revenue from our spreadsheet of past sales", "tabular"),
        ("find the bug in this python function", "code"),
    ],
)
def test_aspects_modalities(shipped: Advisor, task: str, modality: str) -> None:
    assert modality in shipped.advise(task).modalities


@pytest.mark.parametrize(
    ("task", "tool"),
    [
        ("turn a description of a red sports car into a picture", "Dall-E"),
        ("produce a short video for filmmakers from a written prompt", "Make-a-Video"),
        ("help our developers write code faster", "Replit Ghostwriter"),
        ("erase the tourists from my holiday photo", "InPainting"),
    ],
)
def test_aspects_tools_from_the_notes(shipped: Advisor, task: str, tool: str) -> None:
    advice = shipped.advise(task)
    assert advice.category == "generative"
    assert any(tool in c.quote for c in advice.tools)
    notes = (RULES / "generative-ai.md").read_text().splitlines()
    for citation in advice.tools:
        assert (
            tool.split()[0] in notes[citation.line - 1]
            or citation.quote[:20] in notes[citation.line - 1]
        )


def test_aspects_discriminative_task_names_no_tools(shipped: Advisor) -> None:
    assert shipped.advise("predict which patients will miss appointments").tools == ()


@pytest.mark.parametrize(
    ("task", "words"),
    [
        ("make 3D objects for our mobile game", "3D objects for games"),
        ("spot fake images on our dating site", "discriminator model"),
        ("fabricate realistic but fake faces for a privacy test", "generator model"),
    ],
)
def test_aspects_cite_the_passage_matching_the_task(
    shipped: Advisor, task: str, words: str
) -> None:
    advice = shipped.advise(task)
    assert words in advice.citations[0].quote


def test_aspects_never_cite_passages_of_another_category(shipped: Advisor) -> None:
    for task in ["spot fake images", "fabricate fake images", "write a story", "predict prices"]:
        advice = shipped.advise(task)
        allowed = {
            p.start_line
            for ref in shipped.settings.category(advice.category).sources  # type: ignore[arg-type]
            for p in shipped.notes.select(ref)
        }
        definition = shipped.settings.category(advice.category).definition  # type: ignore[arg-type]
        allowed |= {p.start_line for p in shipped.notes.select(definition)}
        assert {c.line for c in advice.citations} <= allowed


def test_aspects_why_not_covers_the_other_two(shipped: Advisor) -> None:
    for task in ["forecast rainfall", "write a haiku", "an AI that does every job in the office"]:
        advice = shipped.advise(task)
        assert set(advice.why_not) == set(CATEGORIES) - {advice.category}
        for category, sentence in advice.why_not.items():
            assert sentence.startswith(f"Not {shipped.settings.category(category).name}:")


def test_aspects_why_not_names_the_words_that_pointed_away(shipped: Advisor) -> None:
    tasks = [
        "write a report predicting next year's sales",
        "summarise reviews and rank them",
        "a chatbot that classifies complaints",
        "generate a forecast chart image",
    ]
    checked = 0
    for task in tasks:
        advice = shipped.advise(task)
        for hit in advice.evidence.rules:
            if hit.category != advice.category:
                assert all(f'"{w}"' in advice.why_not[hit.category] for w in hit.matched)
                checked += 1
    assert checked  # at least one task had a rule pointing away from its answer


def test_aspects_question_only_when_ambiguous(shipped: Advisor) -> None:
    tasks = [
        "turn meeting recordings into text",
        "answer questions about our catalogue",
        "an assistant for my whole day",
        "tag and describe product photos",
        "forecast rainfall",
        "write a poem",
    ]
    for task in tasks:
        advice = shipped.advise(task)
        assert (advice.question is not None) == advice.ambiguous
    assert shipped.aspects.question("generative", "discriminative")


@pytest.mark.parametrize(
    ("task", "categories"),
    [
        (
            "Analyze last quarter's sales and draft an email to the top ten clients",
            ["discriminative", "generative"],
        ),
        (
            "forecast demand for umbrellas, then write a newsletter about the rainy season",
            ["discriminative", "generative"],
        ),
        (
            "detect defective bottles on the line and also generate a weekly summary for managers",
            ["discriminative", "generative"],
        ),
    ],
)
def test_aspects_compound_task_has_parts(
    shipped: Advisor, task: str, categories: list[str]
) -> None:
    advice = shipped.advise(task)
    assert [p.category for p in advice.parts] == categories
    assert list(advice.combines) == sorted(categories, key=CATEGORIES.index)
    assert "combines" in advice.explanation
    assert any("combines discriminative and generative" in c.quote for c in advice.citations)
    assert all(p.citation is not None for p in advice.parts)


@pytest.mark.parametrize(
    "task",
    [
        "write and illustrate a children's book",
        "classify images and videos",
        "predict churn and rank the customers most at risk",
        "forecast rainfall",
    ],
)
def test_aspects_single_tasks_are_not_split(shipped: Advisor, task: str) -> None:
    advice = shipped.advise(task)
    assert advice.parts == ()
    assert advice.combines == ()


def test_aspects_split_keeps_a_one_word_piece_with_its_neighbour() -> None:
    assert split_tasks("write and illustrate a book") == ["write and illustrate a book"]
    assert split_tasks("sort the mail; then write replies") == ["sort the mail", "write replies"]


def test_aspects_split_shared_gives_each_word_what_follows() -> None:
    assert split_shared("caption or classify images") == (
        ["caption images", "classify images"],
        True,
    )
    assert split_shared("please tag, rank and summarise the posts.") == (
        ["tag the posts", "rank the posts", "summarise the posts"],
        False,
    )
    assert split_shared("classify the photos of cats and dogs") == ([], False)


def test_aspects_split_alternatives_keeps_one_word_pieces_joined() -> None:
    assert split_alternatives("write a poem, or classify the photos") == [
        "write a poem",
        "classify the photos",
    ]
    assert split_alternatives("tag or rank the posts") == ["tag or rank the posts"]


@pytest.mark.parametrize(
    "task",
    [
        "summarise or classify the support tickets",
        "write a short poem or classify the holiday photos",
        "I want to translate or categorise the customer letters",
    ],
)
def test_aspects_alternatives_of_two_kinds_are_parts_to_choose_from(
    shipped: Advisor, task: str
) -> None:
    advice = shipped.advise(task)
    assert advice.alternatives
    assert {p.category for p in advice.parts} == {"discriminative", "generative"}
    assert advice.combines == ()
    assert "alternatives" in advice.explanation
    assert advice.recommendation.startswith("Choose the task you need")
    assert not any("combines discriminative and generative" in c.quote for c in advice.citations)


@pytest.mark.parametrize(
    "task", ["summarise or translate the quarterly reports", "detect or flag forged invoices"]
)
def test_aspects_alternatives_of_one_kind_are_one_task(shipped: Advisor, task: str) -> None:
    advice = shipped.advise(task)
    assert advice.parts == ()
    assert not advice.alternatives


def test_aspects_agi_answer_points_to_achievable_parts(shipped: Advisor) -> None:
    advice = shipped.advise(
        "an AI that runs our whole newsroom on its own: transcribe interviews, "
        "write the articles and pick which stories lead"
    )
    assert advice.category == "agi"
    assert "aspiration" in advice.explanation
    kinds = {p.category for p in advice.parts}
    assert kinds <= {"discriminative", "generative"}
    assert "generative" in kinds
    assert "Parts you could build today" in advice.recommendation


def test_aspects_provenance(shipped: Advisor) -> None:
    advice = shipped.advise("forecast rainfall")
    assert advice.provenance is not None
    assert advice.provenance.package_version == __version__
    assert advice.provenance.knowledge_sha256 == knowledge_sha256(RULES)


def test_aspects_schema_command_describes_every_field(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema"], catch_exceptions=False)
    schema = json.loads(result.stdout)
    expected = {
        "task",
        "category",
        "confidence",
        "scores",
        "ambiguous",
        "evidence",
        "citations",
        "recommendation",
        "kind",
        "modalities",
        "tools",
        "why_not",
        "question",
        "parts",
        "combines",
        "alternatives",
        "provenance",
    }
    assert expected <= set(schema["properties"])
