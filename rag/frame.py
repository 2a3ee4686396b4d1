"""A question parsed once into what the answer model reads: the kind of answer asked for, the names the
question uses, and its content terms (stemmed) in the order they are written."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text import content_terms, fold, tokenize

# Kinds of answer a question asks for, by its question word (folded text).
_TYPES = (
    ("date", re.compile(r"\bkapan(?:kah)?\b|\b(?:tahun|tanggal|abad|bulan) (?:berapa|apa)\b|\bsejak kapan\b")),
    ("number", re.compile(r"\bberapa(?:kah)?\b")),
    ("person", re.compile(r"\bsiapa(?:kah)?\b")),
    ("place", re.compile(r"\bdi ?mana(?:kah)?\b|\b(?:dari|ke) ?mana(?:kah)?\b|\bdaerah apa\b|\bnegara apa\b")),
    ("definition", re.compile(r"\bapa(?:kah)? (?:itu|yang dimaksud|arti|maksud|pengertian|definisi)\b|\bapa itu\b")),
    ("reason", re.compile(r"\b(?:mengapa|kenapa)\b")),
)
_NAME = re.compile(r"(?<![\w])([A-Z][\w'-]*|[A-Z]{2,})")


@dataclass(frozen=True)
class Frame:
    question: str
    answer_type: str
    """date | number | person | place | definition | reason | other."""
    names: tuple[str, ...]
    """Folded capitalised words of the question past its first word ("Douwes", "Dekker")."""
    terms: tuple[str, ...]
    """Content terms (rag.text.content_terms), in question order, without repeats."""


def answer_type(question: str) -> str:
    q = fold(question)
    for name, pattern in _TYPES:
        if pattern.search(q):
            return name
    return "other"


def names_in(text: str, skip_first: bool = True) -> list[str]:
    """Folded capitalised words; the first word of the text is skipped (capitalised by position)."""
    found = [m for m in _NAME.finditer(text)]
    if skip_first and found and found[0].start() == len(text) - len(text.lstrip()):
        found = found[1:]
    return [fold(m.group(1)) for m in found]


def ordered_terms(text: str) -> tuple[str, ...]:
    terms: list[str] = []
    for tok in tokenize(text):
        for t in content_terms(tok):
            if t not in terms:
                terms.append(t)
    return tuple(terms)


def parse_frame(question: str) -> Frame:
    return Frame(question, answer_type(question), tuple(dict.fromkeys(names_in(question))), ordered_terms(question))
