"""The answer model at work in the answer path: it scores every candidate sentence of the retrieved
passages (the best one leads the answer) and gives the probability that the sources answer at all (below
the threshold the assistant abstains). rag.answer calls `assess` once per question."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from rag.answer_model import load_calibration, load_model
from rag.checks.base import Case
from rag.config import Settings
from rag.frame import Frame
from rag.text import read_resource_json

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
    if not (settings.answer_model or settings.answer_verdict):
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


# ---------------------------------------------------------------------------------------------- verdict
# With Settings.answer_verdict on, the hand-written checks no longer abstain outright: each one's verdict
# (and its strength where it has one) becomes a signal beside the model's probability, the best sentences'
# cosine and coverage and the retrieval scores, and one calibrated stage (rag/resources/answer_verdict.json,
# fitted by `python -m eval fit-verdict` on IDK-MRC valid, TyDiQA-id dev and the project's dev split, all
# figures out-of-fold) decides from all of them. Hard exits stay: an instruction inside the question
# (never obeyed, whatever the sources say), no candidate sentence at all (nothing to cite), and, before the
# gate, a named regulation or Pasal the index does not hold (its reply names what is missing).

VERDICT_FILE = "answer_verdict.json"
SIGNALS = (
    "q_now",
    "q_unknown",
    "q_unknown_n",
    "q_unknown_share",
    "relation",
    "action",
    "sanction",
    "answer_type",
    "asks_number",
    "asks_date",
    "floor",
    "pasal_held",
    "english",
    "logit_p_model",
    "logit_p_sentence",
    "top_sim",
    "top_cover",
    "top_relevance",
    "top_dense",
    "top_passage_cover",
    "miss_rare",
)
"""What the gate records; check verdicts are 1.0 when the check would abstain."""
FIRED = ("q_unknown", "relation", "action", "sanction", "answer_type", "floor")
"""The checks whose firing the verdict stage also reads together with the evidence scores."""
CROSSED = ("top_cover", "logit_p_model", "top_sim", "miss_rare", "top_relevance")
DERIVED = ("n_fired", "any_fired") + tuple(f"fired_x_{k}" for k in CROSSED)
"""A check firing beside strong evidence (a paraphrase the check cannot see) is not the same as a check
firing beside weak evidence: measured out-of-fold, these products raise IDK-MRC valid's unanswerable
abstained at equal false abstention."""


def with_derived(signals: dict) -> dict:
    """The signals with DERIVED added (idempotent: rows recorded before them get the same values)."""
    fired = sum(float(signals[c]) for c in FIRED)
    out = {**signals, "n_fired": fired, "any_fired": float(fired > 0)}
    for k in CROSSED:
        out[f"fired_x_{k}"] = float(fired > 0) * float(signals[k])
    return out


def _logit1(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def gate_signals(settings: Settings, frame: Frame, case: Case) -> dict:
    """Every check's verdict and strength and the model's and retriever's scores for one question, plus
    `hard`: the reason of a hard exit ("" when none)."""
    from rag.checks.action import ActionCheck
    from rag.checks.answer_type import DateCheck, NumberCheck, OrdinalCheck, SuperlativeCheck
    from rag.checks.carriers import answer_carrier
    from rag.checks.exits import FloorCheck, NoPassageCheck
    from rag.checks.language import is_english
    from rag.checks.question import InjectionCheck, NowCheck, UnknownWordsCheck
    from rag.checks.relation import RelationCheck
    from rag.checks.sanction import SanctionCheck
    from rag.text import content_terms

    def fired(check) -> bool:
        return not check(frame, case).answer

    retriever, parsed, results, q_terms = case.index, frame.parsed, case.results, case.q_terms
    unknown = retriever.unknown_terms(frame.topics)
    injection = InjectionCheck()(frame, case)
    asked_now = fired(NowCheck()) and injection.answer
    out = {
        "hard": "" if injection.answer else injection.reason,
        "q_now": float(asked_now),
        "q_unknown": float(not asked_now and fired(UnknownWordsCheck())),
        "q_unknown_n": float(min(len(unknown), 3)),
        "q_unknown_share": len(unknown) / max(len(content_terms(parsed.original)), 1),
        "english": float(is_english(parsed.original)),
        "pasal_held": float(bool(parsed.law_refs) and any(r.score >= 1.0 for r in results)),
        "relation": float(fired(RelationCheck())),
        "action": float(fired(ActionCheck())),
        "sanction": float(fired(SanctionCheck())),
    }
    carrier = answer_carrier(frame.question)
    out["asks_number"] = float(carrier is not None and carrier[0] == "berapa")
    out["asks_date"] = float(carrier is not None and carrier[0] == "kapan")
    best = case.best
    out["top_sim"] = max((c.sim for c in best), default=0.0)
    out["top_cover"] = max((retriever.text_coverage(q_terms, c.sentence.text) for c in best), default=0.0)
    typed = (NumberCheck(), DateCheck(), OrdinalCheck(), SuperlativeCheck())
    out["answer_type"] = float(bool(best) and any(fired(check) for check in typed))
    floor = FloorCheck(settings.abstain_min_coverage, settings.abstain_min_similarity)
    out["floor"] = float(not best or fired(floor))
    model = case.model
    out["logit_p_model"] = _logit1(model.p_model if model is not None else 0.5)
    out["logit_p_sentence"] = _logit1(max(model.sentence_p.values(), default=0.5) if model is not None else 0.5)
    top = results[0] if results else None
    out["top_relevance"] = top.relevance if top else 0.0
    out["top_dense"] = (top.dense_score or 0.0) if top else 0.0
    out["top_passage_cover"] = top.coverage if top else 0.0
    weight = index_weight(retriever)
    have = content_terms(" ".join(r.chunk.text for r in results))
    have |= {t[1:] for t in have if t.startswith("~") and len(t) <= 4}
    out["miss_rare"] = max((weight(t) for t in q_terms if t not in have), default=0.0)
    if not out["hard"] and fired(NoPassageCheck()):
        out["hard"] = "tidak ada bagian sumber"
    return with_derived(out)


class Verdict:
    """The calibrated stage that decides abstention from the signals: logistic regression over
    standardised SIGNALS, evaluated in plain numpy."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.features = tuple(spec["features"])
        self.mean = np.asarray(spec["mean"], dtype=np.float64)
        self.scale = np.asarray(spec["scale"], dtype=np.float64)
        self.coef = np.asarray(spec["coef"], dtype=np.float64)
        self.intercept = float(spec["intercept"])
        self.threshold = float(spec["threshold"])

    def probability(self, signals: dict) -> float:
        signals = with_derived(signals)
        x = np.asarray([float(signals[f]) for f in self.features], dtype=np.float64)
        z = self.intercept + float(((x - self.mean) / self.scale) @ self.coef)
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def load_verdict() -> Verdict | None:
    """The fitted verdict stage from rag/resources, or None when it has not been fitted."""
    spec = read_resource_json(VERDICT_FILE)
    return Verdict(spec) if spec is not None else None


def verdict_ready(settings: Settings) -> bool:
    """Whether the verdict stage decides: switched on and fitted (else the hand gate decides, with a warning)."""
    if not settings.answer_verdict:
        return False
    if load_verdict() is None:
        _warn_missing()
        return False
    return True


@lru_cache(maxsize=1)
def _warn_missing() -> None:
    log.warning("answer_verdict is on but rag/resources/%s is missing: the hand gate decides", VERDICT_FILE)


def verdict_reason(settings: Settings, frame: Frame, case: Case) -> str | None:
    """The gate with the verdict stage deciding (load_verdict() must not be None): None to answer, or the
    reason to abstain."""
    verdict = load_verdict()
    signals = gate_signals(settings, frame, case)
    if signals["hard"]:
        return signals["hard"]
    p = verdict.probability(signals)
    threshold = verdict.threshold if settings.verdict_threshold is None else settings.verdict_threshold
    if p >= threshold:
        return None
    fired = [name for name in CHECK_SIGNALS if signals[name]]
    return f"P(jawab) {p:.2f} < {threshold:.2f}" + (f"; cek: {', '.join(fired)}" if fired else "")


CHECK_SIGNALS = ("q_now",) + FIRED
