"""Vectors of documents committed lexical-only (an upload, before its vectors are embedded).

An upload is answerable as soon as its chunks are in the BM25 index (ingest.pipeline's `defer_vectors`);
its chunk and sentence vectors follow in the background. Meanwhile the few passages a question actually
reaches are embedded here on demand, once, so their cosine and per-sentence scores are the real ones.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from rag.embed import Embedder, sentence_embed_text
from rag.store import Generation


class PendingVectors:
    """On-demand chunk and sentence vectors for the chunks of documents marked `vectors_pending`."""

    def __init__(self, generation: Generation, embedder: Callable[[], Embedder]):
        docs = generation.manifest.get("documents", {})
        pending = {sid for sid, d in docs.items() if d.get("vectors_pending")}
        self._generation = generation
        self._embedder = embedder
        self.chunks = frozenset(i for i, c in enumerate(generation.chunks) if c.source_id in pending)
        """Indices of the chunks with no stored vector."""
        self._chunk: dict[int, np.ndarray] = {}
        self._sentences: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()

    def __contains__(self, idx: int) -> bool:
        return idx in self.chunks

    def chunk_vectors(self, idxs: list[int]) -> dict[int, np.ndarray]:
        """The chunk vectors of the pending chunks among `idxs` (embedded now if not yet)."""
        todo = [i for i in dict.fromkeys(idxs) if i in self.chunks]
        with self._lock:  # one embedding per chunk even when two sessions reach it at once
            missing = [i for i in todo if i not in self._chunk]
            if missing:
                vecs = self._embedder().embed_passages([self._generation.chunks[i].embed_text for i in missing])
                self._chunk.update(zip(missing, vecs, strict=True))
        return {i: self._chunk[i] for i in todo}

    def sentence_vector(self, idx: int, j: int) -> np.ndarray:
        with self._lock:
            if idx not in self._sentences:
                c = self._generation.chunks[idx]
                texts = [sentence_embed_text(c, s) for s in c.sentences]
                self._sentences[idx] = self._embedder().embed_passages(texts)
        return self._sentences[idx][j]

    def dense(self, lexical: list[tuple[int, float]], qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        """Cosine of the first `n` pending chunks of a lexical ranking: the dense signal they lack."""
        reach = [i for i, _ in lexical if i in self.chunks][:n]
        return [(i, float(vec @ qvec)) for i, vec in self.chunk_vectors(reach).items()]
