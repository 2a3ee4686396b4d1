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
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from rag.errors import RagError
    from rag.retrieve import Retriever, result_to_json

    settings = Settings.from_env().replace(top_k=args.top_k, index_dir=args.index_dir)
    try:
        results = Retriever(settings).search(args.query, settings.top_k)
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


if __name__ == "__main__":
    raise SystemExit(main())
