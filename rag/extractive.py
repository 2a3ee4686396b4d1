"""The extractive engine: a short answer made of verbatim source sentences, each with its [n].

Query-aware sentence scoring (sentence vectors from ingest + IDF-weighted term coverage), redundancy
removal (MMR), definitions first for "apa itu X", both sides for "apa beda X dan Y", the number or date
first for "berapa" / "kapan", and list items kept with the sentence that introduces them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rag import compare
from rag.checks.carriers import answer_carrier
from rag.checks.language import asked_action
from rag.cooccur import mentions
from rag.query import ParsedQuery, definition_pattern
from rag.text import content_terms, fold, normalize_whitespace
from rag.types import SearchResult, Sentence

_NUMBERED_DEFINITION = re.compile(r"^\d+\.\s+[^.]{1,80}?\s+(?:adalah|yang selanjutnya disingkat)\b")
_LIST_ITEM = re.compile(r"^(?:[a-z]|\d+)\.\s|^\(\d+\)\s|^-\s")
_AYAT = re.compile(r"^\(\d+[a-z]?\)\s")
"""An ayat opens with "(2)": it starts a new unit of its Pasal, never an item of the list before it."""


@dataclass
class Candidate:
    n: int  # passage number, 1-based
    chunk_idx: int
    j: int  # sentence index within the chunk
    sentence: Sentence
    score: float
    vec: np.ndarray
    sim: float = 0.0
    from_law: bool = False


CARRIER_POOL = 10
"""How far down the ranked sentences a "berapa"/"kapan" answer's number or date is looked for."""
_AYAT_REFERENCE = re.compile(r"sebagaimana dimaksud pada ayat \((\d+)\)")


def with_referenced_ayat(c: Candidate, cands: list[Candidate]) -> str:
    """The sentence's text, followed by the ayat of the same Pasal it points back to.

    "(2) STR sementara sebagaimana dimaksud pada ayat (1) berlaku selama 1 (satu) tahun" speaks of the STR
    sementara that ayat (1) grants to pekerja sosial warga negara asing: read alone it covers too little
    of "Berapa lama STR sementara bagi pekerja sosial warga negara asing berlaku?".
    """
    m = _AYAT_REFERENCE.search(c.sentence.text)
    if not m:
        return c.sentence.text
    opening = f"({m.group(1)})"
    ref = next((o for o in cands if o.chunk_idx == c.chunk_idx and o.sentence.text.lstrip().startswith(opening)), None)
    return c.sentence.text if ref is None or ref is c else f"{c.sentence.text} {ref.sentence.text}"


def score_candidates(retriever, results: list[SearchResult], qvec: np.ndarray, q_terms: set[str]) -> list[Candidate]:
    out = []
    by_id = retriever.generation.by_id
    for n, r in enumerate(results, 1):
        idx = by_id[r.chunk.chunk_id]
        for j, sent in enumerate(r.chunk.sentences):
            vec = retriever.sentence_vector(idx, j)
            sim = float(vec @ qvec)
            cover = retriever.text_coverage(q_terms, sent.text)
            # Passage rank matters a little: the fused ranking saw more evidence than one sentence.
            score = sim + 0.15 * cover - 0.01 * (n - 1)
            out.append(Candidate(n, idx, j, sent, score, vec, sim, r.chunk.source_id in retriever.catalogue))
    return out


def _informative(c: Candidate) -> bool:
    """Long enough to say something, and not a question the source asks its reader ("siapa pekerja sosial
    itu?"): such sentences answer nothing."""
    text = c.sentence.text.strip().rstrip("\"”'")
    return len(text.split()) >= 4 and not text.endswith("?")


def _definition_of(cands: list[Candidate], terms, prefer_law: bool = False) -> Candidate | None:
    """The best-ranked sentence defining one of `terms`; with `prefer_law`, a regulation's own definition
    (its Pasal 1) wins over an article that quotes or paraphrases it."""
    pat = definition_pattern(terms, explanatory=False)
    if pat is None:
        return None
    found = [c for c in cands if pat.search(fold(c.sentence.text))]
    if prefer_law:
        found.sort(key=lambda c: not c.from_law)  # stable: rank order within each group
    return found[0] if found else None


def select(
    cands: list[Candidate],
    parsed: ParsedQuery,
    question: str,
    max_sentences: int = 4,
    lam: float = 0.75,
    cover: Callable[[str], float] | None = None,
    focus: Candidate | None = None,
) -> tuple[list[Candidate], list[Candidate]]:
    """MMR over candidates, seeded with a definition sentence, both sides of a comparison, the sentence
    carrying the number or date asked for, and the one naming the action asked about.

    `cover(text)` is the share of the question's terms a text covers (Retriever.text_coverage); `focus`
    the sentence naming the action asked about (action_sentence).
    Returns (chosen, seeds); seeds go first in the answer.
    """
    if not cands:
        return [], []
    ranked = sorted(cands, key=lambda c: -c.score)
    chosen: list[Candidate] = []

    def take(c: Candidate | None) -> None:
        if c is not None and c not in chosen:
            chosen.append(c)

    if parsed.definition_terms:
        # "apa itu X?" is answered first with the law's definition when one was retrieved; "apa definisi X
        # menurut Siporin?" keeps the retriever's order, which follows the named author.
        prefer_law = not re.search(r"\b(menurut|versi|kata|ala)\b", fold(question)) or bool(parsed.laws)
        take(_definition_of(ranked, parsed.definition_terms, prefer_law))
    sides = compare.comparison_sides(question)
    if sides:
        names = [compare.side_names(side) for side in sides]
        alts = [[terms for terms in map(content_terms, side_names) if terms] for side_names in names]
        # A sentence that names both sides usually states the difference itself; failing that, one that
        # says how one side differs ("X ... berbeda dengan ...").
        both = compare.difference_sentence(ranked, alts)
        take(both)
        if both is not None:  # the sentence after it usually explains the difference
            after = next((c for c in cands if c.chunk_idx == both.chunk_idx and c.j == both.j + 1), None)
            if after is not None and any(compare.mentions(after.sentence.text, a) for a in alts):
                take(after)
        # Then each side's definition, each cited; a side no sentence defines is named in the answer's
        # notice (rag.compare.undefined_sides) rather than padded with a sentence that only mentions it.
        defined = [compare.side_definition(ranked, side_names) for side_names in names]
        for d in defined:
            take(d)
        if all(defined):  # each side answered and cited: nothing else to add
            return chosen, list(chosen)
    carrier = answer_carrier(question)
    if carrier:  # "berapa" / "kapan": lead with the sentence that carries the number or date asked for
        carrying = [c for c in ranked[:CARRIER_POOL] if _informative(c) and carrier[1](c.sentence.text)]
        if cover is not None:  # the one most about the question: STR *sementara* for "... STR sementara berlaku?"
            carrying.sort(key=lambda c: -cover(with_referenced_ayat(c, cands)))  # stable: rank breaks ties
        take(carrying[0] if carrying else None)
    take(focus)
    seeds = list(chosen)
    own = definition_pattern(parsed.definition_terms) if parsed.definition_terms else None

    def other_definition(c: Candidate) -> bool:
        """For "apa itu X", a law's definition of another term (the next item of Pasal 1) is noise."""
        text = fold(c.sentence.text)
        return own is not None and bool(_NUMBERED_DEFINITION.match(text)) and not own.search(text)

    eligible = [c for c in ranked[:40] if _informative(c) and not other_definition(c)]
    while len(chosen) < max_sentences:
        best, best_val = None, -1e9
        for c in eligible:
            if c in chosen:
                continue
            redundancy = max((float(c.vec @ o.vec) for o in chosen), default=0.0)
            val = lam * c.score - (1 - lam) * redundancy
            if val > best_val:
                best, best_val = c, val
        if best is None or (chosen and best.score < ranked[0].score - 0.06):
            break  # what is left is clearly less relevant than the best sentence
        chosen.append(best)
    return chosen, seeds


def action_sentence(
    cands: list[Candidate], parsed: ParsedQuery, cover: Callable[[str], float] | None = None, pool: int = 40
) -> Candidate | None:
    """For "siapa yang berwenang *mencabut* STR?": the sentence that names the action and the thing it is
    done to, read with the sentence that introduces its list ("e. menerbitkan, memperpanjang, membekukan,
    dan mencabut STR;" under "Organisasi Pekerja Sosial berwenang:"). Among several, the one that covers
    most of the question with its introduction (`cover`, e.g. "... di tingkat *provinsi*": "Tanggung jawab
    ... dilaksanakan: a. untuk tingkat provinsi oleh gubernur", not "e. ... melaksanakan tanggung jawab
    sosialnya"), then the verb as written ("mencabut", not "pencabutan"), then rank."""
    asked = asked_action(re.sub(r"\(.*?\)", " ", parsed.dense_text))
    if asked is None or not asked[1]:
        return None
    verb, things = asked
    by_pos = {(c.chunk_idx, c.j): c for c in cands}
    ranked = sorted(cands, key=lambda c: -c.score)[:pool]
    hits = []
    for c in ranked:
        intro = _list_intro(c, by_pos)
        text = f"{intro.sentence.text} {c.sentence.text}" if intro is not None else c.sentence.text
        if _informative(c) and mentions(text, verb) and mentions(text, things[0]):
            as_written = bool(re.search(rf"\b{re.escape(verb)}\b", fold(text)))
            hits.append((-(cover(text) if cover else 0.0), not as_written, c))
    hits.sort(key=lambda h: h[:2])  # stable: rank breaks ties
    return hits[0][2] if hits else None


def _list_intro(c: Candidate, by_pos: dict[tuple[int, int], Candidate]) -> Candidate | None:
    """The sentence (ending with ':') that introduces the list a list item belongs to; None for others."""
    if not _item(c):
        return None
    j = c.j - 1
    while (c.chunk_idx, j) in by_pos:
        prev = by_pos[(c.chunk_idx, j)]
        if prev.sentence.text.rstrip().endswith(":"):  # also an ayat that opens a list: "(2) ... melalui:"
            return prev
        if not _item(prev):
            return None
        j -= 1
    return None


def _item(c: Candidate) -> bool:
    """A list item ("a. ...", "1. ...", "- ..."); an ayat ("(2) ...") is not one."""
    return bool(_LIST_ITEM.match(c.sentence.text)) and not _AYAT.match(c.sentence.text)


def same_list(a: Candidate, b: Candidate, cands: list[Candidate]) -> bool:
    """Whether two sentences are items of one list (the same run of items in one passage)."""
    if a.chunk_idx != b.chunk_idx or not (_item(a) and _item(b)):
        return False
    items = {c.j for c in cands if c.chunk_idx == a.chunk_idx and _item(c)}
    lo, hi = sorted((a.j, b.j))
    return all(j in items for j in range(lo, hi + 1))


_ANAPHOR = re.compile(r"^(inilah|ini|hal ini|hal tersebut|itulah|itu|tersebut|oleh karena itu|dengan demikian)\b", re.I)


def with_context(
    chosen: list[Candidate], cands: list[Candidate], max_items: int = 26, focused: tuple[Candidate, ...] = ()
) -> list[Candidate]:
    """Add what a chosen sentence needs to be read alone.

    - a list item brings the sentence that introduces its list and the whole list, unless it is `focused`
      (the one item that answers "siapa yang berwenang mencabut STR?"): then only the introduction;
    - a sentence that introduces a list (ends with ':') brings its items;
    - a sentence that opens with an anaphor ("Inilah ...") brings the sentence before it.
    """
    by_pos = {(c.chunk_idx, c.j): c for c in cands}
    out: list[Candidate] = []

    def add(c: Candidate) -> None:
        if c not in out:
            out.append(c)

    for c in chosen:
        intro = _list_intro(c, by_pos) or c
        if intro is c and not _LIST_ITEM.match(c.sentence.text) and _ANAPHOR.match(c.sentence.text):
            # "Inilah yang membedakan ..." refers back: bring the previous substantial sentence
            # (skipping attributions such as "- Pasal 1(2)").
            j = c.j - 1
            while (c.chunk_idx, j) in by_pos and len(by_pos[(c.chunk_idx, j)].sentence.text.split()) < 5:
                j -= 1
            if (c.chunk_idx, j) in by_pos:
                add(by_pos[(c.chunk_idx, j)])
        add(intro)
        # A list of definitions ("yang dimaksud dengan:") only brings the item that was asked for.
        whole_list = intro is c or (
            c not in focused and not re.search(r"yang dimaksud(?:kan)? dengan", intro.sentence.text, re.I)
        )
        if whole_list and intro.sentence.text.rstrip().endswith(":"):
            j, n = intro.j + 1, 0
            while (intro.chunk_idx, j) in by_pos and n < max_items:
                item = by_pos[(intro.chunk_idx, j)]
                if not _item(item):  # the next ayat ends the list
                    break
                add(item)
                j, n = j + 1, n + 1
        add(c)
    return out


def order(chosen: list[Candidate], seeds: list[Candidate], lead_first: bool = False) -> list[Candidate]:
    """Passages of seeded sentences (definition, comparison sides) first, then by passage rank;
    within a passage, sentences keep their order in the source. With `lead_first` (a definition), the
    first seed opens the answer even when its passage has chosen sentences before it: the sentences that
    lead straight into it (a list's introduction) stay before it, the earlier ones move after it."""
    rank: dict[int, int] = {}
    for c in seeds:
        rank.setdefault(c.n, len(rank))
    start: dict[int, int] = {}  # passage -> first sentence that stays in front
    if lead_first and seeds:
        lead = seeds[0]
        js = {c.j for c in chosen if c.n == lead.n}
        j = lead.j
        if not _AYAT.match(lead.sentence.text):  # the ayat before an ayat does not lead into it
            while j - 1 in js:
                j -= 1
        if _item(lead):  # a list item keeps the sentence introducing its list
            intros = [c.j for c in chosen if c.n == lead.n and c.j < j and c.sentence.text.rstrip().endswith(":")]
            j = max(intros, default=j)
        start[lead.n] = j

    def key(c: Candidate):
        if c.n in rank:
            return (rank[c.n], 0, c.j < start.get(c.n, 0), c.j)
        return (len(rank), c.n, False, c.j)

    return sorted(chosen, key=key)


def render(cands: list[Candidate]) -> str:
    """Sentences with [n]; list items under the sentence that introduces them go on their own lines."""
    parts: list[str] = []
    prev: Candidate | None = None
    in_list = False
    for c in cands:
        text = normalize_whitespace(c.sentence.text)
        # an item follows its introduction or the item before it (items left out in between are fine)
        follows = prev is not None and prev.chunk_idx == c.chunk_idx and prev.j < c.j
        in_list = _item(c) and follows and (in_list or prev.sentence.text.rstrip().endswith(":"))
        if in_list:
            parts.append(f"\n- {text} [{c.n}]")
        else:
            sep = "\n\n" if parts and parts[-1].startswith("\n- ") else (" " if parts else "")
            parts.append(f"{sep}{text} [{c.n}]")
        prev = c
    return "".join(parts).strip()
