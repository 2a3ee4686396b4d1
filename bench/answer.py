"""Extractive answer latency end to end (retrieve + compose + verify), and the search breakdown."""

from __future__ import annotations

from bench.common import timeit
from eval.dataset import load_questions
from rag.answer import Answerer
from rag.config import Settings
from rag.retrieve import Retriever


def run(settings: Settings, repeats: int = 3) -> dict:
    retriever = Retriever(settings)
    answerer = Answerer(settings, retriever)
    questions = [q.question for q in load_questions(split="all")]
    answer = timeit(lambda q: answerer.answer(q), questions, repeats=repeats)
    parts = {"embed_ms": [], "dense_ms": [], "lexical_ms": [], "fusion_ms": [], "sentence_ms": []}

    def search(q: str) -> None:
        retriever.search(q)
        t = retriever.last_timings
        for key, value in (
            ("embed_ms", t.embed_ms),
            ("dense_ms", t.dense_ms),
            ("lexical_ms", t.lexical_ms),
            ("fusion_ms", t.fusion_ms),
            ("sentence_ms", t.extra.get("sentence_ms", 0.0)),
        ):
            parts[key].append(value)

    search_total = timeit(search, questions, repeats=repeats)
    breakdown = {k: round(sorted(v)[len(v) // 2], 2) for k, v in parts.items()}
    no_embed = round(sum(v for k, v in breakdown.items() if k != "embed_ms"), 2)
    return {
        "questions": len(questions),
        "extractive_answer": answer,
        "search": search_total,
        "search_breakdown_p50_ms": breakdown,
        "search_excluding_embedding_p50_ms": no_embed,
        "chunks": len(retriever.chunks),
    }
