"""The answer path: question -> retrieve -> gate -> compose (extractive or LLM) -> verified citations."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
import unicodedata
from collections.abc import Iterator

from rag import extractive
from rag.abstain import (
    RegulationCheck,
    action_check,
    answer_type_checks,
    question_checks,
    relation_check,
    sanction_check,
)
from rag.answer_gate import assess, verdict_ready, verdict_reason
from rag.citations import parse_citations, verify
from rag.config import Settings
from rag.conversation import condense_question
from rag.errors import LLMUnavailable
from rag.llm import ENGINES, complete, make_chat_model, stream_chat
from rag.prompts import NOT_FOUND, format_history, format_passages, render_prompt
from rag.query import parse_query, strip_references
from rag.text import content_terms, normalize_whitespace
from rag.types import Answer, Citation, Scope, SearchResult

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
ABSTAIN_TEXT = NOT_FOUND


def clean_question(raw: str) -> tuple[str, str | None]:
    """Strip control characters and cap the length; returns (question, notice for the user)."""
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in raw or "")
    text = normalize_whitespace(text)
    if len(text) > MAX_QUESTION_CHARS:
        cut = text[:MAX_QUESTION_CHARS].rsplit(" ", 1)[0]
        notice = f"Pertanyaan terlalu panjang ({len(text)} karakter); hanya {len(cut)} karakter pertama yang dipakai."
        return cut, notice
    return text, None


class Answerer:
    def __init__(self, settings: Settings, retriever, chat_models: dict | None = None):
        self.settings = settings
        self.retriever = retriever
        self._chat_models = dict(chat_models or {})

    @property
    def chat_models(self) -> dict:
        """Chat models opened so far by engine name (handed on when the index is reloaded)."""
        return self._chat_models

    def engines(self) -> list[str]:
        """Engines this installation can offer: extractive always, LLMs when configured."""
        out = ["extractive"]
        if self.settings.llm_backend in ENGINES:
            out.append(self.settings.llm_backend)
        out += [e for e in self._chat_models if e not in out]
        return out

    def _model(self, engine: str):
        if engine not in self._chat_models:
            self._chat_models[engine] = make_chat_model(self.settings, engine)
        return self._chat_models[engine]

    # ------------------------------------------------------------------ public API

    def answer(
        self,
        question: str,
        history: list[str] | None = None,
        engine: str | None = None,
        top_k: int | None = None,
        scope: Scope | None = None,
    ) -> Answer:
        final = None
        for event in self.stream(question, history, engine, top_k, scope):
            if isinstance(event, Answer):
                final = event
        assert final is not None
        return final

    def stream(
        self,
        question: str,
        history: list[str] | None = None,
        engine: str | None = None,
        top_k: int | None = None,
        scope: Scope | None = None,
    ) -> Iterator:
        """Yield text deltas (str) while composing, then the final Answer (citing only `scope`'s documents)."""
        engine = engine or "extractive"
        history = [h for h in (history or []) if h and h.strip()]
        q, notice = clean_question(question)
        if not q:
            yield Answer(
                question="",
                text="Silakan tulis pertanyaan terlebih dahulu.",
                abstained=True,
                engine=engine,
                notice=notice,
            )
            return
        t0 = time.perf_counter()
        search_query = self._condense(q, history, engine)
        results, sig = self.retriever.search_with_signals(search_query, top_k or self.settings.top_k, scope)
        t1 = time.perf_counter()
        parsed, q_terms = sig.parsed, sig.q_terms
        cands = extractive.score_candidates(self.retriever, results, sig.qvec, q_terms)
        refusal = self._regulation_refusal(parsed)
        assessment = None if refusal else assess(self.settings, self.retriever, search_query, results, cands, q_terms)
        reason = refusal.reason if refusal else self._gate(search_query, parsed, q_terms, cands, results, assessment)
        if sig.repairs:  # tell the reader what was searched instead of the misspelled words
            fixed = ", ".join(f"{typo} → {word}" for typo, word in sig.repairs.items())
            notice = " ".join(filter(None, [notice, f"Ejaan disesuaikan untuk pencarian: {fixed}."]))
        base = {
            "question": q,
            "retrieved": tuple(results),
            "engine": engine,
            "notice": notice,
            "search_query": search_query,
        }
        if reason:
            log.info("abstained on %r: %s", q, reason)
            yield Answer(text=refusal.message if refusal else ABSTAIN_TEXT, abstained=True, timings=_ms(t0, t1), **base)
            return
        if engine == "extractive":
            yield self._extractive(q, parsed, cands, results, base, t0, t1)
            return
        yield from self._generative(q, history, engine, cands, parsed, results, base, t0, t1)

    # ------------------------------------------------------------------ steps

    def _condense(self, q: str, history: list[str], engine: str) -> str:
        """The question to search with: an LLM engine rewrites it (shown the rule-based rewrite as a hint);
        the rule-based rewrite is the extractive engine's and the fallback when the model fails."""
        if not history:
            return q
        rule = condense_question(q, history)
        if engine != "extractive":
            try:
                text = complete(
                    self._model(engine),
                    "Anda menulis ulang pertanyaan.",
                    render_prompt("condense", history=format_history(history), question=q, hint=rule),
                )
                text = text.strip().splitlines()[0].strip() if text.strip() else ""
                if 3 <= len(text) <= 300:
                    return text
            except LLMUnavailable:
                pass  # the rule-based rewrite still works
        return rule

    def _regulation_refusal(self, parsed):
        """The named refusal for a regulation or Pasal the index does not hold (None: nothing to refuse)."""
        if not self.settings.regulation_check:
            return None
        ev = RegulationCheck(self.retriever.catalogue, self.retriever.mentions_phrase)(parsed)
        return None if ev.answer else ev

    def _gate(self, q: str, parsed, q_terms: set[str], cands, results: list[SearchResult], model=None) -> str | None:
        """None to answer, or the reason to abstain."""
        if verdict_ready(self.settings):  # one calibrated stage decides from every check's verdict
            return verdict_reason(self, q, parsed, q_terms, cands, results, model)
        if not self.settings.answer_model:
            model = None  # assessed for the verdict stage only
        model_says = None if model is None or model.answers else f"model: P(jawab) {model.p_answer:.2f}"
        if model is not None and self.settings.answer_rules == "none":
            return model_says
        skip = self.settings.gate_skipped()
        dense = parse_query(self.retriever.speller.correct(q)[0]).dense_text
        std = re.sub(r"\(.*?\)", " ", dense)
        topics = re.sub(r"\(.*?\)", " ", strip_references(dense, self.retriever.catalogue))
        ev = question_checks(parsed, self.retriever.unknown_terms(topics)) if "question" not in skip else None
        if ev is not None and not ev.answer:
            return ev.reason
        for name, check in (("relation", relation_check), ("action", action_check), ("sanction", sanction_check)):
            ev = check(std, self.retriever.cooccurrence) if name not in skip else None
            if ev is not None and not ev.answer:
                return ev.reason
        if not cands:
            return "tidak ada bagian sumber"
        ranked = sorted(cands, key=lambda c: -c.score)
        best = ranked[:5]
        covers = [self.retriever.text_coverage(q_terms, c.sentence.text) for c in best]
        # A number or date may sit a little lower (the composer looks as far, see extractive.select), in a
        # sentence that is on topic once the ayat it points back to is read with it.
        on_topic = [
            c.sentence.text
            for c in ranked[: extractive.CARRIER_POOL]
            if self.retriever.text_coverage(q_terms, extractive.with_referenced_ayat(c, cands)) >= 0.34
        ]
        ev = answer_type_checks(q, [c.sentence.text for c in best], on_topic) if "answer_type" not in skip else None
        if ev is not None and not ev.answer:
            return ev.reason
        if parsed.law_refs and any(r.score >= 1.0 for r in results):
            return None  # the question points at a Pasal we hold: answer with it
        if model is not None and (model_says or self.settings.answer_rules == "checks"):
            return model_says
        top_cover = max(covers)
        top_sim = max(c.sim for c in best)
        s = self.settings
        if "floor" not in skip and top_cover < s.abstain_min_coverage and top_sim < s.abstain_min_similarity:
            return f"bukti lemah (cakupan {top_cover:.2f}, kemiripan {top_sim:.2f})"
        return None

    def _extractive(self, q, parsed, cands, results, base, t0, t1) -> Answer:
        q_terms = content_terms(parsed.lexical_text)
        referenced = [n for n, r in enumerate(results, 1) if parsed.law_refs and r.score >= 1.0]

        def cover(text: str) -> float:
            return self.retriever.text_coverage(q_terms, text)

        focus = extractive.action_sentence(cands, parsed, cover) if not referenced else None
        if referenced:  # "isi Pasal 2 UU X": quote the Pasal itself
            chosen = [c for c in cands if c.n == referenced[0]][:16]
            seeds = chosen[:1]
        else:
            chosen, seeds = extractive.select(
                cands, parsed, q, self.settings.max_answer_sentences, cover=cover, focus=focus
            )
        if focus is not None:  # the item that answers "siapa yang V X", not the rest of its list
            chosen = [c for c in chosen if c is focus or not extractive.same_list(c, focus, cands)]
        context = extractive.with_context(chosen, cands, focused=(focus,) if focus else ())
        full = extractive.order(context, seeds, lead_first=bool(parsed.definition_terms) or focus is not None)
        text = extractive.render(full)
        # Sentences are known exactly here; no need to re-split the rendered text.
        pre = [(normalize_whitespace(c.sentence.text), (c.n,)) for c in full]
        return self._finish(text, results, base, t0, t1, pre)

    def _generative(self, q, history, engine, cands, parsed, results, base, t0, t1) -> Iterator:
        system = render_prompt("answer_system", not_found=NOT_FOUND)
        user = render_prompt(
            "answer_user",
            passages=format_passages([r.chunk for r in results]),
            history=format_history(history),
            question=q,
        )
        parts: list[str] = []
        try:
            for delta in stream_chat(self._model(engine), system, user):
                parts.append(delta)
                yield delta
        except LLMUnavailable as err:
            yield self._fallback(q, parsed, cands, results, base, t0, t1, str(err))
            return
        raw = "".join(parts).strip()
        if not raw:
            yield self._fallback(q, parsed, cands, results, base, t0, t1, "model tidak mengembalikan teks")
            return
        if "tidak saya temukan" in raw.lower() and not re.search(r"\[\d+\]", raw):
            yield Answer(text=ABSTAIN_TEXT, abstained=True, timings=_ms(t0, t1), **base)
            return
        answer = self._finish(raw, results, base, t0, t1)
        if not answer.citations:
            reason = "jawaban model tidak mengutip sumber yang diberikan"
            yield self._fallback(q, parsed, cands, results, base, t0, t1, reason, answer.dropped_citations)
            return
        yield answer

    def _fallback(self, q, parsed, cands, results, base, t0, t1, reason: str, dropped: int = 0) -> Answer:
        log.warning("LLM engine %s failed (%s); using the extractive answer", base["engine"], reason)
        ans = self._extractive(q, parsed, cands, results, base, t0, t1)
        return dataclasses.replace(ans, fallback_reason=reason, dropped_citations=ans.dropped_citations + dropped)

    def _finish(
        self,
        text: str,
        results: list[SearchResult],
        base: dict,
        t0: float,
        t1: float,
        sentences: list[tuple[str, tuple[int, ...]]] | None = None,
    ) -> Answer:
        chunks = [r.chunk for r in results]
        clean, parsed_sentences, dropped = parse_citations(text, len(chunks))
        sentences = sentences if sentences is not None else parsed_sentences
        checked = verify(sentences, chunks)
        citations = []
        for n in sorted({n for s in checked for n in s.citations}):
            chunk = chunks[n - 1]
            quotes = [s for s in checked if n in s.citations]
            spans = _quote_spans(chunk, [s.text for s in quotes])
            citations.append(
                Citation(n, chunk, " ".join(s.text for s in quotes), tuple(spans), all(s.supported for s in quotes))
            )
        return Answer(
            text=clean,
            sentences=tuple(checked),
            citations=tuple(citations),
            dropped_citations=dropped,
            timings=_ms(t0, t1, time.perf_counter()),
            **base,
        )


def _quote_spans(chunk, quotes: list[str]) -> list[tuple[int, int]]:
    """Absolute spans of the chunk's sentences that a quote reproduces (for highlighting)."""
    quotes = [re.sub(r"\s+", " ", q) for q in quotes]
    out = []
    for s in chunk.sentences:
        norm = normalize_whitespace(s.text)
        if norm and any(norm in q or q in norm for q in quotes):
            out.append((s.start, s.end))
    return out


def _ms(t0: float, t1: float, t2: float | None = None) -> dict:
    t2 = t2 if t2 is not None else time.perf_counter()
    return {"retrieve_ms": round((t1 - t0) * 1e3, 1), "answer_ms": round((t2 - t1) * 1e3, 1)}


def answer_to_json(ans: Answer) -> dict:
    from rag.retrieve import chunk_json, result_to_json

    def cit(c: Citation) -> dict:
        return {"n": c.n, **chunk_json(c.chunk), "quote": c.quote, "supported": c.supported}

    return {
        "question": ans.question,
        "answer": ans.text,
        "abstained": ans.abstained,
        "engine": ans.engine,
        "notice": ans.notice,
        "citations": [cit(c) for c in ans.citations],
        "retrieved": [result_to_json(r) for r in ans.retrieved],
        "timings": ans.timings,
        "fallback_reason": ans.fallback_reason,
        "dropped_citations": ans.dropped_citations,
        "unsupported_sentences": [s.text for s in ans.sentences if not s.supported],
    }
