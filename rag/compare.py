"""Comparison questions ("apa beda X dan Y?", "X vs Y"): the two sides, how each may be written, and the
sentence that defines each side."""

from __future__ import annotations

import re

from rag.query import parse_query
from rag.text import content_terms, fold

_COMPARE = (
    re.compile(
        r"\b(?:beda(?:nya)?|perbedaan|membedakan|bedanya|difference between)\s+(?:antara\s+)?(?P<x>.+?)\s+"
        r"(?:dan|dengan|dgn|sama|and|vs\.?)\s+(?P<y>.+?)\s*\??$",
        re.I,
    ),
    re.compile(r"^(?:apa\s+)?(?P<x>.+?)\s+(?:vs\.?|versus)\s+(?P<y>.+?)\s*\??$", re.I),
)
_TAIL = re.compile(r"\s+(?:apa(?:\s+saja)?|itu|ya|sih|dong)$")
"""Question words after the second side ("bedanya X sama Y *apa*?")."""
_DEFINES = r"(?:adalah|merupakan|yaitu|ialah|didefinisikan)"


def comparison_sides(question: str) -> tuple[str, str] | None:
    for pattern in _COMPARE:
        m = pattern.search(fold(question).strip())
        if m:
            x, y = m.group("x").strip(" ?"), m.group("y").strip(" ?")
            while _TAIL.search(y):
                y = _TAIL.sub("", y)
            return (x, y) if x and y else None
    return None


def side_names(side: str) -> list[str]:
    """How one side of a comparison may be written: as typed, and the first expansion of each abbreviation."""
    return [side] + [e.split(" / ")[0] for e in parse_query(side).expansions]


def mentions(text: str, alts: list[set[str]]) -> bool:
    have = content_terms(text)
    return any(a <= have for a in alts)


_DIFFERENCE = re.compile(r"\b(?:beda|berbeda|perbedaan|membedakan|dibedakan|pembeda|bedanya)\b")


def difference_sentence(ranked: list, alts: list[list[set[str]]]):
    """The best-ranked sentence naming both sides (each side: alternative term sets, rag.text.content_terms);
    failing that, one naming a side and saying how it differs ("... berbeda dengan ...")."""
    both = next((c for c in ranked if all(mentions(c.sentence.text, a) for a in alts)), None)
    if both is not None:
        return both
    differs = (c for c in ranked if _DIFFERENCE.search(fold(c.sentence.text)))
    return next((c for c in differs if any(mentions(c.sentence.text, a) for a in alts)), None)


def side_definition(ranked: list, names: list[str]):
    """The sentence defining one side: its name, or its name and one more word ("relawan" -> "Relawan
    Sosial adalah ..."), defined as a term; the exact name first, then a regulation's own definition, then rank."""
    alts = "|".join(re.escape(fold(n)) for n in names if n)
    if not alts:
        return None
    pattern = re.compile(
        rf"^(?:\d+\.\s*|[a-z]\.\s*|-\s*)?[\"“']?(?:{alts})(?P<more>\s+\w+)?[\"”']?\s*(?:\(\w+\)\s*)?{_DEFINES}\b"
        rf"|^(?:\d+\.\s*)?(?:{alts})(?P<more2>\s+\w+)? yang selanjutnya disingkat"
    )
    found = []
    for rank, c in enumerate(ranked):
        m = pattern.search(fold(c.sentence.text))
        if m:
            found.append((bool(m.group("more") or m.group("more2")), not c.from_law, rank, c))
    return min(found, key=lambda f: f[:3])[3] if found else None


def undefined_sides(ranked: list, question: str) -> list[str]:
    """The sides of a comparison no retrieved sentence defines (as the question writes them)."""
    sides = comparison_sides(question)
    if not sides:
        return []
    return [side for side in sides if side_definition(ranked, side_names(side)) is None]
