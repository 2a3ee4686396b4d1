"""Chunk stage: structure-aware passages with exact character spans and their sentences.

Laws (structure read by ingest.legal_layout): one chunk per Pasal, preamble part, Penjelasan or diktum;
a Pasal longer than `max_words` is split per ayat (or per angka in a definitions list, or per huruf),
each chunk embedded with its BAB / Bagian / Paragraf / Pasal heading. Locators read like a citation:
"UU 4/1979 Pasal 2 ayat (3)", "... Penjelasan Pasal 2", "... Menimbang". Articles: paragraphs
grouped into chunks of roughly `min_words`-`max_words` words within a section, on sentence boundaries.
"""

from __future__ import annotations

import hashlib
import re

from ingest.legal_layout import ANGKA, AYAT, HEADING, HURUF, Block, law_groups, line_blocks
from rag.text import paragraph_spans, split_sentences, word_count
from rag.types import Chunk, Document

_EXPLAINS_NOTHING = re.compile(r"(?:Ayat|Huruf|Angka)\s+\(?\w+\)?|Cukup jelas\.?", re.I)


# What the structural parts of a law are for, added to their heading so that questions such as
# "mengapa UU ini dibentuk?" or "kapan disahkan?" find them.
_PART_GLOSS = {
    "Pembukaan": "Judul dan pembukaan {kind}",
    "Menimbang": "Menimbang: pertimbangan dan alasan dibentuknya {kind}",
    "Mengingat": "Mengingat: dasar hukum pembentukan {kind}",
    "Memperhatikan": "Memperhatikan: hal yang diperhatikan dalam pembentukan {kind}",
    "MEMUTUSKAN": "Memutuskan dan menetapkan {kind}",
    "Pengesahan": "Pengesahan: tanggal disahkan dan diundangkan, penandatangan",
    "Lampiran": "Lampiran {kind}",
}


def _blocks(doc: Document) -> list[Block]:
    out = []
    for a, b in paragraph_spans(doc.text):
        text = doc.text[a:b]
        m = HEADING.match(text)
        out.append(Block(a, b, text, len(m.group(1)) if m else 0))
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


def _units(blocks: list[Block]) -> list[tuple[str, list[Block]]]:
    """Split a Pasal's blocks at ayat "(n)", failing that at angka "n." items, failing that at huruf "a."."""
    pattern, label = next(
        (
            (p, lab)
            for p, lab in ((AYAT, "ayat ({})"), (ANGKA, "angka {}"), (HURUF, "huruf {}"))
            if any(p.match(b.text) for b in blocks)
        ),
        (ANGKA, "angka {}"),
    )
    units: list[tuple[str, list[Block]]] = []
    intro: list[Block] = []
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


def _kind_word(doc: Document) -> str:
    """How a part gloss names the document: "undang-undang" for a UU (or Perppu), else "peraturan"."""
    return "undang-undang" if str(doc.meta.get("jenis") or "UU") in {"UU", "Perppu"} else "peraturan"


def chunk_law(doc: Document, max_words: int) -> list[Chunk]:
    short = doc.short
    kind = _kind_word(doc)
    chunks: list[Chunk] = []
    for g in law_groups(line_blocks(doc.text)):
        a, b = g.blocks[0].start, g.blocks[-1].end
        text = doc.text[a:b]
        if g.locator.startswith("Penjelasan Pasal") and not re.search(r"\w", _EXPLAINS_NOTHING.sub("", text)):
            continue  # "Cukup jelas." explains nothing
        gloss = _PART_GLOSS.get(g.locator.split(" BAB ")[0], g.locator).format(kind=kind)
        heading = _join_heading([short, *g.context, gloss])
        base = f"{short} {g.locator}"
        if word_count(text) <= max_words:
            spans = [(a, b, base)]
        elif g.kind != "pasal":
            spans = [
                (pa, pb, f"{base} (bagian {i})") for i, (pa, pb) in enumerate(_split_long(doc, a, b, max_words), 1)
            ]
        else:
            spans = []
            for label, blks in _units(g.blocks):
                loc = f"{base} {label}".strip()
                ua, ub = blks[0].start, blks[-1].end
                if word_count(doc.text[ua:ub]) > max_words:
                    parts = _split_long(doc, ua, ub, max_words)
                    spans += [(pa, pb, f"{loc} (bagian {i})") for i, (pa, pb) in enumerate(parts, 1)]
                else:
                    spans.append((ua, ub, loc))
        chunks += [make_chunk(doc, pa, pb, loc, heading) for pa, pb, loc in spans]
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
