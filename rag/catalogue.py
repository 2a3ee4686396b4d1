"""The regulations in the index: a catalogue built at ingest from the documents of kind "law".

What the answer path knows about laws comes from here, never from literals in code: which regulations the
sources hold, how a question may name them ("UU 4/1979", "UU No. 4 Tahun 1979", "Undang-Undang Nomor 4
Tahun 1979", "UU Kesejahteraan Anak", an abbreviation from rag/resources/singkatan.tsv) and each one's last
Pasal. Kinds of regulation (UU, PP, Permensos, Perda, ...) are data: rag/resources/jenis_peraturan.tsv.

Ingest stores the catalogue in the generation's manifest (key "catalogue"); an index written before that
key existed gets it built on load from the manifest's documents and the chunk table.
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from functools import lru_cache

from rag.text import read_resource_tsv
from rag.types import Chunk, Document


@dataclass(frozen=True)
class Kind:
    short: str  # "UU"
    full: str  # "Undang-Undang"
    forms: tuple[str, ...]  # every way of writing it, longest first


def _phrase(text: str) -> str:
    """A regex for the words of `text`, tolerant of case, spacing, hyphens, dots and slashes between them."""
    return r"[\s.\-/]*".join(re.escape(w) for w in re.findall(r"\w+", text.lower()))


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


@lru_cache(maxsize=1)
def kinds() -> tuple[Kind, ...]:
    out = []
    for row in read_resource_tsv("jenis_peraturan.tsv")[1:]:  # the first row is the header
        other = row[2].split(" / ") if len(row) > 2 else []
        forms = {f.strip() for f in [row[0], row[1], *other] if f.strip()}
        out.append(Kind(row[0].strip(), row[1].strip(), tuple(sorted(forms, key=len, reverse=True))))
    return tuple(out)


@lru_cache(maxsize=1)
def _kind_index() -> tuple[dict[str, Kind], str]:
    """Kind by squashed form ("undangundang", "uu"), and one regex alternation of every form, longest first."""
    by_form = {_squash(f): k for k in kinds() for f in k.forms}
    forms = sorted({f for k in kinds() for f in k.forms}, key=len, reverse=True)
    return by_form, "|".join(_phrase(f) for f in forms)


def kind_of(text: str) -> Kind | None:
    """The kind of regulation `text` names as a whole ("Undang-Undang", "uu", "Permensos")."""
    return _kind_index()[0].get(_squash(text))


def _kind_alternation(kind: Kind) -> str:
    return "|".join(_phrase(f) for f in kind.forms)


@lru_cache(maxsize=1)
def _reference_pattern() -> re.Pattern:
    """A numbered reference: "UU 4/1979", "UU No. 4 Tahun 1979", "Perda Kota Bandung Nomor 3 Tahun 2020"."""
    alt = _kind_index()[1]
    word = rf"(?:\s+(?!(?:{alt})(?![a-z]))[a-z]+)"  # a word between kind and number that is no kind itself
    return re.compile(
        rf"(?<![a-z])(?P<kind>{alt})\.?(?![a-z])(?:\s+republik\s+indonesia)?"
        rf"(?:{word}{{0,4}}?\s+(?:nomor|no)\.?\s*|[\s.]*(?:(?:nomor|no)\.?\s*)?)"
        r"(?P<nomor>\d+[a-z]?)\s*(?:/|tahun|thn\.?|th\.?)\s*(?P<tahun>\d{4})(?!\d)",
        re.I,
    )


def reference_name(jenis: str, nomor: str, tahun: str) -> str:
    """How answers name a numbered regulation: "UU No. 4 Tahun 1979"."""
    return f"{jenis} No. {nomor} Tahun {tahun}"


def numbered_references(text: str) -> Iterator[tuple[re.Match, tuple[str, str, str]]]:
    """Numbered references in `text`, each with its key (kind's short form, nomor, tahun)."""
    for m in _reference_pattern().finditer(text):
        kind = kind_of(m.group("kind"))
        if kind is not None:
            yield m, (kind.short, m.group("nomor").upper(), m.group("tahun"))


@dataclass(frozen=True)
class Regulation:
    source_id: str
    title: str
    short: str
    """The name its passages' locators start with ("UU 4/1979 Pasal 2 ayat (1)")."""
    jenis: str = ""
    """Short form of its kind ("UU", "PP", "Permensos"); empty when the title names none."""
    nomor: str = ""
    tahun: str = ""
    tentang: str = ""
    aliases: tuple[str, ...] = ()
    last_pasal: int | None = None
    """The highest Pasal number among its passages (None: no Pasal was indexed)."""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.jenis, self.nomor.upper(), self.tahun)

    @property
    def name(self) -> str:
        """How answers name it: "UU No. 4 Tahun 1979", or its short name when it has no number."""
        return reference_name(self.jenis, self.nomor, self.tahun) if self.jenis and self.nomor else self.short

    def to_json(self) -> dict:
        return {**asdict(self), "aliases": list(self.aliases)}

    @classmethod
    def from_json(cls, data: dict) -> Regulation:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        return cls(**{**values, "aliases": tuple(values.get("aliases") or ())})


_TITLE = re.compile(r"^\W*(?:salinan\s+)?(?P<head>.+?)(?:\s+tentang\s+(?P<tentang>.+?))?[\s.]*$", re.I | re.S)
_NUMBER_IN_TITLE = re.compile(
    r"\b(?:nomor|no)\.?\s*(\d+[a-z]?)\s+tahun\s+(\d{4})\b|\b(\d+[a-z]?)\s*/\s*(\d{4})\b", re.I
)


def parse_title(title: str) -> dict[str, str]:
    """jenis, nomor, tahun and tentang from a title ("Undang-Undang Republik Indonesia Nomor 4 Tahun 1979
    tentang Kesejahteraan Anak") or a short name ("UU 4/1979"); keys it cannot find are left out."""
    m = _TITLE.match(" ".join(title.split()))
    if not m:
        return {}
    head, out = m.group("head"), {}
    lead = re.match(rf"(?:{_kind_index()[1]})(?![a-z])", head, re.I)
    if lead and kind_of(lead.group(0)):
        out["jenis"] = kind_of(lead.group(0)).short
    num = _NUMBER_IN_TITLE.search(head)
    if num:
        out["nomor"], out["tahun"] = (num.group(1), num.group(2)) if num.group(1) else (num.group(3), num.group(4))
    if m.group("tentang"):
        tentang = m.group("tentang").strip()
        out["tentang"] = string.capwords(tentang) if tentang.isupper() else tentang
    return out


@lru_cache(maxsize=1)
def abbreviation_rows() -> tuple[tuple[str, str], ...]:
    """(abbreviation as written, expansion) from rag/resources/singkatan.tsv."""
    out = []
    for row in read_resource_tsv("singkatan.tsv")[1:]:  # the first row is the header
        if len(row) < 2 or not row[1].strip():
            continue
        expansion = re.sub(r"\s*\(.*?\)", "", row[1]).strip()
        out += [(key.strip(), expansion) for key in row[0].split(" / ") if len(key.strip()) >= 2]
    return tuple(out)


def derive_aliases(reg: Regulation, abbreviations: Iterable[tuple[str, str]] = ()) -> tuple[str, ...]:
    """Every name a question may use for `reg`: its own aliases (metadata), its short name, "<jenis>
    <tentang>" in short and full form ("UU Kesejahteraan Anak", "Undang-Undang Kesejahteraan Anak"), its
    numbered name, and each abbreviation whose expansion is this regulation ("UU X" -> "Undang-Undang
    Nomor n Tahun t ...") or its subject ("X" -> "<tentang>" gives "UU X")."""
    out = [*reg.aliases, reg.short]
    kind = kind_of(reg.jenis) if reg.jenis else None
    subject = reg.tentang.lower()
    if kind and reg.tentang:
        out += [f"{kind.short} {reg.tentang}", f"{kind.full} {reg.tentang}"]
    if kind and reg.nomor and reg.tahun:
        out.append(reg.name)
    for abbr, expansion in abbreviations:
        keys = [key for _, key in numbered_references(expansion)]
        if keys:
            if reg.jenis and reg.nomor and reg.key in keys:
                out.append(abbr)
        elif kind and subject and subject in {e.strip().lower() for e in expansion.split(" / ")}:
            out.append(f"{kind.short} {abbr}")
    unique: dict[str, str] = {}
    for alias in out:
        unique.setdefault(" ".join(alias.lower().split()), alias)
    return tuple(unique.values())


def regulation_from(source_id: str, title: str, meta: dict, locators: Iterable[str]) -> Regulation:
    """A catalogue entry from a law's metadata (jenis, nomor, tahun, tentang, short, aliases when given;
    otherwise read from its title or short name) and its passages' locators (for the last Pasal)."""
    short = str(meta.get("short") or title)
    found = {**parse_title(short), **parse_title(title)}
    given = {k: str(meta[k]).strip() for k in ("jenis", "nomor", "tahun", "tentang") if meta.get(k)}
    values = {**found, **given}
    if "jenis" in given and kind_of(given["jenis"]):
        values["jenis"] = kind_of(given["jenis"]).short
    pasal = re.compile(re.escape(short) + r" Pasal (\d+)")
    numbers = [int(m.group(1)) for loc in locators if (m := pasal.match(loc))]
    aliases = meta.get("aliases") or ()
    return Regulation(
        source_id=source_id,
        title=title,
        short=short,
        aliases=tuple(str(a) for a in ([aliases] if isinstance(aliases, str) else aliases)),
        last_pasal=max(numbers) if numbers else None,
        **values,
    )


@dataclass(frozen=True)
class Mention:
    """A regulation named in a text; `regulation` is None when the catalogue does not hold it."""

    start: int
    end: int
    regulation: Regulation | None
    name: str


def _last_word(alias: str) -> str:
    words = re.findall(r"\w+", alias.lower())
    return words[-1] if words else ""


class Catalogue:
    """The regulations an index holds, and the recognition of references to them in questions."""

    def __init__(self, regulations: Iterable[Regulation], abbreviations: Iterable[tuple[str, str]] | None = None):
        abbreviations = tuple(abbreviation_rows() if abbreviations is None else abbreviations)
        regs = [Regulation(**{**asdict(r), "aliases": derive_aliases(r, abbreviations)}) for r in regulations]
        self.regulations: tuple[Regulation, ...] = tuple(regs)
        self.by_id = {r.source_id: r for r in regs}
        self._by_key = {r.key: r for r in regs if r.jenis and r.nomor and r.tahun}
        # (a word the text must contain, pattern, regulation or None with the name of one not held)
        self._names: list[tuple[str, re.Pattern, Regulation | None, str]] = [
            (_last_word(a), self._alias_pattern(a), r, r.name) for r in regs for a in r.aliases
        ]
        for abbr, expansion in abbreviations:  # abbreviations of numbered regulations the index does not hold
            refs = [key for _, key in numbered_references(expansion)]
            if len(refs) == 1 and refs[0] not in self._by_key:
                self._names.append((_last_word(abbr), self._alias_pattern(abbr), None, reference_name(*refs[0])))

    @staticmethod
    def _alias_pattern(alias: str) -> re.Pattern:
        """ "UU Kesejahteraan Anak" also as "Undang-Undang (tentang) Kesejahteraan Anak", "u.u. kesejahteraan anak"."""
        alt = _kind_index()[1]
        lead = re.match(rf"(?:{alt})(?![a-z])\.?\s*", alias, re.I)
        kind = kind_of(lead.group(0)) if lead else None
        if kind is None:
            return re.compile(rf"(?<!\w){_phrase(alias)}(?!\w)", re.I)
        rest = _phrase(alias[lead.end() :])
        return re.compile(rf"(?<!\w)(?:{_kind_alternation(kind)})\.?(?:\s+tentang)?\s+{rest}(?!\w)", re.I)

    @classmethod
    def build(
        cls, documents: dict[str, dict], chunks: Iterable[Chunk], abbreviations: Iterable[tuple[str, str]] | None = None
    ) -> Catalogue:
        """From a manifest's documents (title, kind, meta per source_id) and the chunk table."""
        locators: dict[str, list[str]] = defaultdict(list)
        for c in chunks:
            locators[c.source_id].append(c.locator)
        laws = [(sid, d) for sid, d in documents.items() if d.get("kind") == "law"]
        regs = [regulation_from(sid, str(d.get("title") or sid), d.get("meta") or {}, locators[sid]) for sid, d in laws]
        return cls(regs, abbreviations)

    @classmethod
    def from_documents(cls, documents: Iterable[Document], chunks: Iterable[Chunk]) -> Catalogue:
        docs = {d.source_id: {"title": d.title, "kind": d.kind, "meta": d.meta} for d in documents}
        return cls.build(docs, chunks)

    @classmethod
    def from_manifest(cls, manifest: dict, chunks: Iterable[Chunk]) -> Catalogue:
        """The catalogue ingest stored; built from the documents for an index written before it did."""
        if "catalogue" in manifest:
            return cls(Regulation.from_json(r) for r in manifest["catalogue"])
        return cls.build(manifest.get("documents") or {}, chunks)

    def to_json(self) -> list[dict]:
        return [r.to_json() for r in self.regulations]

    def __iter__(self) -> Iterator[Regulation]:
        return iter(self.regulations)

    def __len__(self) -> int:
        return len(self.regulations)

    def __contains__(self, source_id: object) -> bool:
        return source_id in self.by_id

    def get(self, source_id: str | None) -> Regulation | None:
        return self.by_id.get(source_id) if source_id else None

    def holds_kind(self, kind: Kind) -> bool:
        return any(r.jenis == kind.short for r in self.regulations)

    def find_in_text(self, text: str) -> list[Mention]:
        """Regulations `text` names, in order: numbered references (held or not), aliases of held ones and
        abbreviations of numbered ones; where two overlap the longer wins, then the held one."""
        found = []
        for m, key in numbered_references(text):
            reg = self._by_key.get(key)
            found.append(Mention(m.start(), m.end(), reg, reg.name if reg else reference_name(*key)))
        lowered = text.lower()
        for word, pattern, reg, name in self._names:
            if word in lowered:
                found += [Mention(m.start(), m.end(), reg, name) for m in pattern.finditer(text)]
        found.sort(key=lambda x: (x.start - x.end, x.regulation is None, x.start))
        kept: list[Mention] = []
        for x in found:
            if all(x.end <= k.start or k.end <= x.start for k in kept):
                kept.append(x)
        return sorted(kept, key=lambda x: x.start)

    def named_but_missing(self, text: str) -> list[str]:
        """Names of the regulations `text` refers to that the catalogue does not hold ("UU No. 23 Tahun 2002")."""
        return list(dict.fromkeys(m.name for m in self.find_in_text(text) if m.regulation is None))

    def kinds_named(self, text: str) -> list[Kind]:
        """Kinds of regulation `text` names outside any reference ("apa isi Permensos tentang ...")."""
        spans = [(m.start, m.end) for m in self.find_in_text(text)]
        out = []
        for m in re.finditer(rf"(?<!\w)(?:{_kind_index()[1]})(?!\w)", text, re.I):
            kind = kind_of(m.group(0))
            if kind and kind not in out and not any(a <= m.start() < b for a, b in spans):
                out.append(kind)
        return out
