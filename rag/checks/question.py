"""Checks that need only the question (and which of its words the index knows)."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.checks.base import PASS, Case, Check, Evidence
from rag.checks.language import affixed, alternation, is_english
from rag.text import content_terms, root_words


@lru_cache(maxsize=1)
def _injection() -> re.Pattern:
    def alt(name: str) -> str:
        return alternation("question", name)

    return re.compile(
        rf"\b({alt('override')})\b.{{0,40}}\b({alt('target')})\b"
        rf"|\b({alt('override_en')})\b.{{0,30}}\b({alt('target_en')})"
        rf"|\b({alt('you')})\s+({alt('now_role')})\s+({alt('become')})\b|\b({alt('phrase')})\b",
        re.I,
    )


@lru_cache(maxsize=1)
def _present() -> re.Pattern:
    return re.compile(rf"\b({alternation('question', 'present')})\b", re.I)


class InjectionCheck(Check):
    """`injection`: the question tries to override the assistant's instructions or give it a new role."""

    name, family = "injection", "question"

    def __call__(self, frame, case: Case) -> Evidence:
        if _injection().search(frame.parsed.original):
            return Evidence(False, "instruksi dalam pertanyaan diabaikan")
        return PASS


class NowCheck(Check):
    """`now`: the question asks about the present ("saat ini", "tahun ini"), which a fixed corpus
    cannot know."""

    name, family = "now", "question"

    def __call__(self, frame, case: Case) -> Evidence:
        if _present().search(frame.parsed.original):
            return Evidence(False, "pertanyaan tentang keadaan terkini; korpus bersifat tetap")
        return PASS


class UnknownWordsCheck(Check):
    """`unknown_words`: the question is about something the index never mentions.

    Refuses when a topic word that occurs in no passage is a name (capitalised as written, or not written
    as such), a standard root word the sources never use, a word that is neither Indonesian nor an
    informal form, or when such words make up half the question's content words. One unfamiliar derived
    or informal word ("meluncurkan", "ngelanggar") is tolerated; English questions are not judged."""

    name, family = "unknown_words", "question"

    def __call__(self, frame, case: Case) -> Evidence:
        q = frame.parsed.original
        unknown = case.index.unknown_terms(frame.topics)
        if not unknown or is_english(q):
            return PASS
        names = [
            t
            for t in unknown
            if re.search(rf"\b{re.escape(t)}\b", q) is None or re.search(rf"\b[A-Z]\w*{re.escape(t[1:])}\b", q)
        ]
        n_content = max(len(content_terms(q)), 1)
        absent = [t for t in unknown if t in root_words()]
        foreign = [t for t in unknown if t not in root_words() and not affixed(t)]
        if names or absent or foreign or len(unknown) / n_content >= 1 / 2:
            return Evidence(False, "kata tidak dikenal korpus: " + ", ".join(unknown[:3]))
        return PASS
