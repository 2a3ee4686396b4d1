"""Follow-up rewriting (rag/conversation.py): one table of made-up cases per kind of follow-up."""

import pytest

from rag.conversation import condense_question, word_kinds


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("?", " ").split())


@pytest.mark.parametrize(
    "question, previous, expected",
    [
        ("lalu apa kewajibannya?", "Apa hak pekerja sosial?", "apa kewajiban pekerja sosial"),
        ("terus syaratnya apa?", "Apa tujuan sertifikasi pekerja sosial?", "apa syarat sertifikasi pekerja sosial"),
        ("tugasnya?", "Siapa yang membentuk konsil pekerja sosial?", "tugas konsil pekerja sosial"),
        ("contohnya?", "Apa itu intervensi krisis?", "contoh intervensi krisis"),
        ("kalau tanggung jawabnya?", "Apa hak lembaga rehabilitasi?", "tanggung jawab lembaga rehabilitasi"),
        (
            "terus gimana prosesnya?",
            "Bagaimana cara mendaftar sebagai pendamping?",
            "gimana proses mendaftar sebagai pendamping",
        ),
    ],
)
def test_predicate_substitution_keeps_the_subject(question, previous, expected):
    assert _norm(condense_question(question, [previous])) == expected


@pytest.mark.parametrize(
    "question, previous, expected",
    [
        ("bagaimana dengan relawan?", "Apa hak pekerja sosial?", "apa hak relawan"),
        ("kalau relawan?", "Apa hak pekerja sosial?", "apa hak relawan"),
        (
            "kalau pemerintah daerah?",
            "Apa tanggung jawab pemerintah pusat dalam rehabilitasi sosial?",
            "apa tanggung jawab pemerintah daerah dalam rehabilitasi sosial",
        ),
        ("gimana dengan klien?", "Apa kewajiban pendamping?", "apa kewajiban klien"),
    ],
)
def test_subject_substitution_keeps_the_question(question, previous, expected):
    assert _norm(condense_question(question, [previous])) == expected


@pytest.mark.parametrize(
    "question, previous, expected",
    [
        ("pasal berapa itu?", "Siapa yang menerbitkan sertifikat?", "siapa yang menerbitkan sertifikat pasal berapa"),
        ("sumbernya apa?", "Apa hak klien?", "apa hak klien sumber apa"),
        ("dasar hukumnya apa?", "Apa hak klien?", "apa hak klien dasar hukum apa"),
        ("jelaskan lebih lanjut", "Apa itu asesmen?", "apa itu asesmen"),
        ("maksudnya?", "Apa itu asesmen?", "apa itu asesmen"),
    ],
)
def test_pointing_back_repeats_the_previous_question(question, previous, expected):
    assert _norm(condense_question(question, [previous])) == expected


@pytest.mark.parametrize(
    "question, previous, expected",
    [
        (
            "kalau yang di UU Kesos?",
            "Apa itu pekerja sosial profesional?",
            "apa itu pekerja sosial profesional di uu kesos",
        ),
        (
            "menurut Zastrow?",
            "Apa tujuan pekerjaan sosial menurut Pincus?",
            "apa tujuan pekerjaan sosial menurut zastrow",
        ),
        ("kalau dalam peraturan menteri?", "Apa syarat registrasi?", "apa syarat registrasi dalam peraturan menteri"),
    ],
)
def test_scope_change_replaces_the_named_source(question, previous, expected):
    assert _norm(condense_question(question, [previous])) == expected


@pytest.mark.parametrize(
    "question, previous, expected",
    [
        ("itu berlaku berapa lama?", "Apa itu sertifikat kompetensi?", "sertifikat kompetensi berlaku berapa lama"),
        ("terus itu buat siapa?", "Apa itu bantuan langsung?", "bantuan langsung buat siapa"),
        (
            "siapa yang mengeluarkannya?",
            "Apa itu sertifikat kompetensi?",
            "siapa yang mengeluarkan sertifikat kompetensi",
        ),
        ("dia lahir di mana?", "Siapa Mary Richmond?", "mary richmond lahir di mana"),
        ("apa syarat yang tadi?", "Apa itu sertifikat kompetensi?", "apa syarat sertifikat kompetensi"),
        ("siapa yang mengawasinya?", "Apa itu panti sosial?", "siapa yang mengawasi panti sosial"),
        ("bagaimana cara mendapatkannya?", "Apa itu kartu anggota?", "bagaimana cara mendapatkan kartu anggota"),
        ("apa bedanya dengan relawan?", "Apa itu pendamping?", "apa beda pendamping dengan relawan"),
        ("keluar dari situ dapat apa?", "Apa syarat masuk pelatihan dasar?", "keluar dari pelatihan dasar dapat apa"),
    ],
)
def test_pronoun_or_clitic_takes_the_previous_subject(question, previous, expected):
    assert _norm(condense_question(question, [previous])) == expected


@pytest.mark.parametrize(
    "question, previous",
    [
        ("Apa kewajiban klien?", "Apa hak pekerja sosial?"),
        ("Siapa yang menerbitkan sertifikat?", "Apa itu konsil?"),
        ("Evidence based practice itu apa?", "Apa itu asesmen?"),
        ("Kenapa pendamping harus jujur?", "Apa itu asesmen?"),
        ("Apa hak klien?", "Apa itu STR?"),
    ],
)
def test_a_self_contained_question_is_not_rewritten(question, previous):
    assert condense_question(question, [previous]) == question


@pytest.mark.parametrize(
    "question, previous, expected",
    [
        ("yang diperiksa apa saja?", "Kapan lembaga asing harus diakreditasi?", "lembaga asing yang diperiksa apa"),
        ("yang berhak siapa?", "Apa itu bantuan tunai?", "bantuan tunai yang berhak siapa"),
    ],
)
def test_a_clause_without_its_noun_takes_the_previous_subject(question, previous, expected):
    assert _norm(condense_question(question, [previous])) == expected


def test_other_follow_ups_are_appended_to_the_previous_question():
    out = condense_question("kalau keadaannya mendesak?", ["Kapan data klien boleh dibuka?"])
    assert _norm(out).startswith("kapan data klien boleh dibuka") and "mendesak" in out


def test_history_is_composed_turn_by_turn():
    history = ["Apa hak pekerja sosial?", "bagaimana dengan relawan?"]
    assert _norm(condense_question("lalu kewajibannya?", history)) == "kewajiban relawan"
    # a self-contained question in between sets the new topic
    history = ["Apa hak pekerja sosial?", "Apa itu konsil?"]
    assert _norm(condense_question("tugasnya apa?", history)) == "apa tugas konsil"
    history = ["Apa tanggung jawab pemerintah pusat?", "kalau pemerintah daerah?", "wewenangnya apa?"]
    assert _norm(condense_question("contohnya?", history)) == "contoh pemerintah daerah"


def test_no_history_or_empty_question_is_left_alone():
    assert condense_question("lalu apa kewajibannya?", []) == "lalu apa kewajibannya?"
    assert condense_question("lalu apa kewajibannya?", ["", "  "]) == "lalu apa kewajibannya?"
    assert condense_question("?", ["Apa hak klien?"]) == "?"
    assert condense_question("oke, makasih", ["Apa hak klien?"]) == "oke, makasih"


def test_word_lists_are_data():
    kinds = word_kinds()
    assert kinds["lalu"] == "lead" and kinds["itu"] == "pronoun" and kinds["tanggung jawab"] == "aspect"
    assert kinds["pasal"] == "meta" and kinds["menurut"] == "scope"
