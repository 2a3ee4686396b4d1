"""Durable feedback: one JSON line per submission, fsynced; only what the user submitted."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path


class FeedbackStore:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    def add(
        self,
        question: str,
        answer: str,
        rating: str,
        reason: str | None = None,
        engine: str | None = None,
        citations: list[str] | None = None,
    ) -> dict:
        record = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "question": question,
            "answer": answer,
            "rating": rating,
            "reason": reason,
            "engine": engine,
            "citations": citations or [],
        }
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        return record

    def all(self) -> list[dict]:
        try:
            with open(self.path, encoding="utf-8") as fh:
                return [json.loads(line) for line in fh if line.strip()]
        except FileNotFoundError:
            return []
