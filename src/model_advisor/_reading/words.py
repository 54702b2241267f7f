"""What several parts of a reading share: the punctuation that ends a scope or a whole
sentence, the verbs that begin a purpose, and how many words a request must keep after
what is set aside before it."""

from __future__ import annotations

import re

BACKGROUND_REST = 3
"""The fewest words a request must have after its background clause for the clause to count
as background."""

_BREAK = re.compile(r"[,;:.!?()\[\]{}\"|\n\u2014]|\s[-\u2013]\s")  # punctuation that ends a scope
# the end of a whole sentence between two words: not the dot of "3.5" or "e.g"
_FULL_STOP = re.compile(r"[.!?;][\"')\]\u201d\u2019]*\s|\n")
# verbs that begin a purpose clause worth discounting: the actions that decide a category
_PURPOSE_VERBS = frozenset(
    """train test stress retrain fine tune evaluate benchmark validate feed teach improve
    bootstrap augment calibrate detect classify predict forecast score rank rate flag
    sort label categorize categorise recognize recognise identify spot estimate measure
    generate create write draft produce compose make render design synthesize synthesise
    summarize summarise translate illustrate animate""".split()
)
