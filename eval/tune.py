"""Grid search of fusion weights on the dev split (never on test). Signals are computed once per question."""

from __future__ import annotations

import dataclasses
import itertools

from eval.dataset import is_relevant, load_questions
from eval.metrics import hit_at, mrr_at
from rag.config import Settings
from rag.conversation import condense_question

GRID = {
    "fusion": ["rrf"],
    "lexical_weight": [0.0, 0.5, 1.0, 1.5, 2.0, 3.0],
    "sentence_weight": [0.0, 0.5, 1.0, 1.5, 2.0, 3.0],
    "rrf_k": [5, 10, 20, 60],
    "definition_weight": [4.0],
    "coverage_weight": [1.0, 2.0, 3.0],
    "definitions_penalty": [0.0, 0.2, 0.4, 0.6],
}


def tune(settings: Settings, split: str = "dev") -> dict:
    from ingest.pipeline import run_ingest
    from rag.retrieve import Retriever

    run_ingest(settings, show_progress=False)
    retriever = Retriever(settings)
    questions = [q for q in load_questions(split=split) if q.answerable]
    cached = [(q, retriever.signals(condense_question(q.question, list(q.history)))) for q in questions]
    results = []
    for values in itertools.product(*GRID.values()):
        cfg = dict(zip(GRID, values, strict=True))
        s = dataclasses.replace(settings, **cfg)
        mrr = hit5 = 0.0
        for q, sig in cached:
            ranked = [retriever.chunks[i] for i, _ in retriever.fuse(sig, s)[:10]]
            rels = [is_relevant(c, q) for c in ranked]
            mrr += mrr_at(rels, 10)
            hit5 += hit_at(rels, 5)
        results.append({**cfg, "mrr@10": round(mrr / len(cached), 4), "hit@5": round(hit5 / len(cached), 4)})
    results.sort(key=lambda r: (-r["mrr@10"], -r["hit@5"]))
    current = {k: getattr(settings, k) for k in GRID}
    now = (
        next(r for r in results if all(r[k] == v for k, v in current.items()))
        if all(current[k] in GRID[k] for k in GRID)
        else None
    )
    return {"split": split, "n": len(cached), "best": results[:10], "current": now}
