"""Answer quality per engine: grounding, gold facts, abstention, latency."""

from __future__ import annotations

import statistics

from eval.dataset import Question, is_relevant


def _opens_with_gold(ans, q: Question) -> bool:
    first = ans.sentences[0].citations
    by_n = {c.n: c.chunk for c in ans.citations}
    return any(n in by_n and is_relevant(by_n[n], q) for n in first)


def evaluate_answers(answerer, questions: list[Question], engine: str = "extractive") -> dict:
    rows = []
    for q in questions:
        ans = answerer.answer(q.question, list(q.history), engine=engine)
        n_retrieved = len(ans.retrieved)
        invalid = ans.dropped_citations + sum(1 for c in ans.citations if not 1 <= c.n <= n_retrieved)
        cited_sents = [s for s in ans.sentences if s.citations]
        rows.append(
            {
                "id": q.id,
                "type": q.type,
                "answerable": q.answerable,
                "abstained": ans.abstained,
                "gold_hit": (not ans.abstained) and any(is_relevant(c.chunk, q) for c in ans.citations),
                # the answer opens with the passage that holds the gold fact
                "gold_lead": (not ans.abstained) and bool(ans.sentences) and _opens_with_gold(ans, q),
                "sentences": len(ans.sentences),
                "supported": sum(s.supported for s in cited_sents),
                "cited": len(cited_sents),
                "with_support": sum(1 for s in ans.sentences if s.citations and s.supported),
                "invalid_citations": invalid,
                "fallback": ans.fallback_reason,
                "ms": ans.timings.get("retrieve_ms", 0) + ans.timings.get("answer_ms", 0),
                "question": q.question,
            }
        )
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    answered = [r for r in answerable if not r["abstained"]]
    sent_total = sum(r["sentences"] for r in rows if not r["abstained"])
    cited_total = sum(r["cited"] for r in rows if not r["abstained"])
    return {
        "engine": engine,
        "n": len(rows),
        "gold_fact_hit": round(sum(r["gold_hit"] for r in answerable) / max(len(answerable), 1), 4),
        "gold_fact_lead": round(sum(r["gold_lead"] for r in answerable) / max(len(answerable), 1), 4),
        "citation_precision": round(sum(r["supported"] for r in rows) / max(cited_total, 1), 4),
        "citation_recall": round(sum(r["with_support"] for r in rows if not r["abstained"]) / max(sent_total, 1), 4),
        "abstention_accuracy": round(sum(r["abstained"] for r in unanswerable) / max(len(unanswerable), 1), 4),
        "false_abstention": round(sum(r["abstained"] for r in answerable) / max(len(answerable), 1), 4),
        "invalid_citations": sum(r["invalid_citations"] for r in rows),
        "answered": len(answered),
        "latency_ms_p50": round(statistics.median(r["ms"] for r in rows), 1) if rows else 0.0,
        "rows": rows,
    }
