"""Small frozen types that carry text together with where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """A loaded source document; `text` is the body that chunk spans index into."""

    source_id: str
    title: str
    text: str
    kind: str = "article"  # article | law
    meta: dict = field(default_factory=dict, hash=False, compare=False)
    path: str = ""

    @property
    def short(self) -> str:
        return str(self.meta.get("short") or self.title)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: `text == document.text[start:end]`."""

    chunk_id: str
    source_id: str
    title: str
    locator: str
    start: int
    end: int
    text: str
    heading: str = ""
    """Context embedded with the text (law: BAB, Bagian, Pasal; article: section heading)."""
    sentences: tuple[Sentence, ...] = ()

    @property
    def embed_text(self) -> str:
        return f"{self.heading}\n{self.text}" if self.heading else self.text


@dataclass(frozen=True)
class SearchResult:
    chunk: Chunk
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None
    coverage: float = 0.0
    """Share of the question's content terms (stemmed, stopwords removed) found in the passage."""
    relevance: float = 0.0
    """Calibrated probability that the passage answers the question (see rag.retrieve.relevance)."""


@dataclass(frozen=True)
class Citation:
    """Passage [n] of the retrieved list, as cited by the answer."""

    n: int
    chunk: Chunk
    quote: str
    """The cited sentence(s) of the passage."""
    quote_spans: tuple[tuple[int, int], ...] = ()
    """Where the quote stands in the source document (absolute character spans)."""
    supported: bool = True


@dataclass(frozen=True)
class AnswerSentence:
    text: str
    citations: tuple[int, ...] = ()
    supported: bool = True
    """True when at least one cited passage supports the sentence (checked in plain Python)."""


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    """Markdown with [n] markers; n indexes `retrieved` (1-based)."""
    sentences: tuple[AnswerSentence, ...] = ()
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[SearchResult, ...] = ()
    abstained: bool = False
    engine: str = "extractive"
    fallback_reason: str | None = None
    """Set when an LLM engine failed and the extractive answer was used instead."""
    dropped_citations: int = 0
    """Markers that pointed to passages that were not given (removed from the text)."""
    notice: str | None = None
    """A note for the user (e.g. the question was shortened)."""
    search_query: str = ""
    """The question as used for retrieval (after follow-up rewriting)."""
    timings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Scope:
    """Which documents a search may draw from: all of them (the default), some ids, and/or one kind.

    Applied inside retrieval (every signal only sees in-scope chunks), so an answer cites only them.
    """

    source_ids: tuple[str, ...] = ()
    """Only these documents (empty: no restriction by id)."""
    kind: str | None = None
    """Only documents of this kind: "law" or "article" (None: any kind)."""

    @property
    def is_all(self) -> bool:
        return not self.source_ids and not self.kind

    def admits(self, source_id: str, kind: str | None) -> bool:
        if self.source_ids and source_id not in self.source_ids:
            return False
        return not self.kind or kind == self.kind
