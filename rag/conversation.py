"""Follow-up questions: carry the topic of the previous question when the new one has none."""

from __future__ import annotations

import re

from rag.text import content_terms, tokenize

_LEAD = re.compile(
    r"^\s*(apa\s+(itu|yang\s+dimaksud\s+dengan|arti|pengertian|definisi)|siapa\s+(itu|yang\s+dimaksud\s+dengan)|"
    r"apakah|apa|siapa|bagaimana|jelaskan|what\s+is|who\s+is)\s+",
    re.I,
)
_FOLLOW_MARKERS = {
    "lalu",
    "terus",
    "kemudian",
    "selanjutnya",
    "bagaimana",
    "kalau",
    "itu",
    "tersebut",
    "dia",
    "mereka",
    "and",
    "then",
    "it",
    "they",
}


def topic_of(question: str) -> str:
    """The subject of a question: "apa itu pekerja sosial?" -> "pekerja sosial"."""
    q = _LEAD.sub("", question.strip()).strip(" ?!.")
    return q


def is_follow_up(question: str) -> bool:
    toks = tokenize(question)
    if not toks:
        return False
    has_nya = any(t.endswith("nya") and len(t) > 5 for t in toks)
    marker = toks[0] in _FOLLOW_MARKERS or any(t in {"tersebut", "itu", "dia", "mereka", "it", "they"} for t in toks)
    return len(content_terms(question)) <= 3 and (has_nya or marker)


def condense_question(question: str, history: list[str]) -> str:
    """Rule-based rewrite for retrieval: prefix the previous topic to a follow-up that lacks one."""
    previous = [h for h in history if h and h.strip()]
    if not previous or not is_follow_up(question):
        return question
    return f"{topic_of(previous[-1])} {question.strip()}"
