"""Checks that the best sentences can carry the kind of answer the question asks for."""

from __future__ import annotations

import re
from functools import lru_cache

from rag import extractive
from rag.checks.base import PASS, Case, Check, Evidence
from rag.checks.carriers import answer_carrier
from rag.checks.language import alternation
from rag.text import fold

ON_TOPIC_COVERAGE = 0.34
"""A candidate sentence covering this share of the question's terms may carry its number or date."""


def on_topic(case: Case) -> list[str]:
    """Candidate sentences among the first rag.extractive.CARRIER_POOL that cover enough of the question,
    each read with the ayat it points back to (a number or a date may sit a little lower than the best five)."""
    cover = case.index.text_coverage
    return [
        c.sentence.text
        for c in case.ranked[: extractive.CARRIER_POOL]
        if cover(case.q_terms, extractive.with_referenced_ayat(c, case.cands)) >= ON_TOPIC_COVERAGE
    ]


class _CarrierCheck(Check):
    kind = ""
    what = ""

    def __call__(self, frame, case: Case) -> Evidence:
        carrier = answer_carrier(frame.question)
        if carrier and carrier[0] == self.kind and not any(carrier[1](s) for s in on_topic(case)):
            return Evidence(
                False, f"pertanyaan '{self.kind}' tetapi tidak ada {self.what} di kalimat sumber yang relevan"
            )
        return PASS


class NumberCheck(_CarrierCheck):
    """`number`: a "berapa X" question, and no on-topic candidate sentence holds a number (other than the
    question's own, and not a Pasal, ayat or law number) said of X."""

    name, family, kind, what = "number", "answer_type", "berapa", "angka"


class DateCheck(_CarrierCheck):
    """`date`: a "kapan" question (not one asking for a condition, "kapan ... boleh"), and no on-topic
    candidate sentence holds a date (a law's "Tahun 1979" is not one)."""

    name, family, kind, what = "date", "answer_type", "kapan", "tanggal"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    ordinal = re.compile(rf"\b({alternation('answer_type', 'ordinal')})\b", re.I)
    superlative = re.compile(rf"\bpaling\s+(\w+)|\bter({alternation('answer_type', 'superlative')})\b")
    return ordinal, superlative


class OrdinalCheck(Check):
    """`ordinal`: the question asks for the first, second or last of something ("pertama", "terakhir")
    and none of the best five sentences says so."""

    name, family = "ordinal", "answer_type"

    def __call__(self, frame, case: Case) -> Evidence:
        m = _patterns()[0].search(fold(frame.question))
        if m and m.group(1).lower() not in fold(" ".join(c.sentence.text for c in case.best)):
            return Evidence(False, f"kata '{m.group(1)}' tidak didukung sumber")
        return PASS


class SuperlativeCheck(Check):
    """`superlative`: the question asks for the most or the least ("paling banyak", "terbesar") and none
    of the best five sentences makes that comparison."""

    name, family = "superlative", "answer_type"

    def __call__(self, frame, case: Case) -> Evidence:
        m = _patterns()[1].search(fold(frame.question))
        if not m:
            return PASS
        adjective = m.group(1) or m.group(2)
        joined = fold(" ".join(c.sentence.text for c in case.best))
        if not re.search(rf"\b(paling\s+{adjective}|ter{adjective})\b", joined):
            return Evidence(False, f"perbandingan 'paling {adjective}' tidak didukung sumber")
        return PASS
