"""Health of a running installation: the index it serves, the vector store, and the optional LLM.

`check_health(retriever)` returns a JSON-able dict; `ok` is False when questions cannot be answered
(index or Chroma down). An unreachable LLM only makes the report `degraded`: answers then fall back to
the extractive engine.
"""

from __future__ import annotations

import logging
import time

from rag.config import Settings
from rag.store import current_generation

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 2.0
"""Seconds each probe of a server (Chroma, LLM) may take."""


def check_index(retriever) -> dict:
    """The generation in memory, its size, and whether a newer one has been committed on disk since."""
    gen = retriever.generation
    manifest = gen.manifest
    on_disk = current_generation(retriever.settings.index_dir)
    return {
        "ok": bool(gen.chunks),
        "generation": gen.path.name,
        "current_on_disk": on_disk,
        "stale": on_disk is not None and on_disk != gen.path.name,
        "documents": len(manifest.get("documents", {})),
        "chunks": len(gen.chunks),
        "embed_model": manifest.get("embed_model"),
    }


def check_chroma(retriever) -> dict:
    """One round trip to the collection the index uses (a heartbeat alone misses a dropped collection)."""
    s = retriever.settings
    out = {
        "mode": "server" if s.chroma_host else "embedded",
        "where": f"{s.chroma_host}:{s.chroma_port}" if s.chroma_host else str(s.index_dir / "chroma"),
        "collection": retriever.generation.manifest.get("collection"),
    }
    t0 = time.perf_counter()
    try:
        count = retriever.collection.count()
    except Exception as err:  # transport and server errors of chromadb have many types; all mean "down"
        log.warning("health: chroma %s failed: %s: %s", out["where"], err.__class__.__name__, err)
        return {**out, "ok": False, "error": err.__class__.__name__}
    # The collection may hold a few chunks of an uncommitted build (see rag.store), never fewer.
    ok = count >= len(retriever.generation.chunks)
    return {**out, "ok": ok, "vectors": count, "ms": round((time.perf_counter() - t0) * 1e3, 1)}


def check_llm(settings: Settings) -> dict:
    """Whether the configured generative engine answers a model listing (no tokens are generated)."""
    engine = settings.llm_backend
    if not engine:
        return {"configured": False, "ok": True, "engine": "extractive"}
    out = {"configured": True, "engine": engine, "model": settings.llm_model}
    if engine == "llamacpp":  # a local GGUF file, loaded in-process on first use
        from pathlib import Path

        return {**out, "ok": Path(settings.llm_model).is_file()}
    import httpx

    if engine == "ollama":
        base = (settings.llm_base_url or "http://127.0.0.1:11434").rstrip("/")
        url = f"{base}/api/tags"
    else:
        base = (settings.llm_base_url or "").rstrip("/")
        if not base:
            return {**out, "ok": False, "error": "TANYA_LLM_BASE_URL kosong"}
        url = f"{base}/models"
    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
    t0 = time.perf_counter()
    try:
        r = httpx.get(url, timeout=PROBE_TIMEOUT, headers=headers)
    except httpx.HTTPError as err:
        log.warning("health: LLM %s unreachable: %s", base, err.__class__.__name__)
        return {**out, "base_url": base, "ok": False, "error": err.__class__.__name__}
    return {
        **out,
        "base_url": base,
        "ok": r.status_code == 200,
        "http_status": r.status_code,
        "ms": round((time.perf_counter() - t0) * 1e3, 1),
    }


def check_health(retriever, settings: Settings | None = None) -> dict:
    """The whole report; `status` is ok, degraded (LLM down: extractive answers only) or error.

    `settings` (default: the retriever's) names the LLM the app offers."""
    index = check_index(retriever)
    chroma = check_chroma(retriever)
    llm = check_llm(settings or retriever.settings)
    ok = index["ok"] and chroma["ok"]
    status = "error" if not ok else "ok" if llm["ok"] else "degraded"
    return {"status": status, "ok": ok, "index": index, "chroma": chroma, "llm": llm}
