"""`python -m eval train-answer-model`: rebuild rag/resources/answer_model.json from ../shared/data.

Training pairs (IDK-MRC train only):
- each question with its own paragraph: the sentence holding the answer span is a positive sentence,
  every other sentence a negative; the pair is a positive passage when the question is answerable;
- each answerable question with the most similar *other* paragraph (TF-IDF): all negative (a retrieved
  passage that is on the subject but does not hold the answer).
Stage 1 (sentences, gradient boosting) is cross-fitted over 5 folds grouped by paragraph so stage 2
(passages, gradient boosting over the best sentence's features) learns from out-of-fold scores. IDK-MRC
valid is only scored, never fitted. Features are cached under data/answer_model/.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np

from rag.answer_model import (
    MODEL_FILE,
    PASSAGE_FEATURES,
    SENTENCE_FEATURES,
    passage_features,
    passage_sentence_features,
)
from rag.frame import parse_frame
from rag.text import content_terms, split_sentences

DATA = Path("../shared/data")
CACHE = Path("data/answer_model")
FEATURE_VERSION = "3"


class IdfTable:
    """Normalised IDF over a pool of paragraphs, the same scale as rag.answer's index weights."""

    def __init__(self, paragraphs: list[str]):
        df: Counter = Counter()
        for p in paragraphs:
            df.update(content_terms(p))
        self.n = len(paragraphs)
        self.df = df
        self.top = math.log((self.n + 1) / 0.5)

    def __call__(self, term: str) -> float:
        return min(1.0, math.log((self.n + 1) / (self.df.get(term, 0) + 0.5)) / self.top)


def _idk(split: str) -> list[dict]:
    return json.loads((DATA / "idk-mrc" / f"{split}.json").read_text(encoding="utf-8"))


def _answer_sentence(sentences, start: int) -> int:
    for j, s in enumerate(sentences):
        if s.start <= start < s.end:
            return j
    return -1


def _wrong_paragraphs(rows: list[dict]) -> dict[str, int]:
    """For each answerable question id: the index of the most similar other paragraph (TF-IDF cosine)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    contexts = [r["context"] for r in rows]
    vec = TfidfVectorizer(sublinear_tf=True, min_df=1)
    m = vec.fit_transform(contexts)
    out = {}
    for i, r in enumerate(rows):
        qs = [qa for qa in r["qas"] if not qa["is_impossible"]]
        if not qs:
            continue
        sims = (vec.transform([qa["question"] for qa in qs]) @ m.T).toarray()
        sims[:, i] = -1
        for qa, row in zip(qs, sims, strict=True):
            out[qa["id"]] = int(row.argmax())
    return out


def build_pairs(rows: list[dict], weight, wrong: dict[str, int] | None = None, vecs: dict | None = None) -> dict:
    """Feature rows for every (question, paragraph) pair: sentence features, labels and groups."""
    sents = [split_sentences(r["context"]) for r in rows]
    xs, ys, pair_of, pairs = [], [], [], []
    for i, r in enumerate(rows):
        for qa in r["qas"]:
            frame = parse_frame(qa["question"])
            todo = [(i, not qa["is_impossible"])]
            if wrong is not None and qa["id"] in wrong:
                todo.append((wrong[qa["id"]], False))
            for k, (para, own_answerable) in enumerate(todo):
                texts = [s.text for s in sents[para]]
                sims = vecs["s"][para] @ vecs["q"][qa["id"]] if vecs is not None else None
                x = passage_sentence_features(frame, weight, texts, sims)
                y = np.zeros(len(texts))
                if own_answerable and k == 0:
                    j = _answer_sentence(sents[para], qa["answers"][0]["answer_start"])
                    if j >= 0:
                        y[j] = 1
                pair_of += [len(pairs)] * len(texts)
                pairs.append((qa["id"], i, para, bool(own_answerable and k == 0)))
                xs.append(x)
                ys.append(y)
    return {
        "x": np.concatenate(xs).astype(np.float64),
        "y": np.concatenate(ys),
        "pair": np.asarray(pair_of),
        "pair_label": np.asarray([p[3] for p in pairs], dtype=float),
        "pair_group": np.asarray([p[1] for p in pairs]),
        "pair_qid": [p[0] for p in pairs],
        "pair_own": np.asarray([p[1] == p[2] for p in pairs]),
    }


def _cached(name: str, make) -> dict:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}-v{FEATURE_VERSION}.npz"
    if path.exists():
        z = np.load(path, allow_pickle=True)
        return {k: (z[k].tolist() if k == "pair_qid" else z[k]) for k in z.files}
    out = make()
    np.savez_compressed(path, **{k: np.asarray(v) for k, v in out.items()})
    return out


def _gbm(min_leaf: int = 40):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.08,
        max_leaf_nodes=15,
        min_samples_leaf=min_leaf,
        l2_regularization=1.0,
        random_state=0,
    )


def _passage_x(d: dict, p: np.ndarray) -> np.ndarray:
    n_pairs = len(d["pair_label"])
    order = np.argsort(d["pair"], kind="stable")
    bounds = np.searchsorted(d["pair"][order], np.arange(n_pairs + 1))
    out = np.zeros((n_pairs, len(PASSAGE_FEATURES)))
    for k in range(n_pairs):
        rows = order[bounds[k] : bounds[k + 1]]
        out[k] = passage_features(d["x"][rows], p[rows])
    return out


def export_trees(clf) -> dict:
    trees = []
    max_depth = 0
    for it in clf._predictors:
        nodes = it[0].nodes
        max_depth = max(max_depth, int(nodes["depth"].max()))
        trees.append(
            {
                "feature": nodes["feature_idx"].astype(int).tolist(),
                "threshold": [float(v) for v in nodes["num_threshold"]],
                "left": nodes["left"].astype(int).tolist(),
                "right": nodes["right"].astype(int).tolist(),
                "value": [round(float(v), 7) for v in nodes["value"]],
                "leaf": nodes["is_leaf"].astype(bool).tolist(),
            }
        )
    return {"baseline": float(np.ravel(clf._baseline_prediction)[0]), "trees": trees, "max_depth": max_depth + 1}


def auroc(y: np.ndarray, s: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s))


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict]:
    out = []
    edges = np.linspace(0, 1, bins + 1)
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        m = (p >= a) & ((p < b) if b < 1 else (p <= b))
        if m.any():
            out.append(
                {"bin": f"{a:.1f}-{b:.1f}", "n": int(m.sum()), "mean_p": float(p[m].mean()), "rate": float(y[m].mean())}
            )
    return out


def train(show=print, with_vectors: bool = True) -> dict:
    from sklearn.model_selection import GroupKFold

    t0 = time.perf_counter()
    from eval.answer_vectors import subset, vectors

    all_train, valid_rows = _idk("train"), _idk("valid")
    tydi = [json.loads(line)["text"] for line in open(DATA / "tydiqa-id" / "corpus.jsonl", encoding="utf-8")]
    idf = IdfTable([r["context"] for r in all_train] + tydi)
    train_rows = subset(all_train, "train")
    if not with_vectors:  # lexical features only (cosine features 0): the whole train split, no e5
        train_rows = all_train

    def vecs(rows, split):
        return vectors(rows, split) if with_vectors else None

    kind = "" if with_vectors else "-lexical"
    tr = _cached(
        "train" + kind, lambda: build_pairs(train_rows, idf, _wrong_paragraphs(train_rows), vecs(train_rows, "train"))
    )
    va = _cached(
        "valid" + kind, lambda: build_pairs(valid_rows, idf, _wrong_paragraphs(valid_rows), vecs(valid_rows, "valid"))
    )
    show(f"features: train {len(tr['y'])} sentences / {len(tr['pair_label'])} pairs, {time.perf_counter() - t0:.0f} s")
    # Stage 1, cross-fitted: every train pair gets sentence scores from a model that never saw its paragraph.
    groups = tr["pair_group"][tr["pair"]]
    oof = np.zeros(len(tr["y"]))
    for fit_idx, held in GroupKFold(n_splits=5).split(tr["x"], tr["y"], groups):
        oof[held] = _gbm().fit(tr["x"][fit_idx], tr["y"][fit_idx]).predict_proba(tr["x"][held])[:, 1]
    stage1 = _gbm().fit(tr["x"], tr["y"])
    px_tr = _passage_x(tr, oof)
    stage2 = _gbm(min_leaf=20).fit(px_tr, tr["pair_label"])
    show(f"trained in {time.perf_counter() - t0:.0f} s")
    # IDK-MRC valid, the paragraph given: how the model ranks sentences and passages.
    p_va = stage1.predict_proba(va["x"])[:, 1]
    px_va = _passage_x(va, p_va)
    pp_va = stage2.predict_proba(px_va)[:, 1]
    own = va["pair_own"].astype(bool)
    y_own = va["pair_label"][own]
    metrics = {
        "valid_sentence_auroc": round(auroc(va["y"], p_va), 4),
        "valid_passage_auroc_own_paragraph": round(auroc(y_own, pp_va[own]), 4),
        "valid_passage_auroc_with_wrong_paragraphs": round(auroc(va["pair_label"], pp_va), 4),
        "valid_top_sentence_is_answer": round(_top_sentence_hit(va, p_va), 4),
        "train_sentences": int(len(tr["y"])),
        "train_pairs": int(len(tr["pair_label"])),
        "train_paragraphs": len(train_rows),
        "cosine_features": with_vectors,
    }
    spec = {
        "recipe": "python -m eval train-answer-model (eval/train_answer_model.py): IDK-MRC train, "
        "each question with its paragraph and answerable ones with the most similar other paragraph",
        "sentence_features": list(SENTENCE_FEATURES),
        "passage_features": list(PASSAGE_FEATURES),
        "sentence_model": export_trees(stage1),
        "passage_model": export_trees(stage2),
        "threshold": 0.5,
        "metrics": metrics,
        "reliability_valid_own_paragraph": reliability(y_own, pp_va[own]),
        "data_sha1": hashlib.sha1((DATA / "idk-mrc" / "train.json").read_bytes()).hexdigest()[:12],
    }
    return spec


def _top_sentence_hit(d: dict, p: np.ndarray) -> float:
    hits = total = 0
    for k, label in enumerate(d["pair_label"]):
        if not label:
            continue
        rows = np.flatnonzero(d["pair"] == k)
        if not len(rows):
            continue
        total += 1
        hits += bool(d["y"][rows[np.argmax(p[rows])]])
    return hits / max(total, 1)


def write(spec: dict) -> str:
    path = resources.files("rag.resources").joinpath(MODEL_FILE)
    with open(str(path), "w", encoding="utf-8") as fh:
        json.dump(spec, fh, separators=(",", ":"))
    return str(path)
