"""The curated corpus is faithful to the raw sources and carries its metadata."""

from __future__ import annotations

import re

import pytest
import yaml

from ingest.load import load_documents
from rag.text import normalize_whitespace
from tests.conftest import CORPUS, RAW_SOURCES

FILES = sorted(CORPUS.glob("*.md"))
REQUIRED = {"id", "title", "publisher", "kind", "language", "notes"}


def _front_matter(path):
    text = path.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    return yaml.safe_load(head.removeprefix("---\n")), body


def _paragraph_plain(par: str) -> str:
    par = re.sub(r"^#{1,6}\s+", "", par.strip())
    par = re.sub(r"^- ", "", par)
    return normalize_whitespace(par)


def test_seven_sources_five_articles_two_laws():
    metas = [_front_matter(p)[0] for p in FILES]
    assert len(metas) == 7
    assert sorted(m["kind"] for m in metas).count("article") == 5
    assert {m["id"] for m in metas if m["kind"] == "law"} == {"uu-14-2019", "uu-11-2009"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_front_matter_complete(path):
    meta, _ = _front_matter(path)
    assert REQUIRED <= set(meta), REQUIRED - set(meta)
    assert meta["language"] == "id"
    assert meta["kind"] in {"article", "law"}
    assert path.stem == meta["id"]


@pytest.mark.skipif(not RAW_SOURCES.is_dir(), reason="../shared/corpus-sources not present")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_paragraph_occurs_in_raw_source(path):
    meta, body = _front_matter(path)
    raw = normalize_whitespace((RAW_SOURCES / meta["source_file"]).read_text(encoding="utf-8"))
    paragraphs = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
    assert len(paragraphs) > 5
    missing = [p[:80] for p in paragraphs if _paragraph_plain(p) not in raw]
    assert not missing, missing


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_noise_removed(path):
    _, body = _front_matter(path)
    assert "\u00a0" not in body
    assert not re.search(r"^ü", body, re.M)
    for chrome in (
        "Laporkan Konten",
        "BalasHapus",
        "Leave a Reply",
        "Posting Komentar",
        "Apakah Anda",
        "Mohon tunggu",
        "thoughts on",
        "WhatsApp",
    ):
        assert chrome not in body


def test_law_structure_kept():
    _, body = _front_matter(CORPUS / "uu-14-2019.md")
    assert "## BAB I KETENTUAN UMUM" in body
    assert "#### Pasal 69" in body
    assert len(re.findall(r"^#### Pasal \d+", body, re.M)) == 69
    assert "Menimbang :" in body


def test_corpus_loads_without_skips():
    docs, skipped = load_documents(CORPUS)
    assert not skipped
    assert len(docs) == 7
