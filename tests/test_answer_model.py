"""The answer model's frame, features and plumbing, on made-up text and a fake embedder (seconds, no e5)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from rag.answer_model import SENTENCE_FEATURES, TreeEnsemble, load_model, passage_sentence_features
from rag.frame import answer_type, names_in, parse_frame
from tests import fake_embed

F = {name: i for i, name in enumerate(SENTENCE_FEATURES)}


def flat(term: str) -> float:
    return 0.5


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Kapan Museum Sonobudoyo dibuka?", "date"),
        ("Tahun berapa jembatan itu selesai dibangun?", "date"),
        ("Berapa jumlah penduduk Kota Lama?", "number"),
        ("Siapakah penemu mesin cetak?", "person"),
        ("Di manakah letak Danau Biru?", "place"),
        ("Apa yang dimaksud dengan fotosintesis?", "definition"),
        ("Mengapa langit berwarna biru?", "reason"),
        ("Bagaimana cara membuat tempe?", "other"),
    ],
)
def test_answer_type_table(question, kind):
    assert answer_type(question) == kind


def test_names_skip_the_capitalised_first_word():
    assert names_in("Siapa pendiri Kota Lama?") == ["kota", "lama"]
    assert parse_frame("Di mana Budi Santoso lahir?").names == ("budi", "santoso")


def test_coverage_and_missing_words_follow_the_sentence():
    frame = parse_frame("Kapan Budi Santoso menanam pohon mangga?")
    sents = ["Budi Santoso menanam pohon mangga pada 12 Mei 1990.", "Ia tinggal di desa yang sejuk."]
    x = passage_sentence_features(frame, flat, sents)
    assert x.shape == (2, len(SENTENCE_FEATURES))
    assert x[0, F["s_cov"]] == pytest.approx(1.0)
    assert x[1, F["s_cov"]] == pytest.approx(0.0)
    assert x[0, F["type_fit"]] == 1.0 and x[1, F["type_fit"]] == 0.0
    assert x[0, F["p_miss_max"]] == 0.0 and x[0, F["p_miss_count"]] == 0
    assert x[0, F["s_names"]] == 1.0 and x[1, F["s_names"]] == 0.0
    # the passage lacks the question's "durian": the rarest missing word is reported for every sentence
    frame = parse_frame("Kapan Budi Santoso menanam pohon durian?")
    x = passage_sentence_features(frame, lambda t: 0.9 if "durian" in t else 0.3, sents)
    assert x[0, F["p_miss_max"]] == pytest.approx(0.9)
    assert x[0, F["p_miss_count"]] == 1 and x[1, F["p_miss_count"]] == 1
    assert x[0, F["s_cov"]] < 1.0


def test_tree_ensemble_matches_scikit_learn():
    pytest.importorskip("sklearn")
    from sklearn.ensemble import HistGradientBoostingClassifier

    from eval.train_answer_model import export_trees

    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 5))
    y = (x[:, 0] + 0.5 * x[:, 1] * x[:, 2] + rng.normal(scale=0.3, size=600) > 0).astype(int)
    clf = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=7, random_state=0).fit(x, y)
    ours = TreeEnsemble(export_trees(clf)).predict(x)
    assert np.allclose(ours, clf.predict_proba(x)[:, 1], atol=1e-6)


def test_shipped_model_prefers_the_passage_that_holds_the_answer():
    model = load_model()
    assert model is not None, "run `python -m eval train-answer-model`"
    frame = parse_frame("Kapan Budi Santoso menanam pohon mangga di Desa Sukamaju?")
    holds = ["Budi Santoso menanam pohon mangga di Desa Sukamaju pada 12 Mei 1990.", "Pohon itu kini besar."]
    lacks = ["Budi Santoso adalah petani di Desa Sukamaju.", "Ia gemar membaca buku sejarah."]
    p_holds, passage_holds = model.score_passage(frame, flat, holds)
    _, passage_lacks = model.score_passage(frame, flat, lacks)
    assert p_holds[0] > p_holds[1]
    assert passage_holds > passage_lacks
    assert 0.0 <= passage_lacks <= 1.0


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory):
    return fake_embed.tiny_index(tmp_path_factory.mktemp("tiny"), collection="tiny", answer_model=True)


def test_answer_path_uses_the_model_and_its_threshold(tiny_index):
    from rag.answer import Answerer
    from rag.retrieve import Retriever

    settings, embedder = tiny_index
    question = "Kapan Budi Santoso menanam pohon mangga?"
    never = dataclasses.replace(settings, answer_rules="none", answer_threshold=1.01)
    always = dataclasses.replace(settings, answer_rules="none", answer_threshold=0.0)
    assert Answerer(never, Retriever(never, embedder)).answer(question).abstained
    ans = Answerer(always, Retriever(always, embedder)).answer(question)
    assert not ans.abstained
    assert "1990" in ans.text.split("[")[0]  # the sentence with the date leads


def test_calibration_rises_with_the_model_probability():
    from rag.answer_gate import calibrate

    cal = {"coef": [1.0, 2.0, 1.0], "intercept": -2.0}
    low, high = calibrate(cal, 0.1, 0.8, 0.5), calibrate(cal, 0.9, 0.8, 0.5)
    assert 0.0 < low < high < 1.0
    assert calibrate(cal, 0.5, 0.9, 0.5) > calibrate(cal, 0.5, 0.7, 0.5)


@pytest.mark.parametrize(
    "env, model_on, skipped",
    [
        ({}, False, frozenset()),
        ({"TANYA_ANSWER_MODEL": "1", "TANYA_GATE_WITHOUT": "floor"}, True, frozenset({"floor"})),
        ({"TANYA_ANSWER_MODEL": "false", "TANYA_GATE_WITHOUT": "relation, action"}, False, {"relation", "action"}),
    ],
)
def test_settings_switch_the_model_and_gate_checks(env, model_on, skipped):
    from rag.config import Settings

    s = Settings.from_env(env)
    assert s.answer_model is model_on
    assert s.gate_skipped() == skipped


def test_cosine_features_come_from_the_given_similarities():
    frame = parse_frame("Kapan Budi Santoso menanam pohon mangga?")
    sents = ["Budi Santoso menanam pohon mangga pada 1990.", "Ia tinggal di desa.", "Desanya sejuk."]
    x = passage_sentence_features(frame, flat, sents, np.asarray([0.9, 0.7, 0.8]))
    assert x[:, F["cos"]].tolist() == pytest.approx([0.9, 0.7, 0.8])
    assert x[:, F["cos_gap"]].tolist() == pytest.approx([0.0, -0.2, -0.1])
    assert x[:, F["p_cos_max"]].tolist() == pytest.approx([0.9, 0.9, 0.9])
    assert not passage_sentence_features(frame, flat, sents)[:, F["cos"]].any()


def test_rag_ask_batch_writes_one_json_line_per_question(tiny_index, tmp_path, capsys, monkeypatch):
    import json

    import rag.retrieve
    from rag.__main__ import main as rag_main

    settings, embedder = tiny_index
    monkeypatch.setattr(rag.retrieve, "make_embedder", lambda s: embedder)
    monkeypatch.setenv("TANYA_COLLECTION", settings.collection)
    batch = tmp_path / "q.jsonl"
    lines = ['{"id": "a", "question": "Kapan Budi Santoso menanam pohon mangga?"}', "bukan json", "", '"Sungai Kecil?"']
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = rag_main(["ask", "--batch", str(batch), "--index", str(settings.index_dir)])
    out = capsys.readouterr()
    rows = [json.loads(line) for line in out.out.splitlines()]
    assert code == 1  # one line was not a question; the others were still answered
    assert "baris 2" in out.err
    assert [r.get("id") for r in rows] == ["a", None]
    assert rows[0]["question"].startswith("Kapan Budi") and {"answer", "abstained", "citations"} <= set(rows[0])
    assert rows[1]["question"] == "Sungai Kecil?"
