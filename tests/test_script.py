"""Which characters make a word: letters, digits and the marks written inside words."""

from __future__ import annotations

import re
import unicodedata

import pytest

from model_advisor._script import MARKS, TOKEN, word_pattern
from model_advisor._text import normalize, words


def test_marks_are_all_combining_marks() -> None:
    ranges = re.findall(r"(.)(?:-(.))?", MARKS, re.DOTALL)
    assert len(ranges) > 100
    for first, last in ranges:
        for code in range(ord(first), ord(last or first) + 1):
            assert unicodedata.category(chr(code)).startswith("M"), hex(code)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("मौसम का", ["मौसम", "का"], id="hindi"),
        pytest.param("தமிழ் மொழி", ["தமிழ்", "மொழி"], id="tamil"),
        pytest.param("ภาษาไทย", ["ภาษาไทย"], id="thai"),
        pytest.param("مَرْحَبًا", ["مَرْحَبًا"], id="arabic-vowelled"),
        pytest.param("שָׁלוֹם עולם", ["שָׁלוֹם", "עולם"], id="hebrew-pointed"),
        pytest.param(
            "snake_case and-hyphens don't",
            ["snake", "case", "and", "hyphens", "don", "t"],
            id="ascii",
        ),
        pytest.param("caf\u00e9_x मौसम", ["caf\u00e9", "x", "मौसम"], id="mixed"),
    ],
)
def test_words_keep_the_marks_written_inside_them(text: str, expected: list[str]) -> None:
    assert [m.group() for m in word_pattern(text).finditer(text)] == expected
    # normalised, the optional vowel points are out, and each word is still one word
    assert words(normalize(text)) == [normalize(word) for word in expected]


def test_classifier_tokens_keep_marks_and_underscores_like_scikit_learn() -> None:
    assert TOKEN.findall("मौसम का snake_case a 42") == [
        "मौसम",
        "का",
        "snake_case",
        "42",
    ]
    # on text without marks, the scikit-learn default pattern's tokens
    plain = "predict_the weather, a b cd \u00e9t\u00e9 2024"
    assert TOKEN.findall(plain) == re.findall(r"(?u)\b\w\w+\b", plain)


@pytest.mark.parametrize(
    ("written", "bare"),
    [
        ("تصنّف المولَّدة", "تصنف المولدة"),  # Arabic shadda and short vowels
        ("أريد إطلاق آلة", "اريد اطلاق الة"),  # hamza and madda on alef
        ("مـكـتـوب", "مكتوب"),  # tatweel, a stretch of the line
        ("שָׁלוֹם", "שלום"),  # Hebrew vowel points
        ("फ़ैसला", "फैसला"),  # the Devanagari nukta
    ],
)
def test_normalize_takes_out_marks_writers_put_in_or_leave_out(written: str, bare: str) -> None:
    assert normalize(written) == bare
    assert words(normalize(written)) == words(bare)
