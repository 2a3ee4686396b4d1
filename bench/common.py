"""Timing helpers and the machine description every result records."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

RESULTS_DEFAULT = Path(__file__).resolve().parent / "results"


def results_dir() -> Path:
    """bench/results, or TANYA_BENCH_RESULTS (tests write there so committed results stay as measured)."""
    return Path(os.environ.get("TANYA_BENCH_RESULTS") or RESULTS_DEFAULT)


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
    }


def timeit(fn: Callable, items: list, warmup: int = 3, repeats: int = 1) -> dict:
    """Run fn(item) for every item `repeats` times after `warmup` calls; p50/p95 in milliseconds."""
    for item in items[:warmup]:
        fn(item)
    samples = []
    for _ in range(repeats):
        for item in items:
            t0 = time.perf_counter()
            fn(item)
            samples.append((time.perf_counter() - t0) * 1e3)
    samples.sort()
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 2),
        "mean_ms": round(statistics.fmean(samples), 2),
    }


def save(name: str, payload: dict) -> Path:
    out = results_dir()
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **payload}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
