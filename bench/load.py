"""Load: concurrent chat sessions through gradio_client against the app on 127.0.0.1, bounded in time.

python -m bench.load [--sessions 20] [--seconds 60]: zero errors expected; p95 latency and memory reported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

from bench.app import _free_port, _rss_mb, start_app, stop
from bench.common import save


def run(index_dir, questions: list[str], sessions: int = 20, seconds: float = 60.0) -> dict:
    from gradio_client import Client

    env = {**os.environ, "TANYA_INDEX_DIR": str(index_dir), "GRADIO_ANALYTICS_ENABLED": "False"}
    port = _free_port()
    proc, _ = start_app(env, port)
    url = f"http://127.0.0.1:{port}/"
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.time() + seconds
    rss = [_rss_mb(proc.pid)]

    def session(i: int) -> None:
        client = Client(url, verbose=False)
        n = i
        while time.time() < deadline:
            q = questions[n % len(questions)]
            n += sessions
            t0 = time.perf_counter()
            try:
                chat, *_ = client.predict(q, [], "extractive", 5, api_name="/tanya")
                ok = bool(chat) and chat[-1]["role"] == "assistant"
            except Exception as err:  # any failure counts as an error of the run
                ok, msg = False, f"{err.__class__.__name__}: {err}"
            with lock:
                if ok:
                    latencies.append((time.perf_counter() - t0) * 1e3)
                else:
                    errors.append(msg if "msg" in locals() else "empty reply")

    threads = [threading.Thread(target=session, args=(i,)) for i in range(sessions)]
    try:
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            time.sleep(5)
            rss.append(_rss_mb(proc.pid))
        for t in threads:
            t.join()
    finally:
        stop(proc)
    latencies.sort()
    return {
        "sessions": sessions,
        "seconds": seconds,
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "error_samples": errors[:5],
        "throughput_per_s": round(len(latencies) / seconds, 2),
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else None,
        "rss_mb_samples": rss,
        "rss_growth_mb": round(rss[-1] - rss[1], 1) if len(rss) > 2 else None,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.load")
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60.0)
    args = p.parse_args(argv)
    from eval.dataset import load_questions
    from ingest.pipeline import run_ingest
    from rag.config import Settings

    settings = Settings.from_env()
    run_ingest(settings, show_progress=False)
    r = run(settings.index_dir, [q.question for q in load_questions(split="all")], args.sessions, args.seconds)
    path = save("load", r)
    print(
        f"{r['sessions']} sesi, {r['seconds']:.0f} s: {r['requests']} permintaan, {r['errors']} galat, "
        f"p50 {r['latency_p50_ms']} ms, p95 {r['latency_p95_ms']} ms, {r['throughput_per_s']}/s, "
        f"RSS {r['rss_mb_samples'][0]} -> {r['rss_mb_samples'][-1]} MiB"
    )
    print(f"-> {path}")
    return 1 if r["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
