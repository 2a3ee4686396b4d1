"""Tanya Peksos: the Gradio UI. `build_app(...)` returns the Blocks; `main()` launches it."""

from __future__ import annotations

import argparse
import html
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from rag.config import Settings

log = logging.getLogger("tanya_peksos.app")

MAX_QUESTION_CHARS = 2000
EXAMPLES = [
    "apa beda peksos dan relawan?",
    "Apa hak dan kewajiban pekerja sosial menurut UU 14/2019?",
    "Apa tujuan pekerjaan sosial?",
    "Apa itu praktik pekerjaan sosial?",
]


def format_passages(question: str, results) -> str:
    """Markdown listing of the retrieved passages; all corpus and user text escaped."""
    if not results:
        return "Maaf, tidak ada bagian sumber yang cocok dengan pertanyaan itu."
    lines = [f"Bagian sumber yang paling relevan untuk: *{html.escape(question)}*", ""]
    for n, r in enumerate(results, 1):
        c = r.chunk
        text = html.escape(c.text.strip())
        if len(text) > 700:
            text = text[:700].rsplit(" ", 1)[0] + " …"
        lines.append(f"**[{n}] {html.escape(c.title)}** — {html.escape(c.locator)}")
        lines.append("")
        lines.append("> " + text.replace("\n\n", "\n>\n> ").replace("\n", "\n> "))
        lines.append("")
    return "\n".join(lines)


def build_app(settings: Settings, search: Callable[[str, int], list]):
    """The chat UI; `search(question, k)` returns SearchResult objects."""
    import gradio as gr

    from rag.errors import RagError

    def respond(message: str, history: list) -> str:
        question = (message or "").strip()
        if not question:
            return "Silakan tulis pertanyaan terlebih dahulu."
        note = ""
        if len(question) > MAX_QUESTION_CHARS:
            question = question[:MAX_QUESTION_CHARS]
            note = f"_Pertanyaan terlalu panjang; hanya {MAX_QUESTION_CHARS} karakter pertama yang dipakai._\n\n"
        try:
            return note + format_passages(question, search(question, settings.top_k))
        except RagError as err:
            return f"Maaf, terjadi masalah: {err}"
        except Exception:
            log.exception("search failed")
            return "Maaf, terjadi kesalahan saat mencari jawaban. Silakan coba lagi."

    with gr.Blocks(title="Tanya Peksos", analytics_enabled=False) as demo:
        gr.Markdown("# Tanya Peksos\nTanya jawab tentang pekerjaan sosial dari artikel dan UU No. 14/2019.")
        gr.ChatInterface(
            respond,
            chatbot=gr.Chatbot(label="Percakapan", height=520),
            textbox=gr.Textbox(
                placeholder="Tulis pertanyaan Anda…", label="Pertanyaan", submit_btn="Kirim", stop_btn="Berhenti"
            ),
            examples=EXAMPLES,
            examples_label="Contoh pertanyaan",
            concurrency_limit=4,
            api_name="tanya",
        )
    return demo


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Jalankan aplikasi Tanya Peksos.")
    p.add_argument("--host", help="alamat yang didengarkan (bawaan 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (bawaan 7860)")
    p.add_argument("--index", type=Path, dest="index_dir")
    p.add_argument("--corpus", type=Path, dest="corpus_dir")
    p.add_argument("--no-ingest", action="store_true", help="jangan perbarui indeks saat mulai")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env().replace(
        host=args.host, port=args.port, index_dir=args.index_dir, corpus_dir=args.corpus_dir
    )
    from rag.errors import RagError
    from rag.retrieve import Retriever

    if not args.no_ingest:
        from ingest.pipeline import run_ingest

        print("Memeriksa indeks…", flush=True)
        try:
            report = run_ingest(settings, show_progress=True)
        except RagError as err:
            print(f"Gagal memperbarui indeks: {err}", file=sys.stderr)
            return 1
        if not report.nothing_changed:
            print(f"Indeks diperbarui: {report.documents} dokumen, {report.chunks} potongan.", flush=True)
    try:
        retriever = Retriever(settings)
    except RagError as err:
        print(f"Gagal membuka indeks: {err}", file=sys.stderr)
        return 1
    demo = build_app(settings, retriever.search)
    demo.queue(default_concurrency_limit=4)
    demo.launch(server_name=settings.host, server_port=settings.port, share=False, show_error=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
