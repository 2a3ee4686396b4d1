"""Follow-up questions: rewrite a question that leans on the conversation into one that stands alone.

The previous question is read as a frame: "Apa [hak] [pekerja sosial] [dalam praktik] ... [menurut UU X]?" is
aspect, subject, complement and scope. The follow-up is then matched against kinds of follow-up (RULES, first
match wins): a self-contained question is left alone; "jelaskan lebih lanjut" repeats the previous question;
"pasal berapa itu?" adds what it asks to it; "kalau yang di UU X?" changes its scope; "lalu apa kewajibannya?"
changes its aspect; "bagaimana dengan relawan?" changes its subject; "yang dievaluasi apa?" takes its subject;
"itu berlaku berapa lama?" puts the subject where the pronoun or the clitic -nya was. Anything else that is not
self-contained is appended to the previous question. A longer history is composed in order (turn 2 against turn 1,
turn 3 against the rewritten turn 2), so the newest self-contained question sets the topic. Word lists:
rag/resources/follow_up.tsv.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.query import informal_map
from rag.text import fold, is_function_word, read_resource_tsv, root_words, stem

_WORD = re.compile(r"\w+(?:-\w+)*")
_VERB_PREFIX = re.compile(r"^(me|di|ber|ter)")
_COMPLEMENT = {"dalam", "di", "pada", "bagi", "untuk", "terhadap", "tentang"}  # "pemerintah [dalam X]"


@lru_cache(maxsize=1)
def word_kinds() -> dict[str, str]:
    """Word or phrase (folded) -> its kind in follow_up.tsv (lead, ask, filler, pronoun, meta, ...)."""
    return {fold(r[0].strip()): r[1].strip() for r in read_resource_tsv("follow_up.tsv") if len(r) == 2}


@lru_cache(maxsize=1)
def _phrase_ends() -> frozenset[str]:
    """Last words of listed phrases ("jawab" of "tanggung jawab"), which take -nya for the whole phrase."""
    return frozenset(k.split()[-1] for k in word_kinds() if " " in k)


@dataclass(frozen=True)
class Tok:
    text: str  # as typed
    norm: str  # folded; an informal word in its standard form
    base: str  # norm without a clitic -nya that points back ("kewajibannya" -> "kewajiban")

    @property
    def nya(self) -> bool:
        return self.base != self.norm


def tokens(text: str) -> list[Tok]:
    informal, kinds = informal_map(), word_kinds()
    out = []
    for m in _WORD.finditer(text):
        norm = fold(m.group(0))
        std = informal.get(norm, norm)
        norm = std if " " not in std else norm
        base = norm
        cut = norm[:-3]
        if len(norm) > 5 and norm.endswith("nya"):
            if (
                cut in kinds
                or cut in _phrase_ends()
                or (not is_function_word(norm) or _VERB_PREFIX.match(cut))  # "mendapatkannya"
                and (cut in root_words() or stem(cut) in root_words())
            ):
                base = cut
        out.append(Tok(m.group(0), norm, base))
    return out


def _phrase(toks: list[Tok], i: int) -> tuple[str | None, int]:
    """(kind, length) of the longest listed phrase starting at toks[i]; the last word may carry -nya."""
    kinds = word_kinds()
    for n in (3, 2, 1):
        if i + n <= len(toks):
            words = [t.norm for t in toks[i : i + n]]
            for key in (" ".join(words), " ".join([*words[:-1], toks[i + n - 1].base])):
                if key in kinds:
                    return kinds[key], n
    return None, 1


def _is_verb(t: Tok) -> bool:
    roots = root_words()
    return t.norm not in roots and bool(_VERB_PREFIX.match(t.norm)) and stem(t.norm) != t.norm and stem(t.norm) in roots


def _is_noun(toks: list[Tok], i: int) -> bool:
    """A word that can be part of a noun phrase: names something, not a verb form, not a listed particle."""
    t = toks[i]
    if t.norm == "dan":  # "hak dan kewajiban"
        return 0 < i < len(toks) - 1 and _is_noun(toks, i + 1)
    kind = _phrase(toks, i)[0]
    if kind in ("aspect", "meta", "source"):  # even a stopword ("cara")
        return True
    return not is_function_word(t.norm) and not _is_verb(t) and kind not in ("lead", "ask", "filler", "pronoun")


def _np_end(toks: list[Tok], i: int, stop: int | None = None) -> int:
    """End of the noun phrase at toks[i]: nouns, and small words that are not listed as breaks after the first
    ("bantuan langsung"); a later word with -nya starts another phrase ("kode etik [tugasnya]")."""
    stop, start = (len(toks) if stop is None else stop), i
    while i < stop and not (i > start and toks[i].nya):
        inner = i > start and _phrase(toks, i)[0] is None and not _is_verb(toks[i])
        if not (_is_noun(toks, i) or (inner and i + 1 < stop and _is_noun(toks, i + 1)) or (inner and i + 1 == stop)):
            break
        i += 1
    return i


def _scope(toks: list[Tok]) -> tuple[int, int] | None:
    """Span of "menurut X" or "di/dalam/pada <source> X": the document or author the question is about."""
    kinds = word_kinds()
    for i, t in enumerate(toks):
        kind = kinds.get(t.norm)
        if kind == "scope" or (kind == "scope_if" and i + 1 < len(toks) and kinds.get(toks[i + 1].norm) == "source"):
            end = _np_end(toks, i + 1)
            if end > i + 1:
                return i, end
    return None


def _join(toks: list[Tok], base: bool = False) -> str:
    return " ".join(t.base if base else t.text for t in toks)


@dataclass(frozen=True)
class Frame:
    """A question read as spans of its tokens: aspect, subject, complement (after the subject), scope."""

    toks: list[Tok]
    aspect: tuple[int, int]
    subject: tuple[int, int]
    complement: tuple[int, int]
    scope: tuple[int, int] | None

    def part(self, span: tuple[int, int] | None, base: bool = False) -> str:
        return _join(self.toks[span[0] : span[1]], base) if span else ""

    def text(self, skip: tuple[int, int] | None = None) -> str:
        return _join([t for i, t in enumerate(self.toks) if not (skip and skip[0] <= i < skip[1])])


def read_frame(question: str) -> Frame:
    toks = tokens(question)
    scope = _scope(toks)
    stop = scope[0] if scope else len(toks)
    i = 0
    while i < stop and (not _is_noun(toks, i) or _phrase(toks, i)[0] == "lead"):
        i += 1  # question words, "yang dimaksud", a verb before the object ("siapa yang menyusun X")
    aspect = (i, i)
    kind, n = _phrase(toks, i)
    if i < stop and kind == "aspect":
        aspect = (i, i + n)
        i += n
        while i < stop and not _is_noun(toks, i) and _phrase(toks, i)[0] != "ask":
            i += 1  # "sanksi bagi LKS", "syarat mengikuti pendidikan profesi"
    end = _np_end(toks, i, stop)
    subject = (i, end)
    j = end
    while j < stop and toks[j].norm in _COMPLEMENT and _np_end(toks, j + 1, stop) > j + 1:
        j = _np_end(toks, j + 1, stop)  # "tanggung jawab pemerintah [dalam kesejahteraan sosial]"
    return Frame(toks, aspect, subject, (end, j), scope)


@dataclass(frozen=True)
class FollowUp:
    """The new question without its opening ("lalu", "kalau", "bagaimana dengan") and particles."""

    question: str
    led: bool  # opened like a follow-up
    body: list[Tok]

    @classmethod
    def read(cls, question: str) -> FollowUp:
        toks = tokens(question)
        i = 0
        while i < len(toks) and _phrase(toks, i)[0] == "lead":
            i += _phrase(toks, i)[1]
        body = [t for t in toks[i:] if word_kinds().get(t.norm) != "filler"]
        return cls(question, i > 0, body)

    def kinds(self) -> list[tuple[str | None, int, int]]:
        """(kind, start, end) of each word or listed phrase of the body."""
        out, i = [], 0
        while i < len(self.body):
            kind, n = _phrase(self.body, i)
            out.append((kind, i, i + n))
            i += n
        return out

    def pointers(self) -> list[tuple[int, int]]:
        """Pronouns that point back: not the "itu" of "Evidence Based Practice itu apa" (after a noun)."""
        return [(a, b) for k, a, b in self.kinds() if k == "pronoun" and not (a > 0 and _is_noun(self.body, a - 1))]

    def nouns(self) -> list[int]:
        return [i for i in range(len(self.body)) if _is_noun(self.body, i)]

    def asks(self) -> str:
        return " ".join(_join(self.body[a:b]) for k, a, b in self.kinds() if k == "ask")


def _end(q: FollowUp, text: str) -> str:
    return f"{text.strip()}?" if q.question.rstrip().endswith("?") else text.strip()


def keep_self_contained(q: FollowUp, prev: Frame) -> str | None:
    """A question with a subject of its own, no opening and nothing pointing back: "Apa hak klien?"."""
    scope = _scope(q.body) or (0, 0)
    own = [
        i for i in q.nouns() if _phrase(q.body, i)[0] not in ("aspect", "meta", "more") and not scope[0] <= i < scope[1]
    ]
    if q.led or q.pointers() or any(t.nya for t in q.body) or not own:
        return None
    return q.question


def repeat_previous(q: FollowUp, prev: Frame) -> str | None:
    """Asks for more of the last answer ("jelaskan lebih lanjut", "maksudnya?"): the previous question."""
    kinds = q.kinds()
    if all(k != "more" for k, a, b in kinds) or any(k != "more" and _is_noun(q.body, a) for k, a, b in kinds):
        return None
    return _end(q, prev.text())


def add_asked_thing(q: FollowUp, prev: Frame) -> str | None:
    """Asks where the last answer comes from ("pasal berapa itu?", "sumbernya apa?"): previous + that."""
    nouns = {k for k, a, b in q.kinds() if _is_noun(q.body, a)}
    if not nouns & {"meta", "source"} or nouns - {"meta", "source", "more"}:
        return None
    asked = [_join(q.body[a:b], base=True) for k, a, b in q.kinds() if k in ("meta", "source", "ask")]
    return _end(q, f"{prev.text()} {' '.join(asked)}")


def change_scope(q: FollowUp, prev: Frame) -> str | None:
    """Only a new scope ("kalau yang di UU X?", "menurut Zastrow?"): the previous question in that scope."""
    scope = _scope(q.body)
    if not scope or [i for i in q.nouns() if not scope[0] <= i < scope[1]]:
        return None
    return _end(q, f"{prev.text(skip=prev.scope)} {_join(q.body[scope[0] : scope[1]])}")


def change_aspect(q: FollowUp, prev: Frame) -> str | None:
    """Another side of the same subject ("lalu apa kewajibannya?", "contohnya?"): aspect + previous subject."""
    nouns = q.nouns()
    if not nouns or prev.subject[0] == prev.subject[1]:
        return None
    kind, n = _phrase(q.body, nouns[0])
    scope = _scope(q.body)
    others = [i for i in nouns[n:] if not (scope and scope[0] <= i < scope[1])]
    later_nya = any(t.nya for t in q.body[nouns[0] + n :])  # "cara mendapatkannya": the verb's object
    if kind != "aspect" or not (q.body[nouns[0] + n - 1].nya or not (others or later_nya)):
        return None
    rest = [t for i, t in enumerate(q.body) if i >= nouns[0] + n and _phrase(q.body, i)[0] not in ("ask", "pronoun")]
    what = (prev.aspect[1], prev.subject[1]) if prev.aspect[1] > prev.aspect[0] else prev.subject
    parts = [q.asks(), _join(q.body[nouns[0] : nouns[0] + n], base=True), prev.part(what)]
    parts += [prev.part(prev.complement), "" if scope else prev.part(prev.scope), _join(rest)]
    return _end(q, " ".join(p for p in parts if p))


def change_subject(q: FollowUp, prev: Frame) -> str | None:
    """The same question about something else ("bagaimana dengan relawan?", "kalau pemprov?")."""
    a = 0
    while a < len(q.body) and _phrase(q.body, a)[0] == "ask":
        a += 1
    b = _np_end(q.body, a)
    if not q.led or b == a or any(t.nya for t in q.body[a:b]) or prev.subject[0] == prev.subject[1]:
        return None
    tail = q.body[b:]
    if any(_is_noun(tail, i) and _phrase(tail, i)[0] not in ("aspect", "more") for i in range(len(tail))):
        return None
    toks = prev.toks
    s, e = prev.subject
    return _end(q, " ".join(filter(None, [_join(toks[:s]), _join(q.body[a:b]), _join(toks[e:]), _join(tail, True)])))


def attach_relative_clause(q: FollowUp, prev: Frame) -> str | None:
    """A clause without its noun ("yang dievaluasi apa saja?", "yang berhak siapa?"): the previous subject's."""
    if not q.body or q.body[0].norm != "yang" or q.nouns() or prev.subject[0] == prev.subject[1]:
        return None
    parts = [prev.part(prev.subject), prev.part(prev.complement), _join(q.body), prev.part(prev.scope)]
    return _end(q, " ".join(p for p in parts if p))


def resolve_reference(q: FollowUp, prev: Frame) -> str | None:
    """A pronoun or clitic that points back ("itu berlaku berapa lama?", "siapa yang mengeluarkannya?")."""
    subject = " ".join(filter(None, [prev.part(prev.subject), prev.part(prev.complement)]))
    if not subject:
        return None
    words = [t.text for t in q.body]
    pointers = q.pointers()
    if pointers:
        a, b = pointers[0]
        words[a:b] = [subject]
    else:
        nya = [i for i, t in enumerate(q.body) if t.nya]
        if not nya:
            return None
        words[nya[0]] = f"{q.body[nya[0]].base} {subject}"
    return _end(q, " ".join([*words, prev.part(prev.scope)]))


def append_to_previous(q: FollowUp, prev: Frame) -> str | None:
    """Any other follow-up (no subject of its own): the previous question, then the new one."""
    return _end(q, f"{prev.text()} {_join(tokens(q.question))}")


RULES = (
    keep_self_contained,
    repeat_previous,
    add_asked_thing,
    change_scope,
    change_aspect,
    change_subject,
    attach_relative_clause,
    resolve_reference,
    append_to_previous,
)


def rewrite_follow_up(question: str, previous: str) -> str:
    """`question` made to stand alone given the (already stand-alone) previous question."""
    q, prev = FollowUp.read(question), read_frame(previous)
    if not q.body:
        return question
    for rule in RULES:
        out = rule(q, prev)
        if out is not None:
            return out
    return question


def condense_question(question: str, history: list[str]) -> str:
    """Rule-based rewrite for retrieval: resolve `question` against the history, composed turn by turn."""
    resolved = ""
    for h in (h.strip() for h in history if h and h.strip()):
        resolved = rewrite_follow_up(h, resolved) if resolved else h
    return rewrite_follow_up(question, resolved) if resolved else question
