"""The answer model at work in the answer path: it scores every candidate sentence of the retrieved
passages (the best one leads the answer) and gives the probability that the sources answer at all (below
the threshold the assistant abstains). rag.answer calls `assess` once per question."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np

from rag.answer_model import load_calibration, load_model
from rag.checks.base import Case
from rag.config import Settings
from rag.frame import Frame

log = logging.getLogger(__name__)


@dataclass
class Assessment:
    frame: Frame
    p_answer: float
    """P(the retrieved passages answer the question): the best passage's probability, calibrated on the
    answer path with the best sentences' cosine and coverage when rag/resources holds a calibration."""
    threshold: float
    sentence_p: dict[tuple[int, int], float] = field(default_factory=dict)
    """P(the sentence answers), keyed by (passage number, sentence index)."""
    passage_p: list[float] = field(default_factory=list)
    p_model: float = 0.0
    """The best passage's probability before calibration."""

    @property
    def answers(self) -> bool:
        return self.p_answer >= self.threshold


def index_weight(retriever):
    """Normalised IDF of a term in the retriever's index (1 for a term no passage holds)."""
    idf, top = retriever._idf, retriever._idf_unknown

    def weight(term: str) -> float:
        return min(1.0, idf.get(term, top) / top)

    return weight


def assess(settings: Settings, frame: Frame, case: Case) -> Assessment | None:
    """Score the retrieved passages and rescore the case's candidates (rag.extractive) with the model's
    sentence probabilities; None when the model is switched off or not trained."""
    if not settings.answer_model:
        return None
    model = load_model()
    if model is None:
        log.warning("answer model switched on but rag/resources/answer_model.json is missing")
        return None
    retriever, results, cands, q_terms = case.index, case.results, case.cands, case.q_terms
    weight = index_weight(retriever)
    cal = load_calibration()
    default = cal["threshold"] if cal else model.threshold
    out = Assessment(frame, 0.0, settings.answer_threshold if settings.answer_threshold is not None else default)
    sims = {(c.n, c.j): c.sim for c in cands}
    for n, r in enumerate(results, 1):
        sentences = [s.text for s in r.chunk.sentences]
        if not sentences:
            out.passage_p.append(0.0)
            continue
        cos = np.asarray([sims.get((n, j), 0.0) for j in range(len(sentences))])
        p_sent, p_pass = model.score_passage(frame, weight, sentences, cos)
        out.passage_p.append(p_pass)
        for j, p in enumerate(p_sent):
            out.sentence_p[(n, j)] = float(p)
    out.p_model = out.p_answer = max(out.passage_p, default=0.0)
    rescore(cands, out, settings.answer_model_weight)
    if cal and cands:
        top = sorted(cands, key=lambda c: -c.score)[:5]
        sim = max(c.sim for c in top)
        cover = max(retriever.text_coverage(q_terms, c.sentence.text) for c in top)
        out.p_answer = calibrate(cal, out.p_model, sim, cover)
    return out


def calibrate(cal: dict, p_model: float, sim: float, cover: float) -> float:
    """Answer-level logistic calibration over the model's probability, best cosine and best coverage."""
    p = min(max(p_model, 1e-4), 1 - 1e-4)
    x = (math.log(p / (1 - p)), sim, cover)
    z = cal["intercept"] + sum(w * v for w, v in zip(cal["coef"], x, strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def rescore(cands, assessment: Assessment | None, weight: float) -> None:
    """Add the model's sentence probability to each candidate's score (the best sentence then leads)."""
    if assessment is None or weight <= 0:
        return
    for c in cands:
        c.score += weight * assessment.sentence_p.get((c.n, c.j), 0.0)
