"""Recognise an Indonesian regulation from the heading that opens its published text.

"UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 4 TAHUN 1979 TENTANG KESEJAHTERAAN ANAK" (on one line or
several, any case) gives jenis "UU", nomor "4", tahun 1979, tentang "Kesejahteraan Anak", short
"UU 4/1979". The kinds (UU, Perppu, PP, Perpres, Permen, Perda, agency regulations ...) are data:
resources/regulation_kinds.tsv. Only the document's own heading counts: an article that mentions a law
is not one, and a heading must be followed by the body of a regulation (Menimbang, Pasal, a diktum).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.text import normalize_whitespace, read_resource_tsv

_RESOURCES = Path(__file__).parent / "resources"
_KIND_WORD = re.compile(r"^(?:PENJELASAN\s+ATAS\s+)?(?:UNDANG|PERATURAN|KEPUTUSAN|INSTRUKSI|QANUN)\b")
_KIND_ANYWHERE = re.compile(r"\b(?:UNDANG|PERATURAN|KEPUTUSAN|INSTRUKSI|QANUN)\b")
_LETTERHEAD = re.compile(r"^(?:SALINAN|-\s*\d+\s*-|\d+\s*/\s*\d+|(?:https?://|www\.)\S+|halaman\s*\d+.*)$", re.I)
_STOP = re.compile(
    r"^(?:DENGAN\s+RAHMAT|Menimbang|Mengingat|MEMUTUSKAN|BAB\s+[IVXLC]+\b|Pasal\s*\d)"
    r"|^(?:PRESIDEN|MENTERI|GUBERNUR|BUPATI|WALI\s*KOTA|KEPALA)\b.*,$",
    re.I,
)
_CUT = re.compile(
    r"\s+(?:DENGAN\s+RAHMAT|MENIMBANG\b|(?:PRESIDEN|MENTERI|GUBERNUR|BUPATI|WALI\s*KOTA)\b[^,]*,).*$", re.I
)
_BODY = re.compile(
    r"^[#\s]*(?:(?:Menimbang|Mengingat|MEMUTUSKAN)\b|Pasal\s*(?:\d+[A-Z]?|[IVXLC]+)\s*$|(?:KESATU|PERTAMA)\s*:)",
    re.M | re.I,
)
_NUMBER = r"\s+(?:REPUBLIK\s+INDONESIA\s+)?(?:NOMOR|NO\.)\s*:?\s*(?P<nomor>\d[\w./-]*?)"
_REST = r"(?:\s*,?\s+TAHUN\s+(?P<tahun>\d{4}))?\s+TENTANG\s+(?P<tentang>.+)$"
_YEAR_END = re.compile(r"(?:19|20)\d\d$")


@dataclass(frozen=True)
class RegulationInfo:
    """What a regulation's heading says, with the names it is cited by."""

    jenis: str  # "UU", "PP", "Permensos", "Perda", "Peraturan Menteri Desa" ...
    nomor: str  # "4", "10A", "146/HUK/2013"
    tahun: int
    tentang: str  # "Kesejahteraan Anak"
    name: str  # written out: "Undang-Undang", "Peraturan Daerah Kota Bandung"
    prefix: str  # of the short citation: "UU", "Perda Kota Bandung"

    @property
    def _year_in_nomor(self) -> bool:
        return self.nomor.endswith(str(self.tahun)) and "/" in self.nomor

    @property
    def short(self) -> str:
        """Short citation: "UU 4/1979", "Perda Kota Bandung 5/2020", "Kepmensos 146/HUK/2013"."""
        return f"{self.prefix} {self.nomor}" if self._year_in_nomor else f"{self.prefix} {self.nomor}/{self.tahun}"

    @property
    def number_phrase(self) -> str:
        return f"{self.nomor}" if self._year_in_nomor else f"{self.nomor} Tahun {self.tahun}"

    @property
    def title(self) -> str:
        """Display title: "UU No. 4 Tahun 1979 tentang Kesejahteraan Anak"."""
        return f"{self.prefix} No. {self.number_phrase} tentang {self.tentang}"

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.short.lower()).strip("-")

    @property
    def aliases(self) -> tuple[str, ...]:
        num = self.number_phrase
        names = [
            f"{self.prefix} {self.tentang}" if len(self.tentang.split()) <= 6 else "",
            f"{self.prefix} No. {num}",
            f"{self.prefix} Nomor {num}",
            f"{self.name} Nomor {num}",
            f"{self.name} Nomor {num} tentang {self.tentang}",
            f"{self.name} tentang {self.tentang}",
            self.short,
        ]
        return tuple(dict.fromkeys(n for n in names if n))

    def meta(self) -> dict:
        """The metadata contract read by the catalogue: jenis, nomor, tahun, tentang, short, aliases."""
        return {
            "jenis": self.jenis,
            "nomor": self.nomor,
            "tahun": self.tahun,
            "tentang": self.tentang,
            "short": self.short,
            "aliases": list(self.aliases),
        }


@dataclass(frozen=True)
class _Kind:
    pattern: re.Pattern
    jenis: str
    short: str
    name: str


def _rows(name: str) -> list[list[str]]:
    """Rows of a tab-separated file in ingest/resources, without comments, blank lines and the header."""
    text = (_RESOURCES / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")][1:]


@lru_cache(maxsize=1)
def _kinds() -> tuple[_Kind, ...]:
    kinds = []
    for heading, jenis, short, name in sorted(_rows("regulation_kinds.tsv"), key=lambda r: -len(r[0].rstrip(" *"))):
        fixed = heading.rstrip(" *")
        words = r"\s+".join(r"\s*-\s*".join(map(re.escape, w.split("-"))) for w in fixed.split())
        named = r"\s+(?P<name>.+?)" if heading.endswith("*") else ""
        pattern = re.compile(r"^(?:PENJELASAN\s+ATAS\s+)?" + words + named + _NUMBER + _REST)
        kinds.append(_Kind(pattern, jenis, short, name))
    return tuple(kinds)


@lru_cache(maxsize=1)
def _lowercase_words() -> frozenset[str]:
    return frozenset(row[0].strip() for row in _rows("title_lowercase.tsv"))


@lru_cache(maxsize=1)
def _acronyms() -> frozenset[str]:
    """Upper-case abbreviations of the field (rag/resources/singkatan.tsv), kept upper case in titles."""
    out = set()
    for row in read_resource_tsv("singkatan.tsv")[1:]:
        out |= {a.strip() for a in row[0].split("/") if a.strip().isupper()}
    return frozenset(out)


def _title_word(word: str, first: bool) -> str:
    core = word.strip("()[],.;:\"'")
    if not core:
        return word
    lower = core.lower()
    if not first and lower in _lowercase_words():
        new = lower
    elif (
        core in _acronyms()
        or re.fullmatch(r"[IVXLC]+", core)
        or any(c.isdigit() for c in core)
        or not re.search(r"[aeiou]", core, re.I)
    ):
        new = core
    else:
        new = "-".join(p[:1].upper() + p[1:].lower() for p in core.split("-"))
    return word.replace(core, new, 1)


def title_case(text: str) -> str:
    """Upper-case title as in running text: "PERUBAHAN ATAS UNDANG-UNDANG" -> "Perubahan atas Undang-Undang"."""
    return " ".join(_title_word(w, i == 0) for i, w in enumerate(text.split()))


def _is_title(words: list[str]) -> bool:
    """Title case: every word capitalised except the small ones ("dan", "atas", "tentang" ...)."""
    cores = [w.strip("()[],.;:\"'“”") for w in words]
    return all(not c or c[:1].isupper() or c[:1].isdigit() or c.lower() in _lowercase_words() for c in cores)


def _acronym(name: str) -> str:
    words = [w for w in re.split(r"[\s,]+", name) if w and w.lower() not in _lowercase_words()]
    if len(words) == 1:
        return words[0]
    return "".join(w[0].upper() for w in words)


def parse_heading(heading: str) -> RegulationInfo | None:
    """The regulation a heading names ("Peraturan Pemerintah Nomor 39 Tahun 2012 tentang ..."), or None."""
    h = _CUT.sub("", normalize_whitespace(heading)).strip(" .,:;")
    upper = h.upper()
    if len(upper) != len(h):  # case mapping changed the length: keep offsets valid by using the upper copy
        h = upper
    # A running header glued to the heading ("UNDANG-UNDANG REPUBLIK INDONESIA UNDANG-UNDANG ... NOMOR 4 ..."):
    # the heading may start at any kind word, not only at the first.
    for start in [0] + [m.start() for m in _KIND_ANYWHERE.finditer(upper) if m.start()]:
        for kind in _kinds():
            m = kind.pattern.match(upper[start:])
            if m:
                return _info(kind, m, h[start:])
    return None


def _info(kind: _Kind, m: re.Match, h: str) -> RegulationInfo | None:
    nomor = m.group("nomor").strip(".-/")
    tahun = m.group("tahun") or (_YEAR_END.search(nomor).group(0) if _YEAR_END.search(nomor) else None)
    if not tahun or not 1900 <= int(tahun) <= 2100:
        return None
    tentang = h[m.start("tentang") : m.end("tentang")].strip(" .,:;")
    words = tentang.split()
    if not re.search(r"[a-z]", tentang) or not re.search(r"[A-Z]", tentang):  # all upper (or all lower) case
        if len(words) > 40:
            return None
        tentang = title_case(tentang)
    elif len(words) > 25 or not _is_title(words):
        return None  # a sentence, not a title: an article that starts with a law's name
    name_x = title_case(h[m.start("name") : m.end("name")]) if "name" in m.groupdict() and m.group("name") else ""
    if name_x and (len(name_x.split()) > 10 or re.search(r"\bNOMOR\b|\bTENTANG\b", name_x, re.I)):
        return None
    fill = {"X": name_x, "A": _acronym(name_x) if name_x else ""}
    return RegulationInfo(
        jenis=kind.jenis.format(**fill),
        nomor=nomor.upper() if re.fullmatch(r"\d+[a-zA-Z]", nomor) else nomor,
        tahun=int(tahun),
        tentang=tentang,
        name=kind.name.format(**fill),
        prefix=kind.short.format(**fill),
    )


def _opening_lines(text: str, limit: int = 14) -> list[str]:
    out = []
    for line in text.splitlines():
        line = normalize_whitespace(line.lstrip("#"))
        if line:
            out.append(line)
            if len(out) >= limit:
                break
    return out


def _is_letterhead(line: str) -> bool:
    """Lines that may stand above the heading: SALINAN, PRESIDEN REPUBLIK INDONESIA, a page number."""
    if _LETTERHEAD.match(line):
        return True
    return line == line.upper() and len(line.split()) <= 8 and not line.endswith(".")


def _collect(lines: list[str], i: int) -> str:
    parts = [lines[i]]
    first_upper = lines[i] == lines[i].upper()
    for line in lines[i + 1 : i + 10]:
        if _STOP.match(line):
            break
        if re.search(r"\bTENTANG\s+\S", " ".join(parts), re.I):
            if (line == line.upper()) != first_upper or len(line.split()) > 15 or line.endswith((".", ":")):
                break
        parts.append(line)
    return " ".join(parts)


def may_open_with_heading(text: str) -> bool:
    """Cheap pre-check: does one of the opening lines start like a regulation's heading?"""
    return any(_KIND_WORD.match(line.upper()) for line in _opening_lines(text)[:10])


def recognise(text: str) -> RegulationInfo | None:
    """The regulation whose published text `text` is, from its opening heading; None for anything else."""
    lines = _opening_lines(text)
    for i, line in enumerate(lines[:10]):
        if _KIND_WORD.match(line.upper()):
            info = parse_heading(_collect(lines, i))
            if info is None:
                return None
            return info if _BODY.search(text) else None
        if not _is_letterhead(line):
            return None
    return None
