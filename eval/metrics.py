"""Ranking metrics over binary relevance lists."""

from __future__ import annotations

import math


def hit_at(rels: list[bool], k: int) -> float:
    return 1.0 if any(rels[:k]) else 0.0


def mrr_at(rels: list[bool], k: int = 10) -> float:
    for i, r in enumerate(rels[:k]):
        if r:
            return 1.0 / (i + 1)
    return 0.0


def ndcg_at(rels: list[bool], n_relevant: int, k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, r in enumerate(rels[:k]) if r)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(max(n_relevant, 1), k)))
    return dcg / ideal


def summarize(rows: list[dict], keys=("hit@1", "hit@3", "hit@5", "mrr@10", "ndcg@10")) -> dict:
    if not rows:
        return {k: 0.0 for k in keys} | {"n": 0}
    return {k: round(sum(r[k] for r in rows) / len(rows), 4) for k in keys} | {"n": len(rows)}
