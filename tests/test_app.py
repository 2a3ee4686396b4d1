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


def test_build_app_returns_blocks_and_answers(full_index, retriever):
    import gradio as gr
    from gradio_client import Client

    demo = build_app(full_index, retriever.search)
    assert isinstance(demo, gr.Blocks)
    port = free_port()
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        assert _wait_http(f"http://127.0.0.1:{port}/") == 200
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        reply = client.predict("Apa tujuan pekerjaan sosial?", api_name="/tanya")
        assert "[1]" in reply and "Pekerjaan Sosial" in reply
        evil = client.predict("<img src=x onerror=alert(1)>", api_name="/tanya")
        assert "<img" not in evil and "&lt;img" in evil
        assert "tulis pertanyaan" in client.predict("   ", api_name="/tanya")
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

        reply = Client(f"http://127.0.0.1:{port}/", verbose=False).predict("apa itu peksos?", api_name="/tanya")
        assert "[1]" in reply
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert "Running on local URL:  http://127.0.0.1:" in out
