"""Clean the published layout of a regulation (PDF text, pasted text) into one paragraph per line.

Drops page numbers ("- 2 -", "2 / 30", "Halaman 2") and running headers and footers (lines repeated
at the top or bottom of pages, "www.peraturan.go.id", "SK No 012345 A"), joins words hyphenated across
lines ("kesejah-\\nteraan" -> "kesejahteraan", but "anak-\\nanak" -> "anak-anak"), and joins the lines
of a paragraph that the PDF broke, so that every unit (Pasal heading, ayat, huruf, angka, BAB ...)
starts a line of its own. The result becomes Document.text, so chunk spans index into it exactly.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from ingest.clean import clean_text
from ingest.legal_layout import AYAT, BAB, PASAL, stands_alone, starts_unit

_PAGE_ARTEFACT = re.compile(
    r"^(?:-\s*\d+\s*-|\d+\s*/\s*\d+|\d{1,4}|(?:halaman|hal\.?|page)\s*:?\s*\d+(?:\s*(?:dari|of|/)\s*\d+)?"
    r"|(?:https?://)?www\.\S+|\S+\.go\.id\S*|SK\s*No\.?\s*\d+\s*[A-Z]?)$",
    re.I,
)
_HYPHEN_END = re.compile(r"(\w+)-$")
_FIRST_WORD = re.compile(r"^(\w+)")
_MID_SENTENCE = {"ayat", "huruf", "angka", "Pasal", "pada", "dalam", "dengan", "yang", "di", "ke", "dari"}
_MID_SENTENCE |= {"oleh", "untuk", "bagi", "sebagaimana", "dimaksud", "tentang", "Nomor", "Tahun", "terhadap"}
_WORD = re.compile(r"\w+(?:-\w+)*")
# Parts that a pasted or converted text runs on into the paragraph before them; each starts a line of its own.
_RUN_ON_PART = re.compile(
    r"(?<!TAMBAHAN)(?<!I\.)\s+(?=Agar (?:supaya )?setiap orang mengetahuinya|(?:Disahkan|Diundangkan) di [A-Z]"
    r"|PENJELASAN\s+ATAS\s|(?:I{1,2}\.\s*)?PASAL DEMI PASAL\b|(?:TAMBAHAN\s+)?LEMBARAN (?:NEGARA|DAERAH)\b)"
)
# "PENJELASAN ATAS ... TENTANG X UMUM Suatu bangsa ..." and "PASAL DEMI PASAL Pasal 1": the part label alone.
_PART_LABEL_END = re.compile(r"(?<=[A-Z]{2})\s+(?=(?:I\.\s*)?UMUM\s)|(?<=\bUMUM)\s+(?=\S)|(?<=PASAL DEMI PASAL)\s+")
_SECTION = re.compile(r"^(?:[A-Z]|[IVX]+)\.\s")  # "A. Latar Belakang", "III. Sasaran" in a Penjelasan or Lampiran


def _key(line: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", line.lower())).strip(" -")


def _may_repeat(line: str) -> bool:
    """Could be a running header or footer: short, not a sentence or a structural line."""
    return len(line.split()) <= 12 and not line.endswith((".", ";", ":", ",")) and not PASAL.match(line)


def _letterhead_like(line: str) -> bool:
    return not re.search(r"[a-z]", line) or ".go.id" in line or "www." in line


def running_lines(pages: list[list[str]]) -> set[str]:
    """Keys of header/footer lines: at a page edge on several pages, or letterhead-like and frequent."""
    noise: set[str] = set()
    if len(pages) >= 2:
        edges: Counter[str] = Counter()
        for lines in pages:
            body = [ln for ln in lines if ln]
            edges.update({_key(ln) for ln in body[:3] + body[-3:] if _may_repeat(ln)})
        need = max(2, math.ceil(0.3 * len(pages)))
        noise |= {k for k, n in edges.items() if n >= need}
    anywhere = Counter(_key(ln) for lines in pages for ln in lines if ln and _may_repeat(ln) and _letterhead_like(ln))
    noise |= {k for k, n in anywhere.items() if n >= 3 and not starts_unit(k.upper())}
    return noise


def _ends_mid_sentence(line: str) -> bool:
    words = line.split()
    if words[-1] in {"dan", "atau", "serta", "dan/atau"}:
        return len(words) >= 2 and not words[-2].endswith((";", ","))
    return words[-1] in _MID_SENTENCE


def _continues(prev: str, line: str) -> bool:
    """Whether `line` goes on the paragraph of `prev` (a PDF line break, not a new unit)."""
    if prev.startswith("#") or line.startswith("#"):
        return False
    if _HYPHEN_END.search(prev) and line[:1].isalpha():
        return True
    if starts_unit(line) or _SECTION.match(line):  # "... dimaksud pada ayat\n(1)" is still one sentence
        return _ends_mid_sentence(prev) and bool(AYAT.match(line) or PASAL.match(line))
    if stands_alone(prev):
        return False
    if line[:1].islower():  # "...; dan" wrapped before its "dan": no unit starts in lower case except huruf
        return True
    if BAB.match(prev):
        return line.isupper()
    return not prev.endswith((".", ";", ":"))


def _is_reduplication(w1: str, w2: str) -> bool:
    """anak-anak, masing-masing, sebaik-baiknya: the second part repeats the end of the first."""
    a, b = w1.lower(), w2.lower()
    return any(b.startswith(a[i:]) for i in range(0, max(0, len(a) - 2)))


def _join(prev: str, line: str, vocab: set[str]) -> str:
    m = _HYPHEN_END.search(prev)
    if not (m and line[:1].isalpha()):
        return f"{prev} {line}"
    w1, w2 = m.group(1), _FIRST_WORD.match(line).group(1)
    whole, hyphened = (w1 + w2).lower(), f"{w1}-{w2}".lower()
    if hyphened in vocab and whole not in vocab:
        keep = True
    elif whole in vocab:
        keep = False
    else:  # "Undang-\nUndang", "anak-\nanak" keep their hyphen; "KESEJAH-\nTERAAN" and "kesejah-\nteraan" lose it
        keep = _is_reduplication(w1, w2) or (w2[:1].isupper() and not w2.isupper())
    return prev + line if keep else prev[:-1] + line


def normalise_layout(pages: list[str]) -> str:
    """One paragraph per line, artefacts dropped; `pages` is one string per page (or the whole text)."""
    # A page's first and last lines are no paragraph boundary: a sentence goes on over the page break.
    page_lines = [[re.sub(r"[ \t]+", " ", ln).strip() for ln in clean_text(p).strip("\n").split("\n")] for p in pages]
    noise = running_lines(page_lines)
    lines: list[str] = []
    for page in page_lines:
        lines += [ln for ln in page if not ln or not (_PAGE_ARTEFACT.match(ln) or _key(ln) in noise)]
    vocab = {w.lower() for ln in lines for w in _WORD.findall(ln)}
    out: list[str] = []
    for line in lines:
        # Blank lines are no boundary of their own: DOCX and HTML often give every printed line its own paragraph.
        if not line:
            continue
        line = re.sub(r"^(Pasal|PASAL)(?=\d)", r"\1 ", line)
        if out and _continues(out[-1], line):
            out[-1] = _join(out[-1], line, vocab)
        else:
            out.append(line)
    return "\n".join(part for line in out for part in split_run_on_parts(line)) + "\n"


def split_run_on_parts(line: str) -> list[str]:
    """A paragraph that runs on into the closing, the Penjelasan or its parts, cut where each begins."""
    parts = _RUN_ON_PART.split(line)
    out = []
    for part in parts:
        if part.startswith(("PENJELASAN", "PASAL DEMI", "I. PASAL", "II. PASAL")):
            out += _PART_LABEL_END.split(part)
        else:
            out.append(part)
    return [p for p in out if p]


def has_markdown_structure(text: str) -> bool:
    """Curated Markdown marks its Pasal headings ("#### Pasal 1"); such text is kept exactly as written."""
    return bool(re.search(r"^#{1,6}\s*Pasal\s*\d", text, re.M))
