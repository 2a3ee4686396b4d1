"""Retrieval over the real corpus index, and the `python -m rag search --json` contract."""

from __future__ import annotations

import json

from rag.__main__ import main as rag_main


def test_search_returns_typed_chunks_from_the_index(retriever):
    results = retriever.search("Apa yang dimaksud dengan Pekerja Sosial menurut undang-undang?", k=5)
    assert len(results) == 5
    ids = retriever.generation.by_id
    assert all(r.chunk.chunk_id in ids for r in results)
    assert any(r.chunk.source_id == "uu-14-2019" for r in results)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


def test_relawan_question_finds_relawan_passages(retriever):
    results = retriever.search("apa beda peksos dan relawan?", k=5)
    text = " ".join(r.chunk.text for r in results)
    assert "relawan" in text.lower()


def test_search_json_contract(full_index, capsys, monkeypatch):
    monkeypatch.setenv("TANYA_INDEX_DIR", str(full_index.index_dir))
    assert rag_main(["search", "tujuan pekerjaan sosial", "-k", "3", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["query"] == "tujuan pekerjaan sosial"
    assert len(payload["results"]) == 3
    for r in payload["results"]:
        assert set(r) == {"chunk_id", "source_id", "title", "locator", "text", "score"}


def test_missing_index_message(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TANYA_INDEX_DIR", str(tmp_path / "belum-ada"))
    assert rag_main(["search", "apa itu peksos"]) == 1
    assert "python -m ingest" in capsys.readouterr().err
