"""The learned answer model: P(a sentence answers the question) and P(a passage answers it at all).

Both read cheap lexical features of the question frame (rag.frame) against a passage's sentences: the
IDF-weighted, stemmed coverage of the question's content words by the sentence, its neighbours and the
whole passage; the question's rarest words the passage lacks; the question's names found in the sentence
and the passage; whether the sentence can carry the kind of answer asked for (a date for "kapan", a
number for "berapa", a new name for "siapa" / "di mana", "adalah" for "apa itu"); position and length;
and the e5 cosine of the question with each sentence (the retriever's sentence vectors). No question-only
feature (length, negation words): those learn how a data set's authors wrote unanswerable questions, not
whether the sources answer.

Stage 1 is a gradient-boosted tree ensemble over sentences, stage 2 another over a passage's best
sentence scores and the features of its best sentence. Both are trained by `python -m eval
train-answer-model` from ../shared/data and stored in rag/resources/answer_model.json, evaluated here
in numpy (no scikit-learn at run time).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rag.frame import Frame, names_in
from rag.text import content_terms, fold, read_resource_json, tokenize

MODEL_FILE = "answer_model.json"
CALIBRATION_FILE = "answer_calibration.json"

SENTENCE_FEATURES = (
    "s_cov",
    "s_cov_plain",
    "window_cov",
    "p_cov",
    "s_miss_max",
    "p_miss_max",
    "p_miss_rare",
    "s_pairs",
    "s_names",
    "p_names",
    "type_fit",
    "p_type_fit",
    "novelty",
    "position",
    "rel_position",
    "log_words",
    "cov_gap",
    "p_miss_count",
    "p_miss_share",
    "p_miss_second",
    "window_miss_count",
    "cos",
    "cos_gap",
    "p_cos_max",
)
PASSAGE_FEATURES = ("logit_best", "logit_second", "max_pairs", "max_window_cov") + tuple(
    f"best_{name}" for name in SENTENCE_FEATURES
)
RARE = 0.6
"""A question term whose normalised IDF is at least this is rare: the passage should hold it."""

_MONTHS = "januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember"
_DATE = re.compile(rf"\b(?:1\d{{3}}|20\d{{2}}|{_MONTHS}|abad|masehi|sm)\b")
_NUMBER = re.compile(
    r"\d|\b(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|belas|puluh|ratus|ribu|juta"
    r"|miliar|triliun|seratus|seribu|setengah)\b"
)
_DEFINITION = re.compile(r"\b(?:adalah|merupakan|ialah|yaitu|yakni|disebut|dikenal sebagai|berarti)\b")
_REASON = re.compile(r"\b(?:karena|sebab|akibat|sehingga|disebabkan|oleh karena|agar|untuk)\b")

Weight = Callable[[str], float]
"""Normalised IDF of a term in 0..1 (1: a term no passage of the index holds)."""


@dataclass
class _Sent:
    terms: list[str]  # content terms per token position (None-free), in order
    term_set: set[str]
    tokens: set[str]
    text: str


def _terms_of(text: str) -> _Sent:
    seq = [t for tok in tokenize(text) for t in content_terms(tok)]
    # short words stay unstemmed in questions ("hak"); let them match their affixed forms ("berhak")
    have = set(seq) | {t[1:] for t in seq if t.startswith("~") and len(t) <= 4}
    return _Sent(seq, have, set(tokenize(text)), text)


def _type_fit(frame: Frame, s: _Sent) -> float:
    kind = frame.answer_type
    text = fold(s.text)
    if kind == "date":
        return float(bool(_DATE.search(text)))
    if kind == "number":
        return float(bool(_NUMBER.search(text)))
    if kind in ("person", "place"):
        known = set(frame.names) | {t for t in tokenize(frame.question)}
        return float(any(n not in known for n in names_in(s.text)))
    if kind == "definition":
        return float(bool(_DEFINITION.search(text)))
    if kind == "reason":
        return float(bool(_REASON.search(text)))
    return 0.5


def _pairs(frame: Frame, s: _Sent) -> float:
    """Share of consecutive question terms written close together (within 2 words) in the sentence."""
    pairs = list(zip(frame.terms, frame.terms[1:], strict=False))
    if not pairs:
        return 0.0
    pos: dict[str, list[int]] = {}
    for i, t in enumerate(s.terms):
        pos.setdefault(t, []).append(i)
    hit = 0
    for a, b in pairs:
        if a in pos and b in pos and any(abs(i - j) <= 2 for i in pos[a] for j in pos[b]):
            hit += 1
    return hit / len(pairs)


def passage_sentence_features(
    frame: Frame, weight: Weight, sentences: list[str], sims: np.ndarray | None = None
) -> np.ndarray:
    """One row of SENTENCE_FEATURES per sentence of one passage; `sims` are the e5 cosines of the question
    with each sentence (zeros when not given)."""
    n = len(sentences)
    out = np.zeros((n, len(SENTENCE_FEATURES)), dtype=np.float32)
    if not n:
        return out
    terms = frame.terms
    w = np.asarray([weight(t) for t in terms], dtype=np.float64)
    total = float(w.sum()) or 1.0
    sents = [_terms_of(s) for s in sentences]
    p_tokens = set().union(*(s.tokens for s in sents))
    inside = np.asarray([[t in s.term_set for t in terms] for s in sents], dtype=bool).reshape(n, len(terms))
    in_p = inside.any(axis=0)
    s_cov = (inside * w).sum(axis=1) / total
    p_cov = float((in_p * w).sum() / total)
    p_miss = w[~in_p]
    p_miss_sorted = np.sort(p_miss)[::-1]
    names = frame.names
    p_names = sum(nm in p_tokens for nm in names) / len(names) if names else 1.0
    fits = [_type_fit(frame, s) for s in sents]
    cos = np.zeros(n) if sims is None else np.asarray(sims, dtype=np.float64)
    for j, s in enumerate(sents):
        window = inside[max(0, j - 1) : j + 2].any(axis=0)
        miss = w[~inside[j]]
        out[j] = (
            s_cov[j],
            inside[j].mean() if terms else 0.0,
            (window * w).sum() / total,
            p_cov,
            miss.max() if miss.size else 0.0,
            p_miss.max() if p_miss.size else 0.0,
            min(int((p_miss >= RARE).sum()), 3),
            _pairs(frame, s),
            sum(nm in s.tokens for nm in names) / len(names) if names else 1.0,
            p_names,
            fits[j],
            max(fits),
            (len(s.term_set - set(terms)) / len(s.term_set)) if s.term_set else 0.0,
            min(j, 15),
            j / (n - 1) if n > 1 else 0.0,
            math.log1p(len(s.text.split())),
            s_cov[j] - s_cov.max(),
            min(int((~in_p).sum()), 5),
            (~in_p).mean() if terms else 0.0,
            p_miss_sorted[1] if len(p_miss_sorted) > 1 else 0.0,
            min(int((~window).sum()), 5),
            cos[j],
            cos[j] - cos.max(),
            cos.max(),
        )
    return out


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def passage_features(sent_x: np.ndarray, sent_p: np.ndarray) -> np.ndarray:
    """PASSAGE_FEATURES of one passage from its sentences' features and stage-1 probabilities."""
    if not len(sent_p):
        return np.zeros(len(PASSAGE_FEATURES), dtype=np.float64)
    order = np.argsort(-sent_p)
    idx = {name: i for i, name in enumerate(SENTENCE_FEATURES)}
    head = [
        float(_logit(sent_p[order[0]])),
        float(_logit(sent_p[order[1]] if len(order) > 1 else 1e-4)),
        float(sent_x[:, idx["s_pairs"]].max()),
        float(sent_x[:, idx["window_cov"]].max()),
    ]
    return np.concatenate([head, sent_x[order[0]].astype(np.float64)])


class TreeEnsemble:
    """Gradient-boosted trees (scikit-learn's HistGradientBoosting layout) evaluated with numpy."""

    def __init__(self, spec: dict):
        trees = spec["trees"]
        width = max(len(t["feature"]) for t in trees)

        def pad(key, fill, dtype):
            return np.asarray([t[key] + [fill] * (width - len(t[key])) for t in trees], dtype=dtype)

        self.feature = pad("feature", 0, np.int64)
        self.threshold = pad("threshold", 0.0, np.float64)
        self.left = pad("left", 0, np.int64)
        self.right = pad("right", 0, np.int64)
        self.value = pad("value", 0.0, np.float64)
        self.leaf = pad("leaf", True, bool)
        self.baseline = float(spec["baseline"])
        self.depth = int(spec.get("max_depth", 32))

    def raw(self, x: np.ndarray) -> np.ndarray:
        n, t = x.shape[0], self.feature.shape[0]
        if not n:
            return np.zeros(0)
        tr = np.arange(t)[None, :]
        rows = np.arange(n)[:, None]
        node = np.zeros((n, t), dtype=np.int64)
        for _ in range(self.depth):
            leaf = self.leaf[tr, node]
            if leaf.all():
                break
            go_left = x[rows, self.feature[tr, node]] <= self.threshold[tr, node]
            nxt = np.where(go_left, self.left[tr, node], self.right[tr, node])
            node = np.where(leaf, node, nxt)
        return self.baseline + self.value[tr, node].sum(axis=1)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.raw(x)))


class AnswerModel:
    """Stage 1 (sentences) and stage 2 (passages), with the abstention threshold chosen at training."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.sentences = TreeEnsemble(spec["sentence_model"])
        self.passages = TreeEnsemble(spec["passage_model"])
        self.threshold = float(spec["threshold"])

    def score_passage(
        self, frame: Frame, weight: Weight, sentences: list[str], sims: np.ndarray | None = None
    ) -> tuple[np.ndarray, float]:
        """(P(each sentence answers), P(the passage answers))."""
        x = passage_sentence_features(frame, weight, sentences, sims)
        p = self.sentences.predict(x.astype(np.float64))
        return p, float(self.passages.predict(passage_features(x, p)[None, :])[0])


@lru_cache(maxsize=1)
def load_model() -> AnswerModel | None:
    """The trained model from rag/resources, or None when it has not been trained."""
    spec = read_resource_json(MODEL_FILE)
    return AnswerModel(spec) if spec is not None else None


@lru_cache(maxsize=1)
def load_calibration() -> dict | None:
    """The answer-level calibration and threshold chosen on valid/dev data, or None."""
    return read_resource_json(CALIBRATION_FILE)
