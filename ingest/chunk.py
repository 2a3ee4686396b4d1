"""Chunk stage: structure-aware passages with exact character spans and their sentences.

Laws: one chunk per Pasal; a Pasal longer than `max_words` is split per ayat (or per angka in a
definitions list), each chunk embedded with its BAB / Bagian / Pasal heading. Articles: paragraphs
grouped into chunks of roughly `min_words`-`max_words` words within a section, on sentence boundaries.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from rag.text import paragraph_spans, split_sentences, word_count
from rag.types import Chunk, Document

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.S)
_BAB = re.compile(r"^BAB\s+[IVXLC]+\b")
_BAGIAN = re.compile(r"^Bagian\s+\w+\b")
_PASAL = re.compile(r"^Pasal\s+(\d+[A-Z]?)\s*$")
_AYAT = re.compile(r"^\((\d+[a-z]?)\)\s")
_ANGKA = re.compile(r"^(\d+)\.\s")
_HURUF = re.compile(r"^([a-z])\.\s")
_PREAMBLE = re.compile(r"^(Menimbang|Mengingat|MEMUTUSKAN|Menetapkan)\b")
_CLOSING = re.compile(r"^(Agar setiap orang mengetahuinya|LEMBARAN NEGARA REPUBLIK)")
_PENJELASAN = re.compile(r"^PENJELASAN\b")
_PENJ_PART = re.compile(r"^(I|II)\.\s+(UMUM|PASAL DEMI PASAL)")
_EXPLAINS_NOTHING = re.compile(r"(?:Ayat|Huruf|Angka)\s+\(?\w+\)?|Cukup jelas\.?", re.I)


# What the structural parts of a law are for, added to their heading so that questions such as
# "mengapa UU ini dibentuk?" or "kapan disahkan?" find them.
_PART_GLOSS = {
    "Pembukaan": "Judul dan pembukaan undang-undang",
    "Menimbang": "Menimbang: pertimbangan dan alasan dibentuknya undang-undang",
    "Mengingat": "Mengingat: dasar hukum pembentukan undang-undang",
    "MEMUTUSKAN": "Memutuskan dan menetapkan undang-undang",
    "Pengesahan": "Pengesahan: tanggal disahkan dan diundangkan, penandatangan",
}


@dataclass
class _Block:
    start: int
    end: int
    text: str
    heading_level: int = 0

    @property
    def plain(self) -> str:
        m = _HEADING.match(self.text)
        return m.group(2).strip() if m else self.text


def _blocks(doc: Document) -> list[_Block]:
    out = []
    for a, b in paragraph_spans(doc.text):
        text = doc.text[a:b]
        m = _HEADING.match(text)
        out.append(_Block(a, b, text, len(m.group(1)) if m else 0))
    return out


def make_chunk(doc: Document, start: int, end: int, locator: str, heading: str) -> Chunk:
    text = doc.text[start:end]
    digest = hashlib.sha1(f"{heading}\n{text}".encode()).hexdigest()[:12]
    return Chunk(
        chunk_id=f"{doc.source_id}:{start}-{end}:{digest}",
        source_id=doc.source_id,
        title=doc.title,
        locator=locator,
        start=start,
        end=end,
        text=text,
        heading=heading,
        sentences=tuple(split_sentences(doc.text, start, end)),
    )


def _join_heading(parts: list[str]) -> str:
    """Heading path joined with dashes, without a part that repeats its predecessor."""
    out: list[str] = []
    for part in parts:
        if part and (not out or out[-1] != part):
            out.append(part)
    return " — ".join(out)


def _split_long(doc: Document, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """Cut doc.text[start:end] on sentence boundaries into pieces of at most ~max_words words."""
    pieces: list[list[int]] = []  # [start, end, words]
    for s in split_sentences(doc.text, start, end):
        w = word_count(s.text)
        if pieces and pieces[-1][2] + w <= max_words:
            pieces[-1][1] = s.end
            pieces[-1][2] += w
        else:
            pieces.append([s.start, s.end, w])
    pieces = [(a, b) for a, b, _ in pieces]
    return pieces or [(start, end)]


# ---------------------------------------------------------------------------- laws


@dataclass
class _Group:
    locator: str  # e.g. "Pasal 6", "Menimbang", "Penjelasan Pasal 2"
    context: list[str]  # BAB, Bagian ...
    blocks: list[_Block] = field(default_factory=list)
    kind: str = "pasal"  # pasal | preamble | closing | general


def _law_groups(blocks: list[_Block]) -> list[_Group]:
    groups: list[_Group] = []
    bab = bagian = ""
    penjelasan = False
    part = ""
    cur: _Group | None = None

    def start(locator: str, kind: str) -> _Group:
        ctx = [c for c in (bab, bagian) if c]
        g = _Group(locator, ctx, kind=kind)
        groups.append(g)
        return g

    for blk in blocks:
        text = blk.plain
        if _PENJELASAN.match(text):
            penjelasan, bab, bagian, cur = True, "", "", None
            continue
        if _BAB.match(text):
            bab, bagian, cur = text, "", None
            continue
        if _BAGIAN.match(text) and len(text.split()) <= 12:
            bagian, cur = text, None
            continue
        m = _PENJ_PART.match(text)
        if m and penjelasan:
            part = m.group(2)
            cur = start("Penjelasan Umum", "general") if part == "UMUM" else None
            continue
        m = _PASAL.match(text)
        if m:
            cur = start(("Penjelasan " if penjelasan else "") + f"Pasal {m.group(1)}", "pasal")
            continue
        m = _PREAMBLE.match(text)
        if m and not penjelasan and not (m.group(1) == "Menetapkan" and cur and cur.locator == "MEMUTUSKAN"):
            cur = start(m.group(1), "preamble")
            if text.rstrip(" :") == m.group(1):  # a bare "Menimbang :" label
                continue
        elif _CLOSING.match(text) and not penjelasan:
            cur = start("Pengesahan", "closing")
        if cur is None:
            cur = start("Pembukaan", "preamble")
        cur.blocks.append(blk)
    return [g for g in groups if g.blocks]


def _units(blocks: list[_Block]) -> list[tuple[str, list[_Block]]]:
    """Split a Pasal's blocks at ayat "(n)" or, failing that, at angka "n." items."""
    pattern, label = (_AYAT, "ayat ({})") if any(_AYAT.match(b.text) for b in blocks) else (_ANGKA, "angka {}")
    units: list[tuple[str, list[_Block]]] = []
    intro: list[_Block] = []
    for blk in blocks:
        m = pattern.match(blk.text)
        if m:
            units.append((label.format(m.group(1)), intro + [blk]))
            intro = []
        elif units:
            units[-1][1].append(blk)
        else:
            intro.append(blk)
    if intro:  # no unit marker at all
        units.append(("", intro))
    return units


def chunk_law(doc: Document, max_words: int) -> list[Chunk]:
    short = doc.short
    chunks: list[Chunk] = []
    for g in _law_groups(_blocks(doc)):
        text = " ".join(b.text for b in g.blocks)
        if g.locator.startswith("Penjelasan Pasal") and not re.search(r"\w", _EXPLAINS_NOTHING.sub("", text)):
            continue  # "Cukup jelas." explains nothing
        heading = _join_heading([short, *g.context, _PART_GLOSS.get(g.locator, g.locator)])
        base = f"{short} {g.locator}"
        if word_count(text) <= max_words or g.kind != "pasal":
            spans = [(g.blocks[0].start, g.blocks[-1].end, base)]
            if word_count(text) > max_words:
                spans = [
                    (a, b, f"{base} (bagian {i})")
                    for i, (a, b) in enumerate(_split_long(doc, g.blocks[0].start, g.blocks[-1].end, max_words), 1)
                ]
        else:
            spans = []
            for label, blks in _units(g.blocks):
                loc = f"{base} {label}".strip()
                a, b = blks[0].start, blks[-1].end
                if word_count(doc.text[a:b]) > max_words:
                    parts = _split_long(doc, a, b, max_words)
                    spans += [(pa, pb, f"{loc} (bagian {i})") for i, (pa, pb) in enumerate(parts, 1)]
                else:
                    spans.append((a, b, loc))
        chunks += [make_chunk(doc, a, b, loc, heading) for a, b, loc in spans]
    return chunks


# ---------------------------------------------------------------------------- articles


def chunk_article(doc: Document, min_words: int, max_words: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    section: list[str] = []  # heading path
    para_no = 0
    cur: list[tuple[int, int, int]] = []  # (start, end, paragraph number)

    def flush() -> None:
        if not cur:
            return
        heading = _join_heading([doc.title, *section])
        a, b = cur[0][0], cur[-1][1]
        first, last = cur[0][2], cur[-1][2]
        para = f"paragraf {first}" if first == last else f"paragraf {first}-{last}"
        loc = f"{section[-1]}, {para}" if section else para[0].upper() + para[1:]
        if word_count(doc.text[a:b]) > max_words * 1.5:  # one very long paragraph
            for i, (pa, pb) in enumerate(_split_long(doc, a, b, max_words), 1):
                chunks.append(make_chunk(doc, pa, pb, f"{loc} (bagian {i})", heading))
        else:
            chunks.append(make_chunk(doc, a, b, loc, heading))
        cur.clear()

    for blk in _blocks(doc):
        if blk.heading_level:
            flush()
            level = blk.heading_level
            section = section[: max(0, level - 2)] + [blk.plain]
            continue
        para_no += 1
        words = word_count(blk.text)
        cur_words = word_count(doc.text[cur[0][0] : cur[-1][1]]) if cur else 0
        if cur and cur_words >= min_words and cur_words + words > max_words:
            flush()
        cur.append((blk.start, blk.end, para_no))
    flush()
    return chunks


def chunk_document(doc: Document, min_words: int = 80, max_words: int = 200) -> list[Chunk]:
    if doc.kind == "law":
        return chunk_law(doc, max_words)
    return chunk_article(doc, min_words, max_words)
