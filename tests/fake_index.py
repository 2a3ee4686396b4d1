"""A stand-in for rag.retrieve.Retriever with what the gate's checks read, over made-up passages: the
co-occurrence of their words (the real rag.cooccur), which words they lack, phrase lookup and a simple
term coverage. No embedder, no Chroma: the check tests run in milliseconds."""

from __future__ import annotations

from types import SimpleNamespace

from rag.catalogue import Catalogue
from rag.checks.base import Case
from rag.cooccur import Cooccurrence
from rag.extractive import Candidate
from rag.frame import Frame, parse_frame
from rag.query import parse_query
from rag.text import content_terms, fold, is_function_word, split_sentences, tokenize
from rag.types import Chunk, Sentence


def chunk(cid: str, text: str, heading: str = "") -> Chunk:
    return Chunk(cid, "doc", "Judul", cid, 0, len(text), text, heading, tuple(split_sentences(text)))


class FakeIndex:
    def __init__(self, passages: list[str], catalogue: Catalogue | None = None):
        self.chunks = [chunk(f"p{i}", text) for i, text in enumerate(passages)]
        self.cooccurrence = Cooccurrence(self.chunks)
        self.catalogue = catalogue if catalogue is not None else Catalogue([], [])

    def unknown_terms(self, text: str) -> list[str]:
        """Content words no passage uses (as the retriever's, by the co-occurrence index's word forms)."""
        return [
            tok
            for tok in tokenize(text)
            if not is_function_word(tok) and len(tok) >= 4 and not tok.isdigit() and not self.cooccurrence.known(tok)
        ]

    def mentions_phrase(self, phrase: str) -> bool:
        return any(fold(phrase) in fold(c.text) for c in self.chunks)

    def text_coverage(self, q_terms, text: str) -> float:
        """Share of the question's terms the text holds (unweighted)."""
        return len(set(q_terms) & content_terms(text)) / max(len(q_terms), 1)


def frame_of(question: str, catalogue: Catalogue | None = None) -> Frame:
    """The frame the answer path builds (rag.answer), without typo repair."""
    catalogue = catalogue if catalogue is not None else Catalogue([], [])
    return parse_frame(question, parse_query(question, catalogue), catalogue)


def case_of(index: FakeIndex, question: str, sentences=(), *, sims=None, results=(), model=None) -> Case:
    """A case whose candidate sentences are `sentences`, best first."""
    sims = sims if sims is not None else [0.8] * len(sentences)
    cands = [
        Candidate(1, 0, j, Sentence(0, len(s), s), score=1.0 - j / 100, vec=None, sim=sims[j])
        for j, s in enumerate(sentences)
    ]
    q_terms = frozenset(content_terms(parse_query(question).lexical_text))
    results = [SimpleNamespace(score=s) for s in results]
    return Case(index, results, cands, q_terms, model)
