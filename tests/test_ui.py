"""UI helpers: escaping, citation links, highlighting, feedback durability, Markdown export."""

from __future__ import annotations

import re

from rag.answer import Answerer
from ui.export import conversation_markdown
from ui.feedback import FeedbackStore
from ui.render import answer_markdown, document_markdown, highlighted_passage, sources_html


def test_feedback_is_durable_and_holds_only_what_was_submitted(tmp_path):
    path = tmp_path / "data" / "feedback.jsonl"
    FeedbackStore(path).add(
        "apa itu STR?", "STR adalah … [1]", "turun", "kutipan tidak mendukung", "extractive", ["uu-14-2019:1-2:abc"]
    )
    again = FeedbackStore(path).all()  # a new store object, as after a restart
    assert len(again) == 1
    rec = again[0]
    assert set(rec) == {"time", "question", "answer", "rating", "reason", "engine", "citations"}
    assert rec["reason"] == "kutipan tidak mendukung" and rec["rating"] == "turun"


def test_answer_markdown_links_citations_and_escapes(retriever):
    ans = Answerer(retriever.settings, retriever).answer("Berapa lama STR berlaku?")
    md = answer_markdown(ans, 3)
    assert "href='#src-3-1'" in md
    html = sources_html([{"question": "<b>x</b>", "answer": ans}], {})
    assert "id='src-0-1'" in html and "<mark>" in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_answer_markdown_marks_each_unsupported_sentence_where_its_markers_sit():
    """A model writes "kalimat [1]." and the sentence checked is "kalimat.": the mark must still find it."""
    from rag.citations import parse_citations
    from rag.types import Answer, AnswerSentence

    raw = (
        "Pekerja sosial wajib menjaga kerahasiaan Klien [1]. Bulan terbuat dari keju [1][2].\n\n"
        'Langit berwarna "hijau" & ungu. [2] Pekerja sosial memiliki STR [9].'
    )
    clean, sentences, dropped = parse_citations(raw, 2)
    supported = {"Pekerja sosial wajib menjaga kerahasiaan Klien."}
    checked = tuple(AnswerSentence(text, nums, text in supported) for text, nums in sentences)
    md = answer_markdown(Answer("?", clean, checked, engine="openai", dropped_citations=dropped), 0)
    marked = re.findall(r"⚠️ <span class='unsupported'[^>]*>(.*?)</span>", md, re.S)
    assert len(marked) == sum(not s.supported for s in checked) == 3
    assert "Bulan terbuat dari keju <a class='cite' href='#src-0-1'>[1]</a>" in md, "its markers stay links"
    assert "Langit berwarna &quot;hijau&quot; &amp; ungu." in md
    assert "kerahasiaan Klien <a class='cite'" in md.split("⚠️")[0], "the supported sentence is not marked"
    assert dropped == 1 and "1 rujukan ke sumber yang tidak diberikan telah dihapus" in md


def test_answer_markdown_shows_how_a_follow_up_was_searched(retriever):
    answerer = Answerer(retriever.settings, retriever)
    follow_up = answerer.answer("lalu apa kewajibannya?", ["Apa hak pekerja sosial?"])
    assert follow_up.search_query != follow_up.question
    assert f"dicari sebagai: “{follow_up.search_query}”" in answer_markdown(follow_up, 0)
    alone = answerer.answer("Berapa lama STR berlaku?")
    assert "dicari sebagai" not in answer_markdown(alone, 0)


def test_highlight_escapes_passage_text(retriever):
    chunk = retriever.chunks[0]
    from dataclasses import replace

    text = "<script>alert(1)</script> kalimat"
    evil = replace(chunk, text=text, start=0, end=len(text))
    out = highlighted_passage(evil, ((text.index("kalimat"), len(text)),))
    assert "<script>" not in out and "&lt;script&gt;" in out and "<mark>kalimat</mark>" in out


def test_document_markdown_keeps_headings_escapes_text():
    md = document_markdown("## BAB I KETENTUAN UMUM\n\n#### Pasal 1\n\nTeks <img src=x onerror=alert(1)>")
    assert "## BAB I KETENTUAN UMUM" in md and "#### Pasal 1" in md and "&lt;img" in md


def test_export_has_quotes_and_sources(retriever):
    ans = Answerer(retriever.settings, retriever).answer("apa beda peksos dan relawan?")
    md = conversation_markdown(
        [{"question": "apa beda peksos dan relawan?", "answer": ans}],
        {"qureta-siapa-pekerja-sosial": {"publisher": "Qureta"}},
    )
    assert md.startswith("# Percakapan Tanya Peksos")
    assert "## 1. apa beda peksos dan relawan?" in md
    assert "**Sumber:**" in md and "> " in md and "Qureta" in md


def test_source_card_names_the_title_once():
    from rag.types import Chunk
    from ui.render import source_card

    def card(title, locator):
        html = source_card(1, 1, Chunk("c", "s", title, locator, 0, 4, "teks"), {})
        return re.search(r"<div class='src-loc'>(.*?)</div>", html).group(1)

    assert card("Peraturan Contoh tentang Rumah Singgah", "Peraturan Contoh tentang Rumah Singgah Pasal 7") == "Pasal 7"
    assert card("UU No. 4 Tahun 1979 tentang Kesejahteraan Anak", "UU 4/1979 Pasal 7") == "UU 4/1979 Pasal 7"
    assert card("Catatan Kuliah", "Catatan Kuliah") == "Catatan Kuliah"  # nothing left: keep it whole
