"""Typo repair: misspellings are searched as the corpus word one edit away; real words never bent."""

from __future__ import annotations

import pytest

from rag.spelling import Speller
from rag.text import edit_distance_le1, root_words


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("sosail", "sosial", True),  # adjacent swap
        ("kesejahteran", "kesejahteraan", True),  # deletion
        ("kliens", "klein", False),  # deletion + swap: two edits
        ("relawan", "relawann", True),  # insertion
        ("klien", "kliem", True),  # substitution
        ("abc", "cab", False),
        ("sama", "sama", True),
    ],
)
def test_edit_distance_le1(a, b, expected):
    assert edit_distance_le1(a, b) is expected
    assert edit_distance_le1(b, a) is expected


@pytest.fixture
def speller():
    idf = {"pekerja": 1.0, "sosial": 0.5, "kesejahteraan": 1.2, "~sejahtera": 1.0, "sanksi": 3.0, "pemulihan": 3.0}
    return Speller(idf)


def test_misspelled_words_are_repaired(speller):
    text, repairs = speller.correct("apa itu pekerja sosail dan kesejahteran?")
    assert text == "apa itu pekerja sosial dan kesejahteraan?"
    assert repairs == {"sosail": "sosial", "kesejahteran": "kesejahteraan"}


def test_real_words_names_and_short_words_stay(speller):
    assert "pidana" in root_words()  # a correct word the corpus lacks: the answer gate must see it
    for text in (
        "apa sanksi pidana?",
        "siapa Sosail?",  # capitalised: a name
        "prosedur pemilihan ketua",  # derived from the root "pilih": not a typo of "pemulihan"
        "hak kien",  # too short to repair safely
    ):
        assert speller.correct(text) == (text, {}), text


def test_retriever_repairs_before_searching(retriever):
    results, sig = retriever.search_with_signals("apa itu pekerja sosail?")
    assert sig.repairs == {"sosail": "sosial"}
    assert "Pekerja Sosial adalah" in results[0].chunk.text or any(
        "Pekerja Sosial adalah" in r.chunk.text for r in results[:3]
    )
