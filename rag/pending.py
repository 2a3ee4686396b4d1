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
        todo = [i for i in idxs if i in self.chunks]
        self._ensure(todo)
        return {i: self._chunk[i] for i in todo}

    def sentence_vector(self, idx: int, j: int) -> np.ndarray:
        self._ensure([idx])
        return self._sentences[idx][j]

    def _ensure(self, idxs: list[int]) -> None:
        with self._lock:  # one embedding per chunk even when two sessions reach it at once
            missing = [i for i in dict.fromkeys(idxs) if i not in self._chunk]
            if not missing:
                return
            chunks = [self._generation.chunks[i] for i in missing]
            texts = [c.embed_text for c in chunks]
            texts += [sentence_embed_text(c, s) for c in chunks for s in c.sentences]
            vecs = self._embedder().embed_passages(texts)
            row = len(chunks)
            for k, (i, c) in enumerate(zip(missing, chunks, strict=True)):
                self._chunk[i] = vecs[k]
                self._sentences[i] = vecs[row : row + len(c.sentences)]
                row += len(c.sentences)
