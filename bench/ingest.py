"""Ingest throughput as a ratio to the raw embedder on the same texts, and the no-change re-ingest time."""

from __future__ import annotations

import dataclasses
import json
import statistics
import tempfile
import time
from pathlib import Path

from ingest.chunk import chunk_document
from ingest.clean import clean_document
from ingest.load import load_documents
from ingest.pipeline import run_ingest, sentence_embed_text
from rag.config import Settings
from rag.embed import make_embedder


def _texts(corpus: Path, settings: Settings) -> tuple[list[str], int, int]:
    """Exactly what the pipeline embeds: chunk texts with headings, then sentences."""
    docs, _ = load_documents(corpus)
    texts, n_chunks, n_sent = [], 0, 0
    for doc, _ in docs:
        chunks = chunk_document(clean_document(doc), settings.chunk_min_words, settings.chunk_max_words)
        texts += [c.embed_text for c in chunks]
        texts += [sentence_embed_text(c, s) for c in chunks for s in c.sentences]
        n_chunks += len(chunks)
        n_sent += sum(len(c.sentences) for c in chunks)
    return texts, n_chunks, n_sent


def measure(corpus: Path, settings: Settings, embedder, label: str) -> dict:
    texts, n_chunks, n_sent = _texts(corpus, settings)
    t0 = time.perf_counter()
    for i in range(0, len(texts), settings.embed_batch):
        embedder.embed_passages(texts[i : i + settings.embed_batch])
    raw_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        s = dataclasses.replace(settings, corpus_dir=corpus, index_dir=Path(tmp) / "index")
        report = run_ingest(s, rebuild=True, show_progress=False, embedder=embedder)
        reingest = []
        for _ in range(5):
            t = time.perf_counter()
            again = run_ingest(s, show_progress=False, embedder=embedder)
            reingest.append(time.perf_counter() - t)
            assert again.nothing_changed and again.chunks == report.chunks
    raw_tps = len(texts) / raw_s
    pipe_tps = report.embedded_texts / report.seconds
    return {
        "label": label,
        "documents": report.documents,
        "chunks": n_chunks,
        "sentences": n_sent,
        "texts_embedded": len(texts),
        "raw_embedder_texts_per_s": round(raw_tps, 2),
        "pipeline_seconds": round(report.seconds, 2),
        "pipeline_texts_per_s": round(pipe_tps, 2),
        "pipeline_chunks_per_s": round(n_chunks / report.seconds, 2),
        "pipeline_sentences_per_s": round(n_sent / report.seconds, 2),
        "ratio_to_raw_embedder": round(pipe_tps / raw_tps, 3),
        "reingest_unchanged_s_median": round(statistics.median(reingest), 3),
    }


def tydiqa_subset(path: Path, n: int, out: Path) -> Path:
    """Write the first n TyDiQA passages as plain-text corpus files."""
    out.mkdir(parents=True, exist_ok=True)
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= n:
                break
            p = json.loads(line)
            (out / f"{p['_id']}.txt").write_text(p["text"], encoding="utf-8")
    return out


def run(settings: Settings, tydiqa: Path | None, n_tydiqa: int = 300) -> dict:
    embedder = make_embedder(settings)
    out = {"project_corpus": measure(settings.corpus_dir, settings, embedder, "korpus proyek")}
    if tydiqa and tydiqa.exists():
        with tempfile.TemporaryDirectory() as tmp:
            corpus = tydiqa_subset(tydiqa, n_tydiqa, Path(tmp) / "tydiqa")
            out["tydiqa_subset"] = measure(corpus, settings, embedder, f"TyDiQA-id, {n_tydiqa} paragraf pertama")
    return out
