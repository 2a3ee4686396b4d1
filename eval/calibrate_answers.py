"""Answer-level calibration of the answer model and the abstention threshold, on valid/dev data only.

`python -m eval train-answer-model --calibrate` runs the answer path (model on, no calibration yet) on
IDK-MRC valid (its own index) and the project's dev split, then fits P(answerable) by logistic regression
over the model's best-passage probability (logit), the best sentences' cosine and their coverage, where the
hand-written checks let a question through. Every figure printed is out-of-fold (5 folds by question id),
and the threshold is the highest one whose out-of-fold false abstention stays within the limits on both
sets (or, where the checks alone already abstain more than that, adds no false abstention to theirs).
Writes rag/resources/answer_calibration.json.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from importlib import resources

import numpy as np

from eval.external import summarise, variant
from eval.train_answer_model import reliability
from rag.answer_model import CALIBRATION_FILE

FOLDS = 5
LIMITS = {"idk-mrc-valid": 0.10, "project-dev": 0.03}
"""Largest out-of-fold false abstention allowed on each set (the issue's bars)."""
GRID = tuple(round(t, 3) for t in np.arange(0.05, 0.951, 0.025))


def _fold(qid: str) -> int:
    return int(hashlib.sha1(qid.encode()).hexdigest(), 16) % FOLDS


def features(rows: list[dict]) -> np.ndarray:
    p = np.clip(np.asarray([r["p_model"] for r in rows], dtype=float), 1e-4, 1 - 1e-4)
    return np.column_stack([np.log(p / (1 - p)), [r["sim"] for r in rows], [r["cover"] for r in rows]])


def fit(rows_by_set: dict[str, list[dict]], limits: dict[str, float] = LIMITS) -> dict:
    from sklearn.linear_model import LogisticRegression

    # Fit where the hand-written checks let the question through: that is where the model decides.
    pool = [(name, r) for name, rows in rows_by_set.items() for r in rows if not r["checks"] and not r["no_answer"]]
    oof: dict[tuple[str, str], float] = {}
    for k in range(FOLDS):
        train = [r for _, r in pool if _fold(r["id"]) != k]
        m = LogisticRegression(max_iter=1000).fit(features(train), [r["answerable"] for r in train])
        for name, rows in rows_by_set.items():
            held = [r for r in rows if _fold(r["id"]) == k]
            if held:
                for r, p in zip(held, m.predict_proba(features(held))[:, 1], strict=True):
                    oof[(name, r["id"])] = float(p)
    final = LogisticRegression(max_iter=1000).fit(features([r for _, r in pool]), [r["answerable"] for _, r in pool])
    out_of_fold = {name: [{**r, "p": oof[(name, r["id"])]} for r in rows] for name, rows in rows_by_set.items()}
    table, threshold = [], GRID[0]
    floor: dict[str, float] = {}  # false abstention the checks alone cause (at the lowest threshold)
    for t in GRID:
        row = {"threshold": t}
        ok = True
        for name, rows in out_of_fold.items():
            m = summarise(variant(rows, "checks", t))
            row[name] = m
            fa = m["false_abstention"] or 0.0
            floor.setdefault(name, fa)
            if name in limits and fa > max(limits[name], floor[name]):
                ok = False
        table.append(row)
        if ok:
            threshold = t
    rel = {
        name: reliability(np.asarray([r["answerable"] for r in rows], float), np.asarray([r["p"] for r in rows]))
        for name, rows in out_of_fold.items()
    }
    return {
        "features": ["logit_p_model", "top_sim", "top_cover"],
        "coef": [round(float(v), 6) for v in final.coef_[0]],
        "intercept": round(float(final.intercept_[0]), 6),
        "threshold": threshold,
        "chosen_on": "out-of-fold on " + ", ".join(rows_by_set) + f"; limits {limits}",
        "figures_at_threshold": next(r for r in table if r["threshold"] == threshold),
        "reliability_out_of_fold": rel,
        "sweep": table,
    }


def write(cal: dict) -> str:
    path = resources.files("rag.resources").joinpath(CALIBRATION_FILE)
    keep = {k: v for k, v in cal.items() if k != "sweep"}
    with open(str(path), "w", encoding="utf-8") as fh:
        json.dump(keep, fh, indent=1)
    return str(path)


def remove() -> None:
    """Drop the calibration so the answer path is recorded with the raw model (before refitting)."""
    path = resources.files("rag.resources").joinpath(CALIBRATION_FILE)
    if path.is_file():
        import os

        os.remove(str(path))
    from rag.answer_model import load_calibration

    load_calibration.cache_clear()


def calibrate(settings, project_retriever, show=print) -> dict:
    from eval.external import run_external

    remove()
    result = run_external(
        dataclasses.replace(settings, answer_model=True), project_retriever, only={"idk-mrc-valid", "project-dev"}
    )
    rows = {k[: -len(" rows")]: v["model"] for k, v in result.items() if k.endswith(" rows")}
    cal = fit(rows)
    for row in cal["sweep"]:
        cells = []
        for name in rows:
            m = row[name]
            cells.append(
                f"{name}: FA {m['false_abstention']} UA {m['unanswerable_abstained']} gold {m['gold_in_text']}"
            )
        show(f"t={row['threshold']:.3f} " + " | ".join(cells))
    show(f"threshold {cal['threshold']} (coef {cal['coef']}, intercept {cal['intercept']})")
    for name, bins in cal["reliability_out_of_fold"].items():
        show(f"reliability, {name}, out of fold (bin: n, mean P, answerable share)")
        for b in bins:
            show(f"  {b['bin']}: n={b['n']:4d} mean_p={b['mean_p']:.3f} rate={b['rate']:.3f}")
    return cal
