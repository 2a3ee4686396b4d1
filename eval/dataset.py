"""The project's own question set: eval/questions.jsonl."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rag.text import normalize_whitespace
from rag.types import Chunk

QUESTIONS = Path(__file__).resolve().parent / "questions.jsonl"


@dataclass(frozen=True)
class Gold:
    source_id: str
    phrase: str


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    type: str
    split: str
    answerable: bool
    gold: tuple[Gold, ...] = ()
    history: tuple[str, ...] = field(default=())


def load_questions(path: Path = QUESTIONS, split: str | None = None, blind: bool = False) -> list[Question]:
    """The questions of `split` (None or "all": every split). Rows of a batch still blind (a `blind` field:
    written before the work it will judge, not yet scored) are left out, or with `blind` are the only ones
    returned: a blind batch is run once, at the end of that work (eval/DATA.md)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            r = json.loads(line)
            q = Question(
                id=r["id"],
                question=r["question"],
                type=r["type"],
                split=r["split"],
                answerable=bool(r["answerable"]),
                gold=tuple(Gold(g["source_id"], g["phrase"]) for g in r.get("gold", [])),
                history=tuple(r.get("history", [])),
            )
            if bool(r.get("blind")) != blind:
                continue
            if split in (None, "all") or q.split == split:
                out.append(q)
    return out


def _norm(text: str) -> str:
    return normalize_whitespace(text).lower()


def is_relevant(chunk: Chunk, question: Question) -> bool:
    """A passage is relevant when it comes from a gold source and contains that source's key phrase."""
    text = _norm(chunk.text)
    return any(g.source_id == chunk.source_id and _norm(g.phrase) in text for g in question.gold)
