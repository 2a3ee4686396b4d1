"""Clean stage: normalise what loaders hand over without changing the wording.

Curated Markdown is already clean; this catches what users drop into corpus/ (PDF, DOCX, HTML,
pasted text): non-breaking and zero-width spaces, Windows line ends, trailing blanks, runs of
blank lines. Spans are taken on the cleaned text, so chunk spans stay exact.
"""

from __future__ import annotations

import dataclasses
import re

from rag.types import Document

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = _ZERO_WIDTH.sub("", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def clean_document(doc: Document) -> Document:
    return dataclasses.replace(doc, text=clean_text(doc.text))
