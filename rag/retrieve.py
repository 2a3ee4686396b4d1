"""Hybrid retrieval: dense (embedder + Chroma) and BM25 over the same chunks, fused by rank."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np

from rag.config import Settings
from rag.embed import Embedder, make_embedder
from rag.errors import IndexCorrupt, IndexMismatch
from rag.store import Generation, chroma_client, get_collection, load_generation
from rag.text import lexical_terms
from rag.types import SearchResult

log = logging.getLogger(__name__)

RRF_K = 60


@dataclass
class Timings:
    embed_ms: float = 0.0
    dense_ms: float = 0.0
    lexical_ms: float = 0.0
    fusion_ms: float = 0.0
    extra: dict = field(default_factory=dict)


class Retriever:
    """Opens the committed index once; `search` is then cheap and thread-safe for reads."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.generation: Generation = load_generation(settings)
        manifest = self.generation.manifest
        client = chroma_client(settings)
        try:
            self.collection = get_collection(client, manifest["collection"])
        except Exception as err:  # chromadb raises NotFoundError / ValueError depending on version
            raise IndexCorrupt(
                f"koleksi Chroma '{manifest['collection']}' tidak ada ({err.__class__.__name__})"
            ) from None
        col_meta = self.collection.metadata or {}
        if col_meta.get("embed_model") != manifest["embed_model"] or int(col_meta.get("dim", -1)) != int(
            manifest["dim"]
        ):
            raise IndexMismatch(f"koleksi: {col_meta.get('embed_model')} dim {col_meta.get('dim')}")
        self._embedder = embedder
        self.last_timings = Timings()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings)
        if self._embedder.dim != int(self.generation.manifest["dim"]):
            raise IndexMismatch(f"dimensi model {self._embedder.dim}, indeks {self.generation.manifest['dim']}")
        return self._embedder

    @property
    def chunks(self):
        return self.generation.chunks

    def dense(self, query_vec: np.ndarray, n: int) -> list[tuple[int, float]]:
        by_id = self.generation.by_id
        # The collection may hold chunks of an uncommitted build; ask for enough to skip them.
        extra = max(0, self.collection.count() - len(by_id))
        res = self.collection.query(
            query_embeddings=[query_vec.tolist()], n_results=min(n + extra, len(by_id) + extra), include=["distances"]
        )
        out = []
        for cid, dist in zip(res["ids"][0], res["distances"][0], strict=True):
            if cid in by_id:
                out.append((by_id[cid], 1.0 - float(dist)))
        return out[:n]

    def lexical(self, query: str, n: int) -> list[tuple[int, float]]:
        terms = lexical_terms(query)
        if not terms:
            return []
        scores = self.generation.bm25.get_scores(terms)
        top = np.argsort(-scores)[:n]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def search(self, query: str, k: int | None = None, depth: int = 30) -> list[SearchResult]:
        k = k or self.settings.top_k
        t = Timings()
        t0 = time.perf_counter()
        qvec = self.embedder.embed_query(query)
        t1 = time.perf_counter()
        dense = self.dense(qvec, depth)
        t2 = time.perf_counter()
        lexical = self.lexical(query, depth)
        t3 = time.perf_counter()
        fused: dict[int, float] = {}
        for ranking in (dense, lexical):
            for rank, (idx, _) in enumerate(ranking):
                fused[idx] = fused.get(idx, 0.0) + 1.0 / (RRF_K + rank + 1)
        dense_s = dict(dense)
        lex_s = dict(lexical)
        order = sorted(fused, key=lambda i: -fused[i])[:k]
        results = [SearchResult(self.chunks[i], fused[i], dense_s.get(i), lex_s.get(i)) for i in order]
        t.embed_ms, t.dense_ms, t.lexical_ms = (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3
        t.fusion_ms = (time.perf_counter() - t3) * 1e3
        self.last_timings = t
        return results


def result_to_json(r: SearchResult) -> dict:
    c = r.chunk
    return {
        "chunk_id": c.chunk_id,
        "source_id": c.source_id,
        "title": c.title,
        "locator": c.locator,
        "text": c.text,
        "score": round(r.score, 6),
    }
