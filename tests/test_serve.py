"""The class deployment as the README documents it: `make chroma`, then `make serve`, one question over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import httpx
import pytest

from serve import main as serve_main
from tests.conftest import ROOT, free_port
from tests.test_app import _text, _wait_http


def _make(target: str, env: dict, log, *args: str) -> subprocess.Popen:
    """`make target args` in its own process group, output to the file `log` (a pipe could fill and block)."""
    with open(log, "wb") as out:
        return subprocess.Popen(
            ["make", target, *args], cwd=ROOT, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT
        )


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.mark.slow
def test_make_serve_against_a_chroma_server(tmp_path, small_corpus):
    from gradio_client import Client

    chroma_port, app_port = free_port(), free_port()
    env = {
        **os.environ,
        "TANYA_CORPUS_DIR": str(small_corpus),
        "TANYA_INDEX_DIR": str(tmp_path / "index"),
        "TANYA_FEEDBACK_PATH": str(tmp_path / "feedback.jsonl"),
        "TANYA_ADMIN_PASSWORD": "rahasia-kelas",
    }
    where = f"CHROMA_PATH={tmp_path / 'chroma-server'}"
    chroma = _make("chroma", env, tmp_path / "chroma.log", f"CHROMA_PORT={chroma_port}", where)
    app = None
    try:
        assert _wait_http(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat", timeout=60) == 200
        app = _make("serve", env, tmp_path / "serve.log", f"PORT={app_port}", f"CHROMA_PORT={chroma_port}")
        base = f"http://127.0.0.1:{app_port}"
        assert _wait_http(f"{base}/", timeout=240) == 200
        health = httpx.get(f"{base}/kesehatan", timeout=10)
        assert health.status_code == 200
        report = health.json()
        assert report["status"] == "ok" and report["index"]["documents"] == 2
        assert report["chroma"]["mode"] == "server" and report["chroma"]["where"] == f"127.0.0.1:{chroma_port}"
        assert report["chroma"]["vectors"] >= report["index"]["chunks"] > 0
        assert report["llm"] == {"configured": False, "ok": True, "engine": "extractive"}
        assert "rahasia-kelas" not in health.text
        assert not (tmp_path / "index" / "chroma").exists(), "the deployment must not use the embedded store"

        client = Client(f"{base}/", verbose=False)
        chat, sources, _box, _download = client.predict(
            "Apa kewajiban Pekerja Sosial?", [], "extractive", 5, api_name="/tanya"
        )
        client.close()
        answer = _text(chat[-1])
        assert "class='cite'" in answer and "kerahasiaan" in answer.lower()
        assert "Undang-Undang Contoh" in sources

        _stop(chroma)
        chroma = None
        down = httpx.get(f"{base}/health", timeout=30)
        assert down.status_code == 503 and down.json()["chroma"]["ok"] is False
    finally:
        for proc in (app, chroma):
            if proc:
                _stop(proc)
    assert f"Running on http://127.0.0.1:{app_port}" in (tmp_path / "serve.log").read_text(errors="replace")


def test_serve_refuses_without_chroma_or_admin_password(monkeypatch, capsys):
    monkeypatch.delenv("TANYA_CHROMA_HOST", raising=False)
    monkeypatch.setenv("TANYA_ADMIN_PASSWORD", "x")
    assert serve_main(["--port", str(free_port())]) == 2
    assert "make chroma" in capsys.readouterr().err
    monkeypatch.delenv("TANYA_ADMIN_PASSWORD", raising=False)
    assert serve_main(["--chroma-host", "127.0.0.1"]) == 2
    assert "TANYA_ADMIN_PASSWORD" in capsys.readouterr().err


def test_health_reports_a_down_llm_as_degraded(retriever):
    import dataclasses

    from rag.health import check_health

    port = free_port()  # nothing listens there
    settings = dataclasses.replace(
        retriever.settings, llm_backend="openai", llm_base_url=f"http://127.0.0.1:{port}/v1", llm_api_key="k"
    )
    t0 = time.perf_counter()
    report = check_health(retriever, settings)
    assert report["status"] == "degraded" and report["ok"] is True
    assert report["llm"]["ok"] is False and report["llm"]["engine"] == "openai"
    assert report["index"]["chunks"] == len(retriever.generation.chunks) and report["chroma"]["ok"]
    assert time.perf_counter() - t0 < 10
