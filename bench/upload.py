"""Upload-to-answerable: add one law (about 30 pages) to an index that holds the rest of the corpus, and time
until a question about it is answered with a citation to it, as the app does it: embedder already loaded,
the document committed lexical-only (BM25 at once, the passages a question reaches embedded on demand),
reload, answer; then the background completion of its chunk and sentence vectors.

On the first repeat the eval dev questions whose gold is in that law are answered twice, before and after the
completion, so the figure says what "answerable" is worth while the vectors are still being embedded. The
law is uploaded under its curated id so the eval's gold phrases apply to it."""

from __future__ import annotations

import dataclasses
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from eval.answers import evaluate_answers
from eval.dataset import load_questions
from ingest.manage import add_documents, complete_documents, remove_document
from ingest.pipeline import run_ingest
from rag.answer import Answerer
from rag.config import Settings
from rag.embed import make_embedder
from rag.retrieve import Retriever

SOURCE = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "corpus-sources" / "uu-11-2009-kesejahteraan-sosial.txt"
)
QUESTION = "Apa yang dimaksud dengan penyelenggaraan kesejahteraan sosial?"
WORDS_PER_PAGE = 165
"""Words on a printed page of an Indonesian law (one column, as in the State Gazette PDFs), for the page count."""


def _base_corpus(corpus: Path, source: Path, out: Path) -> str | None:
    """The corpus without its curated copy of `source` (a curated file whose name starts the source's);
    the curated copy's stem (its id), if there is one."""
    out.mkdir(parents=True)
    held_out = None
    for path in corpus.iterdir():
        if not path.is_file():
            continue
        if source.stem.startswith(path.stem):
            held_out = path.stem
        else:
            shutil.copy(path, out)
    return held_out


def _quality(answerer: Answerer, questions) -> dict:
    r = evaluate_answers(answerer, questions)
    keep = ("n", "gold_fact_hit", "gold_fact_lead", "false_abstention", "invalid_citations", "latency_ms_p50")
    return {k: r[k] for k in keep}


def run(settings: Settings, source: Path = SOURCE, question: str = QUESTION, repeats: int = 3) -> dict:
    embedder = make_embedder(settings)
    embedder.embed_passages(["pemanasan"])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        held_out = _base_corpus(settings.corpus_dir, source, tmp / "corpus")
        s = dataclasses.replace(
            settings, corpus_dir=tmp / "corpus", index_dir=tmp / "index", uploads_dir=tmp / "uploads"
        )
        base = run_ingest(s, show_progress=False, embedder=embedder)
        name = f"{held_out}{source.suffix}" if held_out else source.name
        dev = [q for q in load_questions(split="dev") if q.answerable and any(g.source_id == held_out for g in q.gold)]
        runs, quality = [], {}
        for _ in range(repeats):
            t0 = time.perf_counter()
            results, report = add_documents(s, [(source, name)], embedder=embedder, defer_vectors=True)
            t1 = time.perf_counter()
            answerer = Answerer(s, Retriever(s, embedder))
            t2 = time.perf_counter()
            ans = answerer.answer(question)
            t3 = time.perf_counter()
            sid = results[0].source_id
            assert results[0].ok and any(c.chunk.source_id == sid for c in ans.citations), results[0]
            if not quality and dev:
                quality["before_vectors"] = _quality(answerer, dev)
            t4 = time.perf_counter()
            done = complete_documents(s, embedder)
            t5 = time.perf_counter()
            if "after_vectors" not in quality and dev:
                quality["after_vectors"] = _quality(Answerer(s, Retriever(s, embedder)), dev)
            runs.append(
                {
                    "total_s": round(t3 - t0, 2),
                    "add_documents_s": round(t1 - t0, 2),
                    "reload_s": round(t2 - t1, 2),
                    "first_answer_s": round(t3 - t2, 3),
                    "chunks": results[0].chunks,
                    "embedded_texts": report.embedded_texts,
                    "ingest_s": round(report.seconds, 2),
                    "timings": {k: round(v, 2) for k, v in report.timings.items()},
                    "complete_vectors_s": round(t5 - t4, 2),
                    "embedded_after": done.embedded_texts,
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
        "dev_questions_on_this_law": quality,
        "runs": runs,
        "target_s": 10,
    }
