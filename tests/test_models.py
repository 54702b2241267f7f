"""The pydantic data types: what a rule or settings file may and may not say."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from model_advisor.knowledge.schema import (
    KeywordCondition,
    PhraseCondition,
    RegexCondition,
    Rule,
    RuleFile,
    Settings,
    SourceRef,
)

CATEGORIES = ("discriminative", "generative", "agi")  # the shipped knowledge's, in order


def rule_data(**fields: Any) -> dict[str, Any]:
    return {
        "id": "guess-a-label",
        "category": "discriminative",
        "weight": 0.8,
        "rationale": "Guessing a known label is sorting.",
        "any": [{"kind": "keyword", "words": ["predict"]}],
        "examples": {"match": ["predict sales"]},
        **fields,
    }


def category_data(category_id: str) -> dict[str, Any]:
    return {
        "id": category_id,
        "name": category_id.title(),
        "definition": {"section": "Models"},
        "recommendation": "Do it.",
    }


def settings_data(*ids: str) -> dict[str, Any]:
    return {"version": 1, "notes": "notes.md", "categories": [category_data(i) for i in ids]}


def error_types(err: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [e["type"] for e in err.value.errors()]


# --- conditions ----------------------------------------------------------------------


def test_keyword_condition_normalises_to_lower_case() -> None:
    condition = KeywordCondition(kind="keyword", words=(" Predict ", "FORECAST", "Classify"))

    assert condition.words == ("predict", "forecast", "classify")


@pytest.mark.parametrize("word", ["two words", "tab\tword", "", "   "])
def test_keyword_condition_rejects_anything_but_one_word(word: str) -> None:
    with pytest.raises(ValidationError, match="must be one word"):
        KeywordCondition(kind="keyword", words=("predict", word))


def test_keyword_condition_needs_a_word() -> None:
    with pytest.raises(ValidationError) as caught:
        KeywordCondition(kind="keyword", words=())

    assert error_types(caught) == ["too_short"]


def test_phrase_condition_normalises_case_and_spacing() -> None:
    condition = PhraseCondition(kind="phrase", phrases=("  Come   UP with ",))

    assert condition.phrases == ("come up with",)


def test_phrase_condition_rejects_a_blank_phrase() -> None:
    with pytest.raises(ValidationError, match="must not be blank"):
        PhraseCondition(kind="phrase", phrases=("come up with", "  "))


@pytest.mark.parametrize(
    ("pattern", "detail"),
    [("foo(bar", "missing )"), ("[a-", "missing ]"), ("a**", "bad repetition operator")],
)
def test_regex_condition_quotes_the_compile_error(pattern: str, detail: str) -> None:
    with pytest.raises(ValidationError) as caught:
        RegexCondition(kind="regex", pattern=pattern)

    message = caught.value.errors()[0]["msg"]
    assert "regex does not compile" in message
    assert detail in message


def test_regex_condition_rejects_perl_only_syntax() -> None:
    # RE2 has no backreferences or lookaround, which is what keeps matching linear.
    for pattern in [r"(a)\1", r"foo(?=bar)"]:
        with pytest.raises(ValidationError, match="regex does not compile"):
            RegexCondition(kind="regex", pattern=pattern)


@pytest.mark.parametrize("pattern", ["a*", "x?", "(write|draw)?", "^", "$", "^$", r"\B", "(?m)^"])
def test_regex_condition_rejects_a_pattern_matching_the_empty_string(pattern: str) -> None:
    with pytest.raises(ValidationError, match="can match an empty string"):
        RegexCondition(kind="regex", pattern=pattern)


@pytest.mark.parametrize("pattern", [r"\b", r"x*\b"])
def test_regex_condition_rejects_a_pattern_with_an_empty_match(pattern: str) -> None:
    with pytest.raises(ValidationError):
        RegexCondition(kind="regex", pattern=pattern)


@pytest.mark.parametrize("pattern", [r"\bjobs?\b", "a+", "(?i)GPT", r"\d{3}"])
def test_regex_condition_keeps_a_good_pattern(pattern: str) -> None:
    assert RegexCondition(kind="regex", pattern=pattern).pattern == pattern


def test_regex_condition_rejects_an_empty_pattern() -> None:
    with pytest.raises(ValidationError) as caught:
        RegexCondition(kind="regex", pattern="")

    assert error_types(caught) == ["string_too_short"]


# --- rules ---------------------------------------------------------------------------


def test_rule_accepts_a_complete_rule() -> None:
    rule = Rule.model_validate(rule_data(none=[{"kind": "phrase", "phrases": ["a poem"]}]))

    assert rule.id == "guess-a-label"
    assert isinstance(rule.any[0], KeywordCondition)
    assert isinstance(rule.none[0], PhraseCondition)
    assert rule.all == ()
    assert rule.examples.no_match == ()


def test_rule_picks_the_condition_type_by_kind() -> None:
    rule = Rule.model_validate(
        rule_data(
            any=[
                {"kind": "keyword", "words": ["predict"]},
                {"kind": "phrase", "phrases": ["come up with"]},
                {"kind": "regex", "pattern": "jobs?"},
            ]
        )
    )

    assert [type(c) for c in rule.any] == [KeywordCondition, PhraseCondition, RegexCondition]


@pytest.mark.parametrize(
    "conditions",
    [
        {"any": []},
        {"any": [], "all": []},
        {"any": [], "none": [{"kind": "keyword", "words": ["x"]}]},
    ],
    ids=["empty-any", "empty-any-and-all", "only-none"],
)
def test_rule_without_conditions_is_rejected(conditions: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="at least one condition under `any` or `all`"):
        Rule.model_validate(rule_data(**conditions))


def test_rule_with_only_all_is_accepted() -> None:
    rule = Rule.model_validate(rule_data(any=[], all=[{"kind": "keyword", "words": ["x"]}]))

    assert rule.any == () and len(rule.all) == 1


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (Rule, rule_data(wieght=0.5)),
        (KeywordCondition, {"kind": "keyword", "words": ["x"], "phrases": ["y"]}),
        (RuleFile, {"version": 1, "rules": [rule_data()], "extra": True}),
        (Settings, {**settings_data(*CATEGORIES), "note": "typo.md"}),
        (SourceRef, {"section": "Models", "unde": "Sorters"}),
    ],
    ids=["rule", "condition", "rule-file", "settings", "source-ref"],
)
def test_models_forbid_extra_keys(model: type[Any], data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)

    assert error_types(caught) == ["extra_forbidden"]


def test_rule_extra_key_inside_a_condition_is_located() -> None:
    with pytest.raises(ValidationError) as caught:
        Rule.model_validate(rule_data(any=[{"kind": "regex", "pattern": "x", "flags": "i"}]))

    [error] = caught.value.errors()
    assert error["type"] == "extra_forbidden"
    assert error["loc"] == ("any", 0, "regex", "flags")


def test_rule_unknown_condition_kind_is_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        Rule.model_validate(rule_data(any=[{"kind": "glob", "pattern": "x*"}]))

    assert error_types(caught) == ["union_tag_invalid"]


@pytest.mark.parametrize(
    "rule_id", ["Guess", "guess_label", "guess--label", "-guess", "guess-", ""]
)
def test_rule_id_must_be_kebab_case(rule_id: str) -> None:
    with pytest.raises(ValidationError):
        Rule.model_validate(rule_data(id=rule_id))


@pytest.mark.parametrize("weight", [0, -0.1, 1.01, "high", None])
def test_rule_weight_must_be_in_zero_one(weight: Any) -> None:
    with pytest.raises(ValidationError):
        Rule.model_validate(rule_data(weight=weight))


def test_rule_weight_one_is_allowed() -> None:
    assert Rule.model_validate(rule_data(weight=1)).weight == 1.0


def test_rule_needs_a_match_example() -> None:
    with pytest.raises(ValidationError):
        Rule.model_validate(rule_data(examples={"no_match": ["x"]}))


def test_rule_is_frozen() -> None:
    rule = Rule.model_validate(rule_data())

    with pytest.raises(ValidationError):
        rule.weight = 0.1


def test_rule_file_needs_version_one_and_a_rule() -> None:
    assert len(RuleFile.model_validate({"version": 1, "rules": [rule_data()]}).rules) == 1
    for data in [
        {"rules": [rule_data()]},
        {"version": 2, "rules": [rule_data()]},
        {"version": 1, "rules": []},
    ]:
        with pytest.raises(ValidationError):
            RuleFile.model_validate(data)


# --- settings ------------------------------------------------------------------------


def test_settings_accepts_the_three_categories_in_any_order() -> None:
    settings = Settings.model_validate(settings_data("agi", "discriminative", "generative"))

    assert settings.category("generative").name == "Generative"
    assert settings.category("agi").definition == SourceRef(section="Models")


@pytest.mark.parametrize(
    "ids",
    [
        ("discriminative", "generative", "generative"),
        ("discriminative",),
        ("discriminative", "generative", "agi", "agi"),
        (),
        ("discriminative", "undetermined"),
        ("discriminative", "Not Kebab"),
    ],
    ids=["one-twice", "only-one", "four-with-a-repeat", "none", "reserved", "not-kebab"],
)
def test_settings_rejects_bad_category_lists(ids: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate(settings_data(*ids))


@pytest.mark.parametrize(
    "ids",
    [("discriminative", "generative"), ("discriminative", "generative", "agi", "agent")],
    ids=["two", "four"],
)
def test_settings_accept_any_number_of_categories_from_two(ids: tuple[str, ...]) -> None:
    settings = Settings.model_validate(settings_data(*ids))

    assert settings.ids == ids


def test_settings_names_a_twice_declared_category() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings.model_validate(settings_data("discriminative", "generative", "generative"))

    message = caught.value.errors()[0]["msg"]
    assert "'generative' is declared more than once" in message


def test_settings_rejects_a_why_not_for_an_undeclared_category() -> None:
    data = settings_data("discriminative", "generative")
    data["categories"][0]["why_not"] = {"robots": "because"}

    with pytest.raises(ValidationError, match="'robots', which is not declared"):
        Settings.model_validate(data)
