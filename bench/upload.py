"""Upload-to-answerable: add one law (about 30 pages) to an index that holds the rest of the corpus, and time
until a question retrieves it, as the app does it: embedder already loaded, chunk vectors first (sentence
vectors deferred), reload, search; then the background completion of the sentence vectors."""

from __future__ import annotations

import dataclasses
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from ingest.manage import add_documents, complete_documents, remove_document
from ingest.pipeline import run_ingest
from rag.config import Settings
from rag.embed import make_embedder
from rag.retrieve import Retriever

SOURCE = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "corpus-sources" / "uu-11-2009-kesejahteraan-sosial.txt"
)
QUESTION = "Apa yang dimaksud dengan penyelenggaraan kesejahteraan sosial?"
WORDS_PER_PAGE = 165
"""Words on a printed page of an Indonesian law (one column, as in the State Gazette PDFs), for the page count."""


def _base_corpus(corpus: Path, source: Path, out: Path) -> None:
    """The corpus without its curated copy of `source` (a curated file whose name starts the source's)."""
    out.mkdir(parents=True)
    for path in corpus.iterdir():
        if path.is_file() and not source.stem.startswith(path.stem):
            shutil.copy(path, out)


def run(settings: Settings, source: Path = SOURCE, question: str = QUESTION, repeats: int = 3) -> dict:
    embedder = make_embedder(settings)
    embedder.embed_passages(["pemanasan"])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        _base_corpus(settings.corpus_dir, source, tmp / "corpus")
        s = dataclasses.replace(
            settings, corpus_dir=tmp / "corpus", index_dir=tmp / "index", uploads_dir=tmp / "uploads"
        )
        base = run_ingest(s, show_progress=False, embedder=embedder)
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            results, report = add_documents(s, [source], embedder=embedder, defer_sentences=True)
            t1 = time.perf_counter()
            retriever = Retriever(s, embedder)
            t2 = time.perf_counter()
            hits = retriever.search(question, s.top_k)
            t3 = time.perf_counter()
            sid = results[0].source_id
            assert results[0].ok and any(r.chunk.source_id == sid for r in hits), results[0]
            t4 = time.perf_counter()
            done = complete_documents(s, embedder)
            t5 = time.perf_counter()
            runs.append(
                {
                    "total_s": round(t3 - t0, 2),
                    "add_documents_s": round(t1 - t0, 2),
                    "reload_s": round(t2 - t1, 2),
                    "first_search_s": round(t3 - t2, 3),
                    "chunks": results[0].chunks,
                    "embedded_texts": report.embedded_texts,
                    "ingest_s": round(report.seconds, 2),
                    "timings": {k: round(v, 2) for k, v in report.timings.items()},
                    "complete_sentences_s": round(t5 - t4, 2),
                    "sentences_embedded_after": done.embedded_texts,
                    "upload_to_full_quality_s": round(t3 - t0 + t5 - t4, 2),
                }
            )
            remove_document(s, sid, embedder=embedder)
    words = len(source.read_text(encoding="utf-8").split())
    totals = [r["total_s"] for r in runs]
    return {
        "source": source.name,
        "words": words,
        "pages_estimate": round(words / WORDS_PER_PAGE),
        "base_index": {"documents": base.documents, "chunks": base.chunks, "sentences": base.sentences},
        "question": question,
        "upload_to_answerable_median_s": round(statistics.median(totals), 2),
        "upload_to_full_quality_median_s": round(statistics.median(r["upload_to_full_quality_s"] for r in runs), 2),
        "runs": runs,
        "target_s": 10,
    }
