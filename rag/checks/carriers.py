"""Does a sentence carry the number or date a "berapa" / "kapan" question asks for? Shared by the gate's
answer-type checks and the extractive engine, which leads with that sentence."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from rag.checks.language import alternation, things, word_set
from rag.cooccur import mentions
from rag.text import fold, stem, tokenize

LEGAL_REF = re.compile(
    r"\b(?:nomor|no\.)\s*\d+\s+tahun\s+\d{4}|\blembaran negara(?: republik indonesia)? tahun \d{4}"
    r"|\bundang[\s-]*undang dasar(?: negara)?(?: republik indonesia)?(?: tahun)? \d{4}|\buud(?: nri)? \d{4}"
    r"|\b(pasal|ayat|angka|huruf|nomor|no\.)\s*\(?\d+[a-z]?\)?|^\s*\(\d+[a-z]?\)",
    re.I,
)
"""A law's citation ("Nomor 4 Tahun 1979", "Undang-Undang Dasar Negara Republik Indonesia Tahun 1945"), a
Pasal, ayat, angka or huruf, or the "(1)" that opens an ayat: a locator, neither a quantity nor the date of an
event."""


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    def alt(name: str) -> str:
        return alternation("answer_type", name)

    months = alt("month")
    return {
        "date": re.compile(
            rf"\b(\d{{1,2}}\s+({months})\s+\d{{4}}|({months})\s+\d{{4}}|tahun\s+\d{{4}}|\d{{4}})\b", re.I
        ),
        "number": re.compile(rf"\d+|\b({alt('number_word')})\b", re.I),
        "berapa": re.compile(rf"^\s*(?:untuk\s+)?({alt('number_question')}|{alt('number_question_en')})\s+(\w+)"),
        "kapan": re.compile(rf"^\s*({alt('date_question')})\b"),
        "condition": re.compile(rf"\b({alt('condition')})\b"),
    }


def has_number(sentence: str) -> bool:
    return bool(_patterns()["number"].search(LEGAL_REF.sub(" ", sentence)))


def has_date(text: str) -> bool:
    """A date ("2 Oktober 2019", "tahun 2013"), not a law's citation ("Nomor 4 Tahun 1979")."""
    return bool(_patterns()["date"].search(LEGAL_REF.sub(" ", text)))


def answer_carrier(question: str) -> tuple[str, Callable[[str], bool]] | None:
    """For a question that asks for a number or a date: its kind and a test for a sentence that carries it.

    "berapa X ..." needs a number (not one the question itself contains) in a sentence that names X and
    the thing asked about; "kapan" needs a date (unless it asks for a condition: "kapan ... boleh").
    None for other questions.
    """
    q = fold(question)
    q_numbers = set(re.findall(r"\d+", q))
    p = _patterns()
    m = p["berapa"].match(q)
    if m:
        focus = stem(m.group(2)) if m.group(1) in word_set("answer_type", "number_question") else ""
        # "berapa lama masa berlaku *sertifikat* ...": the number must be said of the thing asked about,
        # not of another thing in the same passage ("pendidikan profesi ... paling lambat 5 (lima) tahun").
        head = next(things(q[m.end() :]), "")
        units = word_set("answer_type", "time_unit")

        def carries(s: str) -> bool:
            plain = LEGAL_REF.sub(" ", s)
            digits = set(re.findall(r"\d+", plain))
            new_number = (digits - q_numbers) if digits else has_number(plain)
            found = {stem(t) for t in tokenize(s)}
            # "berapa lama" asks for a duration: "paling lambat 2 (dua) tahun" answers it without "lama"
            names_it = focus in found or (focus == "lama" and bool(found & units))
            return bool(new_number) and (not focus or names_it) and (not head or mentions(s, head))

        return "berapa", carries
    if p["kapan"].match(q) and not p["condition"].search(q):
        return "kapan", has_date
    return None
