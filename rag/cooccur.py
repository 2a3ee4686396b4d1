"""Do the sources ever speak of two things together?

A question presupposes a relation between the first two things it names: "sanksi bagi *klien*", "hak
*relawan* sosial", "materi *pelatihan*", "syarat menjadi *pengurus*". When the corpus knows each word
but never uses the two in one sentence (a list item counts together with the sentence that introduces
its list, and every sentence with its section heading), the sources do not cover that relation, however
close the retrieved passages look: the law sanctions pekerja sosial, never klien.

Measured on the eval dev split and the probes (151 answerable questions): the sentence alone catches
three more traps than a one-sentence window on either side ("sanksi bagi masyarakat", "kewajiban
masyarakat terhadap pekerja sosial") at the cost of one refused question ("tantangan profesi ... di masa
depan", which no source discusses as such); the window stays a parameter.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from rag.query import abbreviation_table
from rag.text import fold, normalize_whitespace, stem, stopwords, tokenize
from rag.types import Chunk

WINDOW = 0
"""Sentences on either side of a sentence that still count as 'together'."""

_LIST_ITEM = re.compile(r"^\s*(?:[a-z]|\d+)[.)]\s")


@lru_cache(maxsize=1)
def _abbreviation_finder() -> tuple[re.Pattern, dict[str, list[list[str]]]]:
    """One pattern for every abbreviation, and the content words of each of its full forms."""
    stop = stopwords()
    expansions: dict[str, list[list[str]]] = {}
    for key, expansion in abbreviation_table():
        for form in expansion.split(" / "):
            words = [w for w in tokenize(form) if w not in stop and len(w) > 2]
            if words:
                expansions.setdefault(key, []).append(words)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k in expansions) + r")(?!\w)"), expansions


def abbreviation_forms(word: str) -> list[list[str]]:
    """The content words of each full form of an abbreviation ("str" -> [["surat", "tanda", "registrasi"]])."""
    return _abbreviation_finder()[1].get(fold(word), [])


def _terms(text: str) -> set[str]:
    """A sentence's words, their stems, and the words of the abbreviations it uses ("SIPPS" -> "surat")."""
    finder, expansions = _abbreviation_finder()
    words = tokenize(text)
    for m in finder.finditer(text):
        words += [w for form in expansions[m.group(1)] for w in form]
    return set(words) | {stem(w) for w in words}


class Cooccurrence:
    """Which sentences of the corpus use a word, to ask whether two words ever appear together."""

    def __init__(self, chunks: list[Chunk], window: int = WINDOW):
        self.window = window
        self._sentences: dict[str, set[int]] = defaultdict(set)
        self._chunk_of: list[int] = []
        self.texts: list[str] = []
        """Each sentence, folded, in the order of its id."""
        for ci, chunk in enumerate(chunks):
            heading = normalize_whitespace(fold(chunk.heading))
            intro = ""
            for sent in chunk.sentences:
                text = normalize_whitespace(fold(sent.text))
                item = bool(_LIST_ITEM.match(text))
                sid = len(self._chunk_of)
                self._chunk_of.append(ci)
                self.texts.append(text)
                for term in _terms(f"{heading} {intro} {text}" if item and intro else f"{heading} {text}"):
                    self._sentences[term].add(sid)
                if text.endswith(":"):
                    intro = text
                elif not item:
                    intro = ""

    def _plain(self, word: str) -> set[int]:
        return self._sentences.get(word, set()) | self._sentences.get(stem(word), set())

    def sentences_with(self, word: str) -> set[int]:
        """Sentences that use `word` (folded): itself, its stem, or all words of an abbreviation's full form."""
        word = fold(word)
        found = self._plain(word)
        for form in _abbreviation_finder()[1].get(word, []):
            found = found | set.intersection(*(self._plain(w) for w in form))
        return found

    def known(self, word: str) -> bool:
        return bool(self.sentences_with(word))

    def together(self, a: str, b: str) -> bool:
        """True when some sentence using `a` is within `window` sentences of one using `b` (same passage)."""
        near_b = self.sentences_with(b)
        for sa in self.sentences_with(a):
            for sb in range(sa - self.window, sa + self.window + 1):
                if sb in near_b and 0 <= sb < len(self._chunk_of) and self._chunk_of[sb] == self._chunk_of[sa]:
                    return True
        return False


def mentions(text: str, word: str) -> bool:
    """Whether `text` uses `word` (folded): the word, its stem, or every content word of its full form."""
    terms = _terms(normalize_whitespace(fold(text)))
    word = fold(word)
    if word in terms or stem(word) in terms:
        return True
    return any(all(w in terms for w in form) for form in _abbreviation_finder()[1].get(word, []))
