"""The answer gate: the checks in order; the first that refuses gives the reason to abstain.

| order | name | family | module |
|---|---|---|---|
| 0 | regulation | | regulation.py (before the model; its reply names what is missing) |
| 1 | injection | question | question.py |
| 2 | now | question | question.py |
| 3 | unknown_words | question | question.py |
| 4 | relation | | relation.py |
| 5 | action | | action.py |
| 6 | sanction | | sanction.py |
| 7 | no_passage (always on) | | exits.py |
| 8 | number | answer_type | answer_type.py |
| 9 | date | answer_type | answer_type.py |
| 10 | ordinal | answer_type | answer_type.py |
| 11 | superlative | answer_type | answer_type.py |
| 12 | cited_pasal | | exits.py (answers at once) |
| 13 | model | | exits.py (model on only) |
| 14 | floor | | exits.py |

Settings.gate_without names checks or families to switch off. With the model on and answer_rules `none`
the model's verdict alone decides (after `regulation`); with `checks` `floor` does not run.
"""

from __future__ import annotations

from rag.checks.action import ActionCheck
from rag.checks.answer_type import DateCheck, NumberCheck, OrdinalCheck, SuperlativeCheck
from rag.checks.base import PASS, Case, Check, Evidence
from rag.checks.exits import CitedPasalCheck, FloorCheck, ModelCheck, NoPassageCheck, model_verdict
from rag.checks.question import InjectionCheck, NowCheck, UnknownWordsCheck
from rag.checks.regulation import RegulationCheck
from rag.checks.relation import RelationCheck
from rag.checks.sanction import SanctionCheck
from rag.config import Settings


def gate_checks(settings: Settings) -> list[Check]:
    """The checks after `regulation`, in the order they run."""
    return [
        InjectionCheck(),
        NowCheck(),
        UnknownWordsCheck(),
        RelationCheck(),
        ActionCheck(),
        SanctionCheck(),
        NoPassageCheck(),
        NumberCheck(),
        DateCheck(),
        OrdinalCheck(),
        SuperlativeCheck(),
        CitedPasalCheck(),
        ModelCheck(settings.answer_rules),
        FloorCheck(settings.abstain_min_coverage, settings.abstain_min_similarity),
    ]


def _skipped(check: Check, skip: frozenset[str]) -> bool:
    return check.switchable and (check.name in skip or (check.family != "" and check.family in skip))


def regulation_refusal(settings: Settings, frame, case: Case) -> Evidence | None:
    """The named refusal for a regulation or Pasal the index does not hold (None: nothing to refuse)."""
    check = RegulationCheck()
    if not settings.regulation_check or _skipped(check, settings.gate_skipped()):
        return None
    ev = check(frame, case)
    return None if ev.answer else ev


def judge(settings: Settings, frame, case: Case) -> Evidence:
    """Run the checks (but `regulation`, see regulation_refusal) on the frame and the case."""
    if case.model is not None and settings.answer_rules == "none":
        return model_verdict(case)
    skip = settings.gate_skipped()
    for check in gate_checks(settings):
        if _skipped(check, skip):
            continue
        ev = check(frame, case)
        if not ev.answer or ev.final:
            return ev
    return PASS


CHECK_NAMES = ("regulation", *(c.name for c in gate_checks(Settings()) if c.switchable))
"""Every check Settings.gate_without can switch off, in the order they run."""
FAMILIES = {
    family: tuple(c.name for c in gate_checks(Settings()) if c.family == family)
    for family in ("question", "answer_type")
}
"""Groups of checks one name switches off (the names the gate had before its checks were split)."""
