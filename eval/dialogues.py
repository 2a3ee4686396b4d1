"""Follow-up questions: multi-turn cases from eval/dialogues.jsonl, scored on their last turn.

Each dialogue's earlier turns are answered in order (history = the earlier questions, as the UI passes it),
then the last turn is answered with that history. It is correct when it is answerable and the answer cites
a passage holding one of its gold phrases (eval.dataset.is_relevant, as `eval answers` scores gold facts),
or when it is unanswerable and the answer abstains.
"""

from __future__ import annotations

import json
from pathlib import Path

from eval.dataset import Gold, Question, is_relevant

DIALOGUES = Path(__file__).resolve().parent / "dialogues.jsonl"


def load_dialogues(path: Path = DIALOGUES, split: str | None = None) -> list[dict]:
    """Dialogues of one split ("dev", "test"; None or "all" for every one)."""
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [r for r in rows if split in (None, "all") or r["split"] == split]


def _as_question(dialogue: dict, n: int) -> Question:
    turn = dialogue["turns"][n]
    return Question(
        id=f"{dialogue['id']}#{n + 1}",
        question=turn["question"],
        type="dialogue",
        split=dialogue["split"],
        answerable=bool(turn["answerable"]),
        gold=tuple(Gold(g["source_id"], g["phrase"]) for g in turn.get("gold", [])),
        history=tuple(t["question"] for t in dialogue["turns"][:n]),
    )


def evaluate_dialogues(answerer, dialogues: list[dict], engine: str = "extractive") -> dict:
    rows = []
    for d in dialogues:
        last = len(d["turns"]) - 1
        for n in range(last):  # the conversation as the user had it; earlier turns are not scored
            answerer.answer(d["turns"][n]["question"], [t["question"] for t in d["turns"][:n]], engine=engine)
        q = _as_question(d, last)
        ans = answerer.answer(q.question, list(q.history), engine=engine)
        gold_hit = (not ans.abstained) and any(is_relevant(c.chunk, q) for c in ans.citations)
        ok = gold_hit if q.answerable else ans.abstained
        rows.append(
            {
                "id": d["id"],
                "split": d["split"],
                "answerable": q.answerable,
                "abstained": ans.abstained,
                "gold_hit": gold_hit,
                "ok": ok,
                "question": q.question,
                "history": list(q.history),
                "search_query": ans.search_query,
            }
        )
    by_split = {}
    for split in sorted({r["split"] for r in rows}):
        rs = [r for r in rows if r["split"] == split]
        by_split[split] = {"n": len(rs), "correct": sum(r["ok"] for r in rs)}
        by_split[split]["accuracy"] = round(by_split[split]["correct"] / len(rs), 4)
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    return {
        "engine": engine,
        "n": len(rows),
        "correct": sum(r["ok"] for r in rows),
        "accuracy": round(sum(r["ok"] for r in rows) / max(len(rows), 1), 4),
        "gold_fact_hit": round(sum(r["gold_hit"] for r in answerable) / max(len(answerable), 1), 4),
        "abstention_accuracy": round(sum(r["abstained"] for r in unanswerable) / max(len(unanswerable), 1), 4),
        "by_split": by_split,
        "rows": rows,
    }
