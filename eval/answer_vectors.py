"""e5 vectors for the answer model's training data (questions and paragraph sentences), cached.

Embedding the whole IDK-MRC train split (about 9k questions and 20k sentences) takes most of an hour on
one thread, so training uses its first TRAIN_PARAGRAPHS paragraphs; valid is embedded whole."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from rag.text import split_sentences

CACHE = Path("data/answer_model")
TRAIN_PARAGRAPHS = 1000


def subset(rows: list[dict], split: str) -> list[dict]:
    return rows[:TRAIN_PARAGRAPHS] if split == "train" else rows


def vectors(rows: list[dict], split: str, embedder=None, batch: int = 32) -> dict:
    """{"q": {question id: vector}, "s": [[vector per sentence] per paragraph]} for `rows`, cached."""
    digest = hashlib.sha1("".join(r["context"] for r in rows).encode()).hexdigest()[:10]
    path = CACHE / f"vectors-{split}-{digest}.npz"
    questions = [(qa["id"], qa["question"]) for r in rows for qa in r["qas"]]
    sents = [[s.text for s in split_sentences(r["context"])] for r in rows]
    if not path.exists():
        if embedder is None:
            from rag.config import Settings
            from rag.embed import make_embedder

            embedder = make_embedder(Settings.from_env())
        flat = [t for para in sents for t in para]
        qv = np.vstack([embedder.embed_query(q) for _, q in questions]) if questions else np.zeros((0, 1))
        sv = np.vstack([embedder.embed_passages(flat[i : i + batch]) for i in range(0, len(flat), batch)])
        CACHE.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, q=qv.astype(np.float32), s=sv.astype(np.float32))
    z = np.load(path)
    offsets = np.cumsum([0] + [len(p) for p in sents])
    return {
        "q": {qid: z["q"][i] for i, (qid, _) in enumerate(questions)},
        "s": [z["s"][offsets[i] : offsets[i + 1]] for i in range(len(rows))],
    }
