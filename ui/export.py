"""Export a conversation as Markdown, with every citation's quote and source."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from rag.types import Answer

PRUNE_EVERY_S = 600.0
_last_prune = {"at": 0.0}


def conversation_markdown(turns: list[dict], documents: dict[str, dict]) -> str:
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [f"# Percakapan Tanya Peksos ({now})", ""]
    for i, turn in enumerate(turns, 1):
        ans: Answer = turn["answer"]
        lines += [f"## {i}. {turn['question']}", "", ans.text, ""]
        if ans.abstained:
            lines.append("_Jawaban tidak ditemukan di sumber yang tersedia._")
            lines.append("")
            continue
        if ans.fallback_reason:
            lines += [f"_Catatan: model bahasa gagal ({ans.fallback_reason}); jawaban ekstraktif dipakai._", ""]
        lines.append("**Sumber:**")
        lines.append("")
        for c in ans.citations:
            meta = documents.get(c.chunk.source_id, {})
            who = ", ".join(str(x) for x in (meta.get("author"), meta.get("publisher"), meta.get("published")) if x)
            url = f" <{meta['url']}>" if meta.get("url") else ""
            lines.append(f"- [{c.n}] {c.chunk.title} — {c.chunk.locator}" + (f" ({who})" if who else "") + url)
            lines.append(f"  > {c.quote}")
        lines.append("")
    return "\n".join(lines)


def prune_exports(folder: Path, max_age_s: float) -> int:
    """Delete exports older than `max_age_s` (each answer writes one); scans at most every PRUNE_EVERY_S."""
    now = time.time()
    if now - _last_prune["at"] < PRUNE_EVERY_S:
        return 0
    _last_prune["at"] = now
    removed = 0
    for path in folder.glob("percakapan-tanya-peksos-*.md"):
        try:
            if now - path.stat().st_mtime > max_age_s:
                path.unlink()
                removed += 1
        except OSError:  # removed meanwhile by another worker
            continue
    return removed
