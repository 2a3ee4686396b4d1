"""Plain-text helpers shared by ingest and retrieval: whitespace, sentences, tokens."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rag.types import Sentence

_WORD = re.compile(r"\w+", re.UNICODE)
_BLOCK_SPLIT = re.compile(r"\n\s*\n")
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) and whitespace.
_SENT_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
_ABBREV = {
    "no",
    "nomor",
    "prof",
    "dr",
    "drs",
    "ir",
    "h",
    "hj",
    "st",
    "dkk",
    "dsb",
    "dll",
    "dst",
    "tsb",
    "yth",
    "a.k.a",
    "aka",
    "mis",
    "jl",
    "ttd",
    "kab",
    "kec",
    "s.sos",
    "m.si",
    "ph.d",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "lih",
    "hlm",
    "ed",
    "pt",
    "cv",
    "tbk",
    "dgn",
    "yg",
    "utk",
    "adl",
    "pd",
}


def normalize_whitespace(text: str) -> str:
    """Collapse every run of whitespace (including non-breaking spaces) to one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the blank-line separated blocks of text[start:end], stripped of outer whitespace."""
    end = len(text) if end is None else end
    spans = []
    pos = start
    for m in _BLOCK_SPLIT.finditer(text, start, end):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, end))
    out = []
    for a, b in spans:
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if b - trail > a + lead:
            out.append((a + lead, b - trail))
    return out


def _is_real_end(block: str, dot: int, block_start_offset: int) -> bool:
    """Whether the punctuation at block[dot] ends a sentence (not an abbreviation or list marker)."""
    if block[dot] in "!?":
        return True
    m = re.search(r"([\w.]+)$", block[:dot])
    if not m:
        return True
    token = m.group(1).lower()
    if token in _ABBREV:
        return False
    if len(token) == 1 and token.isalpha():  # initials, "a." list markers
        return False
    if token.isdigit() and block[: m.start(1)].strip() in ("", "-", "*"):  # "1." / "- 1." starting a list item
        return False
    return True


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentences of text[start:end] with absolute spans; every paragraph/list line ends a sentence."""
    out: list[Sentence] = []
    for pa, pb in paragraph_spans(text, start, end):
        # Lines inside a block (law lists) are separate sentences too.
        line_start = pa
        for line in text[pa:pb].split("\n"):
            la, lb = line_start, line_start + len(line)
            line_start = lb + 1
            cur = la
            for m in _SENT_END.finditer(text, la, lb):
                if not _is_real_end(text[la:lb], m.start() - la, la):
                    continue
                if text[cur : m.end()].strip():
                    out.append(_make_sentence(text, cur, m.end()))
                cur = m.end()
            if text[cur:lb].strip():
                out.append(_make_sentence(text, cur, lb))
    return [s for s in out if _WORD.search(s.text)]


def _make_sentence(text: str, a: int, b: int) -> Sentence:
    seg = text[a:b]
    lead = len(seg) - len(seg.lstrip())
    trail = len(seg) - len(seg.rstrip())
    return Sentence(a + lead, b - trail, text[a + lead : b - trail])


def fold(text: str) -> str:
    """Lowercase and strip accents, for matching."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    """Lowercased word tokens (letters and digits)."""
    return _WORD.findall(fold(text).replace("_", " "))


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


def read_resource_tsv(name: str) -> list[list[str]]:
    """Rows of a tab-separated file in rag/resources, without blank and comment (#) lines."""
    from importlib import resources

    text = resources.files("rag.resources").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def read_resource_json(name: str):
    """A JSON file in rag/resources (a fitted model, a calibration), or None when it is not there."""
    import json
    from importlib import resources

    try:
        return json.loads(resources.files("rag.resources").joinpath(name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


@lru_cache(maxsize=1)
def _stem_overrides() -> dict[str, str]:
    return {r[0].strip(): r[1].strip() for r in read_resource_tsv("stem_overrides.tsv") if len(r) == 2}


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    if token.isdigit() or len(token) <= 3:
        return token
    override = _stem_overrides().get(token)
    if override:
        return override
    return _stemmer().stem(token) or token


@lru_cache(maxsize=1)
def root_words() -> frozenset[str]:
    """Sastrawi's dictionary of standard Indonesian root words (about 30k, shipped with the package)."""
    from importlib import resources

    text = resources.files("Sastrawi.Stemmer").joinpath("data/kata-dasar.txt").read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip())


def edit_distance_le1(a: str, b: str) -> bool:
    """True when `a` becomes `b` by at most one insertion, deletion, substitution or adjacent swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


LEXICAL_VERSION = 3
"""Bump when lexical_terms changes: indexes built with another version are rebuilt by ingest."""


def lexical_terms(text: str) -> list[str]:
    """BM25 terms: the plain tokens plus, as a separate field, their Sastrawi stems ("~stem").

    Stems alone are lossy ("relawan" -> "rawan"), so the plain token always stays; the stem field lets
    "asas" match "berasaskan" and "kewajiban" match "wajib". The prefix keeps the fields apart.
    """
    terms = []
    for tok in tokenize(text):
        terms.append(tok)
        if len(tok) > 3 and not tok.isdigit():
            terms.append("~" + stem(tok))
    return terms


# Question words and generic verbs that say nothing about the topic.
_QUESTION_WORDS = {
    "apa",
    "apakah",
    "siapa",
    "siapakah",
    "bagaimana",
    "mengapa",
    "kenapa",
    "kapan",
    "dimana",
    "mana",
    "berapa",
    "itu",
    "ini",
    "yang",
    "dimaksud",
    "maksud",
    "arti",
    "menurut",
    "saja",
    "isi",
    "bunyi",
    "jelaskan",
    "sebutkan",
    "the",
    "what",
    "who",
    "how",
    "why",
    "when",
    "is",
    "are",
    "do",
    "does",
    "of",
    "to",
    "a",
    "an",
    "in",
    "and",
}


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(StopWordRemoverFactory().get_stop_words()) | _QUESTION_WORDS


_CLITIC = re.compile(r"(?:nya|lah|kah|pun)$")


def is_function_word(tok: str) -> bool:
    """A stopword, or a stopword with a clitic ("dulunya", "sekarangpun"): it names nothing."""
    stop = stopwords()
    return tok in stop or (len(tok) > 5 and _CLITIC.sub("", tok) in stop)


def content_terms(text: str) -> set[str]:
    """Stemmed content words of a question (the "~stem" form where stemming changes the word)."""
    stop = stopwords()
    out = set()
    for tok in tokenize(text):
        if tok in stop or len(tok) < 2:
            continue
        out.add("~" + stem(tok) if len(tok) > 3 and not tok.isdigit() else tok)
    return out
