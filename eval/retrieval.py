"""Run a search function over the question set and score it."""

from __future__ import annotations

from collections.abc import Callable

from eval.dataset import Question, is_relevant
from eval.metrics import hit_at, mrr_at, ndcg_at, summarize
from rag.conversation import condense_question
from rag.types import Chunk

SearchFn = Callable[[str, int], list[Chunk]]


def score_question(q: Question, ranked: list[Chunk], n_relevant: int) -> dict:
    rels = [is_relevant(c, q) for c in ranked]
    return {
        "id": q.id,
        "type": q.type,
        "question": q.question,
        "hit@1": hit_at(rels, 1),
        "hit@3": hit_at(rels, 3),
        "hit@5": hit_at(rels, 5),
        "mrr@10": mrr_at(rels, 10),
        "ndcg@10": ndcg_at(rels, n_relevant, 10),
        "top": [f"{c.source_id} | {c.locator}" for c in ranked[:3]],
    }


def evaluate(search: SearchFn, questions: list[Question], all_chunks: list[Chunk], k: int = 10) -> dict:
    """Per-question rows and summaries (overall answerable, and per question type)."""
    rows = []
    for q in questions:
        if not q.answerable:
            continue
        query = condense_question(q.question, list(q.history))
        ranked = search(query, k)
        n_rel = sum(is_relevant(c, q) for c in all_chunks)
        rows.append(score_question(q, ranked, n_rel))
    by_type = {}
    for t in sorted({r["type"] for r in rows}):
        by_type[t] = summarize([r for r in rows if r["type"] == t])
    return {"overall": summarize(rows), "by_type": by_type, "rows": rows}
