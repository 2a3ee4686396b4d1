"""A question parsed once into what the answer model and the gate's checks (rag.checks) read: the kind of
answer asked for, the names the question uses, its content terms (stemmed) in the order they are written,
and, when the retriever's parse is given, the regulations and Pasal it names, its standardised text, its
topic words and the action a "siapa yang V X" question asks about."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.checks.language import asked_action
from rag.query import strip_references
from rag.text import content_terms, fold, tokenize

if TYPE_CHECKING:
    from rag.catalogue import Catalogue
    from rag.query import ParsedQuery

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
    parsed: ParsedQuery | None = None
    """The retriever's parse of the (typo-repaired) question: regulations and Pasal named, missing ones."""
    standard: str = ""
    """The question after typo repair and informal-word standardisation, expansions in brackets removed."""
    topics: str = ""
    """`standard` without Pasal references and regulation names (folded): the words that name topics."""
    action: tuple[str, tuple[str, ...]] | None = None
    """For "siapa yang V X" / "cara V X" / "X V oleh siapa": the verb and the words naming things after it."""


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


def parse_frame(question: str, parsed: ParsedQuery | None = None, catalogue: Catalogue | None = None) -> Frame:
    """The frame of `question`; the gate's fields need `parsed` (rag.query.parse_query of the question after
    typo repair) and the index's `catalogue`."""
    names, terms = tuple(dict.fromkeys(names_in(question))), ordered_terms(question)
    if parsed is None:
        return Frame(question, answer_type(question), names, terms)
    standard = _BRACKETS.sub(" ", parsed.dense_text)
    topics = _BRACKETS.sub(" ", strip_references(parsed.dense_text, catalogue)) if catalogue is not None else ""
    action = asked_action(standard)
    action = (action[0], tuple(action[1])) if action else None
    return Frame(question, answer_type(question), names, terms, parsed, standard, topics, action)


_BRACKETS = re.compile(r"\(.*?\)")
