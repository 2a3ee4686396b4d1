"""The app: builds without launching, serves the page on 127.0.0.1, answers with passages and titles."""

from __future__ import annotations

import json
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


def _like(base: str, session_hash: str, fn_index: int, trigger: int, index: int, liked, note: str = "") -> dict:
    """A like/dislike click on chat message `index`, sent the way the browser sends it (with the feedback
    note shown); returns the outputs."""
    body = {
        "data": [None, note],  # the turns State is filled in from the session by the server
        "event_data": {"index": index, "value": "…", "liked": liked},
        "fn_index": fn_index,
        "trigger_id": trigger,
        "session_hash": session_hash,
    }
    httpx.post(f"{base}/queue/join", json=body, timeout=30).raise_for_status()
    with httpx.stream("GET", f"{base}/queue/data", params={"session_hash": session_hash}, timeout=60) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:") and '"process_completed"' in line:
                return json.loads(line[5:])["output"]
    raise AssertionError("the like event never completed")


def test_feedback_event_records_in_range_likes_and_leaves_the_session_as_it_was(full_index, retriever, tmp_path):
    """A like on an answer is stored; a like on a message with no turn behind it (an index out of range)
    stores nothing and leaves the session's config as it was, however many times it comes (a gr.skip()
    there rebuilt the note component from its constructor and dropped the note shown, Gradio 6.31)."""
    import dataclasses

    import gradio as gr
    from gradio_client import Client

    from rag.answer import Answerer
    from ui.feedback import FeedbackStore

    settings = dataclasses.replace(full_index, feedback_path=tmp_path / "feedback.jsonl")
    demo = build_app(settings, Answerer(settings, retriever))
    fn_index = next(i for i, fn in demo.fns.items() if fn.fn.__name__ == "on_feedback")
    chatbot = next(b for b in demo.blocks.values() if isinstance(b, gr.Chatbot))
    port = free_port()
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    base = f"http://127.0.0.1:{port}/gradio_api"
    try:
        assert _wait_http(f"http://127.0.0.1:{port}/") == 200
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        ask_api(client, "Apa tujuan pekerjaan sosial?")
        session = client.session_hash
        note = _like(base, session, fn_index, chatbot._id, 1, True)["data"][0]
        assert "tersimpan" in str(note)
        config = json.dumps(list(demo.state_holder[session].components), sort_keys=True, default=str)
        for _ in range(20):
            assert _like(base, session, fn_index, chatbot._id, 99, False, note)["data"] == [note]
        after = json.dumps(list(demo.state_holder[session].components), sort_keys=True, default=str)
    finally:
        demo.close()
    records = FeedbackStore(settings.feedback_path).all()
    assert [(r["question"], r["rating"]) for r in records] == [("Apa tujuan pekerjaan sosial?", "naik")]
    assert records[0]["citations"], "the liked answer's citations are stored with it"
    assert after == config, "an out-of-range like must leave the session's component config unchanged"
