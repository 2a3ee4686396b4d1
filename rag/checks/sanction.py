"""A penalty has a direction: the sources must give it to whom the question asks about."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.checks.base import PASS, Case, Check, Evidence
from rag.checks.language import alternation, is_english, things, words
from rag.cooccur import mentions
from rag.text import fold


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    def alt(name: str) -> str:
        return alternation("sanction", name)

    asked = re.compile(rf"\b({alt('penalty')})\s+(?:\w+\s+)?(?:{alt('recipient')})\s+(.+)")
    given = re.compile(rf"\b(?:{alt('penalty_source')})\b(?:\s+\w+)?\s+(?:{alt('recipient_source')})\s+(.+)")
    imposed = re.compile(rf"\bdikenai\s+(?:{alt('penalty_source')})\b")
    return asked, given, imposed


class SanctionCheck(Check):
    """`sanction`: "apa sanksi bagi X?" where no source sentence gives X a penalty ("sanksi ... bagi /
    kepada / terhadap / atas X", "X ... dikenai sanksi"), though X may stand beside one (X imposing it, X's
    duties next to it). A recipient the index does not know is `unknown_words`' to judge."""

    name = "sanction"

    def __call__(self, frame, case: Case) -> Evidence:
        q = fold(frame.standard)
        asked, given, imposed = _patterns()
        m = asked.search(q)
        if not m or is_english(q):
            return PASS
        cooc = case.index.cooccurrence
        target = next((t for t in things(m.group(2)) if cooc.known(t)), None)
        if target is None:
            return PASS
        for sid in set().union(*(cooc.sentences_with(w) for w in words("sanction", "penalty_source"))):
            text = cooc.texts[sid]
            recipient = given.search(text)
            if recipient and mentions(recipient.group(1), target):
                return PASS
            before = imposed.split(text)
            if len(before) > 1 and mentions(before[0], target):
                return PASS
        return Evidence(False, f"sumber tidak pernah menyebut sanksi bagi '{target}'")
