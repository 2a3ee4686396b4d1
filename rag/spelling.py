"""Typo repair for questions: "pekerja sosail" -> "pekerja sosial", using the corpus's own vocabulary.

Only words that are neither in the corpus nor standard Indonesian (Sastrawi's root dictionary) nor known
informal words are touched, and only when a corpus word is exactly one edit away (insertion, deletion,
substitution or adjacent swap). A correctly spelled word the corpus lacks ("pidana") is never bent into
a corpus word: that is what lets the answer gate notice the corpus does not cover it. Capitalised words
are left alone (names).
"""

from __future__ import annotations

import re
from collections import defaultdict

from rag.query import informal_map
from rag.text import edit_distance_le1, fold, root_words, stem, stopwords

MIN_LENGTH = 5


class Speller:
    def __init__(self, idf: dict[str, float]):
        """`idf`: BM25 terms of the index (plain tokens and "~stem" keys) with their IDF."""
        self._idf = idf
        self._buckets: dict[tuple, list[str]] | None = None
        self._cache: dict[str, str | None] = {}

    def known(self, token: str) -> bool:
        return token in self._idf or "~" + stem(token) in self._idf

    def _index(self) -> dict[tuple, list[str]]:
        # One edit keeps the first or the last letter of a word of three letters or more, so a word's
        # neighbours are found among corpus words of length +-1 sharing its first or its last letter.
        if self._buckets is None:
            buckets = defaultdict(list)
            for term in self._idf:
                if term.startswith("~") or not term.isalpha() or len(term) < MIN_LENGTH - 1:
                    continue
                buckets[(len(term), "first", term[0])].append(term)
                buckets[(len(term), "last", term[-1])].append(term)
            self._buckets = dict(buckets)
        return self._buckets

    def suggest(self, token: str) -> str | None:
        """The corpus word one edit from `token` (the most frequent if several), or None."""
        if token in self._cache:
            return self._cache[token]
        buckets = self._index()
        found = set()
        for n in (len(token) - 1, len(token), len(token) + 1):
            for key in ((n, "first", token[0]), (n, "last", token[-1])):
                found.update(t for t in buckets.get(key, ()) if edit_distance_le1(token, t))
        best = min(found, key=lambda t: (self._idf[t], t)) if found else None
        self._cache[token] = best
        return best

    def needs_repair(self, word: str) -> bool:
        token = fold(word)
        return (
            word == word.lower()
            and len(token) >= MIN_LENGTH
            and token.isalpha()
            and token not in stopwords()
            and token not in informal_map()
            and token not in root_words()
            and stem(token) not in root_words()  # a well-formed derived word ("pemilihan"), not a typo
            and not self.known(token)
        )

    def correct(self, text: str) -> tuple[str, dict[str, str]]:
        """`text` with misspelled words repaired, and the repairs made ({typo: word})."""
        repairs: dict[str, str] = {}

        def repl(m: re.Match) -> str:
            word = m.group(0)
            if not self.needs_repair(word):
                return word
            best = self.suggest(fold(word))
            if best:
                repairs[word] = best
                return best
            return word

        return re.sub(r"[^\W\d_]+", repl, text), repairs
