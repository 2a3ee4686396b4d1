"""The Dokumen tab: read every source document; an admin adds (uploads) and removes documents.

Adding and removing are open when the app listens on a loopback address; on any other address they need
`Settings.admin_password` (without one the controls are not built and the handlers refuse). Asking is
always open. After a change the app's LiveAnswerer reloads the new generation, so a new document is
answerable at once and shows in the scope selector and the sources list.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import threading
from pathlib import Path

from rag.config import Settings
from rag.errors import RagError
from rag.types import Scope
from ui.render import document_markdown, document_meta_markdown, esc, short_locator

log = logging.getLogger(__name__)

KIND_LABELS = {"law": "Peraturan", "article": "Artikel"}
SCOPE_ALL = "semua"
UPLOAD_TYPES = [".pdf", ".docx", ".txt", ".md", ".html", ".htm"]
TABLE_HEADERS = ["Judul", "Jenis", "Id", "Potongan", "Asal"]


# ---------------------------------------------------------------------------- documents and scope


def document_index(retriever) -> dict[str, dict]:
    """source_id -> metadata (front matter, title, kind, path, upload) from the committed index."""
    out = {}
    for sid, d in retriever.generation.manifest.get("documents", {}).items():
        out[sid] = {
            **d.get("meta", {}),
            "title": d.get("title"),
            "kind": d.get("kind"),
            "path": d.get("path"),
            "chunks": d.get("chunks", 0),
            "upload": bool(d.get("upload")),
        }
    return out


def read_document(meta: dict) -> str:
    from ingest.load import load_document

    try:
        return load_document(Path(meta["path"])).text
    except (RagError, OSError, KeyError):
        return "_Teks dokumen tidak dapat dibaca._"


def _by_title(documents: dict[str, dict]) -> list[tuple[str, str]]:
    return sorted(((m.get("title") or sid, sid) for sid, m in documents.items()), key=lambda x: x[0].lower())


def scope_choices(documents: dict[str, dict]) -> list[tuple[str, str]]:
    """ "Semua sumber", "Peraturan", "Artikel", then each document by title."""
    return [("Semua sumber", SCOPE_ALL), ("Peraturan", "kind:law"), ("Artikel", "kind:article")] + [
        (title, f"doc:{sid}") for title, sid in _by_title(documents)
    ]


def scope_from_choice(value: str | None) -> Scope | None:
    """The selector's value as a Scope (None: every document)."""
    if not value or value == SCOPE_ALL:
        return None
    what, _, name = value.partition(":")
    if what == "kind":
        return Scope(kind=name)
    if what == "doc":
        return Scope(source_ids=(name,))
    return None


def documents_table(documents: dict[str, dict]) -> list[list]:
    rows = []
    for title, sid in _by_title(documents):
        m = documents[sid]
        kind = KIND_LABELS.get(m.get("kind"), m.get("kind") or "-")
        rows.append([title, kind, sid, int(m.get("chunks") or 0), "unggahan" if m.get("upload") else "bawaan"])
    return rows


def removable(documents: dict[str, dict]) -> list[tuple[str, str]]:
    return [(title, sid) for title, sid in _by_title(documents) if documents[sid].get("upload")]


# ---------------------------------------------------------------------------- admin protection


def is_loopback(host: str) -> bool:
    if host in ("localhost", "127.0.0.1", "::1"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def admin_enabled(settings: Settings) -> bool:
    """Whether the add/remove controls exist at all."""
    return is_loopback(settings.host) or bool(settings.admin_password)


def admin_refusal(settings: Settings, password: str | None) -> str | None:
    """None when the caller may add/remove documents, otherwise the Indonesian reason."""
    if is_loopback(settings.host):
        return None
    if not settings.admin_password:
        return (
            "Menambah dan menghapus dokumen dinonaktifkan: aplikasi terbuka di jaringan dan kata sandi admin "
            "(TANYA_ADMIN_PASSWORD) belum diatur."
        )
    given = (password or "").encode("utf-8")
    if not hmac.compare_digest(given, settings.admin_password.encode("utf-8")):
        return "Kata sandi admin salah."
    return None


# ---------------------------------------------------------------------------- actions


class DocumentActions:
    """Upload and remove, callable without a browser (the Gradio handlers are thin wrappers)."""

    def __init__(self, settings: Settings, live, documents: dict[str, dict]):
        self.settings = settings
        self.live = live
        self.documents = documents
        self.completion: threading.Thread | None = None
        """Embeds the vectors of the latest upload in the background, then reloads again."""

    def refresh(self) -> None:
        """Reload the committed generation and update the shared document metadata in place."""
        answerer = self.live.reload()
        fresh = document_index(answerer.retriever)
        self.documents.clear()
        self.documents.update(fresh)

    def upload(self, files: list, password: str | None = None, show_progress: bool = False) -> str:
        """Add `files` (paths or (path, name) pairs); Markdown saying, per file, what was recognised or why not."""
        from ingest.manage import add_documents

        refused = admin_refusal(self.settings, password)
        if refused:
            return f"**Ditolak** — {esc(refused)}"
        items = [_upload_item(f) for f in files or []]
        if not items:
            return "Pilih satu atau beberapa berkas (PDF, DOCX, TXT, MD, HTML) terlebih dahulu."
        embedder = self.live.current.retriever.embedder
        try:
            results, report = add_documents(
                self.settings, items, embedder=embedder, show_progress=show_progress, defer_vectors=True
            )
        except RagError as err:
            return f"**Gagal** — {esc(str(err))}"
        if report is not None:
            self.refresh()  # answerable now: BM25 and references; the passages a question reaches are embedded
            self.completion = threading.Thread(target=self._complete, name="complete-upload", daemon=True)
            self.completion.start()
        message = upload_report_markdown(results)
        if report is not None and report.lexical_only:
            message += (
                "\n\n_Pencarian makna (vektor) untuk dokumen baru sedang dilengkapi di latar belakang (±1 menit "
                "untuk 30 halaman); pertanyaan sudah bisa dijawab sekarang._"
            )
        return message

    def _complete(self) -> None:
        from ingest.manage import complete_documents

        try:
            if complete_documents(self.settings, embedder=self.live.current.retriever.embedder) is not None:
                self.refresh()
        except Exception:  # a thread's edge: the next ingest (or app start) completes them; answers work meanwhile
            log.exception("vectors of an upload not completed")

    def remove(self, source_id: str | None, password: str | None = None) -> str:
        from ingest.manage import remove_document

        refused = admin_refusal(self.settings, password)
        if refused:
            return f"**Ditolak** — {esc(refused)}"
        if not source_id:
            return "Pilih dokumen yang akan dihapus."
        try:
            title = remove_document(self.settings, source_id, embedder=self.live.current.retriever.embedder)
        except RagError as err:
            return f"**Gagal** — {esc(str(err))}"
        self.refresh()
        return f"Dokumen **{esc(title)}** dihapus dari indeks dan tidak lagi dipakai untuk menjawab."


def _upload_item(f) -> tuple[Path, str]:
    """A Gradio upload (a temp path whose last part is the client's file name) or a (path, name) pair."""
    if isinstance(f, tuple):
        return Path(f[0]), str(f[1])
    path = Path(getattr(f, "name", f))
    return path, getattr(f, "orig_name", None) or path.name


def upload_report_markdown(results) -> str:
    lines = []
    for r in results:
        if not r.ok:
            lines.append(f"- **Ditolak** — {esc(r.error)}")
            continue
        kind = KIND_LABELS.get(r.kind, r.kind)
        # Locators start with the document's name ("UU Contoh Pasal 7"); the title is shown once already.
        locs = "; ".join(esc(short_locator(loc, r.title)) for loc in r.locators)
        more = " …" if r.chunks > len(r.locators) else ""
        lines.append(
            f"- **Berhasil** — *{esc(r.title)}* (`{esc(r.source_id)}`): {kind}, {r.chunks} bagian "
            f"({locs}{more}). Sudah bisa ditanyakan."
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------- the tab


def documents_tab(demo, settings: Settings, live, documents: dict[str, dict], scope=None) -> None:
    """Build the Dokumen tab's content inside the current `gr.Tab`; `scope` is the chat's scope selector."""
    import gradio as gr

    actions = DocumentActions(settings, live, documents)
    admin = admin_enabled(settings)
    choices = _by_title(documents)
    gr.Markdown(
        "Dokumen yang dipakai untuk menjawab. Dokumen *bawaan* berasal dari folder korpus; dokumen *unggahan* "
        "ditambahkan di sini atau dengan `python -m ingest add` dan bisa dihapus."
    )
    table = gr.Dataframe(
        documents_table(documents),
        headers=TABLE_HEADERS,
        label="Dokumen di indeks",
        interactive=False,
        elem_id="doc-table",
        wrap=True,
        column_widths=["42%", "11%", "27%", "10%", "10%"],
    )
    outputs = [table]
    if admin:
        with gr.Row(equal_height=False):
            with gr.Column():
                gr.Markdown("### Tambah dokumen")
                gr.Markdown(
                    f"Satu atau beberapa berkas, masing-masing paling besar {settings.max_upload_bytes // 2**20} MB. "
                    "PDF harus memiliki lapisan teks (bukan hasil pindaian)."
                )
                password = gr.Textbox(
                    label="Kata sandi admin",
                    type="password",
                    visible=not is_loopback(settings.host),
                    elem_id="admin-password",
                )
                files = gr.File(
                    label="Berkas PDF, DOCX, TXT, MD, atau HTML",
                    file_count="multiple",
                    file_types=UPLOAD_TYPES,
                    elem_id="upload-files",
                )
                add = gr.Button("Unggah dan masukkan ke indeks", variant="primary", elem_id="upload-button")
                added = gr.Markdown(elem_id="upload-result")
            with gr.Column():
                gr.Markdown("### Hapus dokumen unggahan")
                to_remove = gr.Dropdown(removable(documents), label="Dokumen", value=None, elem_id="remove-pick")
                remove = gr.Button("Hapus dari indeks", variant="stop", elem_id="remove-button")
                removed = gr.Markdown(elem_id="remove-result")
        outputs.append(to_remove)
    else:
        gr.Markdown(
            "*Menambah dan menghapus dokumen dinonaktifkan: aplikasi terbuka di jaringan tanpa kata sandi admin "
            "(atur `TANYA_ADMIN_PASSWORD`).*"
        )
    gr.Markdown("### Baca dokumen")
    pick = gr.Dropdown(choices, value=choices[0][1] if choices else None, label="Dokumen", elem_id="read-pick")
    meta_md = gr.Markdown()
    text_md = gr.Markdown(elem_id="document-text")
    outputs.append(pick)
    if scope is not None:
        outputs.append(scope)

    def lists(keep_pick=None, keep_scope=None):
        """Fresh document lists for the table and every selector (values kept where still valid)."""
        docs = _by_title(documents)
        out = [documents_table(documents)]
        if admin:
            out.append(gr.update(choices=removable(documents), value=None))
        ids = {sid for _, sid in docs}
        out.append(gr.update(choices=docs, value=keep_pick if keep_pick in ids else (docs[0][1] if docs else None)))
        if scope is not None:
            values = {v for _, v in scope_choices(documents)}
            out.append(
                gr.update(choices=scope_choices(documents), value=keep_scope if keep_scope in values else SCOPE_ALL)
            )
        return out

    def show_document(source_id: str):
        meta = documents.get(source_id)
        if not meta:
            return "", ""
        return document_meta_markdown(meta), document_markdown(read_document(meta))

    tracker = gr.Progress(track_tqdm=True)  # shows the ingest's embedding bar (tqdm) in the page

    def on_upload(file_list, pw, current_pick, current_scope, progress=tracker):
        progress(0.0, desc="Memeriksa berkas…")
        message = actions.upload(file_list, pw, show_progress=True)
        return [message, None, *lists(current_pick, current_scope)]

    def on_remove(source_id, pw, current_pick, current_scope):
        message = actions.remove(source_id, pw)
        return [message, *lists(current_pick, current_scope)]

    keep = [pick] + ([scope] if scope is not None else [gr.State(None)])
    if admin:
        add.click(on_upload, [files, password, *keep], [added, files, *outputs], api_name=False)
        remove.click(on_remove, [to_remove, password, *keep], [removed, *outputs], api_name=False)
    pick.change(show_document, [pick], [meta_md, text_md], api_name=False)
    demo.load(show_document, [pick], [meta_md, text_md], api_name=False)
    demo.load(lambda p, s: lists(p, s), keep, outputs, api_name=False)
