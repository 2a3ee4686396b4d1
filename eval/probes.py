"""Probes: questions as students type them (informal, misspelled, freely worded) that the sources answer,
and on-topic traps they do not. No gold passages: they measure the answer gate, not ranking.

The question set (eval/questions.jsonl) is phrased close to the sources; these probes catch a gate that
is too eager to abstain on real phrasing, and show how far term-level evidence gets on traps that share
every word with the corpus.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

PROBES = Path(__file__).resolve().parent / "probes.jsonl"


def load_probes(path: Path = PROBES) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate_probes(answerer, probes: list[dict]) -> dict:
    rows = []
    for p in probes:
        ans = answerer.answer(p["question"])
        grounded = ans.abstained or all(s.citations and s.supported for s in ans.sentences)
        rows.append({**p, "abstained": ans.abstained, "grounded": grounded, "notice": ans.notice})
    by_style: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_style[r["style"]].append(r)
    answerable = [r for r in rows if r["expect"] == "answer"]
    traps = [r for r in rows if r["expect"] == "abstain"]
    return {
        "n": len(rows),
        "false_abstention": round(sum(r["abstained"] for r in answerable) / max(len(answerable), 1), 4),
        "trap_abstention": round(sum(r["abstained"] for r in traps) / max(len(traps), 1), 4),
        "ungrounded": sum(not r["grounded"] for r in rows),
        "by_style": {
            style: {"n": len(rs), "as_expected": sum(r["abstained"] == (r["expect"] == "abstain") for r in rs)}
            for style, rs in sorted(by_style.items())
        },
        "rows": rows,
    }
