"""External benchmark in BEIR layout (corpus.jsonl, queries.jsonl, qrels.tsv), in its own index."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from pathlib import Path

import numpy as np

from eval.metrics import mrr_at, ndcg_at
from rag.config import Settings
from rag.embed import Embedder, expected_model_id, make_embedder
from rag.store import chroma_client, get_collection, read_manifest
from rag.types import Chunk

log = logging.getLogger(__name__)


def load_beir(corpus: Path, queries: Path, qrels: Path) -> tuple[list[dict], list[dict], dict[str, set[str]]]:
    with open(corpus, encoding="utf-8") as fh:
        passages = [json.loads(line) for line in fh if line.strip()]
    with open(queries, encoding="utf-8") as fh:
        qs = [json.loads(line) for line in fh if line.strip()]
    rel: dict[str, set[str]] = {}
    with open(qrels, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            parts = line.rstrip("\n").split("\t")
            if i == 0 and not parts[-1].strip().isdigit():
                continue  # header
            if len(parts) >= 3 and int(parts[2]) > 0:
                rel.setdefault(parts[0], set()).add(parts[1])
    qs = [q for q in qs if q["_id"] in rel]
    return passages, qs, rel


def passage_chunks(passages: list[dict]) -> list[Chunk]:
    out = []
    for p in passages:
        text = (p.get("title", "") + "\n" + p["text"]).strip() if p.get("title") else p["text"]
        out.append(
            Chunk(
                chunk_id=p["_id"],
                source_id=p["_id"],
                title=p.get("title", ""),
                locator=p["_id"],
                start=0,
                end=len(text),
                text=text,
            )
        )
    return out


def beir_settings(base: Settings, corpus: Path) -> Settings:
    stat = corpus.stat()
    key = hashlib.sha1(f"{corpus.resolve()}|{stat.st_size}|{expected_model_id(base)}".encode()).hexdigest()[:10]
    return dataclasses.replace(base, index_dir=Path("data/beir") / f"{corpus.parent.name}-{key}", collection="beir")


def build_index(settings: Settings, chunks: list[Chunk], embedder: Embedder, show_progress: bool = True) -> float:
    """Embed passages into the benchmark's own collection; returns seconds spent (0 when cached)."""
    from ingest.pipeline import index_config, new_generation_name, write_generation

    manifest = read_manifest(settings.index_dir)
    if (
        manifest
        and manifest.get("n_chunks") == len(chunks)
        and manifest.get("embed_model") == expected_model_id(settings)
    ):
        if manifest.get("config") != index_config(settings):  # only the lexical side changed: keep the vectors
            empty = np.zeros((0, embedder.dim), dtype=np.float32)
            write_generation(settings, new_generation_name(), manifest["collection"], chunks, empty, {}, embedder.dim)
        return 0.0
    t0 = time.perf_counter()
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    gen = new_generation_name()
    name = f"{settings.collection}-{gen}"
    client = chroma_client(settings)
    meta = {"embed_model": expected_model_id(settings), "embed_backend": settings.embed_backend, "dim": embedder.dim}
    col = get_collection(client, name, meta, create=True)
    bar = None
    if show_progress:
        from tqdm import tqdm

        bar = tqdm(total=len(chunks), desc="Embedding (benchmark)", unit="bagian")
    batch = 32
    for i in range(0, len(chunks), batch):
        part = chunks[i : i + batch]
        vecs = embedder.embed_passages([c.text for c in part])
        col.upsert(ids=[c.chunk_id for c in part], embeddings=vecs.tolist(), documents=[c.text for c in part])
        if bar is not None:
            bar.update(len(part))
    if bar is not None:
        bar.close()
    write_generation(settings, gen, name, chunks, np.zeros((0, embedder.dim), dtype=np.float32), {}, embedder.dim)
    for c in client.list_collections():
        other = c if isinstance(c, str) else c.name
        if other != name:
            client.delete_collection(other)
    return time.perf_counter() - t0


def score(search, queries: list[dict], rel: dict[str, set[str]]) -> dict:
    mrr = r1 = r10 = ndcg = 0.0
    for q in queries:
        ranked = [c.source_id for c in search(q["text"], 10)]
        gold = rel[q["_id"]]
        flags = [pid in gold for pid in ranked]
        mrr += mrr_at(flags, 10)
        r1 += len(gold & set(ranked[:1])) / len(gold)
        r10 += len(gold & set(ranked[:10])) / len(gold)
        ndcg += ndcg_at(flags, len(gold), 10)
    n = len(queries)
    return {
        "mrr@10": round(mrr / n, 4),
        "recall@1": round(r1 / n, 4),
        "recall@10": round(r10 / n, 4),
        "ndcg@10": round(ndcg / n, 4),
        "n_queries": n,
    }


def run_beir(
    base: Settings,
    corpus: Path,
    queries: Path,
    qrels: Path,
    variants: bool = False,
    embedder: Embedder | None = None,
    show_progress: bool = True,
) -> dict:
    from rag.retrieve import Retriever

    passages, qs, rel = load_beir(corpus, queries, qrels)
    settings = beir_settings(base, corpus)
    embedder = embedder or make_embedder(settings)
    chunks = passage_chunks(passages)
    seconds = build_index(settings, chunks, embedder, show_progress)
    retriever = Retriever(settings, embedder)
    result = score(lambda q, k: [r.chunk for r in retriever.search(q, k)], qs, rel)
    result["index_seconds"] = round(seconds, 1)
    if variants:
        result["variants"] = {}
        off = {
            "sentence_weight": 0.0,
            "definition_weight": 0.0,
            "coverage_weight": 0.0,
            "action_weight": 0.0,
            "law_prior": 0.0,
        }
        for name, change in {
            "dense_only": {**off, "lexical_weight": 0.0},
            "bm25_only": {**off, "dense_weight": 0.0},
        }.items():
            r = Retriever(dataclasses.replace(settings, **change), embedder)
            result["variants"][name] = score(lambda q, k, r=r: [x.chunk for x in r.search(q, k)], qs, rel)
        from eval.baseline import NaiveLangChainRetriever

        cache = _cached_vectors(retriever)
        naive = NaiveLangChainRetriever(chunks, embedder, cache)
        result["variants"]["naive_langchain"] = score(naive.search, qs, rel)
    return result


def _cached_vectors(retriever) -> dict[str, np.ndarray]:
    """Passage vectors already in the benchmark collection, keyed by text, so the baseline need not re-embed."""
    got = retriever.collection.get(include=["embeddings", "documents"])
    return {
        doc: np.asarray(vec, dtype=np.float32) for doc, vec in zip(got["documents"], got["embeddings"], strict=True)
    }
