"""Query understanding: informal words, abbreviations, English, law references, definitions, follow-ups."""

from __future__ import annotations

import pytest

from rag.conversation import condense_question
from rag.query import LawRef, definition_terms, locator_matches, parse_query
from rag.text import is_function_word, lexical_terms


def test_informal_words_standardised():
    p = parse_query("gimana caranya jadi peksos, gak ribet kan?")
    assert p.dense_text.startswith("bagaimana caranya jadi Pekerja Sosial (peksos), tidak ribet")
    assert "Pekerja Sosial" in p.lexical_text


def test_abbreviation_expanded_in_place_and_in_lexical_text():
    p = parse_query("Apa itu STR?")
    assert p.dense_text == "Apa itu Surat Tanda Registrasi (STR)?"
    assert "Surat Tanda Registrasi" in p.lexical_text


def test_overlapping_abbreviations_expand_once():
    p = parse_query("isi pasal 42 uu peksos")
    assert p.dense_text.count("Pekerja Sosial") == 1
    assert p.law_refs == (LawRef(None, "42"),)  # which regulation it is comes from a catalogue (test_catalogue)


def test_pasal_references_with_angka_and_ayat():
    assert parse_query("pasal 1 angka 5").law_refs == (LawRef(None, "1", angka="5"),)
    assert parse_query("Pasal 6 ayat (2)").law_refs == (LawRef(None, "6", ayat="2"),)
    assert parse_query("pasal 28a").law_refs == (LawRef(None, "28A"),)


@pytest.mark.parametrize(
    ("typed", "refs"),
    [
        ("psl 7 isinya apa", (LawRef(None, "7"),)),
        ("Psl. 12 ayat (2)", (LawRef(None, "12", ayat="2"),)),
        ("ps. 3", (LawRef(None, "3"),)),
        ("psl7", (LawRef(None, "7"),)),
        ("ps 3 itu apa", ()),  # a bare "ps" is too ambiguous to read as Pasal
        ("tips. 3 cara", ()),
    ],
)
def test_pasal_references_typed_in_a_hurry(typed, refs):
    assert parse_query(typed).law_refs == refs


def test_locator_matching():
    ref = LawRef("a", "1", angka="1")
    assert locator_matches("UU 4/1979 Pasal 1 angka 1", "UU 4/1979", ref) == 2
    assert locator_matches("UU 4/1979 Pasal 1 angka 10", "UU 4/1979", ref) == 1
    assert locator_matches("UU 4/1979 Pasal 11", "UU 4/1979", ref) == 0


def test_english_terms_added():
    p = parse_query("What rights do social workers have?")
    assert "pekerja sosial" in p.lexical_text and "hak" in p.lexical_text


def test_definition_terms():
    assert definition_terms("Apa yang dimaksud dengan pekerja sosial menurut UU 4/1979?") == ("pekerja sosial",)
    assert definition_terms("SIPPS itu apa?") == ("sipps", "surat izin praktik pekerja sosial")
    assert definition_terms("Apa hak pekerja sosial?") == ()


def test_stem_field_keeps_plain_token():
    terms = lexical_terms("relawan berasaskan")
    assert "relawan" in terms and "~rela" in terms  # Sastrawi alone gives "rawan"; the plain token stays
    assert "~asas" in terms and "~asas" in lexical_terms("asas")


def test_follow_up_carries_topic():
    assert condense_question("lalu apa kewajibannya?", ["apa itu pekerja sosial?"]) == "apa kewajiban pekerja sosial?"
    assert condense_question("Apa hak klien?", ["Apa itu STR?"]) == "Apa hak klien?"
    assert condense_question("lalu apa kewajibannya?", []) == "lalu apa kewajibannya?"


def test_a_stopword_with_a_clitic_is_a_function_word():
    assert is_function_word("dulu") and is_function_word("dulunya") and is_function_word("sekarangpun")
    assert not is_function_word("tugasnya") and not is_function_word("klien")
