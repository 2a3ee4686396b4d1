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
