"""HTML/Markdown for answers, sources and documents. Every piece of user or corpus text is escaped."""

from __future__ import annotations

import html
import re

from rag.types import Answer, Chunk

ENGINE_LABELS = {
    "extractive": "Ekstraktif (tanpa LLM, luring)",
    "openai": "LLM (server OpenAI-compatible)",
    "ollama": "LLM (Ollama)",
}


def esc(text: str) -> str:
    return html.escape(text or "", quote=True)


def answer_markdown(ans: Answer, turn: int) -> str:
    """The assistant message: escaped text, [n] as links to the source card, notes for the user."""
    lines = []
    if ans.notice:
        lines.append(f"*{esc(ans.notice)}*\n")
    if ans.search_query and ans.question and ans.search_query != ans.question:  # a follow-up, rewritten
        lines.append(f"*Pertanyaan lanjutan dicari sebagai: “{esc(ans.search_query)}”.*\n")
    if ans.fallback_reason:
        lines.append(
            f"ℹ️ *Model bahasa tidak dapat dipakai ({esc(ans.fallback_reason)}); "
            "jawaban ekstraktif dari sumber ditampilkan.*\n"
        )
    if ans.abstained:
        lines.append(esc(ans.text))
        if ans.retrieved:
            lines.append("\n*Bagian sumber terdekat ditampilkan di panel Sumber untuk Anda periksa.*")
        return "\n".join(lines)
    unsupported = {s.text for s in ans.sentences if not s.supported}
    body = esc(ans.text)
    for s in unsupported:  # visibly mark sentences whose citations do not support them
        body = _in_text(s).sub(
            lambda m: f"⚠️ <span class='unsupported' title='Tidak didukung sumber yang dikutip'>{m.group(0)}</span>",
            body,
        )
    body = re.sub(
        r"\[(\d{1,3})\]", lambda m: f"<a class='cite' href='#src-{turn}-{m.group(1)}'>[{m.group(1)}]</a>", body
    )
    lines.append(body)
    if unsupported:
        lines.append("\n*⚠️ Kalimat bertanda tidak didukung oleh sumber yang dikutipnya; periksa sumbernya.*")
    if ans.dropped_citations:
        lines.append(f"\n*{ans.dropped_citations} rujukan ke sumber yang tidak diberikan telah dihapus.*")
    return "\n".join(lines)


def _in_text(sentence: str) -> re.Pattern:
    """The escaped sentence as it stands in the escaped answer text, where its [n] markers are still in
    place ("kalimat [1]." for the sentence "kalimat."): markers and spaces may sit between any two words."""
    pieces = [re.escape(esc(p)) for p in re.findall(r"\w+|[^\w\s]", sentence)]
    return re.compile(r"(?:\s*\[\d{1,3}\])*\s*".join(pieces))


def highlighted_passage(chunk: Chunk, spans: tuple[tuple[int, int], ...]) -> str:
    """The passage with the cited sentences wrapped in <mark>; paragraphs kept."""
    text, start = chunk.text, chunk.start
    rel = sorted((max(a - start, 0), min(b - start, len(text))) for a, b in spans if b > start and a < chunk.end)
    out, pos = [], 0
    for a, b in rel:
        if a < pos:
            continue
        out.append(esc(text[pos:a]))
        out.append(f"<mark>{esc(text[a:b])}</mark>")
        pos = b
    out.append(esc(text[pos:]))
    return "".join(out).replace("\n\n", "<br><br>").replace("\n", "<br>")


def _meta_line(meta: dict) -> str:
    bits = [meta.get("author"), meta.get("publisher"), meta.get("published")]
    return " · ".join(esc(str(b)) for b in bits if b)


def short_locator(locator: str, title: str) -> str:
    """The locator without the document's title when it starts with it ("Peraturan X Pasal 7" under the title
    "Peraturan X" reads "Pasal 7"); as it is otherwise ("UU 4/1979 Pasal 7")."""
    return locator[len(title) :].strip() or locator if title and locator.startswith(title) else locator


def source_card(
    turn: int, n: int, chunk: Chunk, meta: dict, spans=(), supported: bool = True, cited: bool = True
) -> str:
    url = meta.get("url")
    link = f" · <a href='{esc(url)}' target='_blank' rel='noopener noreferrer'>sumber asli</a>" if url else ""
    flag = "" if supported else " <span class='badge warn'>kutipan tidak mendukung</span>"
    tag = "" if cited else " <span class='badge'>tidak dikutip</span>"
    return (
        f"<div class='src-card' id='src-{turn}-{n}'>"
        f"<div class='src-head'><span class='src-n'>[{n}]</span> <b>{esc(chunk.title)}</b>{flag}{tag}</div>"
        f"<div class='src-loc'>{esc(short_locator(chunk.locator, chunk.title))}</div>"
        f"<div class='src-meta'>{_meta_line(meta)}{link}</div>"
        f"<div class='src-text'>{highlighted_passage(chunk, spans)}</div></div>"
    )


SOURCE_TURNS_SHOWN = 5
"""Answers whose sources the panel shows (newest first); keeps each update small."""


def sources_html(turns: list[dict], documents: dict[str, dict]) -> str:
    """Source cards for the latest answers, newest first; older answers folded."""
    if not turns:
        return (
            "<div class='src-empty'>Sumber untuk setiap jawaban akan tampil di sini. "
            "Klik nomor [n] pada jawaban untuk melihat bagian sumbernya.</div>"
        )
    blocks = []
    for pos in range(len(turns) - 1, max(len(turns) - 1 - SOURCE_TURNS_SHOWN, -1), -1):
        turn = turns[pos]
        t = turn.get("id", pos)
        ans: Answer = turn["answer"]
        cards = []
        if ans.abstained:
            heading = "Bagian terdekat (jawaban tidak ditemukan di sumber)"
            for n, r in enumerate(ans.retrieved, 1):
                cards.append(source_card(t, n, r.chunk, documents.get(r.chunk.source_id, {}), cited=False))
        else:
            heading = "Sumber yang dikutip"
            for c in ans.citations:
                cards.append(
                    source_card(t, c.n, c.chunk, documents.get(c.chunk.source_id, {}), c.quote_spans, c.supported)
                )
        summary = f"{heading} — <i>{esc(str(turn.get('question', ans.question))[:80])}</i>"
        open_attr = " open" if pos == len(turns) - 1 else ""
        blocks.append(
            f"<details class='turn' id='turn-{t}'{open_attr}><summary>{summary}</summary>"
            + "".join(cards or ["<div class='src-empty'>Tidak ada sumber.</div>"])
            + "</details>"
        )
    return "".join(blocks)


def document_markdown(doc_text: str) -> str:
    """A corpus document for reading: its Markdown headings kept, everything else escaped."""
    out = []
    for block in re.split(r"\n\s*\n", doc_text.strip()):
        m = re.match(r"^(#{1,6})\s+(.*)$", block.strip(), re.S)
        if m:
            out.append(f"{m.group(1)} {esc(m.group(2))}")
        else:
            out.append(esc(block.strip()).replace("\n", "  \n"))
    return "\n\n".join(out)


def document_meta_markdown(meta: dict) -> str:
    rows = [
        ("Judul", meta.get("title")),
        ("Penulis", meta.get("author")),
        ("Penerbit / platform", meta.get("publisher")),
        ("Tanggal", meta.get("published")),
        ("Jenis", {"law": "undang-undang", "article": "artikel"}.get(meta.get("kind"), meta.get("kind"))),
        ("Tautan", meta.get("url")),
        ("Catatan kurasi", meta.get("notes")),
    ]
    lines = ["| Keterangan | |", "|---|---|"]
    for k, v in rows:
        if v:
            lines.append(f"| {k} | {esc(str(v)).replace('|', '&#124;')} |")
    return "\n".join(lines)
