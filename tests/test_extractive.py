"""rag.extractive on hand-made passages: lists, ayat and the sentence that introduces them."""

from __future__ import annotations

import numpy as np

from rag.extractive import Candidate, order, render, with_context
from rag.types import Sentence

PASAL = [
    "(1) Sumber daya manusia terdiri atas:",
    "a. tenaga kesejahteraan sosial;",
    "b. relawan sosial.",
    "(2) Tenaga kesejahteraan sosial dan relawan sosial memiliki kualifikasi:",
    "a. pendidikan;",
    "b. pelatihan.",
    "(3) Pemerintah membina sumber daya manusia.",
]


def _cands(texts: list[str]) -> list[Candidate]:
    out, pos = [], 0
    for j, text in enumerate(texts):
        out.append(Candidate(1, 0, j, Sentence(pos, pos + len(text), text), 1.0 - j / 100, np.zeros(2)))
        pos += len(text) + 1
    return out


def test_an_item_under_an_ayat_comes_with_that_ayat_and_its_list_only():
    cands = _cands(PASAL)
    got = [c.sentence.text for c in with_context([cands[5]], cands)]
    # ayat (2) introduces the list; ayat (1) and its items, and ayat (3), are other units of the Pasal
    assert got == [PASAL[3], PASAL[4], PASAL[5]]


def test_an_ayat_introducing_a_list_brings_its_items_up_to_the_next_ayat():
    cands = _cands(PASAL)
    got = [c.sentence.text for c in with_context([cands[0]], cands)]
    assert got == PASAL[:3]


def test_a_focused_item_brings_only_its_introduction():
    cands = _cands(PASAL)
    got = [c.sentence.text for c in with_context([cands[2]], cands, focused=(cands[2],))]
    assert got == [PASAL[0], PASAL[2]]
    text = render(order(with_context([cands[2]], cands, focused=(cands[2],)), [cands[2]], lead_first=True))
    assert text.splitlines() == [f"{PASAL[0]} [1]", f"- {PASAL[2]} [1]"]


def test_a_leading_ayat_is_not_preceded_by_the_ayat_before_it():
    cands = _cands(PASAL)
    chosen = [cands[0], cands[1], cands[2], cands[6]]
    text = render(order(chosen, [cands[6]], lead_first=True))
    assert text.startswith(PASAL[6])
    assert "- (3)" not in text  # an ayat is never rendered as an item of the list before it
