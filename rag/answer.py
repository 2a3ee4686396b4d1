"""The answer path: question -> retrieve -> gate -> compose (extractive or LLM) -> verified citations."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from rag import compare, extractive, shape
from rag.answer_gate import assess, verdict_ready, verdict_reason
from rag.checks.base import Case
from rag.checks.gate import judge, regulation_refusal
from rag.citations import parse_citations, verify
from rag.config import Settings
from rag.conversation import condense_question
from rag.errors import LLMUnavailable
from rag.frame import Frame, parse_frame
from rag.llm import ENGINES, complete, make_chat_model, stream_chat
from rag.prompts import NOT_FOUND, format_history, format_passages, render_prompt
from rag.text import content_terms, normalize_whitespace
from rag.types import Answer, Citation, Scope

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


@dataclass(frozen=True)
class _Turn:
    """One question past the gate: what the composing steps read."""

    q: str
    history: list[str]
    frame: Frame
    case: Case
    base: dict
    """The fields every Answer of this question carries (question, retrieved, engine, notice, search_query)."""
    t0: float
    t1: float
    """perf_counter at the start and after retrieval (for the Answer's timings)."""
    scope: Scope | None = None
    """The documents the answer may cite (a further lookup searches only these)."""


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
        frame = parse_frame(search_query, parsed, self.retriever.catalogue)
        case = Case(self.retriever, results, cands, q_terms)
        refusal = regulation_refusal(self.settings, frame, case)
        if refusal is None:
            case = dataclasses.replace(case, model=assess(self.settings, frame, case))
        reason = refusal.reason if refusal else self._gate(frame, case)
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
        turn = _Turn(q, history, frame, case, base, t0, t1, scope)
        if engine == "extractive":
            yield self._extractive(turn)
            return
        yield from self._generative(turn)

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

    def _gate(self, frame: Frame, case: Case) -> str | None:
        """None to answer, or the reason to abstain (rag.checks.gate; with Settings.answer_verdict one
        calibrated stage decides from every check's verdict, rag.answer_gate)."""
        if verdict_ready(self.settings):
            return verdict_reason(self.settings, frame, case)
        if not self.settings.answer_model and case.model is not None:
            case = dataclasses.replace(case, model=None)  # assessed for the verdict stage only
        verdict = judge(self.settings, frame, case)
        return None if verdict.answer else verdict.reason

    def _extractive(self, turn: _Turn) -> Answer:
        cands = [c for c in turn.case.cands if not shape.is_heading(c.sentence.text)]  # a title answers nothing
        turn, cands = self._with_side_definitions(turn, cands)
        parsed, results = turn.frame.parsed, turn.case.results
        if not cands:
            return Answer(text=ABSTAIN_TEXT, abstained=True, timings=_ms(turn.t0, turn.t1), **turn.base)
        q_terms = content_terms(parsed.lexical_text)
        referenced = [n for n, r in enumerate(results, 1) if parsed.law_refs and r.score >= 1.0]

        def cover(text: str) -> float:
            return self.retriever.text_coverage(q_terms, text)

        focus = extractive.action_sentence(cands, parsed, cover) if not referenced else None
        unit = self._referenced_unit(turn, cands, referenced)
        if unit:  # "isi Pasal 2 ayat (3)": that ayat (or huruf), in source order
            full = unit
        else:
            if referenced:  # "isi Pasal 2 UU X": quote the Pasal itself
                chosen = [c for c in cands if c.n == referenced[0]][:16]
                seeds, lead = chosen[:1], None
            else:
                lead = focus or shape.lead_sentence(cands, turn.frame.standard or turn.q, self.retriever.text_coverage)
                chosen, seeds = extractive.select(
                    cands, parsed, turn.q, self.settings.max_answer_sentences, cover=cover, focus=lead
                )
            if focus is not None:  # the item that answers "siapa yang V X", not the rest of its list
                chosen = [c for c in chosen if c is focus or not extractive.same_list(c, focus, cands)]
            context = extractive.with_context(chosen, cands, focused=(focus,) if focus else ())
            full = extractive.order(context, seeds, lead_first=bool(parsed.definition_terms) or lead is not None)
        text = extractive.render(full)
        # Sentences are known exactly here; no need to re-split the rendered text.
        pre = [(normalize_whitespace(c.sentence.text), (c.n,)) for c in full]
        answer = self._finish(turn, text, pre)
        missing = compare.undefined_sides(sorted(cands, key=lambda c: -c.score), turn.q)
        if not missing:
            return answer
        note = f"Sumber yang ditemukan tidak memuat definisi {' maupun '.join(missing)}."
        return dataclasses.replace(answer, notice=" ".join(filter(None, [answer.notice, note])))

    def _with_side_definitions(self, turn: _Turn, cands: list) -> tuple[_Turn, list]:
        """For "apa beda X dan Y": a side that no retrieved sentence defines is looked up ("apa itu X", in
        the same scope); the passage holding its definition joins the retrieved ones, so that each side
        is answered and cited."""
        missing = compare.undefined_sides(sorted(cands, key=lambda c: -c.score), turn.q)
        if not missing:
            return turn, cands
        results, cands = list(turn.case.results), list(cands)
        floor = min((c.score for c in cands), default=0.0) - 1.0  # ranked after every retrieved sentence
        for side in missing:
            found, sig = self.retriever.search_with_signals(f"apa itu {side}", 3, turn.scope)
            have = {r.chunk.chunk_id for r in results}
            for r in (r for r in found if r.chunk.chunk_id not in have):
                new = extractive.score_candidates(self.retriever, [r], sig.qvec, sig.q_terms)
                if compare.side_definition(new, compare.side_names(side)) is not None:
                    results.append(r)
                    cands += [dataclasses.replace(c, n=len(results), score=floor + 1e-3 * c.score) for c in new]
                    break
        if len(results) == len(turn.case.results):
            return turn, cands
        case = dataclasses.replace(turn.case, results=results)
        return dataclasses.replace(turn, case=case, base={**turn.base, "retrieved": tuple(results)}), cands

    @staticmethod
    def _referenced_unit(turn: _Turn, cands: list, referenced: list[int]) -> list:
        """The ayat or huruf the question names, from the first passage its Pasal reference reached that
        holds it (a long Pasal is one passage per ayat)."""
        for n in referenced:
            passage = [c for c in cands if c.n == n]
            unit = shape.referenced_unit(passage, turn.case.results[n - 1].chunk.locator, turn.frame.parsed.law_refs)
            if unit:
                return unit
        return []

    def _generative(self, turn: _Turn) -> Iterator:
        engine = turn.base["engine"]
        system = render_prompt("answer_system", not_found=NOT_FOUND)
        user = render_prompt(
            "answer_user",
            passages=format_passages([r.chunk for r in turn.case.results]),
            history=format_history(turn.history),
            question=turn.q,
        )
        parts: list[str] = []
        try:
            for delta in stream_chat(self._model(engine), system, user, self.settings.llm_max_tokens):
                parts.append(delta)
                yield delta
        except LLMUnavailable as err:
            yield self._fallback(turn, str(err))
            return
        raw = "".join(parts).strip()
        if not raw:
            yield self._fallback(turn, "model tidak mengembalikan teks")
            return
        if "tidak saya temukan" in raw.lower() and not re.search(r"\[\d+\]", raw):
            yield Answer(text=ABSTAIN_TEXT, abstained=True, timings=_ms(turn.t0, turn.t1), **turn.base)
            return
        answer = self._finish(turn, raw)
        if not answer.citations:
            reason = "jawaban model tidak mengutip sumber yang diberikan"
            yield self._fallback(turn, reason, answer.dropped_citations)
            return
        yield answer

    def _fallback(self, turn: _Turn, reason: str, dropped: int = 0) -> Answer:
        log.warning("LLM engine %s failed (%s); using the extractive answer", turn.base["engine"], reason)
        ans = self._extractive(turn)
        return dataclasses.replace(ans, fallback_reason=reason, dropped_citations=ans.dropped_citations + dropped)

    def _finish(self, turn: _Turn, text: str, sentences: list[tuple[str, tuple[int, ...]]] | None = None) -> Answer:
        chunks = [r.chunk for r in turn.case.results]
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
            timings=_ms(turn.t0, turn.t1, time.perf_counter()),
            **turn.base,
        )


def _quote_spans(chunk, quotes: list[str]) -> list[tuple[int, int]]:
    """Absolute spans of the chunk's sentences that a quote reproduces (for highlighting); a heading (a
    regulation's title) is never highlighted as support."""
    quotes = [re.sub(r"\s+", " ", q) for q in quotes]
    out = []
    for s in chunk.sentences:
        norm = normalize_whitespace(s.text)
        if norm and not shape.is_heading(norm) and any(norm in q or q in norm for q in quotes):
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
