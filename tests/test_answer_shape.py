"""The extractive answer's shape on the real corpus, by kind of question (rag.shape, rag.compare)."""

from __future__ import annotations

import pytest

from rag.answer import Answerer, _quote_spans
from rag.shape import is_heading
from tests.fake_index import chunk


@pytest.fixture(scope="module")
def answerer(retriever):
    return Answerer(retriever.settings, retriever)


def _grounded(ans):
    assert ans.sentences and not ans.abstained, ans.text
    assert all(s.citations and s.supported for s in ans.sentences), ans.text


def _lead_locator(ans) -> str:
    return ans.retrieved[ans.sentences[0].citations[0] - 1].chunk.locator


def test_a_named_ayat_opens_the_answer_and_the_rest_of_the_pasal_stays_out(answerer):
    ans = answerer.answer("Apa isi Pasal 44 ayat (2) UU 14/2019?")
    _grounded(ans)
    assert ans.sentences[0].text.startswith("(2) ")
    assert _lead_locator(ans).startswith("UU 14/2019 Pasal 44")
    assert not any(s.text.startswith("(1) ") for s in ans.sentences)


def test_a_named_huruf_comes_with_the_sentence_introducing_its_list_only(answerer):
    ans = answerer.answer("Apa bunyi Pasal 43 huruf d UU 14/2019?")
    _grounded(ans)
    assert [s.text[:3] for s in ans.sentences[1:]] == ["d. "]
    assert ans.sentences[0].text.endswith(":")


def test_the_duties_of_the_subject_asked_about_lead(answerer):
    # Pasal 44 (when a client's confidential data may be disclosed) mentions the client and ranks high;
    # the client's own duties (Pasal 45: "Klien ... wajib:") answer the question.
    ans = answerer.answer("Apa kewajiban klien?")
    _grounded(ans)
    assert ans.sentences[0].text.startswith("(1) Klien dalam menerima pelayanan")
    assert ans.sentences[0].text.endswith("wajib:")


def test_a_comparison_gives_each_side_cited(answerer):
    ans = answerer.answer("apa beda peksos dan relawan?")
    _grounded(ans)
    assert "Inilah yang membedakan pekerja sosial dengan relawan" in ans.text  # the direct answer stays
    quotes = {c.chunk.locator: c.quote for c in ans.citations}
    assert any("Pekerja Sosial adalah" in q for q in quotes.values()), quotes
    assert any("Relawan Sosial adalah" in q for q in quotes.values()), quotes
    assert all(c.quote_spans for c in ans.citations)


def test_a_comparison_names_the_side_the_sources_do_not_define(answerer):
    ans = answerer.answer("Apa perbedaan pekerja sosial dan konselor sekolah?")
    assert ans.notice and "konselor sekolah" in ans.notice
    assert "pekerja sosial" not in ans.notice.split("definisi", 1)[1]  # the law defines pekerja sosial


def test_a_list_question_gets_the_whole_list(answerer, retriever):
    ans = answerer.answer("Apa saja tanggung jawab Pemerintah dalam menyelenggarakan kesejahteraan sosial?")
    _grounded(ans)
    lead = ans.retrieved[ans.sentences[0].citations[0] - 1].chunk
    assert ans.sentences[0].text.endswith(":")
    items = [s.text for s in lead.sentences if s.text[:2].rstrip(".").isalpha() and s.text[1:3] == ". "]
    assert len(items) > 12  # longer than the old cap
    assert all(item in ans.text for item in items)


@pytest.mark.parametrize(
    "question",
    [
        "registrasi itu maksudnya apa di UU peksos?",
        "apa judul undang-undang pekerja sosial?",
        "undang-undang tentang kesejahteraan sosial itu apa?",
    ],
)
def test_a_regulation_s_title_is_never_quoted(answerer, question):
    ans = answerer.answer(question)
    assert not any(is_heading(s.text) for s in ans.sentences), ans.text
    for c in ans.citations:
        doc_sentences = {(s.start, s.end): s.text for s in c.chunk.sentences}
        assert not any(is_heading(doc_sentences.get(span, "")) for span in c.quote_spans)


def test_a_heading_is_not_highlighted_as_support_of_a_quote():
    text = "PERATURAN CONTOH TENTANG RUMAH SINGGAH\n\nRumah Singgah wajib mencatat anak."
    c = chunk("p0", text)
    spans = _quote_spans(c, ["PERATURAN CONTOH TENTANG RUMAH SINGGAH Rumah Singgah wajib mencatat anak."])
    assert [text[a:b] for a, b in spans] == ["Rumah Singgah wajib mencatat anak."]
