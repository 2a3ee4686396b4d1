"""Ingest: load -> clean -> chunk -> embed -> store, incremental and safe to kill at any point."""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest.chunk import chunk_document
from ingest.clean import clean_document
from ingest.load import Skipped, load_documents
from rag.catalogue import Catalogue
from rag.config import Settings
from rag.embed import Embedder, expected_model_id, make_embedder, sentence_embed_text
from rag.errors import RagError
from rag.store import (
    FORMAT_VERSION,
    Generation,
    chroma_client,
    chunk_to_record,
    commit_generation,
    generation_dir,
    get_collection,
    load_generation,
)
from rag.text import LEXICAL_VERSION, lexical_terms
from rag.types import Chunk, Document

log = logging.getLogger(__name__)

PRUNE_MARK = "PRUNE_PENDING"


@dataclass
class IngestReport:
    documents: int = 0
    chunks: int = 0
    sentences: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    embedded_texts: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    lexical_rebuilt: bool = False
    """Only the BM25 side was rebuilt (tokenisation changed); vectors were kept."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage (load, chunk, embed_chunks, embed_sentences, chroma, write, prune)."""
    completed: list[str] = field(default_factory=list)
    """Documents whose deferred sentence vectors were embedded in this run."""
    deferred: list[str] = field(default_factory=list)
    """Documents committed with stand-in sentence vectors (see run_ingest's defer_sentences)."""
    lexical_only: list[str] = field(default_factory=list)
    """Documents committed without any vector yet (see run_ingest's defer_vectors)."""

    @property
    def nothing_changed(self) -> bool:
        return not (
            self.added or self.changed or self.removed or self.rebuilt or self.lexical_rebuilt or self.completed
        )


class NothingToIngest(RagError):
    pass


SENTENCE_CONTEXT_VERSION = 3


def forget_chroma_clients() -> None:
    """Chroma caches one client per path; after its folder is deleted, the cached one must go too."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def index_config(settings: Settings) -> dict:
    """What an index depends on besides the documents: change any of it and the index is rebuilt."""
    return {
        "embed_backend": settings.embed_backend,
        "embed_model": expected_model_id(settings),
        "chunk_min_words": settings.chunk_min_words,
        "chunk_max_words": settings.chunk_max_words,
        "lexical_version": LEXICAL_VERSION,
        "chunker_version": 3,
        "sentence_context": SENTENCE_CONTEXT_VERSION,
        "collection": settings.collection,
        "chroma": f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else "embedded",
    }


def _previous(settings: Settings) -> Generation | None:
    try:
        gen = load_generation(settings)
    except RagError as err:
        log.info("no usable previous index (%s); building from scratch", err)
        return None
    have, want = dict(gen.manifest.get("config") or {}), index_config(settings)
    have.pop("lexical_version", None)
    lexical_only = {**want, "lexical_version": None} == {**have, "lexical_version": None}
    if not lexical_only:
        log.info("index settings changed; building from scratch")
        return None
    return gen


def _json_safe(meta: dict) -> dict:
    return json.loads(json.dumps(meta, default=str))


def _embed(embedder: Embedder, texts: list[str], batch: int, bar) -> np.ndarray:
    out = []
    for i in range(0, len(texts), batch):
        part = texts[i : i + batch]
        out.append(embedder.embed_passages(part))
        if bar is not None:
            bar.update(len(part))
    return np.vstack(out) if out else np.zeros((0, embedder.dim), dtype=np.float32)


def load_sources(settings: Settings) -> tuple[list[tuple[Document, str]], list[Skipped]]:
    """Documents of corpus_dir, then those uploaded to uploads_dir; an upload with the id or the content
    of a document already loaded is skipped with a reason."""
    docs, skipped = load_documents(settings.corpus_dir)
    uploads = settings.uploads_dir
    if not uploads.is_dir() or uploads.resolve() == settings.corpus_dir.resolve():
        return docs, skipped
    more, more_skipped = load_documents(uploads)
    skipped += more_skipped
    ids = {doc.source_id: doc.source_id for doc, _ in docs}
    ids.update({digest: doc.source_id for doc, digest in docs})
    for doc, digest in more:
        twin = ids.get(doc.source_id) or ids.get(digest)
        if twin:
            reason = f"{Path(doc.path).name}: isi atau id sama dengan dokumen '{twin}' yang sudah dimuat; dilewati"
            log.warning("skipped %s: %s", doc.path, reason)
            skipped.append(Skipped(doc.path, reason))
            continue
        ids[doc.source_id] = ids[digest] = doc.source_id
        docs.append((doc, digest))
    return docs, skipped


def is_upload(settings: Settings, path: str | Path) -> bool:
    """True for a file stored in uploads_dir (removable from the app and `python -m ingest remove`)."""
    try:
        return Path(path).resolve().is_relative_to(settings.uploads_dir.resolve())
    except (OSError, ValueError):
        return False


def run_ingest(
    settings: Settings,
    rebuild: bool = False,
    show_progress: bool = True,
    embedder: Embedder | None = None,
    defer_sentences: bool = False,
    defer_vectors: bool = False,
) -> IngestReport:
    """Bring the index up to date with corpus_dir and uploads_dir, committing one new generation.

    `defer_sentences`: new or changed documents get their chunk's vector as a stand-in for each sentence
    vector (dense, BM25 and a coarse sentence signal work at once, for about half the embedding time); the
    manifest marks them, and the next run without the flag embeds their real sentence vectors only.

    `defer_vectors`: new or changed documents are committed with no vector at all (not yet in Chroma, zero
    sentence rows), answerable at once through BM25, coverage and Pasal references; the retriever embeds
    the few passages a question reaches on demand (rag.retrieve). The manifest marks them `vectors_pending`
    and the next run without the flag embeds their chunk and sentence vectors.
    """
    defer_sentences = defer_sentences or defer_vectors
    t0 = time.perf_counter()
    report = IngestReport(rebuilt=rebuild)
    loaded, report.skipped = load_sources(settings)
    docs = [(clean_document(doc), digest) for doc, digest in loaded]
    tick = _Ticker(report.timings)
    tick("load")
    if not docs:
        raise NothingToIngest(f"Tidak ada dokumen yang bisa dimasukkan dari {settings.corpus_dir}.")
    index_dir = settings.index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    if rebuild:
        # Starting over must work even when the store is damaged (truncated sqlite, missing files).
        (index_dir / "CURRENT").unlink(missing_ok=True)
        shutil.rmtree(index_dir / "generations", ignore_errors=True)
        if not settings.chroma_host:
            shutil.rmtree(index_dir / "chroma", ignore_errors=True)
            forget_chroma_clients()

    old = None if rebuild else _previous(settings)
    old_docs: dict = old.manifest["documents"] if old else {}
    current = {doc.source_id: digest for doc, digest in docs}
    report.unchanged = [sid for sid, h in current.items() if old_docs.get(sid, {}).get("hash") == h]
    report.added = [sid for sid in current if sid not in old_docs]
    report.changed = [sid for sid in current if sid in old_docs and sid not in report.unchanged]
    report.removed = [sid for sid in old_docs if sid not in current]
    report.rebuilt = old is None
    prune_pending = (index_dir / PRUNE_MARK).exists()
    lexical_stale = old is not None and old.manifest["config"] != index_config(settings)
    report.lexical_rebuilt = lexical_stale
    pending = {sid for sid in report.unchanged if old_docs[sid].get("sentences_pending")}
    pending_vectors = {sid for sid in pending if old_docs[sid].get("vectors_pending")}
    report.completed = [] if defer_sentences else sorted(pending)

    if old is not None and not settings.chroma_host and not (index_dir / "chroma" / "chroma.sqlite3").exists():
        old, report.rebuilt = None, True  # the vector store vanished: its chunks must be embedded again
        forget_chroma_clients()
        report.unchanged, report.added = [], list(current)
    if old is not None and report.nothing_changed and not prune_pending and not lexical_stale:
        report.documents = len(docs)
        report.chunks = len(old.chunks)
        report.sentences = int(old.sentence_vectors.shape[0])
        report.seconds = time.perf_counter() - t0
        return report

    gen = new_generation_name()
    collection_name = old.manifest["collection"] if old else f"{settings.collection}-{gen}"
    client = chroma_client(settings)
    (index_dir / PRUNE_MARK).write_text(collection_name, encoding="utf-8")

    # Chunk what is new or changed; keep what is unchanged from the previous generation.
    todo: list[tuple[Document, list[Chunk]]] = []
    for doc, _ in docs:
        if doc.source_id not in report.unchanged:
            todo.append((doc, chunk_document(doc, settings.chunk_min_words, settings.chunk_max_words)))
    if defer_vectors:
        n_texts = 0
    else:
        n_texts = sum(
            len(chunks) + (0 if defer_sentences else sum(len(c.sentences) for c in chunks)) for _, chunks in todo
        )
    report.embedded_texts = n_texts
    tick("chunk")

    # A first build needs the embedder for the vector size, even when it commits lexical-only documents.
    embedder = embedder or (make_embedder(settings) if n_texts or report.completed or old is None else None)
    dim = embedder.dim if embedder else int(old.manifest["dim"])
    meta = {"embed_model": expected_model_id(settings), "embed_backend": settings.embed_backend, "dim": dim}
    collection = get_collection(client, collection_name, meta, create=True)

    bar = None
    if show_progress and n_texts:
        from tqdm import tqdm

        bar = tqdm(total=n_texts, desc="Embedding", unit="teks")
    fresh: dict[str, tuple[list[Chunk], np.ndarray]] = {}
    try:
        for doc, chunks in todo:
            tick()
            if defer_vectors:
                fresh[doc.source_id] = (chunks, np.zeros((sum(len(c.sentences) for c in chunks), dim), np.float32))
                report.lexical_only.append(doc.source_id)
                continue
            chunk_vecs = _embed(embedder, [c.embed_text for c in chunks], settings.embed_batch, bar)
            tick("embed_chunks")
            if defer_sentences:
                sent_vecs = np.repeat(chunk_vecs, [len(c.sentences) for c in chunks], axis=0)
                report.deferred.append(doc.source_id)
            else:
                sent_vecs = _embed(
                    embedder,
                    [sentence_embed_text(c, s) for c in chunks for s in c.sentences],
                    settings.embed_batch,
                    bar,
                )
            tick("embed_sentences")
            _upsert(collection, doc.kind, chunks, chunk_vecs)
            fresh[doc.source_id] = (chunks, sent_vecs)
            tick("chroma")
    finally:
        if bar is not None:
            bar.close()

    # Assemble the new generation in document order.
    all_chunks: list[Chunk] = []
    vec_parts: list[np.ndarray] = []
    documents: dict[str, dict] = {}
    for doc, digest in docs:
        sid = doc.source_id
        if sid in fresh:
            chunks, vecs = fresh[sid]
        else:
            idx = [i for i, c in enumerate(old.chunks) if c.source_id == sid]
            chunks = [old.chunks[i] for i in idx]
            rows = [
                r
                for i in idx
                for r in range(old.sentence_offsets[i], old.sentence_offsets[i] + len(old.chunks[i].sentences))
            ]
            vecs = old.sentence_vectors[rows]
            if sid in report.completed:  # stand-ins from a deferred run: embed the real sentence vectors now
                tick()
                if sid in pending_vectors:  # committed lexical only: its chunks are not in Chroma yet
                    chunk_vecs = _embed(embedder, [c.embed_text for c in chunks], settings.embed_batch, None)
                    report.embedded_texts += len(chunks)
                    tick("embed_chunks")
                    _upsert(collection, doc.kind, chunks, chunk_vecs)
                    tick("chroma")
                texts = [sentence_embed_text(c, s) for c in chunks for s in c.sentences]
                vecs = _embed(embedder, texts, settings.embed_batch, None)
                report.embedded_texts += len(texts)
                tick("embed_sentences")
        all_chunks += chunks
        vec_parts.append(vecs.reshape(-1, dim))
        documents[sid] = {
            "hash": digest,
            "path": doc.path,
            "title": doc.title,
            "kind": doc.kind,
            "upload": is_upload(settings, doc.path),
            "meta": _json_safe(doc.meta),
            "chunks": len(chunks),
        }
        if defer_sentences and (sid in fresh or sid in pending):
            documents[sid]["sentences_pending"] = True
        if defer_vectors and sid in fresh or defer_sentences and sid in pending_vectors:
            documents[sid]["vectors_pending"] = True
    sentence_vectors = np.vstack(vec_parts).astype(np.float32)

    tick()
    write_generation(settings, gen, collection_name, all_chunks, sentence_vectors, documents, dim)
    tick("write")
    _prune(client, collection, {c.chunk_id for c in all_chunks}, settings.collection, collection_name)
    (index_dir / PRUNE_MARK).unlink(missing_ok=True)
    tick("prune")

    report.documents = len(docs)
    report.chunks = len(all_chunks)
    report.sentences = int(sentence_vectors.shape[0])
    report.seconds = time.perf_counter() - t0
    return report


def _upsert(collection, kind: str, chunks: list[Chunk], vectors: np.ndarray) -> None:
    if not chunks:
        return
    collection.upsert(
        ids=[c.chunk_id for c in chunks],
        embeddings=vectors.tolist(),
        documents=[c.text for c in chunks],
        metadatas=[
            {
                "source_id": c.source_id,
                "kind": kind,
                "title": c.title,
                "locator": c.locator,
                "start": c.start,
                "end": c.end,
            }
            for c in chunks
        ],
    )


class _Ticker:
    """Adds the seconds since the last tick to a named stage (a tick without a name only restarts)."""

    def __init__(self, into: dict[str, float]):
        self.into, self.last = into, time.perf_counter()

    def __call__(self, stage: str | None = None) -> None:
        now = time.perf_counter()
        if stage:
            self.into[stage] = self.into.get(stage, 0.0) + now - self.last
        self.last = now


def write_generation(
    settings: Settings,
    gen: str,
    collection_name: str,
    chunks: list[Chunk],
    sentence_vectors: np.ndarray,
    documents: dict[str, dict],
    dim: int,
) -> None:
    """Write the side files of a generation (chunk table, BM25, sentence vectors, manifest) and commit it."""
    path = generation_dir(settings.index_dir, gen)
    path.mkdir(parents=True)
    with open(path / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(chunk_to_record(c), ensure_ascii=False) + "\n")
    np.save(path / "sentences.npy", sentence_vectors)
    _write_bm25(path / "bm25", chunks)
    manifest = {
        "format": FORMAT_VERSION,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "collection": collection_name,
        "embed_backend": settings.embed_backend,
        "embed_model": expected_model_id(settings),
        "dim": dim,
        "config": index_config(settings),
        "documents": documents,
        "catalogue": Catalogue.build(documents, chunks).to_json(),  # the regulations, read by rag.catalogue
        "n_chunks": len(chunks),
        "n_sentences": int(sentence_vectors.shape[0]),
    }
    (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    commit_generation(settings.index_dir, gen)


def new_generation_name() -> str:
    return dt.datetime.now(dt.UTC).strftime("g%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def _write_bm25(path: Path, chunks: list[Chunk]) -> None:
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    retriever = bm25s.BM25()
    retriever.index([lexical_terms(c.embed_text) for c in chunks], show_progress=False)
    retriever.save(str(path), show_progress=False)


def _prune(client, collection, keep: set[str], base: str, current: str) -> None:
    """Drop chunks the committed generation does not list, and collections of abandoned builds."""
    stale = [i for i in collection.get(include=[])["ids"] if i not in keep]
    for i in range(0, len(stale), 1000):
        collection.delete(ids=stale[i : i + 1000])
    for col in client.list_collections():
        name = col if isinstance(col, str) else col.name
        if name.startswith(base + "-g") and name != current:
            client.delete_collection(name)
    if stale:
        log.info("pruned %d stale chunks", len(stale))
