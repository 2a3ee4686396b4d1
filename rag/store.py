"""The persisted index: Chroma (dense) + BM25 + chunk table + sentence vectors, one generation at a time.

Layout under `Settings.index_dir`:

    chroma/                Chroma's embedded store (absent in server mode)
    generations/<gen>/     chunks.jsonl, sentences.npy, bm25/, manifest.json
    CURRENT                the name of the committed generation

Ingest writes a new generation beside the old one and switches CURRENT with an atomic rename, so a
reader (or an ingest killed at any point) always sees one complete, consistent generation. Chroma may
briefly hold chunks of an uncommitted generation; readers ignore ids the generation does not list,
and the next ingest prunes them.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from rag.config import Settings
from rag.errors import IndexCorrupt, IndexMismatch, IndexNotBuilt, StoreUnavailable
from rag.types import Chunk, Sentence

log = logging.getLogger(__name__)

FORMAT_VERSION = 1


def current_generation(index_dir: Path) -> str | None:
    try:
        name = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name or None


def generation_dir(index_dir: Path, gen: str) -> Path:
    return index_dir / "generations" / gen


def commit_generation(index_dir: Path, gen: str) -> None:
    """Make `gen` current with an atomic rename; older generations are then removed."""
    tmp = index_dir / "CURRENT.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(gen)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / "CURRENT")
    for old in (index_dir / "generations").iterdir():
        if old.name != gen:
            shutil.rmtree(old, ignore_errors=True)


def read_manifest(index_dir: Path) -> dict | None:
    gen = current_generation(index_dir)
    if gen is None:
        return None
    try:
        return json.loads((generation_dir(index_dir, gen) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------------------- Chroma


def chroma_client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        where = f"{settings.chroma_host}:{settings.chroma_port}"
        try:
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
            client.heartbeat()
        except Exception as err:  # chromadb raises several transport errors; all mean "unreachable"
            log.warning("chroma server %s unreachable: %s", where, err)
            raise StoreUnavailable(where) from None
        return client
    path = settings.index_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as err:  # a damaged sqlite file surfaces as several exception types
        log.warning("cannot open chroma store %s: %s", path, err)
        raise IndexCorrupt(f"penyimpanan Chroma di {path} tidak bisa dibuka") from None


def get_collection(client, name: str, meta: dict | None = None, create: bool = False):
    """Our collections never have an embedding function: Chroma's default one downloads a model."""
    if create:
        return client.get_or_create_collection(
            name, metadata={"hnsw:space": "cosine", **(meta or {})}, embedding_function=None
        )
    return client.get_collection(name, embedding_function=None)


# ---------------------------------------------------------------------------- chunk table


def chunk_to_record(chunk: Chunk) -> dict:
    rec = asdict(chunk)
    rec["sentences"] = [[s.start, s.end] for s in chunk.sentences]
    return rec


def chunk_from_record(rec: dict) -> Chunk:
    text, start = rec["text"], rec["start"]
    sentences = tuple(Sentence(a, b, text[a - start : b - start]) for a, b in rec["sentences"])
    return Chunk(**{**rec, "sentences": sentences})


@dataclass
class Generation:
    """One committed generation, loaded for querying."""

    path: Path
    manifest: dict
    chunks: list[Chunk]
    sentence_vectors: np.ndarray  # rows follow chunks' sentences in order

    @cached_property
    def by_id(self) -> dict[str, int]:
        return {c.chunk_id: i for i, c in enumerate(self.chunks)}

    @cached_property
    def sentence_offsets(self) -> list[int]:
        """Index of each chunk's first sentence row in `sentence_vectors`."""
        out, n = [], 0
        for c in self.chunks:
            out.append(n)
            n += len(c.sentences)
        return out

    @cached_property
    def bm25(self):
        import bm25s

        return bm25s.BM25.load(str(self.path / "bm25"), show_progress=False)


def load_generation(settings: Settings) -> Generation:
    index_dir = settings.index_dir
    gen = current_generation(index_dir)
    if gen is None:
        raise IndexNotBuilt(str(index_dir))
    path = generation_dir(index_dir, gen)
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        with open(path / "chunks.jsonl", encoding="utf-8") as fh:
            chunks = [chunk_from_record(json.loads(line)) for line in fh if line.strip()]
        vectors = np.load(path / "sentences.npy")
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise IndexCorrupt(f"{path.name}: {err.__class__.__name__}") from None
    check_compatible(manifest, settings)
    if vectors.shape[0] != sum(len(c.sentences) for c in chunks):
        raise IndexCorrupt("jumlah vektor kalimat tidak cocok dengan tabel potongan")
    return Generation(path, manifest, chunks, vectors)


def check_compatible(manifest: dict, settings: Settings) -> None:
    from rag.embed import expected_model_id

    want = (settings.embed_backend, expected_model_id(settings))
    have = (manifest.get("embed_backend"), manifest.get("embed_model"))
    if want != have:
        raise IndexMismatch(f"indeks: {have[1]} ({have[0]}); pengaturan: {want[1]} ({want[0]})")
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexMismatch(f"format indeks {manifest.get('format')}, diharapkan {FORMAT_VERSION}")
