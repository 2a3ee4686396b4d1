"""Soak: many questions from concurrent browser-like sessions; the app's memory must stay flat.

python -m bench.soak [--questions 5000] [--clients 20] [--url http://127.0.0.1:7860/]

Each client behaves like a student: it opens a session, asks a few questions passing the chat back as
a browser does, then leaves and opens a new one. RSS of the app process is sampled every --sample-every
questions; the curve goes to bench/results/soak.json and soak.png. Loopback only, bounded in count and
time. The last line is machine-readable:

    soak: questions=N clients=C errors=E rss_growth_mib=G p95_ms=P
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import threading
import time
from pathlib import Path

from bench.app import _free_port, _rss_mb, start_app, stop
from bench.common import results_dir, save

log = logging.getLogger(__name__)


def _answered(chat) -> bool:
    return bool(chat) and chat[-1].get("role") == "assistant" and "[" in str(chat[-1].get("content", ""))


class Soak:
    """Drives `url` with `clients` threads until `questions` questions are answered (or the deadline)."""

    def __init__(self, url: str, questions: list[str], total: int, clients: int, per_session: int, deadline: float):
        self.url, self.questions, self.total = url, questions, total
        self.clients, self.per_session, self.deadline = clients, per_session, deadline
        self.lock = threading.Lock()
        self.issued = 0
        self.done = 0
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.unanswered = 0
        self.on_progress = None  # called (outside the lock) with the number of questions done

    def _next(self) -> int | None:
        with self.lock:
            if self.issued >= self.total or time.time() > self.deadline:
                return None
            self.issued += 1
            return self.issued - 1

    def client(self) -> None:
        from gradio_client import Client

        client = Client(self.url, verbose=False)
        chat: list = []
        asked = 0
        try:
            while (i := self._next()) is not None:
                if asked == self.per_session:  # the student leaves; a new one opens the page
                    client.reset_session()
                    chat, asked = [], 0
                q = self.questions[i % len(self.questions)]
                t0 = time.perf_counter()
                err = None
                try:
                    chat, *_ = client.predict(q, chat, "extractive", 5, api_name="/tanya")
                except Exception as e:  # any failure is an error of the run, recorded with its type
                    err = f"{e.__class__.__name__}: {e}"
                    chat = []
                ms = (time.perf_counter() - t0) * 1e3
                asked += 1
                with self.lock:
                    self.done += 1
                    done = self.done
                    if err:
                        self.errors.append(err)
                    else:
                        self.latencies.append(ms)
                        self.unanswered += not _answered(chat)
                if self.on_progress:
                    self.on_progress(done)
        finally:
            client.close()

    def run(self) -> None:
        threads = [threading.Thread(target=self.client, daemon=True) for _ in range(self.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def soak(
    url: str,
    pid: int | None,
    questions: list[str],
    total: int = 5000,
    clients: int = 20,
    per_session: int = 10,
    sample_every: int = 250,
    warmup: int = 1000,
    max_seconds: float = 3 * 3600,
) -> dict:
    """Run the soak against `url`; `pid` is the app process whose RSS is sampled (None: not sampled)."""
    run = Soak(url, questions, total, clients, per_session, time.time() + max_seconds)
    samples: list[tuple[int, float, float]] = []  # (questions done, seconds, RSS MiB)
    t_start = time.perf_counter()
    next_sample = [sample_every]

    def rss() -> float:
        return _rss_mb(pid) if pid else 0.0

    def on_progress(done: int) -> None:
        with run.lock:
            if done < next_sample[0]:
                return
            next_sample[0] += sample_every
        samples.append((done, round(time.perf_counter() - t_start, 1), rss()))
        log.info("soak: %d questions, RSS %.1f MiB", done, samples[-1][2])

    samples.append((0, 0.0, rss()))
    run.on_progress = on_progress
    run.run()
    seconds = time.perf_counter() - t_start
    if samples[-1][0] != run.done:
        samples.append((run.done, round(seconds, 1), rss()))
    lat = sorted(run.latencies)
    after = [s for s in samples if s[0] >= warmup] or samples[-1:]
    growth = round(max(s[2] for s in after) - after[0][2], 1)
    return {
        "url": url,
        "questions": run.done,
        "clients": clients,
        "questions_per_session": per_session,
        "errors": len(run.errors),
        "error_samples": run.errors[:5],
        "replies_without_citation": run.unanswered,
        "seconds": round(seconds, 1),
        "throughput_per_s": round(run.done / seconds, 2) if seconds else None,
        "latency_p50_ms": round(statistics.median(lat), 1) if lat else None,
        "latency_p95_ms": round(lat[int(0.95 * (len(lat) - 1))], 1) if lat else None,
        "warmup_questions": warmup,
        "rss_start_mib": samples[0][2],
        "rss_after_warmup_mib": after[0][2],
        "rss_end_mib": samples[-1][2],
        "rss_growth_after_warmup_mib": growth,
        "samples": [{"questions": q, "seconds": s, "rss_mib": r} for q, s, r in samples],
    }


def plot(result: dict, path: Path, limit_mib: float) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [s["questions"] for s in result["samples"]]
    ys = [s["rss_mib"] for s in result["samples"]]
    fig, ax = plt.subplots(figsize=(7, 3.6), dpi=110)
    ax.plot(xs, ys, marker="o", markersize=3, label="RSS aplikasi")
    base = result["rss_after_warmup_mib"]
    ax.axvline(result["warmup_questions"], color="grey", linestyle=":", label="akhir pemanasan")
    ax.axhline(base + limit_mib, color="#dc2626", linestyle="--", label=f"batas (+{limit_mib:.0f} MiB)")
    ax.set_xlabel("pertanyaan terjawab")
    ax.set_ylabel("RSS (MiB)")
    ax.set_ylim(0, max(max(ys), base + limit_mib) * 1.1)
    ax.set_title(
        f"Soak: {result['questions']} pertanyaan, {result['clients']} klien, {result['errors']} galat, "
        f"p95 {result['latency_p95_ms']} ms",
        fontsize=9,
    )
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n")[0])
    p.add_argument("--questions", type=int, default=5000)
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--per-session", type=int, default=10, help="questions before a client opens a new session")
    p.add_argument("--sample-every", type=int, default=250)
    p.add_argument("--warmup", type=int, help="questions before the growth baseline (default: a fifth, <= 1000)")
    p.add_argument("--limit-mib", type=float, default=50.0, help="allowed RSS growth after warm-up")
    p.add_argument("--url", help="drive an app that is already running (RSS then needs --pid)")
    p.add_argument("--pid", type=int, help="process id of the app given with --url")
    p.add_argument("--max-seconds", type=float, default=3 * 3600)
    p.add_argument("--name", default="soak", help="result file name in bench/results")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    for noisy in ("httpx", "gradio_client", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from eval.dataset import load_questions

    questions = [q.question for q in load_questions(split="all")]
    warmup = args.warmup if args.warmup is not None else min(1000, args.questions // 5)
    proc = None
    if args.url:
        url, pid = args.url, args.pid
    else:
        from ingest.pipeline import run_ingest
        from rag.config import Settings

        settings = Settings.from_env()
        run_ingest(settings, show_progress=False)
        env = {**os.environ, "TANYA_INDEX_DIR": str(settings.index_dir), "GRADIO_ANALYTICS_ENABLED": "False"}
        port = _free_port()
        proc, _ = start_app(env, port)
        url, pid = f"http://127.0.0.1:{port}/", proc.pid
    try:
        r = soak(
            url,
            pid,
            questions,
            args.questions,
            args.clients,
            args.per_session,
            args.sample_every,
            warmup,
            args.max_seconds,
        )
    finally:
        if proc is not None:
            stop(proc)
    r["limit_mib"] = args.limit_mib
    path = save(args.name, r)
    png = plot(r, results_dir() / f"{args.name}.png", args.limit_mib)
    print(f"-> {path}, {png}")
    print(
        f"RSS {r['rss_start_mib']} -> {r['rss_after_warmup_mib']} (setelah {warmup} pertanyaan) -> "
        f"{r['rss_end_mib']} MiB; p50 {r['latency_p50_ms']} ms; {r['throughput_per_s']}/s"
    )
    print(
        f"soak: questions={r['questions']} clients={r['clients']} errors={r['errors']} "
        f"rss_growth_mib={r['rss_growth_after_warmup_mib']} p95_ms={r['latency_p95_ms']}"
    )
    ok = r["errors"] == 0 and r["questions"] == args.questions and r["rss_growth_after_warmup_mib"] <= args.limit_mib
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
