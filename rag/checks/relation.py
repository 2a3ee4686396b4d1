"""Do the sources ever speak of the two things a question relates? (rag.cooccur)"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.checks.base import PASS, Case, Check, Evidence
from rag.checks.language import alternation, is_english, things
from rag.text import fold, stem


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    comparison = re.compile(rf"\b({alternation('words', 'comparison')})\b")
    asks_thing = re.compile(rf"\b({alternation('words', 'asks_thing')})\b")
    return comparison, asks_thing


class RelationCheck(Check):
    """`relation`: the first two things the question names never appear together in the sources.

    Reads the standardised question; judges only questions that ask for a thing ("apa", "siapa",
    "berapa", "mana"), not explanations, comparisons (two things the sources may treat apart), Pasal
    references or English questions. Words the index lacks altogether are `unknown_words`' to judge."""

    name = "relation"

    def __call__(self, frame, case: Case) -> Evidence:
        q = fold(frame.standard)
        comparison, asks_thing = _patterns()
        if is_english(q) or comparison.search(q) or re.search(r"\bpasal\b", q) or not asks_thing.search(q):
            return PASS
        cooc = case.index.cooccurrence
        seen, named = set(), []
        for tok in things(q):
            if stem(tok) in seen:
                continue
            seen.add(stem(tok))
            if cooc.known(tok):
                named.append(tok)
            if len(named) == 2:
                break
        if len(named) == 2 and not cooc.together(*named):
            return Evidence(False, f"sumber tidak pernah membahas '{named[0]}' bersama '{named[1]}'")
        return PASS
