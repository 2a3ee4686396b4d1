"""Tanya Peksos: the Gradio UI. `build_app(...)` returns the Blocks; `main()` launches it."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import uuid
from pathlib import Path

from rag.config import Settings
from ui.documents import document_index

log = logging.getLogger("tanya_peksos.app")

EXAMPLES = [
    "apa beda peksos dan relawan?",
    "Apa hak dan kewajiban pekerja sosial menurut UU 14/2019?",
    "Apa itu praktik pekerjaan sosial?",
    "Berapa lama STR berlaku?",
    "Apa fungsi pekerjaan sosial menurut Pincus dan Minahan?",
    "isi pasal 37 UU Peksos",
]
FEEDBACK_REASONS = ["kutipan tidak mendukung", "jawaban salah", "tidak relevan"]
MAX_TURNS = 20
"""Turns kept per conversation (chat, sources, follow-up history); older ones scroll away."""

CSS = """
#header h1 {margin-bottom: 0}
#header p {margin-top: 4px; color: var(--body-text-color-subdued)}
#sources {max-height: 720px; overflow-y: auto}
.src-card {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px; margin: 8px 0;
  background: var(--background-fill-secondary); transition: box-shadow .3s, border-color .3s}
.src-card.active {border-color: #d97706; box-shadow: 0 0 0 3px rgba(217,119,6,.35)}
.src-head {font-size: 0.95em} .src-n {font-weight: 700; color: #b45309}
.src-loc {font-weight: 600; margin-top: 2px} .src-meta {font-size: .85em; color: var(--body-text-color-subdued)}
.src-text {margin-top: 6px; font-size: .9em; line-height: 1.45}
.src-text mark {background: #fde68a; color: inherit; padding: 0 1px}
.src-empty {color: var(--body-text-color-subdued); padding: 8px}
.badge {font-size: .75em; border-radius: 4px; padding: 1px 5px; background: #e5e7eb; color: #374151}
.badge.warn {background: #fee2e2; color: #991b1b}
details.turn > summary {cursor: pointer; margin: 6px 0; font-size: .9em}
a.cite {font-weight: 700; text-decoration: none; color: #b45309; cursor: pointer}
.unsupported {text-decoration: underline wavy #dc2626}
"""

# Clicking [n] in an answer brings its passage into view in the sources panel and highlights it.
JS = """
() => {
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a.cite');
    if (!a) return;
    e.preventDefault(); e.stopPropagation();
    const id = (a.getAttribute('href') || '').replace(/^#/, '');
    const el = document.getElementById(id);
    if (!el) return;
    const det = el.closest('details'); if (det) det.open = true;
    document.querySelectorAll('.src-card.active').forEach((x) => x.classList.remove('active'));
    el.classList.add('active');
    el.scrollIntoView({behavior: 'smooth', block: 'center'});
  }, true);
}
"""


def build_app(settings: Settings, answerer, documents: dict[str, dict] | None = None):
    """The full UI; nothing is launched."""
    import gradio as gr

    from rag.errors import RagError
    from rag.live import LiveAnswerer
    from rag.types import Answer
    from ui.documents import documents_tab, scope_choices, scope_from_choice
    from ui.export import conversation_markdown, prune_exports
    from ui.feedback import FeedbackStore
    from ui.render import ENGINE_LABELS, answer_markdown, esc, sources_html

    # One LiveAnswerer per app: adding or removing a document swaps in an Answerer over the new generation.
    live = answerer if isinstance(answerer, LiveAnswerer) else LiveAnswerer(answerer)
    answerer = live.current
    documents = documents if documents is not None else document_index(answerer.retriever)
    feedback = FeedbackStore(settings.feedback_path)
    export_dir = Path(tempfile.gettempdir()) / "tanya-peksos-export"
    engines = [(ENGINE_LABELS.get(e, e), e) for e in answerer.engines()]

    def respond(message: str, chat: list, turns: list, engine: str, k: int, scope: str | None = None):
        # Outputs that do not change are yielded as they are, not as gr.skip(): in Gradio 6.31 every skip
        # registers a new component in the session's config, which then grows with every question.
        shown = sources_html(turns, documents)
        saved = turns[-1].get("export") if turns else None
        saved = saved if saved and Path(saved).is_file() else None
        question = (message or "").strip()
        if not question:
            gr.Warning("Silakan tulis pertanyaan terlebih dahulu.")
            yield chat, turns, shown, message, saved
            return
        history = [t["question"] for t in turns]
        chat = chat + [{"role": "user", "content": esc(question)}, {"role": "assistant", "content": "…"}]
        yield chat, turns, shown, "", saved
        final: Answer | None = None
        partial = ""
        try:
            current = live.current  # one generation for the whole answer, even if a reload happens meanwhile
            for event in current.stream(question, history, engine=engine, top_k=int(k), scope=scope_from_choice(scope)):
                if isinstance(event, str):
                    partial += event
                    chat[-1] = {"role": "assistant", "content": esc(partial) + " ▌"}
                    yield chat, turns, shown, "", saved
                else:
                    final = event
        except RagError as err:
            chat[-1] = {"role": "assistant", "content": f"Maaf, terjadi masalah: {esc(str(err))}"}
            yield chat, turns, shown, "", saved
            return
        except Exception:
            log.exception("answer failed")
            chat[-1] = {
                "role": "assistant",
                "content": "Maaf, terjadi kesalahan saat menyusun jawaban. Silakan coba lagi.",
            }
            yield chat, turns, shown, "", saved
            return
        turn_id = (turns[-1]["id"] + 1) if turns else 0
        turns = (turns + [{"id": turn_id, "question": final.question or question, "answer": final}])[-MAX_TURNS:]
        chat = chat[-2 * MAX_TURNS :]
        t = turn_id
        if final.engine == "extractive" or final.fallback_reason or final.abstained:
            # Reveal the extractive answer progressively, sentence by sentence.
            text = answer_markdown(final, t)
            pieces = text.split("\n")
            for i in range(1, len(pieces)):
                chat[-1] = {"role": "assistant", "content": "\n".join(pieces[:i])}
                yield chat, turns, shown, "", saved
        chat[-1] = {"role": "assistant", "content": answer_markdown(final, t)}
        turns[-1]["export"] = export(turns)
        yield chat, turns, sources_html(turns, documents), "", turns[-1]["export"]

    def export(turns: list) -> str | None:
        if not turns:
            return None
        export_dir.mkdir(parents=True, exist_ok=True)
        path = export_dir / f"percakapan-tanya-peksos-{uuid.uuid4().hex[:8]}.md"
        path.write_text(conversation_markdown(turns, documents), encoding="utf-8")
        prune_exports(export_dir, settings.session_idle_minutes * 60)
        return str(path)

    def new_chat():
        return [], [], sources_html([], documents), "", None

    def on_feedback(turns: list, shown: str, data: gr.LikeData):
        idx = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        t = int(idx) // 2
        if not 0 <= t < len(turns):
            # The note as it is, not gr.skip(): a skip rebuilds the component in the session's config
            # from its constructor and drops the note shown (Gradio 6.31).
            return shown
        ans: Answer = turns[t]["answer"]
        liked = data.liked
        rating = "naik" if liked is True else "turun" if liked is False else "turun"
        reason = liked if isinstance(liked, str) else None
        feedback.add(
            turns[t]["question"], ans.text, rating, reason, ans.engine, [c.chunk.chunk_id for c in ans.citations]
        )
        return "Terima kasih, umpan balik Anda tersimpan." + (f" (alasan: {reason})" if reason else "")

    on_feedback.__annotations__["data"] = gr.LikeData  # resolved type, so Gradio injects the event data

    # Gradio's copies of the exports are deleted hourly once as old as the longest a session is kept.
    cache_age = int(settings.session_idle_minutes * 60)
    with gr.Blocks(title="Tanya Peksos", analytics_enabled=False, delete_cache=(3600, cache_age)) as demo:
        turns = gr.State([], time_to_live=6 * 3600)
        gr.HTML(
            "<div id='header'><h1>Tanya Peksos</h1><p>Tanya jawab tentang pekerjaan sosial dari peraturan dan "
            "artikel yang tersedia (daftarnya di panel Sumber dan tab Dokumen). "
            "Setiap jawaban menunjuk bagian sumbernya: klik nomor [n] untuk memeriksanya.</p></div>"
        )
        with gr.Tabs():
            with gr.Tab("Tanya", id="tanya"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            label="Percakapan",
                            height=560,
                            buttons=["copy"],
                            elem_id="chat",
                            feedback_options=["Like", "Dislike", *FEEDBACK_REASONS],
                            placeholder="<b>Selamat datang!</b><br>Tulis pertanyaan tentang pekerjaan sosial, "
                            "atau pilih salah satu contoh di bawah.",
                        )
                        with gr.Row():
                            box = gr.Textbox(
                                placeholder="Tulis pertanyaan Anda…",
                                show_label=False,
                                scale=6,
                                max_lines=4,
                                elem_id="question",
                                autofocus=True,
                            )
                            send = gr.Button("Kirim", variant="primary", scale=1, elem_id="send")
                        scope = gr.Dropdown(scope_choices(documents), value="semua", label="Cari di", elem_id="scope")
                        gr.Examples(EXAMPLES, inputs=box, label="Contoh pertanyaan")
                        with gr.Row():
                            new = gr.Button("Percakapan baru", size="sm")
                            download = gr.DownloadButton("Unduh percakapan (.md)", size="sm", value=None)
                        note = gr.Markdown(elem_id="feedback-note")
                        with gr.Accordion("Pengaturan", open=False):
                            engine = gr.Dropdown(engines, value="extractive", label="Mesin jawaban")
                            k = gr.Slider(3, 10, value=settings.top_k, step=1, label="Jumlah bagian sumber")
                    with gr.Column(scale=2):
                        gr.Markdown("### Sumber")
                        sources = gr.HTML(sources_html([], documents), elem_id="sources")
            with gr.Tab("Dokumen", id="dokumen"):
                documents_tab(demo, settings, live, documents, scope)
        outputs = [chatbot, turns, sources, box, download]
        inputs = [box, chatbot, turns, engine, k, scope]
        box.submit(respond, inputs, outputs, concurrency_limit=4, api_name="tanya")
        send.click(respond, inputs, outputs, concurrency_limit=4, api_name=False)
        new.click(new_chat, None, outputs, api_name=False)
        chatbot.like(on_feedback, [turns, note], [note], api_name=False)
    return demo


def launch_kwargs(settings: Settings) -> dict:
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "show_error": False,
        "css": CSS,
        "js": JS,
        "footer_links": [],
        "state_session_capacity": settings.max_sessions,
    }


def configure_gradio_env() -> None:
    """Before Gradio starts: no analytics, no hub, and per-event statistics kept for 500 events, not 10,000."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "500")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def build_parser(description: str = "Jalankan aplikasi Tanya Peksos.") -> argparse.ArgumentParser:
    """The app's options; serve.py adds the Chroma server's to them."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--host", help="alamat yang didengarkan, mis. 0.0.0.0 untuk jaringan kelas (bawaan 127.0.0.1)")
    p.add_argument("--port", type=int, help="port aplikasi (bawaan 7860)")
    p.add_argument("--index", type=Path, dest="index_dir")
    p.add_argument("--corpus", type=Path, dest="corpus_dir")
    p.add_argument("--no-ingest", action="store_true", help="jangan perbarui indeks saat mulai")
    return p


def configure_logging(*noisy: str) -> None:
    """The CLI entry points' logging: INFO from our code, warnings only from the HTTP libraries (and `noisy`)."""
    configure_gradio_env()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for name in ("httpx", "urllib3", *noisy):
        logging.getLogger(name).setLevel(logging.WARNING)


def open_answerer(settings: Settings, ingest: bool = True, where: str = ""):
    """Bring the index up to date (unless `ingest` is False) and open it; None after printing why it failed."""
    from rag.answer import Answerer
    from rag.errors import RagError
    from rag.prompts import check_prompts
    from rag.retrieve import Retriever

    if ingest:
        from ingest.pipeline import run_ingest

        print(f"Memeriksa indeks{where}…", flush=True)
        try:
            report = run_ingest(settings, show_progress=True)
        except RagError as err:
            print(f"Gagal memperbarui indeks: {err}", file=sys.stderr)
            return None
        for s in report.skipped:
            print(f"PERINGATAN: dilewati {s.path}: {s.reason}", file=sys.stderr)
        if not report.nothing_changed:
            print(f"Indeks diperbarui: {report.documents} dokumen, {report.chunks} potongan.", flush=True)
    try:
        check_prompts()
        return Answerer(settings, Retriever(settings))
    except RagError as err:
        print(f"Gagal membuka indeks: {err}", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()
    settings = Settings.from_env().replace(
        host=args.host, port=args.port, index_dir=args.index_dir, corpus_dir=args.corpus_dir
    )
    answerer = open_answerer(settings, ingest=not args.no_ingest)
    if answerer is None:
        return 1
    demo = build_app(settings, answerer)
    demo.queue(default_concurrency_limit=4, max_size=64)
    from ui.sessions import start_session_sweeper

    start_session_sweeper(demo, settings.session_idle_minutes)
    demo.launch(**launch_kwargs(settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
