"""The app: builds without launching, serves the page on 127.0.0.1, answers with passages and titles."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import httpx
import pytest

from app import build_app
from tests.conftest import CORPUS, ROOT, free_port


def _wait_http(url: str, timeout: float = 90) -> int:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            return httpx.get(url, timeout=2).status_code
        except httpx.HTTPError:
            time.sleep(0.3)
    return 0


def ask_api(client, question: str) -> tuple[list, str]:
    """Call the app's /tanya endpoint; returns (chat messages, sources HTML)."""
    chat, sources, _box, _download = client.predict(question, [], "extractive", 5, api_name="/tanya")
    return chat, sources


def _text(message) -> str:
    content = message["content"]
    if isinstance(content, list):
        return " ".join(str(part.get("text", part)) if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def test_build_app_returns_blocks_and_answers(full_index, retriever, tmp_path):
    import dataclasses

    import gradio as gr
    from gradio_client import Client

    from rag.answer import Answerer

    settings = dataclasses.replace(full_index, feedback_path=tmp_path / "feedback.jsonl")
    demo = build_app(settings, Answerer(settings, retriever))
    assert isinstance(demo, gr.Blocks)
    port = free_port()
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        assert _wait_http(f"http://127.0.0.1:{port}/") == 200
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        chat, sources = ask_api(client, "Apa tujuan pekerjaan sosial?")
        answer = _text(chat[-1])
        assert "class='cite'" in answer and "[1]" in answer
        assert "src-card" in sources and "<mark>" in sources
        chat, _ = ask_api(client, "<img src=x onerror=alert(1)>")
        assert "<img" not in _text(chat[0]) and "&lt;img" in _text(chat[0])
    finally:
        demo.close()


@pytest.mark.slow
def test_make_run_serves_the_page(full_index):
    """The README's `make run`, against the already built index."""
    port = free_port()
    env = {**os.environ, "TANYA_INDEX_DIR": str(full_index.index_dir), "TANYA_CORPUS_DIR": str(CORPUS)}
    proc = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = _wait_http(f"http://127.0.0.1:{port}/")
        assert status == 200
        from gradio_client import Client

        chat, _ = ask_api(Client(f"http://127.0.0.1:{port}/", verbose=False), "apa itu peksos?")
        assert "[1]" in _text(chat[-1])
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert "Running on local URL:  http://127.0.0.1:" in out
