"""The classifier over a chunk of texts at once: :class:`TaskClassifier`'s numbers, with numpy.

On a batch of mostly new words, :meth:`TaskClassifier.features` spends its time making and
looking up every character n-gram of every word one at a time in Python. Here a chunk's
distinct words are made into one array of character codes; each n-gram of each word becomes
one integer (its characters' places in the model's alphabet, packed side by side), found in
the sorted integers of the model's n-grams with one ``searchsorted``; and the tf-idf and the
logits come from sparse matrix products. Word pairs are found the same way, from the rows of
neighbouring known words; other word n-gram ranges are made in Python, a text at a time.

The arithmetic is the same as the one-text classifier's (sublinear tf, idf, l2 norm, dot
product with the weights) in another order, so the logits agree to the last few bits, not
bit for bit (``tests/test_chunked.py`` compares them on thousands of texts); each text's sums
run in the order of its rows, so a text gets the same bits in whatever chunk it comes. numpy
and scipy, which scikit-learn installs anyway, are imported by this module alone: a single
``advise`` never loads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, pairwise
from typing import Any

import numpy as np
from scipy import sparse

from ..knowledge.weights import ClassifierWeights, Weights
from .classifier import Features, is_content, longer_ngrams, word_tokens

_MAX_BITS = 63  # an n-gram's packed characters must fit a signed 64-bit integer
AT_MOST = 2000
"""Texts scored in one go; more are scored this many at a time. The arrays of a go hold every
character n-gram of its distinct words, about 0.5 MB per 100 texts of 15 words."""


class ChunkClassifier:
    """Features of many texts at once, equal to :meth:`TaskClassifier.features` for each.

    Raises:
        ValueError: when the model has no character n-grams, or they cannot be packed into
            64-bit integers (an alphabet of thousands of characters with long n-grams); the
            caller then keeps to the one-text classifier.
    """

    def __init__(self, weights: ClassifierWeights) -> None:
        low, high = weights.char_ngrams
        char_terms = weights.char.terms
        alphabet = sorted(set("".join(char_terms)))
        self._bits = max(1, len(alphabet).bit_length())  # places 1.., 0 for "not in alphabet"
        if not char_terms:
            raise ValueError("the model has no character n-grams")
        if self._bits * high > _MAX_BITS:
            raise ValueError(f"{len(alphabet)} characters in n-grams of up to {high} do not pack")
        codes = [ord(c) for c in alphabet]
        self._places = np.zeros(max(codes) + 1, dtype=np.int64)
        self._places[codes] = np.arange(1, len(codes) + 1)
        keys = np.array([self._pack(term) for term in char_terms], dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        self._keys, self._key_rows = keys[order], order
        self._low, self._high = low, high
        self._char, self._word = _Side(weights.char), _Side(weights.word)
        self._word_weights = weights.word
        self._word_ngrams = weights.word_ngrams
        self._stop_words = weights.stop_words
        self._short = {term: row for row, term in enumerate(char_terms) if len(term) < low}
        self._pairs = _pair_keys(weights.word) if weights.word_ngrams == (1, 2) else None

    def _pack(self, gram: str) -> int:
        places = self._places
        key = 0
        for position, char in enumerate(gram):
            key |= int(places[ord(char)]) << (self._bits * position)
        return key

    def features(self, texts: Sequence[str]) -> list[Features]:
        """The features of each text, in order; ``texts`` are as the classifier reads them
        (:attr:`Analysis.seen <model_advisor._text.Analysis>`)."""
        if len(texts) > AT_MOST:  # the arrays grow with the texts: keep them a few MB
            return [
                f
                for at in range(0, len(texts), AT_MOST)
                for f in self.features(texts[at : at + AT_MOST])
            ]
        if not texts:
            return []
        split = [text.split() for text in texts]
        distinct: dict[str, int] = {}
        occurrences = [distinct.setdefault(w, len(distinct)) for words in split for w in words]
        lengths = np.array([len(words) for words in split], dtype=np.int64)
        docs = np.repeat(np.arange(len(texts)), lengths)
        per_text = sparse.csr_matrix(
            (np.ones(len(occurrences)), (docs, np.array(occurrences, dtype=np.int64))),
            shape=(len(texts), len(distinct)),
        )
        words = list(distinct)
        known = self._char_grams(words)
        content = np.array([is_content(w) for w in words], dtype=np.float64)
        # coverage: known character n-grams of content words over all of theirs, per text
        content_grams = per_text @ (self._gram_counts(words) * content)
        content_known = per_text @ (np.bincount(known[0], minlength=len(words)) * content)
        word_grams = sparse.csr_matrix(
            (np.ones(len(known[0])), known), shape=(len(words), self._char.size)
        )
        char_logits, char_norms = self._char.project(per_text @ word_grams)
        if self._pairs is not None:
            word_rows, counts = self._word_pairs(split, words, occurrences, docs, self._pairs)
        else:
            word_rows = self._word_rows(split, words)
            counts = _counts(word_rows, self._word.size)
        word_logits, word_norms = self._word.project(counts)
        logits = word_logits / word_norms[:, None] + char_logits / char_norms[:, None]
        content_rows = self._word_weights.content_rows
        return [
            Features(
                rows,
                float(word_norm),
                tuple(row_logits),
                float(grams_known / grams_all) if grams_all else 0.0,
                len(content_rows.intersection(rows)) if rows else 0,
            )
            for rows, word_norm, row_logits, grams_known, grams_all in zip(
                word_rows,
                word_norms.tolist(),
                logits.tolist(),
                content_known.tolist(),
                content_grams.tolist(),
                strict=True,
            )
        ]

    def _word_pairs(
        self,
        split: list[list[str]],
        words: list[str],
        occurrences: list[int],
        docs: Any,
        pairs: tuple[Any, Any],
    ) -> tuple[list[list[int]], Any]:
        """Each text's known single words and word pairs, as arrays (for a model of single
        words and pairs whose every pair is made of known words, as trained ones are).

        A pair of tokens next to each other in one text is looked up only when both are
        known, by their two rows packed into one integer. Returns each text's rows (single
        words in order, then pairs in order) and a texts x terms matrix of their counts.
        """
        stop_words, index, size = self._stop_words, self._word_weights.index, self._word.size
        rows_of: list[list[int]] = []  # per distinct word, its tokens' rows (-1: unknown)
        for word in words:
            rows_of.append([index.get(t, -1) for t in word_tokens(word, stop_words)])
        per_word = np.array([len(rows) for rows in rows_of], dtype=np.int64)
        tokens = np.fromiter(
            chain.from_iterable(map(rows_of.__getitem__, occurrences)),
            dtype=np.int64,
            count=int(per_word[occurrences].sum()) if occurrences else 0,
        )
        owner = np.repeat(docs, per_word[occurrences]) if occurrences else docs
        known = tokens >= 0
        first, second = tokens[:-1], tokens[1:]
        paired = known[:-1] & known[1:] & (owner[:-1] == owner[1:])
        keys = first[paired] * size + second[paired]
        pair_keys, pair_rows = pairs
        slot = np.minimum(np.searchsorted(pair_keys, keys), len(pair_keys) - 1)
        hit = pair_keys[slot] == keys
        # single words first, then pairs, each in text order, per text
        text = np.concatenate((owner[known], owner[:-1][paired][hit]))
        rows = np.concatenate((tokens[known], pair_rows[slot[hit]]))
        order = np.argsort(text, kind="stable")
        text, rows = text[order], rows[order]
        bounds = np.searchsorted(text, np.arange(len(split) + 1)).tolist()
        flat = rows.tolist()
        per_text = [flat[start:end] for start, end in pairwise(bounds)]
        counts = sparse.csr_matrix((np.ones(len(rows)), (text, rows)), shape=(len(split), size))
        return per_text, counts

    def _char_grams(self, words: list[str]) -> tuple[Any, Any]:
        """The (word, row) of each known character n-gram of the words, as two arrays.

        The words are padded with a space each side and laid end to end in one array of
        alphabet places; an n-gram is a window of n places inside one padded word, and is known
        when its packed places are among the model's.
        """
        padded = " " + "  ".join(words) + " "
        codes = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(
            np.int64
        )
        places = self._places
        codes[codes >= len(places)] = 0  # beyond the alphabet: place 0 (never in an n-gram)
        placed = places[codes]
        sizes = np.array([len(w) + 2 for w in words], dtype=np.int64)
        owner = np.repeat(np.arange(len(words)), sizes)
        ends = np.cumsum(sizes)[owner]  # where each position's padded word ends
        unknown = np.concatenate(([0], np.cumsum(placed == 0)))
        keys, owners = [], []
        for n in range(self._low, self._high + 1):
            starts = len(placed) - n + 1
            if starts <= 0:
                break
            inside = ends[:starts] >= np.arange(n, starts + n)
            whole = inside & (unknown[n : n + starts] == unknown[:starts])
            key = placed[:starts].copy()
            for offset in range(1, n):
                key |= placed[offset : offset + starts] << (self._bits * offset)
            keys.append(key[whole])
            owners.append(owner[:starts][whole])
        key, where = np.concatenate(keys), np.concatenate(owners)
        # looked up in sorted order: the search then walks the model's keys one way, in cache
        order = np.argsort(key)
        key, where = key[order], where[order]
        slot = np.searchsorted(self._keys, key)
        np.minimum(slot, len(self._keys) - 1, out=slot)
        hit = self._keys[slot] == key
        found_words, found_rows = [where[hit]], [self._key_rows[slot[hit]]]
        if self._short:  # words shorter than the shortest n-gram count once, whole
            for number, word in enumerate(words):
                if (row := self._short.get(f" {word} ")) is not None:
                    found_words.append(np.array([number]))
                    found_rows.append(np.array([row]))
        return np.concatenate(found_words), np.concatenate(found_rows)

    def _gram_counts(self, words: list[str]) -> Any:
        """How many character n-grams each word has (as the one-text classifier makes them)."""
        sizes = np.array([len(w) + 2 for w in words], dtype=np.float64)
        counts = np.zeros(len(words))
        for n in range(self._low, self._high + 1):
            counts += np.maximum(sizes - n + 1, 0)
        counts[sizes < self._low] = 1  # too short for any n-gram: the padded word, once
        return counts

    def _word_rows(self, split: list[list[str]], words: list[str]) -> list[list[int]]:
        """Each text's known word n-grams (their rows, once per occurrence), in the order
        :meth:`TaskClassifier.features` lists them."""
        stop_words, index = self._stop_words, self._word_weights.index
        unigrams = self._word_ngrams[0] == 1
        tokens_of: dict[str, list[str]] = {}
        rows_of: dict[str, list[int]] = {}
        for word in words:
            tokens_of[word] = found = word_tokens(word, stop_words)
            rows_of[word] = (
                [r for t in found if (r := index.get(t)) is not None] if unigrams else []
            )
        tokens_in, rows_in, get = tokens_of.__getitem__, rows_of.__getitem__, index.get
        per_text = []
        for text_words in split:
            rows = list(chain.from_iterable(map(rows_in, text_words)))
            tokens = list(chain.from_iterable(map(tokens_in, text_words)))
            if len(tokens) > 1:
                grams = longer_ngrams(tokens, self._word_ngrams)
                rows += [row for g in grams if (row := get(g)) is not None]
            per_text.append(rows)
        return per_text


class _Side:
    """One vectorizer's weights as arrays: per label the push (idf x coefficient), and idf²."""

    def __init__(self, weights: Weights) -> None:
        self.size = len(weights.terms)
        self.push = np.array(weights.push, dtype=np.float64).T  # terms x labels
        self.idf_squared = np.array(weights.idf_squared, dtype=np.float64)

    def project(self, counts: Any) -> tuple[Any, Any]:
        """Per text the un-normalised logits and the l2 norm (1 for an empty text) of the
        sublinear tf-idf of ``counts`` (texts x terms).

        Each text's terms are summed in the order of their rows, whatever else is in the chunk
        (the counts are whole numbers, exact in any order): a text gets the same numbers to
        the last bit in any chunk, so the batch's answers do not depend on how it is cut.
        """
        tf = counts.tocsr()
        tf.sum_duplicates()  # merged and sorted by row, in place
        tf.data = 1.0 + np.log(tf.data)
        logits = tf @ self.push
        tf.data = tf.data * tf.data
        norms = np.sqrt(tf @ self.idf_squared)
        norms[norms == 0] = 1.0
        return np.asarray(logits), norms


def _pair_keys(weights: Weights) -> tuple[Any, Any] | None:
    """The model's word pairs as sorted integers (first word's row x terms + second's), with
    their rows; None when it has none, or some pair holds a word it does not know alone."""
    index, size = weights.index, len(weights.terms)
    keys, rows = [], []
    for row, term in enumerate(weights.terms):
        if " " in term:
            first, _, second = term.partition(" ")
            if first not in index or second not in index or " " in second:
                return None
            keys.append(index[first] * size + index[second])
            rows.append(row)
    if not keys:
        return None
    order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
    return np.array(keys, dtype=np.int64)[order], np.array(rows, dtype=np.int64)[order]


def _counts(rows: list[list[int]], size: int) -> Any:
    """A texts x terms matrix of how often each row occurs in each text."""
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    docs = np.repeat(np.arange(len(rows)), lengths)
    flat = np.fromiter((r for text in rows for r in text), dtype=np.int64, count=int(lengths.sum()))
    return sparse.csr_matrix((np.ones(len(flat)), (docs, flat)), shape=(len(rows), size))
