"""What the checks know of Indonesian questions: word lists from rag/resources/gate_*.tsv (loaded once)
and small predicates over them, shared by the frame (rag.frame) and the checks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

from rag.text import fold, read_resource_tsv, root_words, stem, stopwords, tokenize


@cache
def _lists(family: str) -> dict[str, tuple[str, ...]]:
    rows = read_resource_tsv(f"gate_{family}.tsv")[1:]  # the first row is the header
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row[1].strip(), []).append(row[0].strip())
    return {name: tuple(words) for name, words in out.items()}


def words(family: str, name: str) -> tuple[str, ...]:
    """The words of list `name` in rag/resources/gate_<family>.tsv, in file order."""
    return _lists(family)[name]


def alternation(family: str, name: str) -> str:
    """The list as a regex alternation (each word or phrase matched literally)."""
    return "|".join(re.escape(w) for w in words(family, name))


@cache
def word_set(family: str, name: str) -> frozenset[str]:
    return frozenset(words(family, name))


def is_english(question: str) -> bool:
    """At least a quarter of the question's words are English function words."""
    toks = tokenize(question)
    english = word_set("words", "english")
    return bool(toks) and sum(t in english for t in toks) / len(toks) >= 0.25


def affixed(tok: str) -> bool:
    """An affixed form of a standard root word ("meluncurkan", "kecamatan"), or the informal nge- form."""
    roots = root_words()
    return (stem(tok) != tok and stem(tok) in roots) or (tok.startswith("nge") and tok[3:] in roots)


@lru_cache(maxsize=1)
def _verb_prefix() -> re.Pattern:
    return re.compile(rf"^(?:{alternation('words', 'verb_prefix')})(?=\w{{3}})")


def is_derived_verb(tok: str) -> bool:
    """An affixed verb ("dibutuhkan", "mendefinisikan", "melaksanakan"): it says what is done, not to what."""
    return bool(_verb_prefix().match(tok)) and affixed(tok)


def things(text: str) -> Iterator[str]:
    """The words of `text` that name things: not stopwords, framing words, short words, numbers or derived verbs."""
    stop = stopwords() - word_set("words", "noun_stopword")
    framing = word_set("words", "framing")
    for tok in tokenize(text):
        if not (tok in stop or tok in framing or len(tok) < 3 or tok.isdigit() or is_derived_verb(tok)):
            yield tok


@lru_cache(maxsize=1)
def _action() -> re.Pattern:
    # "siapa yang *memimpin* X", "bagaimana cara *mengajukan* X", "prosedur *pengaduan* X": the question asks
    # who does, or how one does, a named action to X.
    return re.compile(
        rf"\bsiapa(?:kah)?\s+(?:saja\s+)?yang\s+(?:(?:{alternation('action', 'modal')})\s+)?(\w+)"
        rf"|\b(?:{alternation('action', 'procedure')})\s+(\w+)"
        r"|(\w+)\s+oleh\s+siapa\b"
    )


def asked_action(std_question: str) -> tuple[str, list[str]] | None:
    """The derived verb a 'siapa yang V X' / 'cara V X' / 'X V oleh siapa' question asks about, and the
    words of the rest of the question that name things (the first is what the action is done to). Words
    that only classify ("siapa yang *disebut* X") name no action."""
    q = fold(std_question)
    m = _action().search(q)
    if not m or is_english(q):
        return None
    verb = next(g for g in m.groups() if g)
    if verb in word_set("action", "classifying") or stem(verb) == verb:
        return None
    rest = q[m.end() :] if m.group(3) is None else q[: m.start()]
    return verb, list(things(rest))
