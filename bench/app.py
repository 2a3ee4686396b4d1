"""App: cold start to the first served page (index present), and resident memory after start and after
100 questions asked through the app's own API."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MiB (from /proc)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def start_app(env: dict, port: int) -> tuple[subprocess.Popen, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--no-ingest", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - t0 < 120:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return proc, time.perf_counter() - t0
        except httpx.HTTPError:
            time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    raise RuntimeError("app did not start in 120 s")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def run(index_dir: Path, questions: list[str], starts: int = 3, n_questions: int = 100) -> dict:
    from gradio_client import Client

    env = {**os.environ, "TANYA_INDEX_DIR": str(index_dir), "GRADIO_ANALYTICS_ENABLED": "False"}
    colds = []
    for _ in range(starts):
        proc, seconds = start_app(env, _free_port())
        colds.append(seconds)
        stop(proc)
    port = _free_port()
    proc, _ = start_app(env, port)
    try:
        time.sleep(1.0)
        rss_start = _rss_mb(proc.pid)
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        rss_samples = []
        latencies = []
        for i in range(n_questions):
            q = questions[i % len(questions)]
            t0 = time.perf_counter()
            client.predict(q, [], "extractive", 5, api_name="/tanya")
            latencies.append((time.perf_counter() - t0) * 1e3)
            if i % 20 == 19:
                rss_samples.append(_rss_mb(proc.pid))
        rss_end = _rss_mb(proc.pid)
    finally:
        stop(proc)
    latencies.sort()
    return {
        "cold_start_s": [round(c, 2) for c in colds],
        "cold_start_median_s": round(statistics.median(colds), 2),
        "rss_after_start_mb": rss_start,
        "rss_after_questions_mb": rss_end,
        "rss_every_20_questions_mb": rss_samples,
        "questions": n_questions,
        "ui_roundtrip_p50_ms": round(statistics.median(latencies), 1),
        "ui_roundtrip_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
    }
