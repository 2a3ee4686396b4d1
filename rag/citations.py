"""Citations as data: parse [n] markers, drop the ones that point nowhere, check support in plain Python."""

from __future__ import annotations

import re

from rag.text import content_terms, split_sentences
from rag.types import AnswerSentence, Chunk

MARKER = re.compile(r"\[(\d{1,3})\]")
SUPPORT_THRESHOLD = 0.6
"""Share of a sentence's content terms (stemmed) that its cited passages must contain."""


def parse_citations(text: str, n_passages: int) -> tuple[str, list[tuple[str, tuple[int, ...]]], int]:
    """Split an answer into sentences with the passage numbers they cite.

    Returns (text without invalid markers, [(sentence without markers, cited numbers)], dropped count).
    A marker outside 1..n_passages is removed and counted: a citation to a passage that was not given
    is the worst bug this product can have.
    """
    dropped = 0

    def keep(m: re.Match) -> str:
        nonlocal dropped
        n = int(m.group(1))
        if 1 <= n <= n_passages:
            return m.group(0)
        dropped += 1
        return ""

    clean = MARKER.sub(keep, text)
    clean = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", clean)).strip()
    out: list[tuple[str, tuple[int, ...]]] = []
    leading: tuple[int, ...] = ()
    for sent in split_sentences(clean):
        nums = tuple(dict.fromkeys(int(m) for m in MARKER.findall(sent.text)))
        bare = MARKER.sub("", sent.text).strip()
        bare = re.sub(r"\s+([.,;:!?])", r"\1", bare)
        if bare.strip(" .,;:-*"):
            out.append((bare, tuple(dict.fromkeys(leading + nums))))
            leading = ()
        elif nums and out:  # "... kalimat. [1]": the marker belongs to the sentence before it
            prev_text, prev_nums = out[-1]
            out[-1] = (prev_text, tuple(dict.fromkeys(prev_nums + nums)))
        elif nums:  # "[1]" on a line of its own before any sentence: it belongs to the one that follows
            leading += nums
    return clean, out, dropped


def support_score(sentence: str, passages: list[Chunk]) -> float:
    """Share of the sentence's content terms found in the cited passages (1.0 for a verbatim quote)."""
    terms = content_terms(sentence)
    if not terms:
        return 1.0
    have: set[str] = set()
    for p in passages:
        have |= content_terms(p.text)
    return len(terms & have) / len(terms)


def verify(sentences: list[tuple[str, tuple[int, ...]]], passages: list[Chunk]) -> list[AnswerSentence]:
    """Mark each sentence supported when its cited passages contain enough of its content terms."""
    out = []
    for text, nums in sentences:
        cited = [passages[n - 1] for n in nums if 1 <= n <= len(passages)]
        ok = bool(cited) and support_score(text, cited) >= SUPPORT_THRESHOLD
        out.append(AnswerSentence(text, nums, ok))
    return out
