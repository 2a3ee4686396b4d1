"""A deterministic fake embedder for fast unit tests: hashed bag of words, L2-normalised.

Texts that share words get a positive cosine, texts that share none a cosine of 0, and the same text
always gets the same vector, so tests of the answer path run in seconds without loading e5."""

from __future__ import annotations

import hashlib

import numpy as np

from rag.text import tokenize


class FakeEmbedder:
    def __init__(self, dim: int = 64):
        self.dim = dim

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for tok in tokenize(text):
            h = int.from_bytes(hashlib.sha1(tok.encode()).digest()[:4], "little")
            v[h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray([self._vec(t) for t in texts], dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)
