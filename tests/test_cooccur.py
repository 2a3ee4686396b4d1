"""rag.cooccur: which words the sources use together, and the answer gate's relation check."""

from __future__ import annotations

from types import SimpleNamespace

from fake_index import case_of, frame_of

from rag.checks.action import ActionCheck
from rag.checks.answer_type import DateCheck, NumberCheck, OrdinalCheck, SuperlativeCheck
from rag.checks.base import Case
from rag.checks.carriers import answer_carrier
from rag.checks.language import is_derived_verb as _is_derived_verb
from rag.checks.question import InjectionCheck, NowCheck, UnknownWordsCheck
from rag.checks.relation import RelationCheck
from rag.checks.sanction import SanctionCheck
from rag.cooccur import Cooccurrence, mentions
from rag.text import split_sentences
from rag.types import Chunk


def _first_refusal(checks, question: str, case: Case):
    frame = frame_of(question)
    for check in checks:
        ev = check(frame, case)
        if not ev.answer:
            return ev
    return ev


def relation_check(question: str, cooc):
    return RelationCheck()(frame_of(question), Case(SimpleNamespace(cooccurrence=cooc)))


def action_check(question: str, cooc):
    return ActionCheck()(frame_of(question), Case(SimpleNamespace(cooccurrence=cooc)))


def sanction_check(question: str, cooc):
    return SanctionCheck()(frame_of(question), Case(SimpleNamespace(cooccurrence=cooc)))


def answer_type_checks(question: str, sentences: list[str]):
    """The answer-type family in gate order, every sentence on topic."""
    index = SimpleNamespace(text_coverage=lambda terms, text: 1.0)
    checks = (NumberCheck(), DateCheck(), OrdinalCheck(), SuperlativeCheck())
    return _first_refusal(checks, question, case_of(index, question, sentences))


def question_checks(question: str, unknown: list[str]):
    index = SimpleNamespace(unknown_terms=lambda text: unknown)
    return _first_refusal((InjectionCheck(), NowCheck(), UnknownWordsCheck()), question, Case(index))


def _chunk(cid: str, text: str, heading: str = "") -> Chunk:
    return Chunk(cid, "doc", "Judul", cid, 0, len(text), text, heading, tuple(split_sentences(text)))


CHUNKS = [
    _chunk(
        "organisasi",
        "Organisasi Pekerja Sosial berwenang:\n\na. menerbitkan STR;\n\n"
        "b. menjatuhkan sanksi terhadap Pekerja Sosial yang melanggar kode etik.",
    ),
    _chunk("klien", "Klien berhak memperoleh informasi. Klien wajib memberikan imbalan jasa."),
    _chunk("relawan", "Relawan sosial bekerja atas kehendak sendiri.", heading="Peran Masyarakat"),
]


def test_words_in_one_sentence_are_together_and_words_in_different_passages_are_not():
    cooc = Cooccurrence(CHUNKS)
    assert cooc.together("klien", "imbalan")
    assert cooc.together("kewajiban", "klien")  # by stem: kewajiban ~ wajib
    assert not cooc.together("sanksi", "klien")  # sanksi and klien live in different passages
    assert not cooc.together("sanksi", "relawan")


def test_a_list_item_is_together_with_the_sentence_that_introduces_its_list():
    cooc = Cooccurrence(CHUNKS)
    assert cooc.together("organisasi", "sanksi")
    assert cooc.together("wewenang", "menerbitkan")


def test_abbreviations_count_in_both_directions():
    cooc = Cooccurrence(CHUNKS)
    assert cooc.together("registrasi", "organisasi")  # "STR" in the text stands for Surat Tanda Registrasi
    assert cooc.together("str", "wewenang")
    assert cooc.known("str") and not cooc.known("pidana")


def test_a_sentence_is_together_with_its_heading():
    cooc = Cooccurrence(CHUNKS)
    assert cooc.together("relawan", "masyarakat")


def test_window_widens_together_to_neighbouring_sentences():
    assert not Cooccurrence(CHUNKS, window=0).together("informasi", "imbalan")
    assert Cooccurrence(CHUNKS, window=1).together("informasi", "imbalan")


def test_relation_check_refuses_a_relation_the_sources_never_make():
    cooc = Cooccurrence(CHUNKS)
    ev = relation_check("Apa sanksi bagi klien yang menolak layanan?", cooc)
    assert not ev.answer and "sanksi" in ev.reason and "klien" in ev.reason
    assert relation_check("Apa sanksi bagi pekerja sosial yang melanggar kode etik?", cooc).answer


def test_relation_check_leaves_alone_what_it_cannot_judge():
    cooc = Cooccurrence(CHUNKS)
    assert relation_check("Apa beda sanksi dan klien?", cooc).answer  # comparisons treat two things apart
    assert relation_check("Bagaimana sanksi bagi klien?", cooc).answer  # explanation questions word freely
    assert relation_check("What sanctions apply to clients?", cooc).answer
    assert relation_check("Apa sanksi bagi pasien?", cooc).answer  # "pasien" unknown: question_checks' job


def test_derived_verbs_are_not_things_a_question_asks_about():
    for verb in ("dibutuhkan", "mendefinisikan", "melaksanakan", "berperan"):
        assert _is_derived_verb(verb), verb
    for noun in ("pendidikan", "kewajiban", "pelatihan", "dinas", "klien"):
        assert not _is_derived_verb(noun), noun
    # "memperoleh" and "imbalan" never share a sentence, but the verb is not a thing: nothing to refuse
    assert relation_check("Apa yang memperoleh imbalan?", Cooccurrence(CHUNKS)).answer


def test_superlatives_and_durations_need_support_in_the_best_sentences():
    superlative = "Di provinsi mana pekerja sosial paling banyak?"
    assert not answer_type_checks(superlative, ["Pekerja sosial ada di provinsi."]).answer
    assert answer_type_checks("Siapa yang terbanyak?", ["Jumlah paling banyak ada di Jawa."]).answer
    duration = "Berapa lama organisasi harus menyesuaikan diri?"
    assert answer_type_checks(duration, ["Organisasi menyesuaikan diri paling lambat 2 (dua) tahun."]).answer
    assert not answer_type_checks(duration, ["Organisasi terdiri atas 2 (dua) bagian."]).answer


def test_action_check_refuses_an_action_the_sources_never_apply_to_the_thing():
    cooc = Cooccurrence(CHUNKS)
    ev = action_check("Siapa yang menjatuhkan sanksi kepada klien?", cooc)
    assert ev.answer  # the sources do speak of "menjatuhkan sanksi": the relation check judges "klien"
    ev = action_check("Siapa yang menerbitkan imbalan jasa?", cooc)
    assert not ev.answer and "menerbitkan" in ev.reason and "imbalan" in ev.reason
    assert not action_check("Bagaimana cara memberikan sanksi?", cooc).answer  # "memberikan" never with sanksi
    assert not action_check("Siapa yang menggaji relawan sosial?", cooc).answer  # "gaji" never used at all
    assert action_check("STR diterbitkan oleh siapa?", cooc).answer
    assert action_check("Siapa yang menerbitkan STR?", cooc).answer
    assert action_check("Siapa yang berhak memperoleh informasi?", cooc).answer


def test_action_check_leaves_classifying_words_and_plain_questions_alone():
    cooc = Cooccurrence(CHUNKS)
    assert action_check("Siapa yang disebut relawan sosial?", cooc).answer
    assert action_check("Siapa yang tergolong klien?", cooc).answer
    assert action_check("Siapa saja klien pekerja sosial?", cooc).answer
    assert action_check("Who issues the license?", cooc).answer


def test_an_unknown_word_that_is_not_indonesian_is_a_term_the_sources_lack():
    def verdict(question: str, unknown: list[str]) -> bool:
        return question_checks(question, unknown).answer

    assert not verdict("Apa tugas pekerja sosial dalam penanganan stunting?", ["stunting"])
    assert verdict("Kapan Kementerian Sosial meluncurkan praktik mandiri?", ["meluncurkan"])  # affixed luncur
    assert verdict("apa sanksi buat peksos yang ngelanggar kode etik?", ["ngelanggar"])  # informal nge- form


def test_a_number_answers_berapa_only_in_a_sentence_about_the_thing_asked():
    question = "Berapa lama masa berlaku sertifikat profesi?"
    assert answer_type_checks(question, ["Sertifikat profesi berlaku selama 5 (lima) tahun."]).answer
    assert not answer_type_checks(question, ["Pendidikan profesi terselenggara paling lambat 5 (lima) tahun."]).answer
    assert answer_type_checks("Berapa lama STR berlaku?", ["Surat Tanda Registrasi berlaku 5 (lima) tahun."]).answer
    # the "(1)" that opens an ayat is a locator, not an amount
    assert not answer_type_checks(
        "Berapa premi asuransi?", ["(1) Asuransi melindungi yang tidak mampu membayar premi."]
    ).answer


def test_mentions_counts_stems_and_abbreviations():
    assert mentions("Para klien berhak atas informasi.", "klien")
    assert mentions("Kewajiban pekerja sosial.", "wajib")
    assert mentions("Surat Tanda Registrasi berlaku lima tahun.", "STR")
    assert not mentions("Surat izin berlaku lima tahun.", "STR")


def test_a_law_citation_is_not_the_date_a_kapan_question_asks_for():
    kind, carries = answer_carrier("Kapan undang-undang itu disahkan?")
    assert kind == "kapan"
    assert carries("Disahkan di Jakarta pada tanggal 1 Oktober 2019.")
    assert not carries("Ketentuan dalam Undang-Undang Nomor 11 Tahun 2009 dicabut.")
    # the constitution's name carries its year; it dates no event ("Kapan UU Kesos diundangkan?" was once
    # answered with the Penjelasan sentence that cites it)
    assert not carries("Pembangunan itu diamanatkan dalam Undang-Undang Dasar Negara Republik Indonesia Tahun 1945.")
    assert not carries("Sesuai UUD 1945, negara melindungi segenap bangsa.")
    assert answer_carrier("Apa itu STR?") is None


def test_a_sanction_must_be_given_to_the_party_asked_about_not_imposed_by_it():
    chunks = CHUNKS + [_chunk("lembaga", "Lembaga yang tidak mendaftar dikenai sanksi administratif berupa teguran.")]
    cooc = Cooccurrence(chunks)
    # the organisation imposes sanctions (list introduction + item): the words meet, the relation is reversed
    assert cooc.together("organisasi", "sanksi")
    assert not sanction_check("Apa sanksi bagi organisasi pekerja sosial yang lalai?", cooc).answer
    assert sanction_check("Apa sanksi bagi pekerja sosial yang melanggar kode etik?", cooc).answer  # 'terhadap'
    assert sanction_check("Apa sanksi bagi lembaga yang tidak mendaftar?", cooc).answer  # 'X ... dikenai sanksi'
    assert sanction_check("Apa itu sanksi?", cooc).answer  # asks for no recipient


def test_mata_heads_a_compound_noun_that_the_relation_check_must_find():
    chunks = [
        _chunk("miskin", "Masyarakat miskin tidak mempunyai sumber mata pencaharian."),
        _chunk("sekolah", "Pekerja sosial sekolah membantu pelajar yang kesulitan."),
    ]
    cooc = Cooccurrence(chunks)
    # Sastrawi lists "mata" as a stopword; skipping it would leave "pelajaran ~ pelajar", which the sources use
    assert not relation_check("Apa saja mata pelajaran yang diajarkan pekerja sosial?", cooc).answer
    assert relation_check("Apa itu mata pencaharian masyarakat miskin?", cooc).answer
