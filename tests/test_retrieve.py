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


def test_law_reference_goes_first(retriever):
    top = retriever.search("isi pasal 42 uu peksos", k=3)[0].chunk
    assert top.locator == "UU 14/2019 Pasal 42"
    top = retriever.search("UU Kesos pasal 1 angka 5", k=3)[0].chunk
    assert top.locator == "UU 11/2009 Pasal 1 angka 5"


def test_definition_question_finds_defining_sentence(retriever):
    top = retriever.search("Apa itu kesejahteraan sosial?", k=3)
    assert any("Kesejahteraan Sosial adalah kondisi" in r.chunk.text for r in top[:2])


def test_follow_up_retrieves_duties(retriever):
    from rag.conversation import condense_question

    q = condense_question("lalu apa kewajibannya?", ["apa itu pekerja sosial?"])
    texts = [r.chunk.text for r in retriever.search(q, k=5)]
    assert any("Praktik Pekerjaan Sosial wajib" in t for t in texts)


def test_action_signal_finds_the_passage_that_names_who_does_it(retriever):
    # "menerbitkan" and STR (or its full form) meet only in Pasal 48, a long list that ranks low otherwise.
    sig = retriever.signals("Siapa yang menerbitkan STR?")
    assert [retriever.chunks[i].locator for i, _ in sig.action] == ["UU 14/2019 Pasal 48"]
    assert retriever.search("Siapa yang menerbitkan STR?", k=1)[0].chunk.locator == "UU 14/2019 Pasal 48"
    assert retriever.signals("Apa itu STR?").action == []  # no action asked about


def test_results_carry_relevance_signal(retriever):
    good = retriever.search("Berapa lama STR berlaku?", k=1)[0]
    bad = retriever.search("Bagaimana resep rendang yang enak?", k=1)[0]
    assert 0.0 <= bad.relevance < good.relevance <= 1.0
    assert good.coverage > bad.coverage


def test_own_eval_floor_on_dev_split(retriever):
    """CI floor, set from measurement on the dev split (107 answerable, 2026-12-02: hit@5 0.953, MRR@10 0.867).
    The test split is reported, never gated."""
    from eval.dataset import load_questions
    from eval.retrieval import evaluate

    result = evaluate(
        lambda q, k: [r.chunk for r in retriever.search(q, k)], load_questions(split="dev"), retriever.chunks
    )
    overall = result["overall"]
    assert overall["hit@5"] >= 0.93, overall
    assert overall["mrr@10"] >= 0.83, overall
