"""Hybrid retrieval: dense (embedder + Chroma) and BM25 over the same chunks, fused by weighted RRF.

Queries are standardised first (rag.query): informal words, abbreviations, English terms, and references
to the regulations of the index's catalogue ("Pasal 2 UU X"), which are matched to chunks through their
locators.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from importlib import resources

import numpy as np

from rag.catalogue import Catalogue
from rag.checks.language import asked_action
from rag.config import Settings
from rag.cooccur import Cooccurrence, abbreviation_forms
from rag.embed import Embedder, make_embedder
from rag.errors import IndexCorrupt, IndexMismatch, StoreUnavailable
from rag.pending import PendingVectors
from rag.query import ParsedQuery, definition_pattern, locator_matches, parse_query
from rag.spelling import Speller
from rag.store import Generation, chroma_client, get_collection, load_generation
from rag.text import content_terms, fold, is_function_word, lexical_terms, stem, stopwords, tokenize
from rag.types import Scope, SearchResult

log = logging.getLogger(__name__)


@dataclass
class Timings:
    embed_ms: float = 0.0
    dense_ms: float = 0.0
    lexical_ms: float = 0.0
    fusion_ms: float = 0.0
    extra: dict = field(default_factory=dict)


@lru_cache(maxsize=1)
def calibration() -> dict:
    """Logistic calibration of the relevance signal, fitted on eval dev data (`python -m eval calibrate`)."""
    path = resources.files("rag.resources").joinpath("calibration.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {"weights": {"dense": 8.0, "coverage": 4.0}, "bias": -8.0}  # only until `python -m eval calibrate`


def relevance(dense: float, coverage: float) -> float:
    """P(the passage answers the question), from its dense cosine and query-term coverage."""
    cal = calibration()
    z = cal["bias"] + cal["weights"]["dense"] * dense + cal["weights"]["coverage"] * coverage
    return 1.0 / (1.0 + math.exp(-z))


@dataclass
class Signals:
    parsed: ParsedQuery
    qvec: np.ndarray
    dense: list[tuple[int, float]]
    lexical: list[tuple[int, float]]
    sentence: list[tuple[int, float]]
    definition: list[tuple[int, float]] = field(default_factory=list)
    action: list[tuple[int, float]] = field(default_factory=list)
    """Passages that use both the action a "siapa yang V X" question asks about and its object X."""
    q_terms: set[str] = field(default_factory=set)
    """Content terms of the (standardised) question, for coverage."""
    repairs: dict[str, str] = field(default_factory=dict)
    """Misspelled words of the query and the corpus words searched instead."""
    allowed: np.ndarray | None = None
    """In-scope chunks (boolean mask over the generation's chunks); None when every chunk is."""


class Retriever:
    """Opens the committed index once; `search` is then cheap and safe to call from several threads."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.generation: Generation = load_generation(settings)
        manifest = self.generation.manifest
        client = chroma_client(settings)
        try:
            self.collection = get_collection(client, manifest["collection"])
        except Exception as err:  # chromadb raises NotFoundError / ValueError depending on version
            raise IndexCorrupt(
                f"koleksi Chroma '{manifest['collection']}' tidak ada ({err.__class__.__name__})"
            ) from None
        col_meta = self.collection.metadata or {}
        if col_meta.get("embed_model") != manifest["embed_model"] or int(col_meta.get("dim", -1)) != int(
            manifest["dim"]
        ):
            raise IndexMismatch(f"koleksi: {col_meta.get('embed_model')} dim {col_meta.get('dim')}")
        self._embedder = embedder
        self.last_timings = Timings()
        self.catalogue = Catalogue.from_manifest(manifest, self.generation.chunks)
        """The regulations this index holds (built at ingest; rag.catalogue)."""
        regs = self.catalogue.by_id
        self._scopes: dict[Scope, tuple[np.ndarray, list[str]]] = {}
        self._law_chunks = [i for i, c in enumerate(self.generation.chunks) if c.source_id in regs]
        self._is_definition_list = [
            c.source_id in regs and c.locator.startswith(f"{regs[c.source_id].short} Pasal 1 ")
            for c in self.generation.chunks
        ]
        # Document frequencies come from the BM25 index itself (CSC column lengths), so opening a large
        # index does not re-tokenise every passage.
        bm = self.generation.bm25
        df = np.diff(np.asarray(bm.scores["indptr"]))
        n = max(int(bm.scores["num_docs"]), 1)
        self._idf = {t: math.log((n + 1) / (df[i] + 0.5)) for t, i in bm.vocab_dict.items() if i < len(df)}
        self._idf_unknown = math.log((n + 1) / 0.5)
        self.speller = Speller(self._idf)
        self._cooccurrence: Cooccurrence | None = None
        self.pending = PendingVectors(self.generation, lambda: self.embedder)
        """Chunks of documents committed without vectors yet (an upload being completed)."""
        offsets = np.asarray(self.generation.sentence_offsets, dtype=np.int64)
        n_sent = self.generation.sentence_vectors.shape[0]
        # reduceat needs valid start indices; chunks without sentences are masked out afterwards.
        self._sentence_starts = np.minimum(offsets, max(n_sent - 1, 0))
        self._no_sentences = np.asarray([len(c.sentences) == 0 for c in self.generation.chunks])
        self._sentences_folded = [
            (i, re.sub(r"\s+", " ", fold(sent.text)))
            for i, c in enumerate(self.generation.chunks)
            for sent in c.sentences
        ]

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings)
        if self._embedder.dim != int(self.generation.manifest["dim"]):
            raise IndexMismatch(f"dimensi model {self._embedder.dim}, indeks {self.generation.manifest['dim']}")
        return self._embedder

    @property
    def cooccurrence(self) -> Cooccurrence:
        """Which sentences use which words (built on first use, about 0.1 s for this corpus)."""
        if self._cooccurrence is None:
            self._cooccurrence = Cooccurrence(self.generation.chunks)
        return self._cooccurrence

    @property
    def chunks(self):
        return self.generation.chunks

    def scope_mask(self, scope: Scope | None) -> tuple[np.ndarray, list[str]] | None:
        """In-scope chunks as a boolean mask, and the in-scope document ids; None for "everything"."""
        if scope is None or scope.is_all:
            return None
        if scope not in self._scopes:
            docs = self.generation.manifest.get("documents", {})
            ids = sorted(sid for sid, d in docs.items() if scope.admits(sid, d.get("kind")))
            keep = set(ids)
            mask = np.fromiter((c.source_id in keep for c in self.chunks), dtype=bool, count=len(self.chunks))
            self._scopes[scope] = (mask, ids)
        return self._scopes[scope]

    def dense(self, query_vec: np.ndarray, n: int, source_ids: list[str] | None = None) -> list[tuple[int, float]]:
        """Nearest chunks by cosine; with `source_ids`, Chroma searches only those documents' chunks."""
        by_id = self.generation.by_id
        if source_ids is not None and not source_ids:
            return []
        # The collection may hold chunks of an uncommitted build; ask for enough to skip them.
        try:
            extra = max(0, self.collection.count() - len(by_id))
            where = {"source_id": {"$in": list(source_ids)}} if source_ids is not None else None
            res = self.collection.query(
                query_embeddings=[query_vec.tolist()],
                n_results=min(n + extra, len(by_id) + extra),
                include=["distances"],
                where=where,
            )
        except Exception as err:  # server gone, store damaged: the caller shows an Indonesian message
            log.warning("dense search failed: %s: %s", err.__class__.__name__, err)
            where = f"{self.settings.chroma_host}:{self.settings.chroma_port}" if self.settings.chroma_host else ""
            if where:
                raise StoreUnavailable(where) from None
            raise IndexCorrupt(f"pencarian vektor gagal ({err.__class__.__name__})") from None
        out = []
        for cid, dist in zip(res["ids"][0], res["distances"][0], strict=True):
            if cid in by_id:
                out.append((by_id[cid], 1.0 - float(dist)))
        return out[:n]

    def _best_sentence(self, sims: np.ndarray) -> np.ndarray:
        """Each chunk's best sentence similarity (-1 for a chunk without sentences)."""
        best = np.maximum.reduceat(sims, self._sentence_starts)
        best[self._no_sentences] = -1.0
        return best

    def by_sentence(
        self, sims: np.ndarray | None, n: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Chunks ranked by their best-matching sentence: precise facts inside long passages."""
        if sims is None:
            return []
        best = self._best_sentence(sims)
        if allowed is not None:
            best[~allowed] = -1.0
        top = np.argsort(-best)[:n]
        return [(int(i), float(best[i])) for i in top if best[i] > -1.0]

    def _term_weights(self, q_terms: set[str]) -> tuple[dict[str, float], float]:
        weights = {t: self._idf.get(t, self._idf_unknown) for t in q_terms}
        return weights, sum(weights.values())

    def text_coverage(self, q_terms: set[str], text: str) -> float:
        """IDF-weighted share of the question's content terms found in `text` (0..1)."""
        weights, total = self._term_weights(q_terms)
        if not total:
            return 0.0
        have = content_terms(text)
        # A question's short words stay unstemmed ("hak"); let them match their affixed forms ("berhak").
        have |= {t[1:] for t in have if t.startswith("~") and len(t) <= 4}
        return sum(w for t, w in weights.items() if t in have) / total

    def _postings(self, term: str) -> np.ndarray:
        """Chunks whose BM25 field holds `term` (a token, or "~stem")."""
        bm = self.generation.bm25
        indptr, indices = bm.scores["indptr"], bm.scores["indices"]
        col = bm.vocab_dict.get(term)
        if col is None or col + 1 >= len(indptr):
            return np.zeros(0, dtype=np.int64)
        return np.asarray(indices[indptr[col] : indptr[col + 1]])

    def coverage_many(self, q_terms: set[str], idxs: list[int]) -> np.ndarray:
        """IDF-weighted share of the question's content terms found in each chunk of `idxs` (0..1).

        Uses the BM25 index's posting lists, so no passage is re-tokenised at query time.
        """
        out = np.zeros(len(idxs), dtype=np.float64)
        if not q_terms or not idxs:
            return out
        cand = np.asarray(idxs)
        weights, total = self._term_weights(q_terms)
        for t, w in weights.items():
            out += w * np.isin(cand, self._postings(t))
        return out / total if total else out

    def definitions(self, parsed: ParsedQuery, sims: np.ndarray | None) -> list[tuple[int, float]]:
        """Chunks with a sentence that defines the asked term ("X adalah ...", "yang dimaksud dengan X")."""
        if not parsed.definition_terms:
            return []
        pattern = definition_pattern(parsed.definition_terms)
        best: dict[int, float] = {}
        for row, (chunk_idx, text) in enumerate(self._sentences_folded):
            if pattern.search(text):
                sim = float(sims[row]) if sims is not None else 0.0
                best[chunk_idx] = max(best.get(chunk_idx, -1.0), sim)
        return sorted(best.items(), key=lambda kv: -kv[1])

    def lexical(self, text: str, n: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        stop = stopwords()
        terms = [t for t in lexical_terms(text) if t not in stop and t.lstrip("~") not in stop]
        if not terms:
            return []
        scores = self.generation.bm25.get_scores(terms)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        if len(scores) > n:  # partial selection: O(N) instead of sorting every passage
            part = np.argpartition(-scores, n)[:n]
            top = part[np.argsort(-scores[part])]
        else:
            top = np.argsort(-scores)[:n]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def actions(
        self, parsed: ParsedQuery, sims: np.ndarray | None, lexical: list[tuple[int, float]] = ()
    ) -> list[tuple[int, float]]:
        """For "siapa yang *menerbitkan* STR?": passages that use the verb (any affixed form of its root)
        and the first thing it is done to (the word, its stem, or its abbreviation's full form), ranked by
        their best sentence (by BM25 score in an index without sentence vectors). A long list (Pasal 48,
        nine powers) otherwise loses to short passages that say more about STR and nothing about who issues it."""
        # the question as typed, with abbreviations kept ("STR", whose full form is looked up below)
        asked = asked_action(parsed.lexical_text)
        if asked is None or not asked[1]:
            return []
        verb, things = asked
        obj = things[0]
        with_verb = np.union1d(self._postings(verb), self._postings("~" + stem(verb)))
        with_obj = np.union1d(self._postings(obj), self._postings("~" + stem(obj)))
        for form in abbreviation_forms(obj):
            with_obj = np.union1d(with_obj, reduce(np.intersect1d, [self._postings(w) for w in form]))
        hits = np.intersect1d(with_verb, with_obj)
        if not len(hits):
            return []
        if sims is None:
            bm25 = dict(lexical)
            best = np.asarray([bm25.get(int(i), 0.0) for i in hits])
        else:
            best = self._best_sentence(sims)[hits]
        order = np.argsort(-best)
        return [(int(hits[i]), float(best[i])) for i in order]

    def _law_bonus(self, parsed: ParsedQuery, s: Settings) -> dict[int, float]:
        """Chunks a question points at: exact Pasal references first, then the regulation it names.

        A Pasal the question gives without naming a regulation gets the same bonus in every regulation
        that has it: the fused ranking decides between them."""
        bonus: dict[int, float] = {}
        if not (parsed.law_refs or parsed.laws):
            return bonus
        unit = 1.0 / (s.rrf_k + 1)
        for i in self._law_chunks:
            c = self.chunks[i]
            for ref in parsed.law_refs:
                if ref.source_id not in (None, c.source_id):
                    continue
                level = locator_matches(c.locator, self.catalogue.by_id[c.source_id].short, ref)
                if level:  # above any fused score
                    bonus[i] = max(bonus.get(i, 0.0), 10.0 * level)
            if c.source_id in parsed.laws:
                bonus[i] = bonus.get(i, 0.0) + s.law_prior * unit
        return bonus

    def signals(self, query: str, scope: Scope | None = None) -> Signals:
        """Everything fusion needs, computed once: handy for tuning weights without re-querying.

        With a `scope`, every signal draws only from in-scope chunks (Chroma filters by document id).
        """
        s = self.settings
        t = Timings()
        query, repairs = self.speller.correct(query)
        parsed = parse_query(query, self.catalogue)
        scoped = self.scope_mask(scope)
        allowed, in_scope_ids = scoped if scoped is not None else (None, None)
        t0 = time.perf_counter()
        qvec = self.embedder.embed_query(parsed.dense_text)
        t1 = time.perf_counter()
        dense = self.dense(qvec, s.search_depth, in_scope_ids)
        t2 = time.perf_counter()
        lexical = self.lexical(parsed.lexical_text, s.search_depth, allowed)
        if self.pending.chunks and s.pending_reach > 0:
            extra = self.pending.dense(lexical, qvec, s.pending_reach)
            dense = sorted(dense + extra, key=lambda kv: -kv[1])[: s.search_depth]
        t3 = time.perf_counter()
        gen = self.generation
        sims = gen.sentence_vectors @ qvec if gen.sentence_vectors.shape[0] else None
        sentence = self.by_sentence(sims, s.search_depth, allowed)
        definition = self.definitions(parsed, sims)
        action = self.actions(parsed, sims, lexical) if s.action_weight > 0 else []
        if allowed is not None:
            definition = [(i, v) for i, v in definition if allowed[i]]
            action = [(i, v) for i, v in action if allowed[i]]
        t4 = time.perf_counter()
        t.embed_ms, t.dense_ms, t.lexical_ms = (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3
        t.extra["sentence_ms"] = (t4 - t3) * 1e3
        self.last_timings = t
        q_terms = content_terms(parsed.lexical_text)
        return Signals(parsed, qvec, dense, lexical, sentence, definition, action, q_terms, repairs, allowed)

    def fuse(self, sig: Signals, settings: Settings | None = None) -> list[tuple[int, float]]:
        """Weighted reciprocal rank fusion plus law-reference bonuses, best first."""
        s = settings or self.settings
        fused: dict[int, float] = {}
        for weight, ranking in (
            (s.dense_weight, sig.dense),
            (s.lexical_weight, sig.lexical),
            (s.sentence_weight, sig.sentence),
            (s.definition_weight, sig.definition),
            (s.action_weight, sig.action),
        ):
            if weight <= 0 or not ranking:
                continue
            if s.fusion == "score":
                hi, lo = ranking[0][1], ranking[-1][1]
                span = (hi - lo) or 1.0
                for idx, score in ranking:
                    fused[idx] = fused.get(idx, 0.0) + weight * (score - lo) / span / (s.rrf_k + 1)
            else:
                for rank, (idx, _) in enumerate(ranking):
                    fused[idx] = fused.get(idx, 0.0) + weight / (s.rrf_k + rank + 1)
        if s.coverage_weight > 0 and fused and sig.q_terms:
            idxs = list(fused)
            cover = sorted(zip(self.coverage_many(sig.q_terms, idxs).tolist(), idxs, strict=True), reverse=True)
            for rank, (c, idx) in enumerate(cover):
                if c > 0:
                    fused[idx] += s.coverage_weight / (s.rrf_k + rank + 1)
        if s.definitions_penalty > 0 and not sig.parsed.definition_terms:
            for idx in fused:
                if self._is_definition_list[idx]:
                    fused[idx] *= 1.0 - s.definitions_penalty
        for idx, b in self._law_bonus(sig.parsed, s).items():
            if sig.allowed is not None and not sig.allowed[idx]:
                continue  # out of scope: a named Pasal of another document is not a candidate
            if b >= 1.0 or idx in fused:
                fused[idx] = fused.get(idx, 0.0) + b
        return sorted(fused.items(), key=lambda kv: -kv[1])

    def search(self, query: str, k: int | None = None, scope: Scope | None = None) -> list[SearchResult]:
        return self.search_with_signals(query, k, scope)[0]

    def unknown_terms(self, text: str) -> list[str]:
        """Content words of `text` (stemmed) that occur in no passage of the index."""
        return [
            tok
            for tok in tokenize(text)
            if not is_function_word(tok) and len(tok) >= 4 and not tok.isdigit() and not self.speller.known(tok)
        ]

    def mentions_phrase(self, phrase: str) -> bool:
        """Whether some source sentence uses `phrase` as whole words ("Peraturan Pemerintah")."""
        words = re.escape(" ".join(fold(phrase).split()))
        pattern = re.compile(rf"(?<!\w){words}(?!\w)")
        return any(pattern.search(text) for _, text in self._sentences_folded)

    def sentence_vector(self, chunk_idx: int, j: int) -> np.ndarray:
        if chunk_idx in self.pending:
            return self.pending.sentence_vector(chunk_idx, j)
        return self.generation.sentence_vectors[self.generation.sentence_offsets[chunk_idx] + j]

    def search_with_signals(
        self, query: str, k: int | None = None, scope: Scope | None = None
    ) -> tuple[list[SearchResult], Signals]:
        k = k or self.settings.top_k
        sig = self.signals(query, scope)
        t0 = time.perf_counter()
        order = self.fuse(sig)[:k]
        dense_s = dict(sig.dense)
        lex_s = dict(sig.lexical)
        missing = [i for i, _ in order if i not in dense_s and i not in self.pending]
        for i, vec in self.pending.chunk_vectors([i for i, _ in order]).items():
            dense_s[i] = float(np.dot(vec, sig.qvec))
        if missing:  # cosine for candidates that came only from BM25, sentences or a law reference
            got = self.collection.get(ids=[self.chunks[i].chunk_id for i in missing], include=["embeddings"])
            for cid, vec in zip(got["ids"], got["embeddings"], strict=True):
                dense_s[self.generation.by_id[cid]] = float(np.dot(np.asarray(vec, dtype=np.float32), sig.qvec))
        covers = self.coverage_many(sig.q_terms, [i for i, _ in order]).tolist()
        results = []
        for (i, score), cover in zip(order, covers, strict=True):
            d = dense_s.get(i, 0.0)
            results.append(SearchResult(self.chunks[i], score, d, lex_s.get(i), cover, relevance(d, cover)))
        self.last_timings.fusion_ms = (time.perf_counter() - t0) * 1e3
        return results, sig


def chunk_json(c) -> dict:
    """The passage fields of the JSON contracts (search results and citations)."""
    return {"chunk_id": c.chunk_id, "source_id": c.source_id, "title": c.title, "locator": c.locator, "text": c.text}


def result_to_json(r: SearchResult) -> dict:
    return {**chunk_json(r.chunk), "score": round(r.score, 6)}
