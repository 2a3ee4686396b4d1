"""python -m rag search "..." [-k 5] [--json]"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from rag.config import Settings


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m rag", description="Cari di korpus Tanya Peksos.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("search", help="cari potongan teks yang relevan")
    s.add_argument("query")
    s.add_argument("-k", type=int, dest="top_k", help="jumlah hasil (bawaan 5)")
    s.add_argument("--json", action="store_true", help="keluaran JSON")
    s.add_argument("--index", type=Path, dest="index_dir")
    _scope_options(s)
    s.add_argument("--corpus", type=Path, dest="corpus_dir")
    a = sub.add_parser("ask", help="jawab pertanyaan dengan kutipan sumber")
    a.add_argument("question", nargs="?")
    a.add_argument(
        "--batch",
        type=Path,
        help='berkas JSONL ({"question": ..., "history": [...], "id": ...} per baris); satu baris JSON per jawaban',
    )
    a.add_argument("--corpus", type=Path, dest="corpus_dir")
    a.add_argument("--engine", default=None, help="extractive (bawaan), openai, atau ollama")
    a.add_argument("--history", action="append", default=[], help="pertanyaan sebelumnya (boleh diulang)")
    a.add_argument("--json", action="store_true", help="keluaran JSON")
    a.add_argument("-k", type=int, dest="top_k")
    a.add_argument("--index", type=Path, dest="index_dir")
    _scope_options(a)
    return p


def _scope_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source",
        action="append",
        default=[],
        dest="sources",
        metavar="ID",
        help="hanya dari dokumen ini (boleh diulang)",
    )
    p.add_argument("--kind", choices=["law", "article"], help="hanya peraturan (law) atau artikel (article)")


def _scope(args):
    from rag.types import Scope

    return Scope(tuple(args.sources), args.kind)


def _unknown_sources(args, retriever) -> bool:
    """Print an error for --source ids the index does not hold."""
    docs = retriever.generation.manifest.get("documents", {})
    unknown = [sid for sid in args.sources if sid not in docs]
    if unknown:
        print(
            f"Gagal: tidak ada dokumen dengan id {', '.join(unknown)} (lihat `python -m ingest list`).", file=sys.stderr
        )
    return bool(unknown)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from rag.errors import RagError
    from rag.retrieve import Retriever, result_to_json

    settings = Settings.from_env().replace(top_k=args.top_k, index_dir=args.index_dir, corpus_dir=args.corpus_dir)
    if args.command == "ask" and args.batch is not None:
        return _batch(args, settings)
    if args.command == "ask" and not args.question:
        print("Gagal: tulis pertanyaan, atau pakai --batch BERKAS.jsonl", file=sys.stderr)
        return 2
    if args.command == "ask":
        return _ask(args, settings)
    try:
        retriever = Retriever(settings)
        if _unknown_sources(args, retriever):
            return 1
        results = retriever.search(args.query, settings.top_k, _scope(args))
    except RagError as err:
        print(f"Gagal: {err}", file=sys.stderr)
        return 1
    if args.json:
        payload = {"query": args.query, "results": [result_to_json(r) for r in results]}
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return 0
    for n, r in enumerate(results, 1):
        c = r.chunk
        print(f"[{n}] {c.title} — {c.locator} (skor {r.score:.4f})")
        print("    " + c.text[:300].replace("\n", " ") + ("…" if len(c.text) > 300 else ""))
    return 0


def _batch(args, settings: Settings) -> int:
    """One JSON line per question of a JSONL file, in the `ask --json` contract (plus its `id`)."""
    from rag.answer import Answerer, answer_to_json
    from rag.errors import RagError
    from rag.retrieve import Retriever

    engine = args.engine or settings.llm_backend or "extractive"
    try:
        lines = args.batch.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        print(f"Gagal: berkas {args.batch} tidak bisa dibaca ({err.__class__.__name__})", file=sys.stderr)
        return 1
    try:
        answerer = Answerer(settings, Retriever(settings))
    except RagError as err:
        print(f"Gagal: {err}", file=sys.stderr)
        return 1
    bad = 0
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            row = row if isinstance(row, dict) else {"question": str(row)}
            question = str(row["question"])
        except (ValueError, KeyError, TypeError):
            print(f'baris {no}: bukan JSON dengan kunci "question"; dilewati', file=sys.stderr)
            bad += 1
            continue
        try:
            ans = answerer.answer(question, list(row.get("history") or []), engine=engine)
        except RagError as err:
            print(f"baris {no}: gagal ({err})", file=sys.stderr)
            bad += 1
            continue
        out = answer_to_json(ans)
        if "id" in row:
            out = {"id": row["id"], **out}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 1 if bad else 0


def _ask(args, settings: Settings) -> int:
    from rag.answer import Answerer, answer_to_json
    from rag.errors import RagError
    from rag.retrieve import Retriever

    engine = args.engine or settings.llm_backend or "extractive"
    try:
        answerer = Answerer(settings, Retriever(settings))
        if _unknown_sources(args, answerer.retriever):
            return 1
        if args.json:
            ans = answerer.answer(args.question, args.history, engine=engine, scope=_scope(args))
        else:
            ans = None
            for event in answerer.stream(args.question, args.history, engine=engine, scope=_scope(args)):
                if isinstance(event, str):
                    print(event, end="", flush=True)
                else:
                    ans = event
            if ans.engine != "extractive" and not ans.fallback_reason:
                print()
    except RagError as err:
        print(f"Gagal: {err}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(answer_to_json(ans), ensure_ascii=False, indent=1))
        return 0
    if ans.engine == "extractive" or ans.fallback_reason or ans.abstained:
        if ans.fallback_reason:
            print(f"\n[Catatan: model bahasa gagal ({ans.fallback_reason}); jawaban ekstraktif dipakai.]")
        print(ans.text)
    if ans.notice:
        print(f"[{ans.notice}]")
    if ans.search_query and ans.search_query != ans.question:  # a follow-up, rewritten from the history
        print(f"[Pertanyaan lanjutan dicari sebagai: {ans.search_query}]")
    label = "Bagian terdekat" if ans.abstained else "Sumber"
    shown = ans.retrieved if ans.abstained else [c for c in ans.citations]
    print(f"\n{label}:")
    for item in shown:
        chunk = item.chunk
        n = getattr(item, "n", None) or ans.retrieved.index(item) + 1
        print(f"  [{n}] {chunk.title} — {chunk.locator}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
