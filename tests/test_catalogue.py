"""The catalogue of regulations: built from documents, recognised in questions, checked before answering.

Every regulation here is made up (numbers and subjects chosen for the test), so nothing depends on the
corpus: the code must know regulations only through the catalogue.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fake_index import frame_of

from rag.catalogue import Catalogue, Regulation, parse_title, regulation_from
from rag.checks.base import Case
from rag.checks.regulation import RegulationCheck
from rag.query import LawRef, parse_query

ABBREVIATIONS = [
    ("KA", "Kesejahteraan Anak"),  # a subject: "UU KA"
    ("UU Anak", "Undang-Undang Nomor 4 Tahun 1979 tentang Kesejahteraan Anak"),  # a numbered regulation held
    ("UU PA", "Undang-Undang Nomor 23 Tahun 2002 tentang Perlindungan Anak"),  # one not held
]


def _law(sid: str, title: str, last: int, **meta) -> tuple[str, dict, list[str]]:
    short = meta.get("short") or title
    return sid, {"title": title, "kind": "law", "meta": meta}, [f"{short} Pasal {n}" for n in range(1, last + 1)]


LAWS = [
    _law("a", "Undang-Undang Republik Indonesia Nomor 4 Tahun 1979 tentang Kesejahteraan Anak", 10, short="UU 4/1979"),
    _law("b", "Peraturan Pemerintah Nomor 39 Tahun 2012 tentang Penyelenggaraan Layanan Desa", 30, short="PP 39/2012"),
    _law("c", "PERATURAN MENTERI SOSIAL NOMOR 16 TAHUN 2019 TENTANG STANDAR NASIONAL REHABILITASI", 8),
    _law(
        "d", "Peraturan Daerah Kota Contoh Nomor 3 Tahun 2020 tentang Ketertiban Umum", 5, short="Perda Contoh 3/2020"
    ),
    _law("e", "Kitab Aturan Lama", 4, short="Aturan Lama", aliases=["Kitab Usang"]),
]


class _Chunk:
    def __init__(self, source_id: str, locator: str):
        self.source_id, self.locator = source_id, locator


def make_catalogue(abbreviations=ABBREVIATIONS) -> Catalogue:
    documents = {sid: doc for sid, doc, _ in LAWS}
    documents["artikel"] = {"title": "Undang-Undang Nomor 8 Tahun 2001 dalam praktik", "kind": "article", "meta": {}}
    chunks = [_Chunk(sid, loc) for sid, _, locs in LAWS for loc in locs]
    chunks += [_Chunk("a", "UU 4/1979 Penjelasan Pasal 40"), _Chunk("artikel", "Paragraf 1")]
    return Catalogue.build(documents, chunks, abbreviations)


CATALOGUE = make_catalogue()


@pytest.mark.parametrize(
    ("question", "held", "missing"),
    [
        ("Apa isi Pasal 2 UU 4/1979?", ["a"], []),
        ("pasal 2 ayat (3) UU No. 4 Tahun 1979", ["a"], []),
        ("Undang-Undang Nomor 4 Tahun 1979 mengatur apa?", ["a"], []),
        ("undang-undang republik indonesia nomor 4 tahun 1979", ["a"], []),
        ("uu no.4 th. 1979", ["a"], []),
        ("UU Kesejahteraan Anak Pasal 7", ["a"], []),
        ("menurut undang undang   kesejahteraan  anak", ["a"], []),
        ("Kapan UU tentang Kesejahteraan Anak disahkan?", ["a"], []),
        ("isi uu ka pasal 1", ["a"], []),  # an abbreviation of its subject (data, not code)
        ("UU Anak pasal 3", ["a"], []),  # an abbreviation whose expansion is this regulation
        ("PP 39/2012 tentang apa?", ["b"], []),
        ("Peraturan Pemerintah Nomor 39 Tahun 2012", ["b"], []),
        ("Permensos No 16 tahun 2019", ["c"], []),
        ("Peraturan Menteri Sosial Nomor 16 Tahun 2019 pasal 2", ["c"], []),
        ("Perda Kota Contoh Nomor 3 Tahun 2020", ["d"], []),
        ("Perda Contoh 3/2020 pasal 1", ["d"], []),  # its short name
        ("apa isi Kitab Usang?", ["e"], []),  # an alias given in its metadata
        ("menurut UU 23/2002 apa hak anak?", [], ["UU No. 23 Tahun 2002"]),
        ("UU PA pasal 3", [], ["UU No. 23 Tahun 2002"]),  # abbreviation of a regulation not held
        ("PP 39/2012 dan Perpres 5/2021", ["b"], ["Perpres No. 5 Tahun 2021"]),
        ("Permensos 16/2020", [], ["Permensos No. 16 Tahun 2020"]),  # same number, another year
        ("PP 4/1979", [], ["PP No. 4 Tahun 1979"]),  # same number and year, another kind
        ("Undang-Undang Dasar 1945 pasal 34", [], []),
        ("Apa itu kesejahteraan anak?", [], []),
        ("Undang-Undang Nomor 8 Tahun 2001 dalam praktik", [], ["UU No. 8 Tahun 2001"]),  # an article is no law
    ],
)
def test_references_are_recognised_against_the_catalogue(question, held, missing):
    mentions = CATALOGUE.find_in_text(question)
    assert [m.regulation.source_id for m in mentions if m.regulation] == held
    assert CATALOGUE.named_but_missing(question) == missing


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Undang-Undang Republik Indonesia Nomor 14 Tahun 2001 tentang Pekerja Contoh",
            {"jenis": "UU", "nomor": "14", "tahun": "2001", "tentang": "Pekerja Contoh"},
        ),
        ("UU 4/1979", {"jenis": "UU", "nomor": "4", "tahun": "1979"}),
        (
            "PERATURAN PRESIDEN NOMOR 7 TAHUN 2015 TENTANG ORGANISASI KEMENTERIAN",
            {"jenis": "Perpres", "nomor": "7", "tahun": "2015", "tentang": "Organisasi Kementerian"},
        ),
        ("Undang-Undang Contoh tentang Pekerja Sosial", {"jenis": "UU", "tentang": "Pekerja Sosial"}),
        ("Catatan harian seorang pekerja", {}),
    ],
)
def test_title_parsing(title, expected):
    assert parse_title(title) == expected


def test_entries_come_from_metadata_first_then_title_and_locators():
    reg = regulation_from(
        "x",
        "Undang-Undang Nomor 1 Tahun 2000 tentang Judul Lama",
        {"short": "UU 1/2000", "tentang": "Judul Baru", "tahun": 2000, "aliases": "UU Judul"},
        ["UU 1/2000 Pasal 3", "UU 1/2000 Pasal 12 ayat (2)", "UU 1/2000 Penjelasan Pasal 80", "UU 1/2000 Menimbang"],
    )
    assert (reg.jenis, reg.nomor, reg.tahun, reg.tentang) == ("UU", "1", "2000", "Judul Baru")
    assert reg.last_pasal == 12 and reg.name == "UU No. 1 Tahun 2000"
    assert reg.aliases == ("UU Judul",)
    assert regulation_from("y", "Aturan Tanpa Nomor", {"jenis": "Undang-Undang"}, []).jenis == "UU"


def test_catalogue_entries_carry_last_pasal_and_aliases():
    a = CATALOGUE.get("a")
    assert a.last_pasal == 10  # the Penjelasan of Pasal 40 is not a Pasal
    assert {"UU Kesejahteraan Anak", "Undang-Undang Kesejahteraan Anak", "UU KA", "UU Anak"} <= set(a.aliases)
    assert "artikel" not in CATALOGUE and len(CATALOGUE) == len(LAWS)
    c = CATALOGUE.get("c")
    assert (c.jenis, c.nomor, c.tahun, c.tentang) == ("Permensos", "16", "2019", "Standar Nasional Rehabilitasi")
    assert make_catalogue(abbreviations=[]).get("a").aliases.count("UU KA") == 0  # aliases come from the data


def test_manifest_round_trip_and_old_manifests():
    stored = Catalogue.from_manifest({"catalogue": CATALOGUE.to_json()}, [])
    assert stored.to_json() == CATALOGUE.to_json()
    assert [r.source_id for r in stored] == [r.source_id for r in CATALOGUE]
    documents = {sid: doc for sid, doc, _ in LAWS}
    chunks = [_Chunk(sid, loc) for sid, _, locs in LAWS for loc in locs]
    rebuilt = Catalogue.from_manifest({"documents": documents}, chunks)  # an index from before the catalogue
    assert rebuilt.get("b").last_pasal == 30 and rebuilt.get("b").name == "PP No. 39 Tahun 2012"
    assert Regulation.from_json({**CATALOGUE.get("a").to_json(), "unknown_key": 1}).nomor == "4"


@pytest.mark.parametrize(
    ("question", "laws", "refs", "missing"),
    [
        ("Pasal 2 ayat (3) UU No. 4 Tahun 1979", ("a",), (LawRef("a", "2", ayat="3"),), ()),
        ("UU Kesejahteraan Anak Pasal 7", ("a",), (LawRef("a", "7"),), ()),
        ("Pasal 5 PP 39/2012 dan Pasal 2 UU 4/1979", ("b", "a"), (LawRef("b", "5"), LawRef("a", "2")), ()),
        ("pasal 1 angka 3 Permensos 16/2019", ("c",), (LawRef("c", "1", angka="3"),), ()),
        ("pasal 41", (), (LawRef(None, "41"),), ()),
        ("Pasal 3 UU 23/2002", (), (), ("UU No. 23 Tahun 2002",)),
    ],
)
def test_pasal_references_belong_to_the_regulation_they_name(question, laws, refs, missing):
    p = parse_query(question, CATALOGUE)
    assert (p.laws, p.law_refs, p.missing_laws) == (laws, refs, missing)
    assert parse_query(question).laws == ()  # without a catalogue no regulation is known


def regulation_check(catalogue: Catalogue, question: str, mentioned=lambda phrase: False):
    index = SimpleNamespace(catalogue=catalogue, mentions_phrase=mentioned)
    return RegulationCheck()(frame_of(question, catalogue), Case(index))


@pytest.mark.parametrize(
    ("question", "mentioned", "reply"),
    [
        ("Apa isi Pasal 5 UU 4/1979?", False, None),
        ("Apa isi Pasal 99 UU 4/1979?", False, "UU No. 4 Tahun 1979 hanya sampai Pasal 10; Pasal 99 tidak ada."),
        ("UU Kesejahteraan Anak pasal 11", False, "UU No. 4 Tahun 1979 hanya sampai Pasal 10; Pasal 11 tidak ada."),
        ("psl 99 UU no 4 thn 1979 bunyinya gimana?", False, "UU No. 4 Tahun 1979 hanya sampai Pasal 10; Pasal 99"),
        ("ps. 99 UU 4/1979", False, "UU No. 4 Tahun 1979 hanya sampai Pasal 10; Pasal 99 tidak ada."),
        ("psl 5 UU no 4 thn 1979 isinya apa", False, None),
        ("Pasal 12", False, None),  # no regulation named: the PP has a Pasal 12
        ("Pasal 99", False, "PP No. 39 Tahun 2012 hanya sampai Pasal 30"),
        ("menurut UU 23/2002 apa hak anak?", False, "UU No. 23 Tahun 2002 tidak termasuk dalam dokumen sumber"),
        ("Apa isi Perpres tentang desa?", False, "Peraturan Presiden (Perpres) tidak termasuk"),
        ("Apa isi Perpres tentang desa?", True, None),  # the sources speak of a Perpres: let the gate judge
        ("Apa isi Peraturan Pemerintah tentang desa?", False, None),  # the catalogue holds a PP
        ("Apa hak anak?", False, None),
    ],
)
def test_regulation_check(question, mentioned, reply):
    ev = regulation_check(CATALOGUE, question, lambda phrase: mentioned)
    assert ev.answer == (reply is None)
    if reply is not None:
        assert reply in ev.message and ev.reason
        assert "Peraturan yang ada di sumber" in ev.message or "hanya sampai" in ev.message


def test_missing_regulation_reply_lists_what_the_sources_hold():
    ev = regulation_check(CATALOGUE, "Apa isi UU 23/2002?")
    assert "UU No. 4 Tahun 1979 tentang Kesejahteraan Anak" in ev.message
    assert "PP No. 39 Tahun 2012 tentang Penyelenggaraan Layanan Desa" in ev.message
    many = Catalogue(
        [Regulation(f"r{i}", f"PP {i}/2010", f"PP {i}/2010", "PP", str(i), "2010", last_pasal=3) for i in range(1, 41)],
        [],
    )
    ev = regulation_check(many, "Apa isi UU 23/2002? Dan Pasal 9?")
    assert ev.message.count("PP No.") == 5 and "dan 35 lainnya" in ev.message  # a reply stays short
    ev = regulation_check(many, "Apa isi Pasal 9?")
    assert ev.message.count("hanya sampai Pasal 3") == 5 and ev.message.endswith("dan 35 lainnya; Pasal 9 tidak ada.")
    empty = regulation_check(Catalogue([], []), "Apa isi UU 23/2002?")
    assert not empty.answer and empty.message.startswith("UU No. 23 Tahun 2002 tidak termasuk")


# ---------------------------------------------------------------------------- on a real index


def test_ingest_stores_the_catalogue_and_refusals_name_what_is_missing(tmp_path, small_corpus, embedder):
    import json

    from ingest.pipeline import run_ingest
    from rag.answer import Answerer
    from rag.retrieve import Retriever
    from rag.store import generation_dir, read_manifest
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, small_corpus)
    run_ingest(settings, show_progress=False, embedder=embedder)
    manifest = read_manifest(settings.index_dir)
    assert [(r["source_id"], r["last_pasal"], r["tentang"]) for r in manifest["catalogue"]] == [
        ("uu-contoh", 2, "Pekerja Sosial")
    ]
    retriever = Retriever(settings, embedder=embedder)
    answerer = Answerer(settings, retriever)

    ans = answerer.answer("Menurut UU 23/2002, apa kewajiban pekerja sosial?")
    assert ans.abstained and ans.text.startswith("UU No. 23 Tahun 2002 tidak termasuk")
    assert "UU Contoh tentang Pekerja Sosial" in ans.text  # what the sources do hold
    ans = answerer.answer("Apa isi Pasal 5 UU Contoh?")
    assert ans.abstained and ans.text == "UU Contoh hanya sampai Pasal 2; Pasal 5 tidak ada."
    ans = answerer.answer("Apa isi Pasal 2 ayat (2) UU Contoh?")
    assert not ans.abstained and ans.citations[0].chunk.locator == "UU Contoh Pasal 2"  # a short Pasal: one chunk

    # An index written before the catalogue existed: built on load, the same.
    path = generation_dir(settings.index_dir, (settings.index_dir / "CURRENT").read_text().strip())
    old = {k: v for k, v in manifest.items() if k != "catalogue"}
    (path / "manifest.json").write_text(json.dumps(old), encoding="utf-8")
    assert Retriever(settings, embedder=embedder).catalogue.to_json() == retriever.catalogue.to_json()


class _CachedEmbedder:
    """The session embedder, answering from the vectors an index already holds for the same texts (the
    embedder is deterministic), so a second ingest of the same texts costs no embedding."""

    def __init__(self, embedder, retriever):
        from ingest.pipeline import sentence_embed_text

        self._embedder, self.backend, self.model_id, self.dim = (
            embedder,
            embedder.backend,
            embedder.model_id,
            embedder.dim,
        )
        chunks = retriever.chunks
        got = retriever.collection.get(ids=[c.chunk_id for c in chunks], include=["embeddings"])
        by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
        self.cache = {c.embed_text: by_id[c.chunk_id] for c in chunks}
        for i, c in enumerate(chunks):
            for j, s in enumerate(c.sentences):
                self.cache[sentence_embed_text(c, s)] = retriever.sentence_vector(i, j)
        self.misses = 0

    def embed_passages(self, texts):
        import numpy as np

        missing = [t for t in texts if t not in self.cache]
        self.misses += len(missing)
        if missing:
            self.cache.update(zip(missing, self._embedder.embed_passages(missing), strict=True))
        return np.asarray([self.cache[t] for t in texts], dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query(self, text):
        return self._embedder.embed_query(text)


@pytest.mark.slow
def test_renaming_the_curated_laws_changes_no_answer_on_the_dev_split(tmp_path, retriever, embedder):
    """Nothing in the answer path knows a law by its id: give the corpus's laws other ids, ingest, and
    every dev answer (text, abstention, cited passages and their locators) stays the same."""
    import re
    import shutil

    from eval.dataset import load_questions
    from ingest.pipeline import run_ingest
    from rag.answer import Answerer
    from rag.retrieve import Retriever
    from tests.conftest import CORPUS, make_settings

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    renamed: dict[str, str] = {}
    for path in sorted(corpus.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^kind: law$", text, re.M):
            old = re.search(r"^id: (\S+)$", text, re.M).group(1)
            renamed[old] = f"peraturan-{'abcdefgh'[len(renamed)]}"
            path.write_text(text.replace(f"id: {old}\n", f"id: {renamed[old]}\n", 1), encoding="utf-8")
    assert len(renamed) == 2

    settings = make_settings(tmp_path, corpus)
    cached = _CachedEmbedder(embedder, retriever)
    run_ingest(settings, show_progress=False, embedder=cached)
    assert cached.misses == 0  # the same texts: only ids changed
    other = Retriever(settings, embedder=embedder)
    assert sorted(r.source_id for r in other.catalogue) == sorted(renamed.values())

    def summary(ans, ids=None):
        ids = ids or {}
        cited = tuple((c.n, ids.get(c.chunk.source_id, c.chunk.source_id), c.chunk.locator) for c in ans.citations)
        return ans.abstained, ans.text, cited

    original, renamed_answerer = Answerer(retriever.settings, retriever), Answerer(settings, other)
    questions = load_questions(split="dev")
    for q in questions:
        before = summary(original.answer(q.question, list(q.history)), renamed)
        assert summary(renamed_answerer.answer(q.question, list(q.history))) == before, q.id
