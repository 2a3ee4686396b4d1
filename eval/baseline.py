"""The naive baseline: LangChain defaults (Chroma similarity_search + BM25Retriever, equal-weight ensemble).

Same chunks and the same embedding model as the project, so the comparison isolates retrieval: no query
normalisation, BM25 over a plain whitespace split, LangChain's EnsembleRetriever fusion.
"""

from __future__ import annotations

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.embed import Embedder
from rag.types import Chunk


class LangChainEmbeddings(Embeddings):
    """Wraps our Embedder; `cache` maps passage text to an already computed vector."""

    def __init__(self, embedder: Embedder, cache: dict[str, np.ndarray] | None = None):
        self.embedder = embedder
        self.cache = cache or {}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        todo = [t for t in texts if t not in self.cache]
        if todo:
            for t, v in zip(todo, self.embedder.embed_passages(todo), strict=True):
                self.cache[t] = v
        return [self.cache[t].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


class NaiveLangChainRetriever:
    def __init__(
        self, chunks: list[Chunk], embedder: Embedder, cache: dict[str, np.ndarray] | None = None, k: int = 10
    ):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_classic.retrievers import EnsembleRetriever
        from langchain_community.retrievers import BM25Retriever

        self.by_id = {c.chunk_id: c for c in chunks}
        texts = [c.text for c in chunks]
        metas = [{"chunk_id": c.chunk_id} for c in chunks]
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        store = Chroma(
            collection_name="naive-baseline",
            embedding_function=LangChainEmbeddings(embedder, cache),
            client=client,
        )
        for i in range(0, len(texts), 1000):
            store.add_texts(texts[i : i + 1000], metadatas=metas[i : i + 1000])
        bm25 = BM25Retriever.from_texts(texts, metadatas=metas)
        bm25.k = k
        self.ensemble = EnsembleRetriever(
            retrievers=[bm25, store.as_retriever(search_kwargs={"k": k})], weights=[0.5, 0.5]
        )

    def search(self, query: str, k: int = 10) -> list[Chunk]:
        docs = self.ensemble.invoke(query)
        return [self.by_id[d.metadata["chunk_id"]] for d in docs[:k]]
