"""Errors whose messages (in Bahasa Indonesia) tell the user what to do next."""

from __future__ import annotations


class RagError(Exception):
    """Base class; `str(err)` is a message fit to show a user."""


class IndexNotBuilt(RagError):
    def __init__(self, where: str = ""):
        super().__init__(
            "Indeks belum dibuat" + (f" di {where}" if where else "") + ". Jalankan `python -m ingest` terlebih dahulu."
        )


class IndexMismatch(RagError):
    """The index was built with another embedding model, backend or dimension."""

    def __init__(self, detail: str):
        super().__init__(
            f"Indeks dibuat dengan model embedding lain ({detail}). "
            "Jalankan `python -m ingest --rebuild` untuk membuat ulang indeks."
        )


class IndexCorrupt(RagError):
    def __init__(self, detail: str):
        super().__init__(
            f"Indeks rusak atau tidak lengkap ({detail}). Jalankan `python -m ingest --rebuild` untuk memperbaikinya."
        )


class StoreUnavailable(RagError):
    def __init__(self, where: str):
        super().__init__(f"Server Chroma di {where} tidak dapat dihubungi. Pastikan server berjalan, lalu coba lagi.")


class CorpusFileError(RagError):
    """A corpus file that cannot be ingested; the message names the file."""


class LLMUnavailable(RagError):
    def __init__(self, detail: str = ""):
        super().__init__("Server model bahasa tidak dapat dihubungi" + (f" ({detail})" if detail else "") + ".")
