"""The gate's last steps: no passage to answer from, a cited Pasal that is held, the answer model's
verdict, and the evidence floor."""

from __future__ import annotations

from rag.checks.base import PASS, Case, Check, Evidence


class NoPassageCheck(Check):
    """`no_passage`: retrieval found no candidate sentence at all (an empty or out-of-scope index). Cannot
    be switched off: there is nothing to answer from."""

    name, switchable = "no_passage", False

    def __call__(self, frame, case: Case) -> Evidence:
        return PASS if case.cands else Evidence(False, "tidak ada bagian sumber")


class CitedPasalCheck(Check):
    """`cited_pasal`: the question points at a Pasal the index holds (a retrieved passage matches the
    reference exactly): answer with it, without the model's verdict or the evidence floor."""

    name = "cited_pasal"

    def __call__(self, frame, case: Case) -> Evidence:
        if frame.parsed.law_refs and any(r.score >= 1.0 for r in case.results):
            return Evidence(True, final=True)
        return PASS


def model_verdict(case: Case) -> Evidence:
    """The answer model's verdict: refuse below its threshold."""
    if case.model.answers:
        return PASS
    return Evidence(False, f"model: P(jawab) {case.model.p_answer:.2f}")


class ModelCheck(Check):
    """`model`: with the answer model on (Settings.answer_model), abstain when P(the sources answer) is
    below its threshold; with answer_rules `checks` a question it accepts skips the evidence floor."""

    name = "model"

    def __init__(self, rules: str = "checks"):
        self.rules = rules

    def __call__(self, frame, case: Case) -> Evidence:
        if case.model is None:
            return PASS
        verdict = model_verdict(case)
        if verdict.answer and self.rules == "checks":
            return Evidence(True, final=True)
        return verdict


class FloorCheck(Check):
    """`floor`: the evidence is weak: the best sentence covers too little of the question's IDF-weighted
    terms and none of the best five is similar enough to it (Settings.abstain_min_coverage and
    abstain_min_similarity, set on dev data)."""

    name = "floor"

    def __init__(self, min_coverage: float, min_similarity: float):
        self.min_coverage, self.min_similarity = min_coverage, min_similarity

    def __call__(self, frame, case: Case) -> Evidence:
        top_cover = max(case.index.text_coverage(case.q_terms, c.sentence.text) for c in case.best)
        top_sim = max(c.sim for c in case.best)
        if top_cover < self.min_coverage and top_sim < self.min_similarity:
            return Evidence(False, f"bukti lemah (cakupan {top_cover:.2f}, kemiripan {top_sim:.2f})")
        return PASS
