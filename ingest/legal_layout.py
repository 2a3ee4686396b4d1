"""The structure of a regulation's text: which lines are Pasal, ayat, BAB ..., and how they group.

Works line by line, so curated Markdown ("#### Pasal 1", blank lines between paragraphs) and the plain
published layout (one paragraph per line, as ingest.legal_clean leaves a PDF) read alike. A group is
what a lawyer cites: "Pasal 2", "Menimbang", "Penjelasan Umum", "Penjelasan Pasal 2", "Diktum Kesatu".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.S)
PASAL = re.compile(r"^(?:Pasal|PASAL)\s*(\d+[A-Z]?|[IVXLC]+)\s*$")
BAB = re.compile(r"^BAB\s+([IVXLC]+)\b")
BAGIAN = re.compile(r"^Bagian\s+Ke\w+\b")
PARAGRAF = re.compile(r"^Paragraf\s+\d+\b")
AYAT = re.compile(r"^\((\d+[a-z]?)\)\s")
ANGKA = re.compile(r"^(\d{1,3})\.(?:\s|(?=[a-z]\.\s))")  # "1. ..." and "1.a. ..."
HURUF = re.compile(r"^([a-z])\.\s")
_LABEL_WORDS = ("Menimbang", "Mengingat", "Memperhatikan", "Memutuskan", "Menetapkan")
_LABEL = "|".join(w for word in _LABEL_WORDS for w in (word, word.upper()))
# Case matters: "Menimbang" / "MENIMBANG" open a part, "menetapkan" inside a broken sentence does not.
PREAMBLE = re.compile(rf"^({_LABEL})\b")
BARE_LABEL = re.compile(rf"^(?:{_LABEL})\s*:?$")
OPENING = re.compile(r"^(?:DENGAN\s+RAHMAT|DENGAN\s+PERSETUJUAN|Dengan\s+(?i:rahmat|persetujuan\s+bersama))\b")
AUTHORITY = re.compile(r"^(?:PRESIDEN|MENTERI|GUBERNUR|BUPATI|WALI\s*KOTA|KEPALA)\b[^a-z]*,$")
CLOSING = re.compile(
    r"^(?:Agar (?:supaya )?setiap orang mengetahuinya|AGAR (?:SUPAYA )?SETIAP ORANG"
    r"|(?:LEMBARAN|BERITA)\s+(?:NEGARA|DAERAH)\b)"
    r"|^(?:Disahkan|Diundangkan|Ditetapkan|DISAHKAN|DIUNDANGKAN|DITETAPKAN)\s+(?:di|DI)\b"
)
CLOSING_CONTINUES = re.compile(r"^(?:Disahkan|Diundangkan|Ditetapkan)\s+di\b", re.I)
PENJELASAN = re.compile(r"^PENJELASAN\b")
PENJ_PART = re.compile(r"^(?:(I|II)\.\s*(UMUM|PASAL\s+DEMI\s+PASAL)\b|(UMUM|PASAL DEMI PASAL)$)", re.I)
PENJ_UNIT = re.compile(r"^(?:Ayat\s+\(\d+[a-z]?\)|Huruf\s+[a-z]\b|Angka\s+\d+|Cukup jelas)")
TAMBAHAN = re.compile(r"^TAMBAHAN\s+LEMBARAN\b")
LAMPIRAN = re.compile(r"^LAMPIRAN\b")
DIKTUM = re.compile(
    r"^(KESATU|KEDUA|KETIGA|KEEMPAT|KELIMA|KEENAM|KETUJUH|KEDELAPAN|KESEMBILAN|KESEPULUH|KESEBELAS)\s*:"
)
JENIS_LINE = re.compile(r"^(?:UNDANG-UNDANG|PERATURAN|KEPUTUSAN|INSTRUKSI|QANUN)\b")
_LABELS = {w.lower(): w for w in ("Menimbang", "Mengingat", "Memperhatikan", "MEMUTUSKAN", "Menetapkan")}


def starts_unit(line: str) -> bool:
    """Whether a line of published text begins a structural unit (so it is never joined to the previous one)."""
    return bool(
        line.startswith("#")
        or PASAL.match(line)
        or BAB.match(line)
        or BAGIAN.match(line)
        or PARAGRAF.match(line)
        or AYAT.match(line)
        or ANGKA.match(line)
        or HURUF.match(line)
        or PREAMBLE.match(line)
        or OPENING.match(line)
        or AUTHORITY.match(line)
        or CLOSING.match(line)
        or PENJELASAN.match(line)
        or PENJ_PART.match(line)
        or PENJ_UNIT.match(line)
        or TAMBAHAN.match(line)
        or LAMPIRAN.match(line)
        or DIKTUM.match(line)
        or JENIS_LINE.match(line)
    )


def stands_alone(line: str) -> bool:
    """Headings that are a line of their own: nothing after them is joined to them."""
    return bool(
        line.startswith("#")
        or PASAL.match(line)
        or BARE_LABEL.match(line)
        or PENJ_PART.match(line)
        or AUTHORITY.match(line)  # "PRESIDEN REPUBLIK INDONESIA," above a signature
    )


@dataclass
class Block:
    start: int
    end: int
    text: str
    heading_level: int = 0

    @property
    def plain(self) -> str:
        m = HEADING.match(self.text)
        return m.group(2).strip() if m else self.text


def line_blocks(text: str) -> list[Block]:
    """One block per non-blank line, spans stripped of surrounding whitespace."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        raw = m.group(0)
        body = raw.strip()
        if not body:
            continue
        a = m.start() + len(raw) - len(raw.lstrip())
        h = HEADING.match(body)
        out.append(Block(a, a + len(body), body, len(h.group(1)) if h else 0))
    return out


@dataclass
class Group:
    locator: str  # e.g. "Pasal 6", "Menimbang", "Penjelasan Pasal 2"
    context: list[str]  # BAB, Bagian, Paragraf
    blocks: list[Block] = field(default_factory=list)
    kind: str = "pasal"  # pasal | preamble | closing | general


@dataclass
class _State:
    groups: list[Group] = field(default_factory=list)
    bab: str = ""
    bagian: str = ""
    paragraf: str = ""
    penjelasan: bool = False
    lampiran: bool = False
    seen_body: bool = False  # a Pasal or diktum has been read
    cur: Group | None = None

    def start(self, locator: str, kind: str) -> Group:
        self.cur = Group(locator, [c for c in (self.bab, self.bagian, self.paragraf) if c], kind=kind)
        self.groups.append(self.cur)
        return self.cur

    def heading(self, bab: str | None = None, bagian: str | None = None, paragraf: str | None = None) -> None:
        if bab is not None:
            self.bab, self.bagian, self.paragraf = bab, "", ""
        if bagian is not None:
            self.bagian, self.paragraf = bagian, ""
        if paragraf is not None:
            self.paragraf = paragraf
        self.cur = None


def _title_line(st: _State, text: str) -> bool:
    """A BAB / Bagian / Paragraf title printed on the line after its number."""
    if st.cur is not None or len(text.split()) > 12 or text.endswith((".", ";", ":")) or starts_unit(text):
        return False
    if st.paragraf and not st.paragraf.split()[2:]:
        st.paragraf = f"{st.paragraf} {text}"
    elif st.bagian and not st.bagian.split()[2:]:
        st.bagian = f"{st.bagian} {text}"
    elif st.bab and not st.bab.split()[2:] and text.isupper():
        st.bab = f"{st.bab} {text}"
    else:
        return False
    return True


def law_groups(blocks: list[Block]) -> list[Group]:
    st = _State()
    for blk in blocks:
        text = blk.plain
        if PENJELASAN.match(text):
            st.heading(bab="")
            st.penjelasan, st.lampiran = True, False
            continue
        if LAMPIRAN.match(text) and st.seen_body and not st.penjelasan:
            st.heading(bab="")
            st.lampiran = True
            st.start("Lampiran", "general").blocks.append(blk)
            continue
        m = BAB.match(text)
        if m:
            st.heading(bab=text)
            if st.lampiran:
                st.start(f"Lampiran BAB {m.group(1)}", "general").blocks.append(blk)
            continue
        if BAGIAN.match(text) and len(text.split()) <= 12 and not st.lampiran:
            st.heading(bagian=text)
            continue
        if PARAGRAF.match(text) and len(text.split()) <= 12 and not st.lampiran:
            st.heading(paragraf=text)
            continue
        if _title_line(st, text):
            continue
        m = PENJ_PART.match(text)
        if m and st.penjelasan:
            st.cur = st.start("Penjelasan Umum", "general") if (m.group(2) or m.group(3)).upper() == "UMUM" else None
            continue
        if st.penjelasan and TAMBAHAN.match(text):
            st.cur = None
            continue
        m = PASAL.match(text)
        if m and not st.lampiran:
            st.seen_body = True
            st.start(("Penjelasan " if st.penjelasan else "") + f"Pasal {m.group(1)}", "pasal")
            continue
        m = DIKTUM.match(text)
        if m and not st.penjelasan and not st.lampiran:
            st.seen_body = True
            st.start(f"Diktum {m.group(1).title()}", "pasal")
        elif (m := PREAMBLE.match(text)) and not st.penjelasan and not st.seen_body:
            label = _LABELS[m.group(1).lower()]
            if not (label == "Menetapkan" and st.cur and st.cur.locator == "MEMUTUSKAN"):
                st.start(label, "preamble")
                if BARE_LABEL.match(text):  # a bare "Menimbang :" label
                    continue
        elif CLOSING.match(text) and st.seen_body and not st.penjelasan and not st.lampiran:
            if not (CLOSING_CONTINUES.match(text) and st.cur and st.cur.kind == "closing"):
                st.start("Pengesahan", "closing")
        if st.cur is None:
            if st.penjelasan:
                continue  # the Penjelasan's own heading ("ATAS UNDANG-UNDANG ... TENTANG ...")
            st.start("Pembukaan", "preamble")
        st.cur.blocks.append(blk)
    return [g for g in st.groups if g.blocks]
