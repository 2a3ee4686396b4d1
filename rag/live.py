"""The app's answer engine over the committed index, reloadable while other sessions ask.

`reload()` opens the newest generation and swaps in a whole new Answerer at once; a question already
being answered keeps the Answerer (and so the generation) it started with, so chunk indices never mix.
"""

from __future__ import annotations

import threading

from rag.answer import Answerer
from rag.retrieve import Retriever


class LiveAnswerer:
    def __init__(self, answerer: Answerer):
        self._answerer = answerer
        self._lock = threading.Lock()

    @property
    def current(self) -> Answerer:
        """The Answerer to use for one whole question (take it once, then keep it)."""
        return self._answerer

    def reload(self) -> Answerer:
        """Open the committed generation (after documents were added or removed) and switch to it."""
        with self._lock:
            old = self._answerer
            retriever = Retriever(old.settings, embedder=old.retriever.embedder)
            self._answerer = Answerer(old.settings, retriever, chat_models=old.chat_models)
            return self._answerer
