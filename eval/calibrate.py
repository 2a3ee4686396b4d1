"""Fit the relevance signal on the dev split: P(the top passage answers the question) from its dense
cosine and IDF-weighted term coverage, by logistic regression (plain numpy). Writes
rag/resources/calibration.json, which rag.retrieve.relevance reads."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np

from eval.dataset import is_relevant, load_questions
from rag.conversation import condense_question


def fit(retriever, split: str = "dev", steps: int = 5000, lr: float = 0.5) -> dict:
    xs, ys = [], []
    for q in load_questions(split=split):
        for r in retriever.search(condense_question(q.question, list(q.history)), 5):
            xs.append([r.dense_score or 0.0, r.coverage])
            ys.append(1.0 if q.answerable and is_relevant(r.chunk, q) else 0.0)
    x, y = np.asarray(xs), np.asarray(ys)
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mu) / sd
    w, b = np.zeros(2), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        w -= lr * (z.T @ (p - y)) / len(y)
        b -= lr * float(np.mean(p - y))
    # Back to raw feature units: z = (x - mu) / sd.
    raw_w = w / sd
    raw_b = b - float(np.sum(w * mu / sd))
    p = 1.0 / (1.0 + np.exp(-(x @ raw_w + raw_b)))
    brier = float(np.mean((p - y) ** 2))
    return {
        "weights": {"dense": round(float(raw_w[0]), 4), "coverage": round(float(raw_w[1]), 4)},
        "bias": round(raw_b, 4),
        "fitted_on": f"eval/questions.jsonl {split}, top-5 passages",
        "n_examples": int(len(y)),
        "positives": int(y.sum()),
        "brier": round(brier, 4),
    }


def write(cal: dict) -> str:
    path = resources.files("rag.resources").joinpath("calibration.json")
    with open(str(path), "w", encoding="utf-8") as fh:
        json.dump(cal, fh, indent=1)
    return str(path)
