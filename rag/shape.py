"""The shape of an extractive answer for a kind of question: which source sentence leads, and what is quoted.

- A heading (a sentence written in capitals: a regulation's title, "MEMUTUSKAN:") is never quoted.
- A question naming "Pasal N ayat (M)" or "huruf x" gets that unit of the Pasal, not the whole Pasal.
- "apa PREDICATE X?" ("apa kewajiban X?", rag/resources/shape_predicates.tsv) leads with a sentence in
  which X is the subject of the predicate ("X ... wajib:"), not one that merely mentions X.
- A question asking for a list ("apa saja", "sebutkan", "jenis-jenis"; rag/resources/shape_words.tsv)
  leads with a sentence introducing a list about the question's topic; its items come with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from rag.extractive import Candidate, _informative, _item
from rag.query import LawRef
from rag.text import content_terms, fold, read_resource_tsv, stopwords, tokenize

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_AYAT_OPEN = re.compile(r"^\((\d+[a-z]?)\)\s")
_HURUF_OPEN = re.compile(r"^([a-z])\.\s")
_PREAMBLE = re.compile(r"^(?:\(\d+[a-z]?\)\s*)?(?:(?:dalam|untuk|selain)\s[^,]{3,120},\s*)?")
"""What may stand before a sentence's subject: its ayat number and a leading clause ("Dalam melaksanakan
tugas ..., X berwenang:")."""


def is_heading(text: str) -> bool:
    """Mostly words in capitals (three or more): a title or a heading, which states no answer."""
    words = _WORD.findall(text)
    caps = [w for w in words if w.isupper()]
    return len(caps) >= 3 and len(caps) >= 0.75 * len(words)


# ---------------------------------------------------------------------------- "Pasal N ayat (M) huruf x"


def referenced_unit(passage: list[Candidate], locator: str, refs: tuple[LawRef, ...]) -> list[Candidate]:
    """The sentences of the ayat or huruf a question names, in source order: the ayat with its list, or the
    lettered item after the sentence that introduces its list. [] when no reference names a part of this
    passage's Pasal (`locator`, e.g. "UU X Pasal 44") that the passage holds."""
    for ref in refs:
        if not (ref.ayat or ref.huruf) or not re.search(rf"\bPasal {re.escape(ref.pasal)}\b", locator):
            continue
        unit = passage
        if ref.ayat:
            start = next((i for i, c in enumerate(passage) if _ayat(c) == ref.ayat), None)
            if start is None:
                continue
            end = next((i for i in range(start + 1, len(passage)) if _ayat(passage[i])), len(passage))
            unit = passage[start:end]
        if ref.huruf:
            k = next((i for i, c in enumerate(unit) if _huruf(c) == ref.huruf), None)
            if k is None:
                continue
            intro = next((c for c in reversed(unit[:k]) if c.sentence.text.rstrip().endswith(":")), None)
            return [intro, unit[k]] if intro is not None else [unit[k]]
        return unit
    return []


def _ayat(c: Candidate) -> str | None:
    m = _AYAT_OPEN.match(c.sentence.text)
    return m.group(1) if m else None


def _huruf(c: Candidate) -> str | None:
    m = _HURUF_OPEN.match(c.sentence.text)
    return m.group(1) if m else None


# ---------------------------------------------------------------------------- "apa kewajiban X?"


@cache
def _predicates() -> dict[str, tuple[str, ...]]:
    """Predicate noun (folded) -> how a sentence states it of its subject (the noun itself included)."""
    rows = read_resource_tsv("shape_predicates.tsv")[1:]
    return {r[0].strip(): (r[0].strip(), *(f.replace("_", " ") for f in r[1].split())) for r in rows}


@cache
def _words(name: str) -> tuple[str, ...]:
    return tuple(r[0].strip() for r in read_resource_tsv("shape_words.tsv")[1:] if r[1].strip() == name)


def asked_predicate(question: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """For "apa kewajiban pekerja sosial terhadap klien?": the predicate's forms ("kewajiban", "wajib",
    ...) and the subject's words ("pekerja", "sosial"); None when the question asks no predicate of a subject."""
    q = fold(question)
    preds = _predicates()
    end = stopwords() | set(_words("subject_end")) | set(preds)
    alts = "|".join(re.escape(p) for p in sorted(preds, key=len, reverse=True))
    for m in re.finditer(rf"\b({alts})\b", q):
        subject: list[str] = []
        for tok in tokenize(q[m.end() :]):
            if tok in end:
                break
            subject.append(tok)
        if subject:
            return preds[m.group(1)], tuple(subject)
    return None


def _subject_match(text: str, forms: tuple[str, ...], subject: tuple[str, ...]) -> int:
    """How well the sentence states the predicate of the subject: 3 the subject exactly ("Klien ...
    wajib:"), 2 a narrower subject ("X lulusan luar negeri wajib"), 1 the subject's head only, 0 not at all."""
    t = fold(text)
    t = t[_PREAMBLE.match(t).end() :]
    alts = "|".join(re.escape(f) for f in forms)
    m = re.search(rf"\b(?:{alts})\b", t)
    if m is None:
        return 0
    before = tokenize(t[: m.start()])
    if not before:  # the noun first: "Kewajiban X meliputi ..."
        head = tokenize(t[m.end() :])
    else:
        head = before
    stop = stopwords()
    head = head[: next((i for i, tok in enumerate(head) if tok in stop), len(head))]
    if not head:
        return 0
    if tuple(head) == subject:
        return 3
    if tuple(head[: len(subject)]) == subject:
        return 2
    return 1 if subject[: len(head)] == tuple(head) else 0


def predicate_sentence(cands: list[Candidate], question: str) -> Candidate | None:
    """The sentence in which the asked subject has the asked predicate: the best subject match, then one
    that introduces a list (the whole statement: "X ... wajib:"), then rank; of equal sentences in the
    passage so chosen, the first in the source (ayat (1) before ayat (2))."""
    asked = asked_predicate(question)
    if asked is None:
        return None
    forms, subject = asked
    hits = []
    for rank, c in enumerate(sorted(cands, key=lambda c: -c.score)):
        if _item(c) or not _informative(c) or is_heading(c.sentence.text):
            continue
        match = _subject_match(c.sentence.text, forms, subject)
        if match:
            hits.append((-match, not c.sentence.text.rstrip().endswith(":"), rank, c))
    if not hits:
        return None
    best = min(hits, key=lambda h: h[:3])
    return min((h[3] for h in hits if h[:2] == best[:2] and h[3].n == best[3].n), key=lambda c: c.j)


# ---------------------------------------------------------------------------- "apa saja ...?"


def asks_for_list(question: str) -> bool:
    q = fold(question)
    return any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", q) for w in _words("list_cue"))


LIST_MIN_COVER = 0.5
"""Share of the question's terms (IDF-weighted) a list and its introduction must hold to lead the answer."""


def without_list_cues(question: str) -> str:
    """The question (folded) without the words that ask for a list: what the list must be about."""
    q = fold(question)
    for w in _words("list_cue"):
        q = re.sub(rf"(?<![\w-]){re.escape(w)}(?![\w-])", " ", q)
    return q


def list_sentence(cands: list[Candidate], cover: Callable[[str], float]) -> Candidate | None:
    """The sentence introducing a list (ends with ':' and items follow it) that, with its items, covers
    most of the question (`cover`: the share of the question's topic words, rag.shape.without_list_cues,
    a text holds); rank breaks ties. None when no list covers at least LIST_MIN_COVER."""
    by_pos = {(c.chunk_idx, c.j): c for c in cands}
    best, best_key = None, None
    for rank, c in enumerate(sorted(cands, key=lambda c: -c.score)):
        if not c.sentence.text.rstrip().endswith(":") or is_heading(c.sentence.text):
            continue
        items, j = [], c.j + 1
        while (c.chunk_idx, j) in by_pos and _item(by_pos[(c.chunk_idx, j)]):
            items.append(by_pos[(c.chunk_idx, j)].sentence.text)
            j += 1
        if not items:
            continue
        share = cover(" ".join([c.sentence.text, *items]))
        key = (-share, rank)
        if share >= LIST_MIN_COVER and (best_key is None or key < best_key):
            best, best_key = c, key
    return best


_AUTHOR = re.compile(r"\b(?:menurut|versi|ala)\s+[A-Z]")
"""A question that names whose account it asks for ("menurut Hepworth"): the retriever's order follows it."""


def lead_sentence(cands: list[Candidate], question: str, coverage: Callable[[set, str], float]) -> Candidate | None:
    """The sentence that should open the answer to `question` by its kind (predicate, then list); None
    when the question is of neither kind, names an author, or no sentence fits. A list question that
    asks a predicate ("apa saja hak X?") only leads with a list stating that predicate. `coverage(terms,
    text)` is the weighted share of `terms` a text holds (Retriever.text_coverage)."""
    if _AUTHOR.search(question):
        return None
    lead = predicate_sentence(cands, question)
    if lead is not None or not asks_for_list(question):
        return lead
    asked = asked_predicate(question)
    if asked is not None:
        pattern = re.compile(rf"\b(?:{'|'.join(re.escape(f) for f in asked[0])})\b")
        cands = [c for c in cands if pattern.search(fold(c.sentence.text)) or _item(c)]
    topic = content_terms(without_list_cues(question))
    return list_sentence(cands, lambda text: coverage(topic, text))
