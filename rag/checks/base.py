"""What every check reads besides the frame, and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar


@dataclass(frozen=True)
class Evidence:
    answer: bool
    reason: str = ""
    message: str = ""
    """What to tell the reader instead of the general "not found" reply (Indonesian); empty for that reply."""
    final: bool = False
    """With `answer`: answer now, the checks after this one do not run."""


PASS = Evidence(True)


@dataclass(frozen=True)
class Case:
    """What the sources offer a question: the index, the retrieved passages, their candidate sentences
    (rag.extractive), the question's weighted terms and the answer model's assessment (None: model off).

    `index` is a rag.retrieve.Retriever or a stand-in with the attributes the checks read: `cooccurrence`,
    `unknown_terms(text)`, `text_coverage(terms, text)`, `catalogue`, `mentions_phrase(phrase)`."""

    index: object
    results: list = field(default_factory=list)
    cands: list = field(default_factory=list)
    q_terms: frozenset = frozenset()
    model: object = None

    @cached_property
    def ranked(self) -> list:
        """Candidate sentences, best score first."""
        return sorted(self.cands, key=lambda c: -c.score)

    @cached_property
    def best(self) -> list:
        """The five best candidate sentences."""
        return self.ranked[:5]


class Check:
    """A check: `name` switches it off (Settings.gate_without); `family` names a group switched off together."""

    name: ClassVar[str] = ""
    family: ClassVar[str] = ""
    switchable: ClassVar[bool] = True

    def __call__(self, frame, case: Case) -> Evidence:
        raise NotImplementedError
