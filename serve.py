"""A class deployment: the Gradio app against a Chroma server, with a JSON health endpoint.

    python serve.py --host 0.0.0.0 --port 7860 --chroma-host 127.0.0.1 --chroma-port 8000

(`make serve`). The app is the one `app.py` builds, mounted on a FastAPI app that also answers
GET /kesehatan (alias /health): index, Chroma and LLM status as JSON, HTTP 503 when questions cannot be
answered. An admin password (TANYA_ADMIN_PASSWORD) is required; a class server is reachable by others.
"""

from __future__ import annotations

import argparse
import logging
import sys

from rag.config import Settings

log = logging.getLogger("tanya_peksos.serve")


def build_server(settings: Settings, answerer, demo):
    """A FastAPI app with the health routes and `demo` mounted at /; nothing is started."""
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    from app import launch_kwargs
    from rag.health import check_health

    server = FastAPI(title="Tanya Peksos", docs_url=None, redoc_url=None, openapi_url=None)

    def health():
        report = check_health(answerer.retriever, answerer.settings)
        return JSONResponse(report, status_code=200 if report["ok"] else 503)

    # Routes added before the mount take precedence over Gradio's catch-all at "/".
    server.add_api_route("/kesehatan", health, methods=["GET"])
    server.add_api_route("/health", health, methods=["GET"])
    kw = launch_kwargs(settings)
    return gr.mount_gradio_app(
        server,
        demo,
        path="/",
        server_name=settings.host,
        server_port=settings.port,
        footer_links=kw["footer_links"],
        show_error=kw["show_error"],
        css=kw["css"],
        js=kw["js"],
        run_history=False,
    )


def build_parser() -> argparse.ArgumentParser:
    from app import build_parser as app_parser

    p = app_parser("Jalankan Tanya Peksos untuk kelas (server Chroma, pemeriksaan kesehatan).")
    p.add_argument("--chroma-host", help="alamat server Chroma (`chroma run`), wajib")
    p.add_argument("--chroma-port", type=int, help="port server Chroma (bawaan 8000)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from app import configure_logging, open_answerer

    configure_logging("chromadb")
    settings = Settings.from_env().replace(
        host=args.host,
        port=args.port,
        chroma_host=args.chroma_host,
        chroma_port=args.chroma_port,
        index_dir=args.index_dir,
        corpus_dir=args.corpus_dir,
    )
    if not settings.chroma_host:
        print("Server Chroma belum ditentukan: jalankan `make chroma`, lalu setel CHROMA_HOST.", file=sys.stderr)
        return 2
    if not settings.admin_password:
        print("Kata sandi admin belum disetel: setel TANYA_ADMIN_PASSWORD sebelum `make serve`.", file=sys.stderr)
        return 2
    answerer = open_answerer(
        settings, ingest=not args.no_ingest, where=f" (Chroma di {settings.chroma_host}:{settings.chroma_port})"
    )
    if answerer is None:
        return 1
    import uvicorn

    from app import build_app
    from ui.sessions import start_session_sweeper

    demo = build_app(settings, answerer)
    demo.queue(default_concurrency_limit=4, max_size=64)
    demo.state_session_capacity = settings.max_sessions  # launch() takes it as an argument; mounting does not
    server = build_server(settings, answerer, demo)
    start_session_sweeper(demo, settings.session_idle_minutes)
    print(f"Running on http://{settings.host}:{settings.port} (kesehatan: /kesehatan)", flush=True)
    uvicorn.run(server, host=settings.host, port=settings.port, log_level="warning", timeout_graceful_shutdown=5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
