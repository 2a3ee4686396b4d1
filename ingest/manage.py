"""Adding and removing documents: uploads are checked, stored under a safe name in uploads_dir, and ingested.

Used by `python -m ingest add/remove/list` and by the app's Dokumen tab. Every change is one ingest run,
which commits a new generation atomically: a file that cannot be used, or an ingest that fails half-way,
leaves the index (and uploads_dir) as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import re
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.load import SUFFIXES, file_hash, load_document, slugify
from ingest.pipeline import IngestReport, is_upload, run_ingest
from rag.config import Settings
from rag.embed import Embedder
from rag.errors import CorpusFileError, RagError
from rag.store import load_generation, read_manifest

log = logging.getLogger(__name__)

PREVIEW_LOCATORS = 5
"""Locators of a newly added document shown back to the person who added it."""
_THREAD_LOCK = threading.Lock()


class DocumentError(RagError):
    """A document cannot be added or removed; the message (Indonesian) says why and what to do."""


@dataclass(frozen=True)
class AddResult:
    """One file of an upload: what the index now holds for it, or why it was refused."""

    name: str
    """The file's name as given (for display only; never used as a path)."""
    source_id: str = ""
    title: str = ""
    kind: str = ""
    chunks: int = 0
    locators: tuple[str, ...] = ()
    """The first locators of the document, read back from the committed index."""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@contextlib.contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """One change at a time: across threads of the app and across processes (the CLI beside the app)."""
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    with _THREAD_LOCK, open(settings.index_dir / "ingest.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def safe_name(name: str) -> str:
    """A file name that is safe to create in uploads_dir: no directories, ASCII slug, known suffix kept.

    "../../x.txt" -> "x.txt"; "Undang Undang (final).PDF" -> "undang-undang-final.pdf".
    """
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    stem = slugify(stem)[:80].strip("-") or "dokumen"
    if stem.upper() == "README":  # the loader ignores README files
        stem = "readme-dokumen"
    suffix = re.sub(r"[^a-z0-9]", "", suffix.lower())
    return f"{stem}.{suffix}" if suffix else stem


def list_documents(settings: Settings) -> list[dict]:
    """Documents of the committed index: id, kind, title, chunks, and whether it was uploaded."""
    manifest = read_manifest(settings.index_dir) or {}
    out = []
    for sid, d in manifest.get("documents", {}).items():
        upload = bool(d.get("upload")) or is_upload(settings, d.get("path", ""))
        out.append(
            {"id": sid, "kind": d.get("kind"), "title": d.get("title"), "chunks": d.get("chunks", 0), "upload": upload}
        )
    return out


def add_documents(
    settings: Settings,
    files: list[Path | tuple[Path, str]],
    embedder: Embedder | None = None,
    show_progress: bool = False,
    defer_sentences: bool = False,
    defer_vectors: bool = False,
) -> tuple[list[AddResult], IngestReport | None]:
    """Check, store and ingest `files` (a path, or a path with the name its owner gave it).

    With `defer_sentences` the documents are answerable after their chunk vectors are embedded, with
    `defer_vectors` before any vector is (BM25 at once, the passages a question reaches embedded on demand);
    call complete_documents() afterwards for the vectors left out (see run_ingest).

    Files that cannot be used get an AddResult with an Indonesian `error` and are not stored. When the
    ingest itself fails, the stored files are taken back and DocumentError is raised: the index is unchanged.
    """
    with ingest_lock(settings):
        manifest = read_manifest(settings.index_dir) or {}
        known = {d["hash"]: d.get("title") or sid for sid, d in manifest.get("documents", {}).items()}
        ids = set(manifest.get("documents", {}))
        uploads = settings.uploads_dir
        if uploads.is_dir():
            for p in uploads.iterdir():
                if p.is_file() and not p.name.startswith("."):
                    known.setdefault(file_hash(p), p.name)
        results: list[AddResult | None] = []
        staged: list[tuple[int, Path]] = []
        stage_dir = Path(tempfile.mkdtemp(prefix="tanya-upload-"))
        try:
            for item in files:
                src, given = (item, item.name) if isinstance(item, Path) else (Path(item[0]), item[1])
                try:
                    path = _stage(settings, src, given, stage_dir, known, ids)
                except DocumentError as err:
                    results.append(AddResult(given, error=str(err)))
                    continue
                staged.append((len(results), path))
                results.append(None)
            if not staged:
                return [r for r in results if r is not None], None
            uploads.mkdir(parents=True, exist_ok=True)
            stored: list[tuple[int, Path]] = []
            for i, path in staged:
                target = uploads / path.name
                shutil.move(str(path), target)
                stored.append((i, target))
            try:
                report = run_ingest(
                    settings,
                    show_progress=show_progress,
                    embedder=embedder,
                    defer_sentences=defer_sentences,
                    defer_vectors=defer_vectors,
                )
            except Exception as err:  # an embedder or store failure: take the files back, index unchanged
                for _, target in stored:
                    target.unlink(missing_ok=True)
                log.warning("ingest of uploads failed: %s: %s", err.__class__.__name__, err)
                raise DocumentError(
                    f"Dokumen gagal dimasukkan ke indeks ({err}); indeks tidak berubah. Silakan coba lagi."
                ) from err
        finally:
            shutil.rmtree(stage_dir, ignore_errors=True)
        gen = load_generation(settings)
        by_path = {str(Path(d["path"]).resolve()): sid for sid, d in gen.manifest["documents"].items()}
        skipped = {str(Path(s.path).resolve()): s.reason for s in report.skipped}
        for i, target in stored:
            key = str(target.resolve())
            sid = by_path.get(key)
            if sid is None:  # loaded at staging but skipped by ingest (e.g. a twin of a corpus document)
                target.unlink(missing_ok=True)
                results[i] = AddResult(_given(files[i]), error=skipped.get(key, f"{target.name}: tidak dimasukkan"))
                continue
            d = gen.manifest["documents"][sid]
            locs = [c.locator for c in gen.chunks if c.source_id == sid]
            results[i] = AddResult(
                _given(files[i]), sid, d.get("title", ""), d.get("kind", ""), len(locs), tuple(locs[:PREVIEW_LOCATORS])
            )
        return [r for r in results if r is not None], report


def complete_documents(settings: Settings, embedder: Embedder | None = None) -> IngestReport | None:
    """Embed the vectors an upload deferred (a new generation); None when none are pending."""
    with ingest_lock(settings):
        manifest = read_manifest(settings.index_dir) or {}
        if not any(d.get("sentences_pending") for d in manifest.get("documents", {}).values()):
            return None
        return run_ingest(settings, show_progress=False, embedder=embedder)


def _given(item) -> str:
    return item.name if isinstance(item, Path) else item[1]


def _stage(settings: Settings, src: Path, given: str, stage_dir: Path, known: dict, ids: set[str]) -> Path:
    """Check one file and copy it into `stage_dir` under a safe, unused name; DocumentError when unusable."""
    shown = Path(re.split(r"[\\/]", given or "")[-1] or "berkas").name
    name = safe_name(given)
    suffix = Path(name).suffix
    if suffix not in SUFFIXES:
        kinds = ", ".join(sorted(s.lstrip(".").upper() for s in SUFFIXES))
        raise DocumentError(f"{shown}: jenis berkas tidak didukung ({suffix or 'tanpa ekstensi'}); pilih {kinds}.")
    try:
        size = src.stat().st_size
    except OSError:
        raise DocumentError(f"{shown}: berkas tidak ditemukan atau tidak bisa dibaca.") from None
    if size > settings.max_upload_bytes:
        limit = _size(settings.max_upload_bytes)
        raise DocumentError(
            f"{shown}: berkas terlalu besar ({_size(size)}; batas {limit}). Pecah atau ringkas berkasnya."
        )
    digest = file_hash(src)
    if digest in known:
        raise DocumentError(f"{shown}: berkas yang sama sudah ada ({known[digest]}); tidak dimasukkan ulang.")
    if suffix == ".pdf":
        _check_pdf(src, shown)
    stem, n = Path(name).stem, 0
    while (settings.uploads_dir / name).exists() or (stage_dir / name).exists():
        n += 1
        name = f"{stem}-{digest[:6]}{'-' + str(n) if n > 1 else ''}{suffix}"
    staged = stage_dir / name
    shutil.copyfile(src, staged)
    try:
        doc = load_document(staged)
    except CorpusFileError as err:
        staged.unlink(missing_ok=True)
        raise DocumentError(str(err).replace(staged.name, shown, 1)) from None
    if doc.source_id in ids:
        if doc.meta.get("id"):
            staged.unlink(missing_ok=True)
            raise DocumentError(f"{shown}: id '{doc.source_id}' sudah dipakai dokumen lain; ganti id di front matter.")
        renamed = staged.with_name(f"{staged.stem}-{digest[:6]}{suffix}")
        staged.rename(renamed)
        staged, doc = renamed, load_document(renamed)
    known[digest] = doc.title or shown
    ids.add(doc.source_id)
    return staged


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{max(n // 1024, 1)} KB"


def _check_pdf(src: Path, shown: str) -> None:
    """Clear messages for the two PDFs people most often upload by mistake: locked and scanned."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(src)
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("password")
        text = "".join((page.extract_text() or "") for page in reader.pages[:50])
    except FileNotDecryptedError:
        raise DocumentError(
            f"{shown}: PDF dilindungi kata sandi. Buka kuncinya (simpan ulang tanpa kata sandi), lalu unggah lagi."
        ) from None
    except (PdfReadError, ValueError, KeyError, OSError) as err:
        raise DocumentError(f"{shown}: PDF rusak atau tidak bisa dibaca ({err.__class__.__name__}).") from None
    if not text.strip():
        raise DocumentError(
            f"{shown}: PDF tidak memiliki lapisan teks (hasil pindaian/gambar). "
            "Jalankan OCR terlebih dahulu, lalu unggah PDF yang teksnya bisa dipilih."
        )


def remove_document(settings: Settings, source_id: str, embedder: Embedder | None = None) -> str:
    """Remove an uploaded document from the index (a new generation without it) and from uploads_dir.

    Returns its title. Documents of the curated corpus are refused (their files belong to the repository).
    """
    with ingest_lock(settings):
        manifest = read_manifest(settings.index_dir) or {}
        doc = manifest.get("documents", {}).get(source_id)
        if doc is None:
            raise DocumentError(f"Tidak ada dokumen dengan id '{source_id}'. Lihat `python -m ingest list`.")
        title = doc.get("title") or source_id
        path = Path(doc.get("path", ""))
        if not (doc.get("upload") or is_upload(settings, path)):
            raise DocumentError(
                f"'{title}' adalah bagian dari korpus bawaan ({settings.corpus_dir}); hanya dokumen unggahan yang "
                "bisa dihapus di sini. Hapus berkasnya dari folder korpus lalu jalankan `python -m ingest`."
            )
        aside = path.with_name(f".removing-{path.name}")
        if path.is_file():
            path.rename(aside)  # hidden names are not loaded; put back if the ingest fails
        try:
            run_ingest(settings, show_progress=False, embedder=embedder)
        except Exception as err:
            if aside.exists():
                aside.rename(path)
            raise DocumentError(f"Dokumen gagal dihapus ({err}); indeks tidak berubah.") from err
        aside.unlink(missing_ok=True)
        return title
