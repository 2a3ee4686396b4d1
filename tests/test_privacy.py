"""No outbound connection during ingest, questions and UI use; local-only defaults."""

from __future__ import annotations

from tests.conftest import OUTBOUND_ATTEMPTS, free_port, make_settings


def test_ingest_answer_and_ui_stay_on_this_machine(tmp_path, small_corpus, embedder):
    from gradio_client import Client

    from app import build_app, launch_kwargs
    from ingest.pipeline import run_ingest
    from rag.answer import Answerer
    from rag.retrieve import Retriever

    settings = make_settings(tmp_path, small_corpus, port=free_port(), feedback_path=tmp_path / "fb.jsonl")
    before = list(OUTBOUND_ATTEMPTS)
    run_ingest(settings, show_progress=False, embedder=embedder)
    answerer = Answerer(settings, Retriever(settings, embedder))
    assert answerer.answer("Apa kewajiban Pekerja Sosial?").citations
    demo = build_app(settings, answerer)
    demo.queue().launch(prevent_thread_lock=True, quiet=True, **launch_kwargs(settings))
    try:
        Client(f"http://127.0.0.1:{settings.port}/", verbose=False).predict(
            "Apa itu klien?", [], "extractive", 5, api_name="/tanya"
        )
    finally:
        demo.close()
    assert OUTBOUND_ATTEMPTS == before, OUTBOUND_ATTEMPTS


def test_local_only_defaults():
    import os

    from app import launch_kwargs
    from rag.config import Settings

    kw = launch_kwargs(Settings())
    assert kw["server_name"] == "127.0.0.1" and kw["share"] is False
    assert os.environ.get("GRADIO_ANALYTICS_ENABLED") == "False"
    from chromadb.config import Settings as ChromaSettings

    from rag import store

    assert "anonymized_telemetry=False" in open(store.__file__, encoding="utf-8").read()
    assert ChromaSettings(anonymized_telemetry=False).anonymized_telemetry is False
