"""rag.shape and rag.compare on made-up passages: which sentence leads an answer by the kind of question."""

from __future__ import annotations

import numpy as np
import pytest

from rag import compare, shape
from rag.extractive import Candidate, with_context
from rag.query import LawRef, parse_query
from rag.types import Sentence
from tests.fake_index import FakeIndex


def _cands(texts: list[str], n: int = 1, from_law: bool = False) -> list[Candidate]:
    """One passage's sentences, best score first (the order they are written)."""
    out, pos = [], 0
    for j, text in enumerate(texts):
        c = Candidate(n, n - 1, j, Sentence(pos, pos + len(text), text), 1.0 - j / 100, np.zeros(2))
        c.from_law = from_law
        out.append(c)
        pos += len(text) + 1
    return out


PASAL = [
    "(1) Kerahasiaan data Anak Asuh dapat dibuka atas dasar:",
    "a. kepentingan Anak Asuh;",
    "b. perintah pengadilan.",
    "(2) Anak Asuh dalam menerima layanan Rumah Singgah wajib:",
    "a. mematuhi tata tertib;",
    "b. menjaga kebersihan; dan",
    "c. mengikuti kegiatan belajar.",
    "(3) Pengasuh wajib menjaga kerahasiaan data Anak Asuh.",
]


@pytest.mark.parametrize(
    "text, heading",
    [
        ("PERATURAN DAERAH CONTOH NOMOR 3 TAHUN 2021 TENTANG RUMAH SINGGAH", True),
        ("Menetapkan : PERATURAN DAERAH TENTANG RUMAH SINGGAH.", True),
        ("DENGAN RAHMAT TUHAN YANG MAHA ESA", True),
        ("Rumah Singgah wajib mencatat setiap anak yang dilayani.", False),
        ("Surat Izin (SIRS) diterbitkan oleh DPMPTSP atas rekomendasi Dinas Sosial.", False),
        ("MEMUTUSKAN:", False),
    ],
)
def test_a_sentence_in_capitals_is_a_heading(text, heading):
    assert shape.is_heading(text) is heading


@pytest.mark.parametrize(
    "ref, expected",
    [
        (LawRef(None, "7", ayat="2"), [3, 4, 5, 6]),  # the ayat and its whole list, not the Pasal
        (LawRef(None, "7", ayat="3"), [7]),
        (LawRef(None, "7", ayat="2", huruf="b"), [3, 5]),  # the item after the sentence introducing it
        (LawRef(None, "7", ayat="1", huruf="b"), [0, 2]),
        (LawRef(None, "7", ayat="4"), []),  # no such ayat in the passage
        (LawRef(None, "8", ayat="2"), []),  # another Pasal
        (LawRef(None, "7"), []),  # the whole Pasal: left to the caller
    ],
)
def test_a_named_ayat_or_huruf_is_that_unit_of_the_pasal(ref, expected):
    cands = _cands(PASAL)
    got = shape.referenced_unit(cands, "Perda Contoh Pasal 7", (ref,))
    assert [c.j for c in got] == expected


def test_a_huruf_of_a_pasal_without_ayat():
    cands = _cands(["Pengasuh bertugas:", "a. mendampingi anak;", "b. mencatat kegiatan;", "c. melapor."])
    got = shape.referenced_unit(cands, "Perda Contoh Pasal 9", (LawRef(None, "9", huruf="c"),))
    assert [c.sentence.text for c in got] == ["Pengasuh bertugas:", "c. melapor."]


def test_the_question_s_huruf_is_parsed():
    ref = parse_query("apa isi Pasal 7 ayat (2) huruf b?").law_refs[0]
    assert (ref.pasal, ref.ayat, ref.huruf) == ("7", "2", "b")


@pytest.mark.parametrize(
    "question, form, subject",
    [
        ("Apa kewajiban anak asuh?", "wajib", ("anak", "asuh")),
        ("kewajiban pengasuh apa aja?", "wajib", ("pengasuh",)),
        ("Apa hak dan kewajiban pengasuh terhadap anak asuh?", "wajib", ("pengasuh",)),
        ("Sebutkan tugas dinas sosial", "bertugas", ("dinas", "sosial")),
        ("Apa sanksi bagi pengasuh yang melanggar kewajiban?", None, None),
        ("Berapa lama izin berlaku?", None, None),
    ],
)
def test_the_asked_predicate_and_its_subject(question, form, subject):
    got = shape.asked_predicate(question)
    if form is None:
        assert got is None
    else:
        assert form in got[0] and got[1] == subject


@pytest.mark.parametrize(
    "question, lead",
    [
        # the duties of the subject asked about, not the sentence on confidentiality that mentions it
        ("Apa kewajiban anak asuh?", 3),
        ("Apa kewajiban pengasuh?", 7),
        ("Apa hak anak asuh?", None),  # no sentence gives the subject that predicate
    ],
)
def test_the_subject_s_own_predicate_leads(question, lead):
    got = shape.predicate_sentence(_cands(PASAL), question)
    assert (got.j if got else None) == lead


def test_a_narrower_subject_ranks_after_the_exact_one():
    cands = _cands(
        [
            "Pengasuh lulusan luar negeri wajib mendaftar ulang.",
            "Pengasuh dalam bertugas wajib:",
            "a. hadir;",
            "b. lapor.",
        ]
    )
    assert shape.predicate_sentence(cands, "apa kewajiban pengasuh?").j == 1


def test_of_equal_statements_in_one_passage_the_first_leads():
    cands = _cands(
        [
            "(1) Pengasuh wajib menyediakan makanan bagi anak.",
            "(2) Pengasuh wajib mencatat setiap anak yang dilayani.",
        ]
    )
    cands[1].score = 2.0  # the second ayat scores higher; both state the asked duty of the asked subject
    assert shape.predicate_sentence(cands, "apa kewajiban pengasuh?").j == 0
    other = _cands(["Pengasuh wajib melapor kepada dinas."], n=2)
    other[0].score = 3.0  # a better sentence in another passage still leads
    assert shape.predicate_sentence(cands + other, "apa kewajiban pengasuh?").n == 2


@pytest.mark.parametrize(
    "question, is_list",
    [
        ("Apa saja bentuk layanan rumah singgah?", True),
        ("sebutkan jenis-jenis layanan", True),
        ("layanan rumah singgah apa aja?", True),
        ("Apa itu rumah singgah?", False),
        ("Siapa yang menerbitkan izin?", False),
    ],
)
def test_questions_asking_for_a_list(question, is_list):
    assert shape.asks_for_list(question) is is_list


def test_a_list_question_leads_with_the_list_about_its_topic():
    texts = [
        "Anak jalanan sering berpindah tempat tinggal.",
        "Layanan pendukung meliputi:",
        "a. konseling;",
        "b. transportasi.",
        "Layanan rumah singgah terdiri atas:",
        "a. layanan dasar; dan",
        "b. layanan lanjutan.",
    ]
    cands = _cands(texts)
    index = FakeIndex(texts)
    lead = shape.lead_sentence(cands, "Apa saja jenis layanan rumah singgah?", index.text_coverage)
    assert lead.sentence.text == texts[4]
    assert shape.lead_sentence(cands, "Apa saja syarat izin praktik?", index.text_coverage) is None


def test_a_long_list_comes_whole():
    items = [f"{chr(ord('a') + i)}. layanan ke-{i + 1};" for i in range(16)]
    cands = _cands(["Rumah Singgah menyediakan:", *items, "(2) Ketentuan lain diatur Bupati."])
    got = with_context([cands[0]], cands)
    assert [c.sentence.text for c in got] == ["Rumah Singgah menyediakan:", *items]


@pytest.mark.parametrize(
    "question, sides",
    [
        ("apa beda pengasuh dan relawan?", ("pengasuh", "relawan")),
        ("Apa perbedaan antara pengasuh dengan pendamping?", ("pengasuh", "pendamping")),
        ("pengasuh vs relawan rumah singgah", ("pengasuh", "relawan rumah singgah")),
        ("bedanya pengasuh sama relawan apa?", ("pengasuh", "relawan")),
        ("apa itu pengasuh?", None),
    ],
)
def test_the_two_sides_of_a_comparison(question, sides):
    assert compare.comparison_sides(question) == sides


def test_each_side_s_definition_and_the_side_nothing_defines():
    article = _cands(["Pengasuh adalah orang yang merawat anak di rumah singgah.", "Relawan sering membantu."], n=1)
    law = _cands(
        ["1. Pengasuh adalah tenaga yang ditetapkan Dinas.", "2. Relawan Sosial adalah warga yang membantu."], 2, True
    )
    ranked = article + law
    assert compare.side_definition(ranked, ["pengasuh"]) is law[0]  # the regulation's own definition first
    assert compare.side_definition(ranked, ["relawan"]) is law[1]  # "relawan" -> "Relawan Sosial adalah"
    assert compare.undefined_sides(ranked, "apa beda pengasuh dan pendamping?") == ["pendamping"]
    assert compare.undefined_sides(ranked, "apa beda pengasuh dan relawan?") == []


def test_no_lead_by_kind_when_the_question_names_an_author_or_the_list_states_another_predicate():
    texts = [
        "Menurut Halim, tujuan rumah singgah adalah melindungi anak.",
        "Anak Asuh dalam layanan wajib:",
        "a. hadir;",
    ]
    cands = _cands(texts)
    index = FakeIndex(texts)
    assert shape.lead_sentence(cands, "apa kewajiban anak asuh menurut Halim?", index.text_coverage) is None
    assert shape.lead_sentence(cands, "apa kewajiban anak asuh?", index.text_coverage) is cands[1]
    # a list of the subject's duties does not answer a question about its rights
    assert shape.lead_sentence(cands, "apa saja hak anak asuh?", index.text_coverage) is None
