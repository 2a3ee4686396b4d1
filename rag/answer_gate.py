"""The answer model at work in the answer path: it scores every candidate sentence of the retrieved
passages (the best one leads the answer) and gives the probability that the sources answer at all (below
the threshold the assistant abstains). rag.answer calls `assess` once per question."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from rag.answer_model import load_model
from rag.config import Settings
from rag.frame import Frame, parse_frame
from rag.types import SearchResult

log = logging.getLogger(__name__)


@dataclass
class Assessment:
    frame: Frame
    p_answer: float
    """P(the retrieved passages answer the question): the best passage's probability."""
    threshold: float
    sentence_p: dict[tuple[int, int], float] = field(default_factory=dict)
    """P(the sentence answers), keyed by (passage number, sentence index)."""
    passage_p: list[float] = field(default_factory=list)

    @property
    def answers(self) -> bool:
        return self.p_answer >= self.threshold


def index_weight(retriever):
    """Normalised IDF of a term in the retriever's index (1 for a term no passage holds)."""
    idf, top = retriever._idf, retriever._idf_unknown

    def weight(term: str) -> float:
        return min(1.0, idf.get(term, top) / top)

    return weight


def assess(settings: Settings, retriever, question: str, results: list[SearchResult]) -> Assessment | None:
    """Score the retrieved passages; None when the model is switched off or not trained."""
    if not settings.answer_model:
        return None
    model = load_model()
    if model is None:
        log.warning("answer model switched on but rag/resources/answer_model.json is missing")
        return None
    frame = parse_frame(question)
    weight = index_weight(retriever)
    out = Assessment(
        frame, 0.0, settings.answer_threshold if settings.answer_threshold is not None else model.threshold
    )
    for n, r in enumerate(results, 1):
        sentences = [s.text for s in r.chunk.sentences]
        if not sentences:
            out.passage_p.append(0.0)
            continue
        p_sent, p_pass = model.score_passage(frame, weight, sentences)
        out.passage_p.append(p_pass)
        for j, p in enumerate(p_sent):
            out.sentence_p[(n, j)] = float(p)
    out.p_answer = max(out.passage_p, default=0.0)
    return out


def rescore(cands, assessment: Assessment | None, weight: float) -> None:
    """Add the model's sentence probability to each candidate's score (the best sentence then leads)."""
    if assessment is None or weight <= 0:
        return
    for c in cands:
        c.score += weight * assessment.sentence_p.get((c.n, c.j), 0.0)
