"""Server mode: a real `chroma run` on 127.0.0.1, started and stopped by the test."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pipeline import run_ingest
from rag.errors import StoreUnavailable
from rag.retrieve import Retriever
from rag.store import chroma_client
from tests.conftest import free_port, make_settings


def start_chroma_server(tmp_path) -> tuple[subprocess.Popen, int]:
    """A real `chroma run` on 127.0.0.1 with its data in tmp_path; the caller stops it."""
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import httpx

    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    return proc, port


@pytest.fixture
def chroma_server(tmp_path):
    proc, port = start_chroma_server(tmp_path)
    yield port
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.slow
def test_ingest_and_search_through_chroma_server(tmp_path, small_corpus, embedder, chroma_server):
    settings = make_settings(tmp_path, small_corpus, chroma_host="127.0.0.1", chroma_port=chroma_server)
    rep = run_ingest(settings, show_progress=False, embedder=embedder)
    assert rep.chunks > 0
    assert not (settings.index_dir / "chroma").exists(), "server mode must not create an embedded store"
    client = chroma_client(settings)
    names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
    assert len(names) == 1 and names[0].startswith("tanya_peksos-g")
    assert client.get_collection(names[0], embedding_function=None).count() == rep.chunks
    hits = Retriever(settings, embedder).search("kerahasiaan klien", k=2)
    assert hits[0].chunk.source_id == "uu-contoh"


def test_server_down_is_a_clear_error(tmp_path, small_corpus):
    settings = make_settings(tmp_path, small_corpus, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(StoreUnavailable) as err:
        chroma_client(settings)
    assert "tidak dapat dihubungi" in str(err.value)
