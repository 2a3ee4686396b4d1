"""Should we answer? Evidence checks that a plain similarity threshold cannot make.

Measured on this corpus: the top dense cosine of unanswerable questions overlaps that of answerable
ones, so the gate combines transparent checks (each returns a reason, shown in logs and eval):

- the question tries to override instructions ("abaikan instruksi sebelumnya ...");
- it names a regulation the index does not hold ("Permensos 16/2020"), or a Pasal beyond the last Pasal
  of the regulation it names (RegulationCheck, which reads the index's catalogue and names it in its reply);
- it asks about the present ("saat ini", "sekarang"): a fixed corpus cannot know;
- it uses content words that occur nowhere in the corpus (after stemming and typo repair): an unknown
  name ("DTKS"), a standard Indonesian root word the sources never use ("sanksi *pidana*", "*cuti*
  melahirkan": the question presupposes something the sources do not cover), a word that is not
  Indonesian at all ("stunting"), or mostly unknown words; a lone derived or informal word
  ("meluncurkan", "ngelanggar") is tolerated;
- "berapa" / "kapan" questions need a sentence with a number / a date among the best sentences, and
  for "berapa" that sentence must name the thing asked about ("masa berlaku *sertifikat*");
- ordinals ("pertama", "terakhir") and superlatives ("paling banyak", "terbesar") must appear in the
  supporting sentences;
- the first two things the question names must appear together somewhere in the sources ("sanksi bagi
  klien": the law sanctions pekerja sosial, never klien; see rag.cooccur), and the action a "siapa
  yang ..." / "cara ..." question asks about must occur with the thing it is done to ("siapa yang
  *memimpin* lembaga koordinasi");
- the best sentence must cover enough of the question's IDF-weighted terms and the best passage must be
  close enough (thresholds set on eval dev data).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rag.catalogue import Catalogue
from rag.cooccur import mentions
from rag.query import ParsedQuery
from rag.text import content_terms, fold, root_words, stem, stopwords, tokenize

INJECTION = re.compile(
    r"\b(abaikan|lupakan|acuhkan|hiraukan)\b.{0,40}\b(instruksi|perintah|aturan|arahan|sistem)\b"
    r"|\bignore\b.{0,30}\b(instruction|previous|above|rules)"
    r"|\b(kamu|anda)\s+(sekarang|kini)\s+(adalah|menjadi)\b|\bsystem prompt\b|\bjailbreak\b",
    re.I,
)
_NOW = re.compile(r"\b(saat ini|sekarang|terkini|terbaru|tahun ini|hari ini|current|currently|now)\b", re.I)
_SUPERLATIVE = re.compile(
    r"\bpaling\s+(\w+)|\bter(banyak|besar|kecil|sedikit|tinggi|rendah|tua|muda|lama|cepat|murah|mahal|populer)\b"
)
_ORDINAL = re.compile(r"\b(pertama|terakhir|kedua|ketiga|first|last)\b", re.I)
_MONTHS = r"januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember"
_DATE = re.compile(rf"\b(\d{{1,2}}\s+({_MONTHS})\s+\d{{4}}|({_MONTHS})\s+\d{{4}}|tahun\s+\d{{4}}|\d{{4}})\b", re.I)
_LEGAL_REF = re.compile(
    r"\b(?:nomor|no\.)\s*\d+\s+tahun\s+\d{4}|\blembaran negara(?: republik indonesia)? tahun \d{4}"
    r"|\bundang[\s-]*undang dasar(?: negara)?(?: republik indonesia)?(?: tahun)? \d{4}|\buud(?: nri)? \d{4}"
    r"|\b(pasal|ayat|angka|huruf|nomor|no\.)\s*\(?\d+[a-z]?\)?|^\s*\(\d+[a-z]?\)",
    re.I,
)
"""A law's citation ("Nomor 4 Tahun 1979", "Undang-Undang Dasar Negara Republik Indonesia Tahun 1945"), a
Pasal, ayat, angka or huruf, or the "(1)" that opens an ayat: a locator, neither a quantity nor the date of an
event."""
_NUMBER = re.compile(r"\d+|\b(satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|seratus|seribu)\b", re.I)
_ENGLISH = {
    "what",
    "who",
    "how",
    "why",
    "when",
    "which",
    "where",
    "is",
    "are",
    "was",
    "were",
    "do",
    "does",
    "did",
    "the",
    "of",
    "to",
    "in",
    "have",
    "has",
    "for",
    "a",
    "an",
    "and",
    "with",
    "under",
    "by",
    "on",
    "at",
    "from",
    "their",
    "it",
    "this",
    "that",
    "can",
    "should",
    "must",
    "according",
}


@dataclass(frozen=True)
class Evidence:
    answer: bool
    reason: str = ""
    message: str = ""
    """What to tell the reader instead of the general "not found" reply (Indonesian); empty for that reply."""


def is_english(question: str) -> bool:
    toks = tokenize(question)
    return bool(toks) and sum(t in _ENGLISH for t in toks) / len(toks) >= 0.25


def _has_number(sentence: str) -> bool:
    return bool(_NUMBER.search(_LEGAL_REF.sub(" ", sentence)))


def question_checks(parsed: ParsedQuery, unknown_terms: list[str]) -> Evidence:
    """Checks that need only the question (and which of its words the corpus knows)."""
    q = parsed.original
    if INJECTION.search(q):
        return Evidence(False, "instruksi dalam pertanyaan diabaikan")
    if _NOW.search(q):
        return Evidence(False, "pertanyaan tentang keadaan terkini; korpus bersifat tetap")
    if unknown_terms and not is_english(q):
        # An unknown name ("Poltekesos", "DTKS", "Freud"), a dictionary word the sources never use
        # ("pidana"), or a question made mostly of unknown words ("resep rendang") is about something the
        # corpus lacks; one unfamiliar derived or informal word ("meluncurkan") is not.
        names = [
            t
            for t in unknown_terms
            if re.search(rf"\b{re.escape(t)}\b", q) is None or re.search(rf"\b[A-Z]\w*{re.escape(t[1:])}\b", q)
        ]
        n_content = max(len(content_terms(q)), 1)
        absent = [t for t in unknown_terms if t in root_words()]
        # A word that is neither Indonesian (a root word or an affixed form of one) nor an informal form
        # ("ngelanggar") is a term of art the sources lack: "stunting", "pemilu", "Konsil".
        foreign = [t for t in unknown_terms if t not in root_words() and not _affixed(t)]
        if names or absent or foreign or len(unknown_terms) / n_content >= 1 / 2:
            return Evidence(False, "kata tidak dikenal korpus: " + ", ".join(unknown_terms[:3]))
    return Evidence(True)


def _listing(items: list[str], limit: int = 5) -> str:
    """At most `limit` items, then how many more: a reply must stay short however large the index."""
    more = f"; dan {len(items) - limit} lainnya" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more


class RegulationCheck:
    """A question about a regulation the sources do not hold cannot be answered from another one's text.

    Abstains, naming what is missing, when the question names a numbered regulation the index's catalogue
    does not hold ("menurut UU 23/2002 ..."), a kind of regulation it holds none of and its sources never
    mention ("isi Permensos tentang ..."), or a Pasal beyond the last Pasal of the regulation it names (of
    every regulation, when it names none). `mentioned(phrase)` tells whether some source sentence uses a
    phrase ("Peraturan Pemerintah" is answerable where a law delegates to one).
    """

    def __init__(self, catalogue: Catalogue, mentioned: Callable[[str], bool] = lambda phrase: False):
        self.catalogue = catalogue
        self.mentioned = mentioned

    def __call__(self, parsed: ParsedQuery) -> Evidence:
        missing = list(parsed.missing_laws)
        for kind in self.catalogue.kinds_named(fold(parsed.original)):
            if not self.catalogue.holds_kind(kind) and not any(map(self.mentioned, (kind.full, kind.short))):
                missing.append(f"{kind.full} ({kind.short})")
        if missing:
            names = ", ".join(missing)
            held = _listing([f"{r.name} tentang {r.tentang}" if r.tentang else r.name for r in self.catalogue])
            listing = f" Peraturan yang ada di sumber: {held}." if held else ""
            reply = f"{names} tidak termasuk dalam dokumen sumber yang tersedia.{listing}"
            return Evidence(False, f"peraturan tidak ada di korpus: {names}", reply)
        for ref in parsed.law_refs:
            named = [self.catalogue.get(ref.source_id)] if ref.source_id else list(self.catalogue)
            regs = [r for r in named if r is not None and r.last_pasal]
            if regs and all(int(re.match(r"\d+", ref.pasal).group(0)) > r.last_pasal for r in regs):
                ranges = _listing([f"{r.name} hanya sampai Pasal {r.last_pasal}" for r in regs])
                return Evidence(
                    False, f"Pasal {ref.pasal} di luar jangkauan", f"{ranges}; Pasal {ref.pasal} tidak ada."
                )
        return Evidence(True)


def _affixed(tok: str) -> bool:
    """An affixed form of a standard root word ("meluncurkan", "kecamatan"), or the informal nge- form."""
    roots = root_words()
    return (stem(tok) != tok and stem(tok) in roots) or (tok.startswith("nge") and tok[3:] in roots)


# Words that frame a question without naming what it is about ("bentuk sanksi", "singkatan STR"). Framing
# words that are stopwords ("cara", "hal", "macam", "arti", "maksud") are skipped as stopwords, and informal
# words ("gimana", "aja") arrive standardised, so neither needs listing here.
_FRAME_WORDS = {
    "bentuk",
    "jenis",
    "contoh",
    "singkatan",
    "kepanjangan",
    "istilah",
    "pengertian",
    "definisi",
    "tolong",
    "tuh",
}
_COMPARISON = re.compile(r"\b(beda|bedanya|perbedaan|membedakan|dibandingkan|versus|vs)\b")


# "apa / siapa / berapa / mana" ask for a thing the sources must name; "bagaimana / mengapa" ask for an
# explanation, whose wording ("status relawan", "kedudukan") the sources need not share.
_ASKS_FOR_A_THING = re.compile(r"\b(apa|apakah|siapa|siapakah|berapa|mana|manakah)\b")
_VERB_PREFIX = re.compile(r"^(?:me[mn]?|meng|meny|di|ber|ter|memper|diper)(?=\w{3})")


def _is_derived_verb(tok: str) -> bool:
    """An affixed verb ("dibutuhkan", "mendefinisikan", "melaksanakan"): it says what is done, not to what."""
    return bool(_VERB_PREFIX.match(tok)) and _affixed(tok)


_NOUN_STOPWORDS = {"mata"}
"""In Sastrawi's stopword list, yet in a question always the head of a compound noun that names a thing
("*mata* pelajaran", "*mata* kuliah", "*mata* pencaharian")."""


def _things(text: str) -> Iterator[str]:
    """The words of `text` that name things: not stopwords, framing words, short words, numbers or derived verbs."""
    stop = stopwords() - _NOUN_STOPWORDS
    for tok in tokenize(text):
        if not (tok in stop or tok in _FRAME_WORDS or len(tok) < 3 or tok.isdigit() or _is_derived_verb(tok)):
            yield tok


def relation_check(std_question: str, cooc) -> Evidence:
    """The first two things the question names must appear together somewhere in the sources.

    `std_question` is the question after typo repair and informal-word standardisation; `cooc` a
    rag.cooccur.Cooccurrence. Words the corpus lacks altogether are left to question_checks; English
    questions, comparisons (two things the sources may treat apart) and Pasal references are not checked.
    """
    q = fold(std_question)
    if is_english(q) or _COMPARISON.search(q) or re.search(r"\bpasal\b", q) or not _ASKS_FOR_A_THING.search(q):
        return Evidence(True)
    seen, things = set(), []
    for tok in _things(q):
        if stem(tok) in seen:
            continue
        seen.add(stem(tok))
        if cooc.known(tok):
            things.append(tok)
        if len(things) == 2:
            break
    if len(things) == 2 and not cooc.together(*things):
        return Evidence(False, f"sumber tidak pernah membahas '{things[0]}' bersama '{things[1]}'")
    return Evidence(True)


# "siapa yang *memimpin* X", "bagaimana cara *mengajukan* X", "prosedur *pengaduan* X": the question asks who
# does, or how one does, a named action to X; the sources must speak of that action with X. Words that only
# classify ("siapa yang *disebut* klien", "tergolong") name no action.
_ACTION = re.compile(
    r"\bsiapa(?:kah)?\s+(?:saja\s+)?yang\s+(?:(?:boleh|dapat|bisa|berhak|wajib|harus|perlu|akan|berwenang)\s+)?(\w+)"
    r"|\b(?:cara|prosedur|mekanisme|langkah)\s+(\w+)"
    r"|(\w+)\s+oleh\s+siapa\b"
)
_CLASSIFYING = {"disebut", "dimaksud", "dimaksudkan", "termasuk", "tergolong", "dinamakan", "dikatakan", "menjadi"}


def asked_action(std_question: str) -> tuple[str, list[str]] | None:
    """The derived verb a 'siapa yang V X' / 'cara V X' / 'X V oleh siapa' question asks about, and the
    words of the rest of the question that name things (the first is what the action is done to)."""
    q = fold(std_question)
    m = _ACTION.search(q)
    if not m or is_english(q):
        return None
    verb = next(g for g in m.groups() if g)
    if verb in _CLASSIFYING or stem(verb) == verb:
        return None
    rest = q[m.end() :] if m.group(3) is None else q[: m.start()]
    return verb, list(_things(rest))


def action_check(std_question: str, cooc) -> Evidence:
    """The action a 'siapa yang V' / 'cara V' question asks about must occur with the thing it is done to."""
    asked = asked_action(std_question)
    if asked is None:
        return Evidence(True)
    verb, things = asked
    if not cooc.known(verb):
        return Evidence(False, f"sumber tidak pernah menyebut '{verb}'")
    for tok in things:
        if cooc.known(tok):
            if not cooc.together(verb, tok):
                return Evidence(False, f"sumber tidak pernah membahas '{verb}' bersama '{tok}'")
            break
    return Evidence(True)


# "Apa sanksi bagi X": a sanction has a direction. The law has Organisasi Pekerja Sosial *imposing* sanctions
# ("berwenang: ... menjatuhkan sanksi terhadap Pekerja Sosial"), so the words meet in one sentence although
# no source sanctions the organisation itself.
_SANCTION_FOR = re.compile(r"\b(sanksi|denda|hukuman)\s+(?:\w+\s+)?(?:bagi|untuk|kepada|terhadap)\s+(.+)")
_RECIPIENT = re.compile(r"\b(?:sanksi|denda)\b(?:\s+\w+)?\s+(?:bagi|kepada|terhadap|untuk|atas)\s+(.+)")


def sanction_check(std_question: str, cooc) -> Evidence:
    """'Apa sanksi bagi X?': some sentence must give X a sanction ('sanksi ... bagi/kepada/terhadap/atas X',
    'X ... dikenai sanksi'), not merely name X beside one (X imposing it, X's duties next to it)."""
    q = fold(std_question)
    m = _SANCTION_FOR.search(q)
    if not m or is_english(q):
        return Evidence(True)
    target = next((t for t in _things(m.group(2)) if cooc.known(t)), None)
    if target is None:
        return Evidence(True)  # a word the corpus lacks is question_checks' to judge
    for sid in cooc.sentences_with("sanksi") | cooc.sentences_with("denda"):
        text = cooc.texts[sid]
        given = _RECIPIENT.search(text)
        if given and mentions(given.group(1), target):
            return Evidence(True)
        before = re.split(r"\bdikenai\s+(?:sanksi|denda)\b", text)
        if len(before) > 1 and mentions(before[0], target):
            return Evidence(True)
    return Evidence(False, f"sumber tidak pernah menyebut sanksi bagi '{target}'")


_TIME_UNITS = {"tahun", "bulan", "minggu", "hari", "jam", "menit"}
_CONDITION = re.compile(r"\b(boleh|dapat|bisa|harus|wajib|perlu|berlaku|tidak berlaku)\b")


def answer_carrier(question: str) -> tuple[str, Callable[[str], bool]] | None:
    """For a question that asks for a number or a date: its kind and a test for a sentence that carries it.

    "berapa X ..." needs a number (not one the question itself contains) in a sentence that names X and
    the thing asked about; "kapan" needs a date. None for other questions.
    """
    q = fold(question)
    q_numbers = set(re.findall(r"\d+", q))
    m = re.match(r"^\s*(?:untuk\s+)?(berapa|how (?:many|much|long))\s+(\w+)", q)
    if m:
        focus = stem(m.group(2)) if m.group(1) == "berapa" else ""
        # "berapa lama masa berlaku *sertifikat* ...": the number must be said of the thing asked about,
        # not of another thing in the same passage ("pendidikan profesi ... paling lambat 5 (lima) tahun").
        head = next(_things(q[m.end() :]), "")

        def carries(s: str) -> bool:
            plain = _LEGAL_REF.sub(" ", s)
            digits = set(re.findall(r"\d+", plain))
            new_number = (digits - q_numbers) if digits else _has_number(plain)
            words = {stem(t) for t in tokenize(s)}
            # "berapa lama" asks for a duration: "paling lambat 2 (dua) tahun" answers it without "lama"
            names_it = focus in words or (focus == "lama" and bool(words & _TIME_UNITS))
            return bool(new_number) and (not focus or names_it) and (not head or mentions(s, head))

        return "berapa", carries
    if re.match(r"^\s*(kapan|when)\b", q) and not _CONDITION.search(q):
        return "kapan", has_date
    return None


def has_date(text: str) -> bool:
    """A date ("2 Oktober 2019", "tahun 2013"), not a law's citation ("Nomor 4 Tahun 1979")."""
    return bool(_DATE.search(_LEGAL_REF.sub(" ", text)))


def answer_type_checks(question: str, sentences: list[str], on_topic: list[str] | None = None) -> Evidence:
    """The best sentences must be able to carry the kind of answer asked for.

    `on_topic` are the candidate sentences that cover enough of the question (default: `sentences`); a
    number or a date only counts in one of them, and never a number the question itself contains.
    Ordinals and superlatives must appear in `sentences`.
    """
    q = fold(question)
    joined = " ".join(sentences)
    on_topic = sentences if on_topic is None else on_topic
    carrier = answer_carrier(question)
    if carrier and not any(carrier[1](s) for s in on_topic):
        what = "angka" if carrier[0] == "berapa" else "tanggal"
        return Evidence(False, f"pertanyaan '{carrier[0]}' tetapi tidak ada {what} di kalimat sumber yang relevan")
    m = _ORDINAL.search(q)
    if m and m.group(1).lower() not in fold(joined):
        return Evidence(False, f"kata '{m.group(1)}' tidak didukung sumber")
    m = _SUPERLATIVE.search(q)
    if m:
        adjective = m.group(1) or m.group(2)
        if not re.search(rf"\b(paling\s+{adjective}|ter{adjective})\b", fold(joined)):
            return Evidence(False, f"perbandingan 'paling {adjective}' tidak didukung sumber")
    return Evidence(True)
