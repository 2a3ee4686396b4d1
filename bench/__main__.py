"""python -m bench [answer] — run benchmarks, print a table, write bench/results/*.json."""

from __future__ import annotations

import argparse
import json
import logging
import os


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("which", nargs="*", default=["answer"], help="benchmarks to run: answer")
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    logging.basicConfig(level=logging.WARNING)
    from bench.common import save
    from ingest.pipeline import run_ingest
    from rag.config import Settings

    settings = Settings.from_env()
    run_ingest(settings, show_progress=False)
    if "answer" in args.which:
        from bench import answer

        result = answer.run(settings, args.repeats)
        path = save("answer", result)
        a, s = result["extractive_answer"], result["search"]
        print(f"{'benchmark':40s} {'p50 ms':>9s} {'p95 ms':>9s}")
        print(f"{'extractive answer (end to end)':40s} {a['p50_ms']:9.1f} {a['p95_ms']:9.1f}")
        print(f"{'hybrid search (total)':40s} {s['p50_ms']:9.1f} {s['p95_ms']:9.1f}")
        for k, v in result["search_breakdown_p50_ms"].items():
            print(f"{'  ' + k:40s} {v:9.2f}")
        print(f"{'  search excluding query embedding':40s} {result['search_excluding_embedding_p50_ms']:9.2f}")
        print(f"-> {path}")
        print(json.dumps(result["extractive_answer"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
