"""Load stage: files in the corpus folder -> Document objects, with bad files reported, not fatal."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ingest.legal_clean import has_markdown_structure, normalise_layout
from ingest.regulation import may_open_with_heading, parse_heading, recognise
from rag.errors import CorpusFileError
from rag.types import Document

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
SUFFIXES = TEXT_SUFFIXES | {".pdf", ".docx", ".html", ".htm"}
MAX_BYTES = 5 * 1024 * 1024
"""Larger files are skipped with a warning: 5 MB of text is ~700k words, hours of embedding on 2 cores."""
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Candidate files, sorted; hidden files and README files are ignored."""
    if not corpus_dir.is_dir():
        return []
    return sorted(
        p for p in corpus_dir.rglob("*") if p.is_file() and not p.name.startswith(".") and p.stem.upper() != "README"
    )


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "dokumen"


def load_document(path: Path) -> Document:
    """Read one file; raises CorpusFileError (naming the file) when it cannot be used."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise CorpusFileError(f"{path.name}: jenis berkas tidak didukung ({suffix or 'tanpa ekstensi'})")
    size = path.stat().st_size
    if size > MAX_BYTES:  # checked before reading: a huge file is never loaded into memory
        raise CorpusFileError(
            f"{path.name}: berkas terlalu besar ({size / 2**20:.0f} MB; batas {MAX_BYTES // 2**20} MB)"
        )
    data = path.read_bytes()
    if not data.strip():
        raise CorpusFileError(f"{path.name}: berkas kosong")
    if suffix in TEXT_SUFFIXES:
        return _load_text(path, data)
    if suffix == ".pdf":
        return _load_pdf(path, data)
    if suffix == ".docx":
        return _load_docx(path, data)
    return _load_html(path, data)


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise CorpusFileError(f"{path.name}: berkas biner, bukan teks")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise CorpusFileError(
            f"{path.name}: bukan teks UTF-8 (byte tak terbaca di posisi {err.start}); simpan ulang sebagai UTF-8"
        ) from None


def _load_text(path: Path, data: bytes) -> Document:
    raw = _decode(path, data).replace("\r\n", "\n")
    meta: dict = {}
    body = raw
    m = _FRONT.match(raw)
    if m:
        try:
            meta = yaml.safe_load(m.group(1)) or {}
        except yaml.YAMLError as err:
            raise CorpusFileError(f"{path.name}: front matter YAML rusak ({err.__class__.__name__})") from None
        if not isinstance(meta, dict):
            raise CorpusFileError(f"{path.name}: front matter harus berisi pasangan kunci: nilai")
        body = raw[m.end() :]
    elif raw.startswith("---\n"):
        raise CorpusFileError(f"{path.name}: front matter tidak ditutup dengan '---'")
    return _document(path, body, meta, front_matter=bool(m), pages=body.split("\f"))


def _document(
    path: Path, body: str, meta: dict, front_matter: bool = False, pages: list[str] | None = None
) -> Document:
    """`meta` is the front matter (front_matter=True) or what the file format says (PDF/DOCX/HTML properties)."""
    body = body.replace("\u00a0", " ")
    if not body.strip():
        raise CorpusFileError(f"{path.name}: tidak ada teks yang bisa dibaca")
    meta = {str(k): v for k, v in meta.items()}
    body, meta = _as_regulation(body, meta, pages or [body], front_matter)
    if meta.get("kind", "article") == "article":
        meta = {**_article_meta(body), **meta}
    source_id = str(meta.get("id") or slugify(path.stem))
    title = str(meta.get("title") or _first_title(body) or path.stem)
    kind = str(meta.get("kind") or "article")
    return Document(source_id=source_id, title=title, text=body, kind=kind, meta=meta, path=str(path))


def _as_regulation(body: str, meta: dict, pages: list[str], front_matter: bool) -> tuple[str, dict]:
    """A regulation recognised by its heading: text cleaned of layout artefacts, metadata filled in.

    Front matter wins (its id, title, short, kind are kept); what it lacks of jenis, nomor, tahun,
    tentang, short and aliases comes from the heading (or, failing that, the front matter title).
    Front matter saying kind: article turns recognition off.
    """
    kind = str(meta.get("kind") or "")
    if kind and kind != "law":
        return body, meta
    if kind != "law" and not may_open_with_heading(body):
        return body, meta
    text = body if has_markdown_structure(body) else normalise_layout(pages)
    info = recognise(text)
    if info is None and kind == "law":
        info = parse_heading(str(meta.get("title") or ""))
    if info is None:
        return (text, meta) if kind == "law" else (body, meta)
    own_aliases = "aliases" in meta
    if not front_matter:
        meta = {k: v for k, v in meta.items() if k != "title"}  # PDF/DOCX properties: the heading is better
    names = [str(meta[k]) for k in ("short", "title") if meta.get(k)]
    meta = {**info.meta(), "title": info.title, "id": info.slug, **meta, "kind": "law"}
    if not own_aliases:
        meta["aliases"] = list(dict.fromkeys([*info.aliases, *names]))
    return text, meta


_AUTHOR = re.compile(r"^(?:Oleh|Penulis|Ditulis oleh|Author|By)\s*:?\s+(\S.{1,60}?)\s*$", re.I)
_MONTHS = "januari februari maret april mei juni juli agustus september oktober november desember".split()
_DATE_ID = re.compile(r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+((?:19|20)\d\d)\b", re.I)
_DATE_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")


def _article_meta(body: str) -> dict:
    """Author ("Oleh: ...", "Penulis: ...") and date ("12 Maret 2021", "2021-03-12") from the first lines."""
    out: dict = {}
    for line in [ln.strip().lstrip("#").strip() for ln in body.splitlines() if ln.strip()][:12]:
        if len(line.split()) > 15:
            continue  # prose, not a byline
        m = _AUTHOR.match(line)
        if m and "author" not in out:
            out["author"] = m.group(1).rstrip(" ,.")
        m = _DATE_ID.search(line)
        if m and "published" not in out:
            month = _MONTHS.index(m.group(2).lower()) + 1
            out["published"] = f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}"
        m = _DATE_ISO.search(line)
        if m and "published" not in out:
            out["published"] = m.group(0)
    return out


def _first_title(body: str) -> str:
    """The first Markdown heading among the opening lines, else the first line."""
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
    for line in lines[:5]:
        if line.startswith("#"):
            return line.lstrip("#").strip()[:120]
    return lines[0].lstrip("#").strip()[:120] if lines else ""


def _load_pdf(path: Path, data: bytes) -> Document:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        info = reader.metadata or {}
    except (PdfReadError, ValueError, KeyError) as err:
        raise CorpusFileError(f"{path.name}: PDF tidak bisa dibaca ({err.__class__.__name__})") from None
    meta = {"title": getattr(info, "title", None) or None, "author": getattr(info, "author", None) or None}
    body = "\n\n".join(p for p in pages if p)
    return _document(path, body, {k: v for k, v in meta.items() if v}, pages=pages)


def _load_docx(path: Path, data: bytes) -> Document:
    import io
    import zipfile

    import docx

    try:
        d = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise CorpusFileError(f"{path.name}: DOCX tidak bisa dibaca ({err.__class__.__name__})") from None
    blocks = []
    for para in d.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name or "").lower() if para.style is not None else ""
        if style.startswith("heading"):
            level = int(style.split()[-1]) if style.split()[-1].isdigit() else 2
            text = "#" * min(level + 1, 4) + " " + text
        elif style == "title":
            continue
        blocks.append(text)
    props = d.core_properties
    meta = {"title": props.title or None, "author": props.author or None}
    return _document(path, "\n\n".join(blocks), {k: v for k, v in meta.items() if v})


def _load_html(path: Path, data: bytes) -> Document:
    import trafilatura

    html = data.decode("utf-8", errors="replace")
    body = trafilatura.extract(html, output_format="markdown", include_comments=False, include_tables=True)
    if not body:
        raise CorpusFileError(f"{path.name}: tidak ada teks utama di halaman HTML")
    meta_obj = trafilatura.extract_metadata(html)
    meta = {}
    if meta_obj is not None:
        for key in ("title", "author", "date", "url", "sitename"):
            value = getattr(meta_obj, key, None)
            if value:
                meta["published" if key == "date" else "publisher" if key == "sitename" else key] = value
    # Paragraphs separated by blank lines, as in the Markdown corpus.
    body = re.sub(r"\n(?!\n)", "\n\n", body)
    return _document(path, body, meta)


def _has_front_matter(path: Path) -> bool:
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return False
    with path.open("rb") as f:
        return f.read(5).lstrip(b"\xef\xbb\xbf").startswith(b"---")


def load_documents(corpus_dir: Path) -> tuple[list[tuple[Document, str]], list[Skipped]]:
    """All usable documents with their file hash, and the files skipped with a reason."""
    docs: list[tuple[Document, str]] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}
    for path in corpus_files(corpus_dir):
        try:
            doc = load_document(path)
        except CorpusFileError as err:
            log.warning("skipped %s: %s", path, err)
            skipped.append(Skipped(str(path), str(err)))
            continue
        except OSError as err:
            skipped.append(Skipped(str(path), f"{path.name}: tidak bisa dibaca ({err.strerror})"))
            continue
        digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        if doc.source_id in seen or digest in seen.values():
            twin = next((sid for sid, h in seen.items() if h == digest or sid == doc.source_id), "")
            i = next(k for k, (d, _) in enumerate(docs) if d.source_id == twin)
            kept, drop = Path(docs[i][0].path), path
            if _has_front_matter(path) and not _has_front_matter(kept):
                # A curated copy (front matter: publisher, url, revoked parts) beats a raw copy of the same text.
                kept, drop = path, kept
                docs[i] = (doc, file_hash(path))
                del seen[twin]
                seen[doc.source_id] = digest
            reason = f"{drop.name}: isi atau id sama dengan dokumen '{twin}' dari {kept.name}; dilewati"
            log.warning("skipped %s: %s", drop, reason)
            skipped.append(Skipped(str(drop), reason))
            continue
        seen[doc.source_id] = digest
        docs.append((doc, file_hash(path)))
    return docs, skipped
