"""A deterministic fake embedder for fast unit tests: hashed bag of words, L2-normalised.

Texts that share words get a positive cosine, texts that share none a cosine of 0, and the same text
always gets the same vector, so tests of the answer path run in seconds without loading e5."""

from __future__ import annotations

import hashlib
from pathlib import Path

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


TINY_DOCS = {
    "mangga": "Budi Santoso menanam pohon mangga di Desa Sukamaju pada 12 Mei 1990. Pohon itu kini berbuah lebat.",
    "sungai": "Sungai Kecil mengalir dari Gunung Hijau ke Laut Selatan. Airnya jernih sepanjang tahun.",
}
"""Two made-up articles: a person, a place and a date in one, places in the other."""


def tiny_index(root: Path, **settings):
    """TINY_DOCS as a corpus under `root`, ingested with the FakeEmbedder: (Settings with `settings`, embedder)."""
    from ingest.pipeline import run_ingest
    from rag.config import Settings

    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in TINY_DOCS.items():
        (corpus / f"{name}.md").write_text(f"---\nid: {name}\ntitle: {name}\nkind: article\n---\n\n{text}\n")
    config = Settings(corpus_dir=corpus, index_dir=root / "index", **settings)
    embedder = FakeEmbedder()
    run_ingest(config, show_progress=False, embedder=embedder)
    return config, embedder
