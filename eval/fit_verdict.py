"""`python -m eval fit-verdict`: fit the verdict stage (rag.answer_gate.Verdict) and choose its threshold.

Reads the per-question rows of the answer path (eval/external.py records them once per code version under
data/external/rows/) on IDK-MRC valid, TyDiQA-id dev and the project's dev split: for every question each
hand-written check's verdict and strength, the answer model's probability, the best sentences' cosine and
coverage and the retrieval scores (rag.answer_gate.SIGNALS). One logistic regression over all three sets
learns P(the sources answer); every figure printed is out-of-fold (5 folds grouped so that a paragraph, and
a question asked in both IDK-MRC and TyDiQA, never sits on both sides), and the one threshold is chosen on
those out-of-fold scores (THRESHOLD_RULE). Questions that a hard exit ends (an instruction in the question,
no candidate, a regulation the index lacks) are left out of the fit: the stage never sees them. Writes
rag/resources/answer_verdict.json. Never reads the project's test split.
"""

from __future__ import annotations

import dataclasses
import json
from importlib import resources

import numpy as np

from eval.external import summarise, variant
from rag.answer_gate import DERIVED, SIGNALS, VERDICT_FILE, with_derived

FEATURES = SIGNALS + DERIVED

SETS = ("idk-mrc-valid", "tydiqa-dev", "project-dev")
HELD_OUT = ("probes", "tydiqa-dev-vs-project")
"""Recorded too and reported with the final fit; not fitted on."""
FOLDS = 5
BARS = {
    "idk-mrc-valid": {"false_abstention": 0.10, "unanswerable_abstained": 0.55},
    "tydiqa-dev": {"false_abstention": 0.10},
    "project-dev": {"false_abstention": 0.03, "unanswerable_abstained": 0.90},
}
"""Issue 17's bars on each set."""
GRID = tuple(round(float(t), 3) for t in np.arange(0.05, 0.951, 0.01))
THRESHOLD_RULE = (
    "the threshold whose out-of-fold figures miss issue 17's bars by the least, summed over the sets "
    "(false abstention above its bar, unanswerable abstained below its bar)"
)


def groups(rows_by_set: dict[str, list[dict]]) -> dict[tuple[str, str], int]:
    """Fold groups: rows joined when they share a gold paragraph or the same question text."""
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for name, rows in rows_by_set.items():
        for r in rows:
            key = f"{name}/{r['id']}"
            union(key, "q:" + " ".join(r.get("question", "").lower().split()))
            for g in r.get("groups", []):
                union(key, "p:" + g)
    roots: dict[str, int] = {}
    return {
        (n, r["id"]): roots.setdefault(find(f"{n}/{r['id']}"), len(roots)) for n, rs in rows_by_set.items() for r in rs
    }


def fitted(r: dict) -> bool:
    """Rows the verdict stage decides (no hard exit before or in the gate)."""
    return bool(r.get("signals")) and not r["no_answer"] and not r["signals"]["hard"]


def matrix(rows: list[dict], features=FEATURES) -> np.ndarray:
    signals = [with_derived(r["signals"]) for r in rows]
    return np.asarray([[float(s[f]) for f in features] for s in signals], dtype=np.float64)


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float):
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    m = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y, sample_weight=w)
    return {
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": m.coef_[0].tolist(),
        "intercept": float(m.intercept_[0]),
    }


def _predict(spec: dict, x: np.ndarray) -> np.ndarray:
    z = spec["intercept"] + ((x - np.asarray(spec["mean"])) / np.asarray(spec["scale"])) @ np.asarray(spec["coef"])
    return 1.0 / (1.0 + np.exp(-z))


def weights(pool: list[tuple[str, dict]]) -> np.ndarray:
    """Each set weighs the same in the fit, and within a set answerable and unanswerable questions weigh
    the same (TyDiQA-id dev has no unanswerable question: it weighs as its answerable half)."""
    out = np.ones(len(pool))
    for name in {n for n, _ in pool}:
        for label in (True, False):
            idx = [i for i, (n, r) in enumerate(pool) if n == name and r["answerable"] == label]
            if idx:
                out[idx] = 0.5 * len(pool) / len(idx) / 3
    return out


def out_of_fold(rows_by_set: dict[str, list[dict]], c: float = 1.0, features=FEATURES) -> dict[str, list[dict]]:
    """Every row with `pv`, the verdict stage's P from a fit that never saw its group."""
    grp = groups(rows_by_set)
    pool = [(n, r) for n, rows in rows_by_set.items() for r in rows if fitted(r)]
    fold = {g: g % FOLDS for g in set(grp.values())}
    rng = np.random.default_rng(17)
    shuffled = rng.permutation(len(fold))
    fold = {g: int(shuffled[i]) % FOLDS for i, g in enumerate(sorted(fold))}
    w = weights(pool)
    x = matrix([r for _, r in pool], features)
    y = np.asarray([r["answerable"] for _, r in pool], dtype=int)
    k_of = np.asarray([fold[grp[(n, r["id"])]] for n, r in pool])
    p = np.zeros(len(pool))
    for k in range(FOLDS):
        spec = _fit(x[k_of != k], y[k_of != k], w[k_of != k], c)
        p[k_of == k] = _predict(spec, x[k_of == k])
    pv = {(n, r["id"]): float(v) for (n, r), v in zip(pool, p, strict=True)}
    return {n: [{**r, "pv": pv.get((n, r["id"]), 0.0)} for r in rows] for n, rows in rows_by_set.items()}


def with_train(rows_by_set: dict[str, list[dict]], train: list[dict], c: float = 1.0, features=FEATURES):
    """`pv` for every row when the stage is fitted on IDK-MRC train rows (a bounded index, eval.external.
    idk_mrc_sample) plus the project's dev split: the dev split out-of-fold, every other set held out
    entirely. Returns (rows with pv, the spec fitted on train + the whole dev split)."""
    extra = [("idk-mrc-train", r) for r in train if fitted(r)]
    dev = [r for r in rows_by_set.get("project-dev", []) if fitted(r)]
    order = np.random.default_rng(17).permutation(len(dev))
    k_of = {dev[i]["id"]: int(j) % FOLDS for j, i in enumerate(order)}

    def fit_on(pool):
        y = np.asarray([r["answerable"] for _, r in pool], dtype=int)
        return _fit(matrix([r for _, r in pool], features), y, weights(pool), c)

    pv: dict[tuple[str, str], float] = {}
    for k in range(FOLDS):
        spec = fit_on(extra + [("project-dev", r) for r in dev if k_of[r["id"]] != k])
        held = [r for r in dev if k_of[r["id"]] == k]
        for r, p in zip(held, _predict(spec, matrix(held, features)), strict=True):
            pv[("project-dev", r["id"])] = float(p)
    full = fit_on(extra + [("project-dev", r) for r in dev])
    for name, rows in rows_by_set.items():
        kept = [r for r in rows if fitted(r)]
        if name != "project-dev" and kept:
            for r, p in zip(kept, _predict(full, matrix(kept, features)), strict=True):
                pv[(name, r["id"])] = float(p)
    out = {n: [{**r, "pv": pv.get((n, r["id"]), 0.0)} for r in rows] for n, rows in rows_by_set.items()}
    return out, full


def shortfall(figures: dict[str, dict]) -> float:
    """How far the figures fall short of the bars, summed over sets and measures."""
    miss = 0.0
    for name, bars in BARS.items():
        m = figures.get(name)
        if m is None:
            continue
        miss += max(0.0, (m["false_abstention"] or 0.0) - bars["false_abstention"])
        if "unanswerable_abstained" in bars:
            miss += max(0.0, bars["unanswerable_abstained"] - (m["unanswerable_abstained"] or 0.0))
    return miss


def sweep(oof: dict[str, list[dict]]) -> list[dict]:
    return [{"threshold": t, **{n: summarise(variant(rows, "verdict", t)) for n, rows in oof.items()}} for t in GRID]


def choose(table: list[dict]) -> dict:
    """THRESHOLD_RULE; ties go to the lower threshold (fewer refusals)."""
    return min(table, key=lambda row: (round(shortfall(row), 6), row["threshold"]))


def auroc(rows: list[dict]) -> float | None:
    from eval.train_answer_model import auroc as _auroc

    kept = [r for r in rows if fitted(r)]
    y = np.asarray([r["answerable"] for r in kept], dtype=float)
    if len(set(y)) < 2:
        return None
    return round(_auroc(y, np.asarray([r["pv"] for r in kept])), 4)


def fit(rows_by_set: dict[str, list[dict]], c: float = 1.0, train: list[dict] | None = None) -> dict:
    """Out-of-fold figures, the threshold and the final fit; with `train` (IDK-MRC train rows) the stage is
    fitted on those and the dev split (see with_train), and IDK-MRC valid and TyDiQA-id dev are held out."""
    if train:
        oof, spec = with_train(rows_by_set, train, c)
    else:
        oof = out_of_fold(rows_by_set, c)
        pool = [(n, r) for n, rows in rows_by_set.items() for r in rows if fitted(r)]
        y = np.asarray([r["answerable"] for _, r in pool], dtype=int)
        spec = _fit(matrix([r for _, r in pool]), y, weights(pool), c)
    table = sweep(oof)
    best = choose(table)
    return {
        "kind": "logistic",
        "features": list(FEATURES),
        **{k: [round(v, 6) for v in spec[k]] for k in ("mean", "scale", "coef")},
        "intercept": round(spec["intercept"], 6),
        "C": c,
        "threshold": best["threshold"],
        "fitted_on": "idk-mrc-train sample + project-dev" if train else ", ".join(rows_by_set),
        "chosen_on": f"out-of-fold ({FOLDS} grouped folds) on {', '.join(rows_by_set)}: {THRESHOLD_RULE}",
        "figures_at_threshold": best,
        "auroc_out_of_fold": {n: auroc(rows) for n, rows in oof.items()},
        "sweep": table,
        "oof": oof,
    }


def write(spec: dict) -> str:
    path = resources.files("rag.resources").joinpath(VERDICT_FILE)
    keep = {k: v for k, v in spec.items() if k not in ("sweep", "oof")}
    with open(str(path), "w", encoding="utf-8") as fh:
        json.dump(keep, fh, indent=1)
    from rag.answer_gate import load_verdict

    load_verdict.cache_clear()
    return str(path)


def load_rows(settings, project_retriever, only=SETS + HELD_OUT) -> dict[str, dict]:
    """The recorded rows ({"base": ..., "model": ...} per set), answering only what is not cached."""
    from eval.external import run_external

    settings = dataclasses.replace(settings, answer_verdict=False)
    result = run_external(settings, project_retriever, show_progress=False, only=set(only), timed=False)
    return {k[: -len(" rows")]: v for k, v in result.items() if k.endswith(" rows")}


KEYS = ("false_abstention", "unanswerable_abstained", "gold_in_text")


def report(rows: dict[str, dict], spec: dict, show=print) -> None:
    """Before (hand gate, model off) and after (verdict, out-of-fold where fitted) per set."""
    oof = spec["oof"]
    t = spec["threshold"]
    show(f"threshold {t} ({spec['chosen_on']})")
    show("set | hand gate: " + " / ".join(KEYS) + " | verdict: same | AUROC (verdict, out-of-fold)")
    for name, pair in rows.items():
        before = summarise(variant(pair["base"], "all", None))
        after_rows = oof.get(name) or _final(pair["model"], spec)
        after = summarise(variant(after_rows, "verdict", t))
        cells = [" / ".join(str(m[k]) for k in KEYS) for m in (before, after)]
        trained = spec.get("fitted_on", "").startswith("idk-mrc-train")
        tag = "" if name in oof and not (trained and name != "project-dev") else " (held out, final fit)"
        show(f"{name}{tag} | {cells[0]} | {cells[1]} | {spec['auroc_out_of_fold'].get(name)}")


def _final(rows: list[dict], spec: dict) -> list[dict]:
    from rag.answer_gate import Verdict

    v = Verdict(spec)
    return [{**r, "pv": v.probability(r["signals"]) if r.get("signals") else 0.0} for r in rows]
