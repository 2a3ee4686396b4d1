"""Query understanding for Indonesian: informal words, abbreviations, English terms, law references."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from rag.text import fold, read_resource_tsv

if TYPE_CHECKING:
    from rag.catalogue import Catalogue, Mention

# "Pasal 7", and as typed in a hurry: "psl 7", "psl. 7", "ps. 7" (a bare "ps" is left alone: too ambiguous).
_PASAL = re.compile(
    r"\b(?:pasal\s+|psl\.?\s*|ps\.\s*)(\d+[a-z]?)\b(?:\s+(?:angka|butir|nomor)\s+(\d+))?(?:\s+ayat\s*\(?(\d+)\)?)?(?:\s+huruf\s+([a-z])\b)?"
)


@dataclass(frozen=True)
class LawRef:
    source_id: str | None  # None: the question names no regulation
    pasal: str
    angka: str | None = None
    ayat: str | None = None
    huruf: str | None = None


_DEFINITION_Q = [
    re.compile(
        r"^(?:apa|apakah)\s+(?:itu|yang\s+dimaksud(?:\s+dengan)?|arti(?:nya)?|pengertian|definisi|maksud(?:nya)?)"
        r"(?:\s+dari)?\s+(?P<term>.+)$"
    ),
    re.compile(r"^(?:siapa|siapakah)\s+(?:itu|yang\s+dimaksud(?:\s+dengan)?|yang\s+disebut)\s+(?P<term>.+)$"),
    re.compile(r"^(?:pengertian|definisi|arti)\s+(?P<term>.+)$"),
    re.compile(r"^(?P<term>.+?)\s+(?:itu\s+apa|itu\s+siapa|adalah)$"),
]
_TERM_TAIL = re.compile(r"\s+(?:menurut|dalam|pada|di|sesuai|berdasarkan|versi)\s+.*$")


def definition_terms(question: str) -> tuple[str, ...]:
    """For "apa itu X?" / "apa yang dimaksud dengan X menurut ...?" the folded term X (and its expansion)."""
    q = fold(_standardise(question)).strip(" ?!.")
    q = re.sub(r"\s+", " ", q)
    for pattern in _DEFINITION_Q:
        m = pattern.match(q)
        if m:
            term = _TERM_TAIL.sub("", m.group("term")).strip(" ?!.,")
            if not term or len(term.split()) > 6:
                return ()
            terms = [term]
            for abbr, expansion in abbreviations():
                if abbr.fullmatch(term):
                    terms += [fold(e.strip()) for e in re.split(r"\s{2,}|/", expansion) if e.strip()]
            return tuple(dict.fromkeys(terms))
    return ()


def definition_pattern(terms, explanatory: bool = True) -> re.Pattern | None:
    """A sentence that defines one of `terms` (folded): "X adalah ...", "X yang selanjutnya disingkat ...".

    `explanatory` also accepts the elucidation form ("yang dimaksud dengan X", "X dimaksudkan ...").
    """
    alts = "|".join(re.escape(t) for t in terms if t)
    if not alts:
        return None
    verbs = "adalah|merupakan|yaitu|ialah|didefinisikan" + ("|dimaksudkan" if explanatory else "")
    pattern = (
        rf"^(?:\d+\.\s*|[a-z]\.\s*|-\s*)?[\"“']?(?:{alts})[\"”']?\s*(?:\(\w+\)\s*)?(?:{verbs})\b"
        rf"|(?:{alts}) yang selanjutnya disingkat"
    )
    if explanatory:
        pattern += rf"|yang dimaksud dengan [\"“]?(?:{alts})\b"
    return re.compile(pattern)


@dataclass(frozen=True)
class ParsedQuery:
    original: str
    dense_text: str
    """What the embedder sees: the standardised question plus expansions."""
    lexical_text: str
    """What BM25 sees: the same plus English glossary terms."""
    laws: tuple[str, ...] = ()
    """source_ids of the regulations (catalogue entries) the question names."""
    law_refs: tuple[LawRef, ...] = ()
    expansions: tuple[str, ...] = field(default=())
    definition_terms: tuple[str, ...] = ()
    """Terms a definition question asks about ("apa itu X?")."""
    missing_laws: tuple[str, ...] = ()
    """Names of regulations the question names that the index does not hold ("UU No. 23 Tahun 2002")."""


@lru_cache(maxsize=1)
def informal_map() -> dict[str, str]:
    return {r[0].strip().lower(): (r[1].strip() if len(r) > 1 else "") for r in read_resource_tsv("informal.tsv")}


@lru_cache(maxsize=1)
def english_map() -> dict[str, str]:
    return {r[0].strip().lower(): r[1].strip() for r in read_resource_tsv("english.tsv") if len(r) > 1}


@lru_cache(maxsize=1)
def abbreviation_table() -> list[tuple[str, str]]:
    """(abbreviation folded, expansion), longest abbreviation first."""
    out = []
    for row in read_resource_tsv("singkatan.tsv")[1:]:  # first row is the header
        if len(row) < 2 or not row[1].strip():
            continue
        expansion = re.sub(r"\s*\(.*?\)", "", row[1]).strip()
        for key in row[0].split(" / "):
            key = fold(key.strip())
            if len(key) >= 2:
                out.append((key, expansion))
    out.sort(key=lambda kv: -len(kv[0]))
    return out


@lru_cache(maxsize=1)
def abbreviations() -> list[tuple[re.Pattern, str]]:
    """(pattern for the abbreviation as a whole word or phrase, expansion), longest first."""
    return [(re.compile(r"(?<!\w)" + re.escape(k) + r"(?!\w)"), e) for k, e in abbreviation_table()]


def _standardise(text: str) -> str:
    mapping = informal_map()

    def repl(m: re.Match) -> str:
        return mapping.get(m.group(0).lower(), m.group(0))

    return re.sub(r"\s+", " ", re.sub(r"\w+", repl, text)).replace(" ?", "?").strip()


def _nearest(pasal: re.Match, mentions: list[Mention]) -> Mention | None:
    """The regulation mention a Pasal reference belongs to: "Pasal 2 UU X", "UU X Pasal 2"; the closest one
    (the one after it on a tie) when the question names several."""

    def gap(m: Mention) -> tuple[int, bool]:
        return (m.start - pasal.end(), False) if m.start >= pasal.end() else (pasal.start() - m.end, True)

    return min(mentions, key=gap, default=None)


def parse_query(question: str, catalogue: Catalogue | None = None) -> ParsedQuery:
    """The frame every stage reads; regulation references are recognised against `catalogue` (none without)."""
    original = question.strip()
    folded = fold(original)
    std = _standardise(original)
    std_folded = fold(std)

    mentions = catalogue.find_in_text(folded) if catalogue is not None else []
    laws = list(dict.fromkeys(m.regulation.source_id for m in mentions if m.regulation is not None))
    missing = tuple(dict.fromkeys(m.name for m in mentions if m.regulation is None))
    refs = []
    for m in _PASAL.finditer(folded):
        owner = _nearest(m, mentions)
        if owner is not None and owner.regulation is None:
            continue  # a Pasal of a regulation the index does not hold
        sid = owner.regulation.source_id if owner is not None else None
        pasal = m.group(1).upper() if m.group(1)[-1].isalpha() else m.group(1)
        refs.append(LawRef(sid, pasal, m.group(2), m.group(3), m.group(4)))

    # Abbreviations: longest first, non-overlapping. "apa itu STR?" -> dense "apa itu Surat Tanda
    # Registrasi (STR)?" (the embedder knows the words), lexical gets every alternative expansion.
    expansions, spans = [], []
    for pattern, expansion in abbreviations():
        for m in pattern.finditer(std_folded):
            if any(m.start() < b and a < m.end() for a, b, _ in spans):
                continue
            spans.append((m.start(), m.end(), expansion.split(" / ")[0]))
            if expansion not in expansions:
                expansions.append(expansion)
    dense = std
    if len(std_folded) == len(std):  # folding kept offsets (no accents): replace in place
        for a, b, first in sorted(spans, reverse=True):
            dense = f"{dense[:a]}{first} ({dense[a:b]}){dense[b:]}"
    english = []
    for term, indo in sorted(english_map().items(), key=lambda kv: -len(kv[0])):
        if re.search(r"(?<!\w)" + re.escape(term) + r"(?!\w)", folded) and indo not in english:
            english.append(indo)
    # The short name heads every passage of the regulation ("UU 4/1979 Pasal 2"): a lexical pointer to it.
    law_names = [catalogue.by_id[sid].short for sid in laws] if catalogue is not None else []
    if english:
        dense = f"{dense} ({', '.join(english)})"
    lexical = " ".join([std, *(e.replace(" / ", " ") for e in expansions), *english, *law_names]).strip()
    return ParsedQuery(
        original,
        dense,
        lexical,
        tuple(laws),
        tuple(refs),
        tuple(expansions + english),
        definition_terms(original),
        missing,
    )


def strip_references(text: str, catalogue: Catalogue) -> str:
    """`text` (folded) without its Pasal references and the names of the regulations it mentions: their
    words ("ayat", "Contoh" of "UU Contoh") name places in the sources, not topics."""
    text = _PASAL.sub(" ", fold(text))
    for m in reversed(catalogue.find_in_text(text)):
        text = f"{text[: m.start]} {text[m.end :]}"
    return text


def locator_matches(locator: str, short: str, ref: LawRef) -> int:
    """2 for an exact match of Pasal and angka/ayat, 1 for the right Pasal, 0 otherwise."""
    m = re.match(re.escape(short) + r" Pasal (\w+)(.*)$", locator)
    if not m or m.group(1) != ref.pasal:
        return 0
    rest = m.group(2)
    if ref.angka and re.search(rf"\bangka {ref.angka}\b", rest):
        return 2
    if ref.ayat and re.search(rf"\bayat \({ref.ayat}\)", rest):
        return 2
    return 1
