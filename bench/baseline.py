"""The naive LangChain pipeline on the same questions: latency ratio and quality, in the same run."""

from __future__ import annotations

from bench.common import timeit
from eval.baseline import NaiveLangChainRetriever
from eval.dataset import load_questions
from eval.retrieval import evaluate
from rag.config import Settings
from rag.retrieve import Retriever


def run(settings: Settings, repeats: int = 3) -> dict:
    retriever = Retriever(settings)
    cache = {}
    got = retriever.collection.get(include=["embeddings", "documents"])
    naive = NaiveLangChainRetriever(retriever.chunks, retriever.embedder, cache)
    del got
    questions = load_questions(split="test")
    texts = [q.question for q in questions]
    ours_t = timeit(lambda q: retriever.search(q, 10), texts, repeats=repeats)
    naive_t = timeit(lambda q: naive.search(q, 10), texts, repeats=repeats)
    ours_q = evaluate(lambda q, k: [r.chunk for r in retriever.search(q, k)], questions, retriever.chunks)["overall"]
    naive_q = evaluate(naive.search, questions, retriever.chunks)["overall"]
    return {
        "questions": len(texts),
        "ours": {"latency": ours_t, "quality": ours_q},
        "naive_langchain": {"latency": naive_t, "quality": naive_q},
        "latency_ratio_ours_to_naive_p50": round(ours_t["p50_ms"] / naive_t["p50_ms"], 2),
    }
