"""Build the curated corpus/ Markdown files from the raw texts in ../shared/corpus-sources.

Run once by a maintainer (``python -m ingest.curate --sources ../shared/corpus-sources``); the
output is committed. Wording stays as in the source: only web chrome, reader comments, stray
bullets and non-breaking spaces are removed, and paragraphs are separated by blank lines.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

NBSP = "\u00a0"


@dataclass(frozen=True)
class SourceSpec:
    raw_name: str
    meta: dict
    body: Callable[[str], list[str]]  # raw text -> Markdown blocks


def _lines(raw: str) -> list[str]:
    return [re.sub(r"[ \t]+", " ", ln.replace(NBSP, " ")).strip() for ln in raw.splitlines()]


def _between(lines: list[str], start: str | None, stop: str | None) -> list[str]:
    """Lines from the first that starts with `start` up to (not including) the first starting with `stop`."""
    i = 0 if start is None else next(k for k, ln in enumerate(lines) if ln.startswith(start))
    j = len(lines) if stop is None else next(k for k, ln in enumerate(lines) if k > i and ln.startswith(stop))
    return [ln for ln in lines[i:j] if ln]


def _blocks(lines: list[str], headings: dict[str, int]) -> list[str]:
    out = []
    for ln in lines:
        level = headings.get(ln)
        out.append(f"{'#' * level} {ln}" if level else ln)
    return out


def body_000(raw: str) -> list[str]:
    return _blocks(
        _between(_lines(raw), None, None),
        {"Siapa sih Pekerja Sosial itu?": 2, "Seperti Apa pelayanan yang dilakukan Pekerja Sosial?": 2},
    )


def body_001(raw: str) -> list[str]:
    return _between(_lines(raw), "Dewasa ini", "Sumbergambar:")


def body_002(raw: str) -> list[str]:
    lines = _between(_lines(raw), "Kesejahteraan sosial dalam", "4 thoughts on")
    # "social-worker" is the alt text of an image glued to the next paragraph.
    lines = [ln.removeprefix("social-worker") for ln in lines]
    return _blocks(lines, {"Referensi :": 2})


def body_003(raw: str) -> list[str]:
    lines = _lines(raw)
    # Term/definition pairs printed on two lines are one sentence.
    merged: list[str] = []
    for ln in lines:
        if merged and merged[-1] in {"Pekerjaan Sosial", "Praktik pekerjaan sosial"} and ln:
            merged[-1] = f"{merged[-1]} {ln}"
        elif ln:
            merged.append(ln)
    # A reader self-assessment list ("Apakah Anda ...?") states no facts.
    merged = [ln for ln in merged if not ln.startswith("- Apakah Anda")]
    return _blocks(merged, {"Jenis Pekerjaan Sosial": 2, "Apa Peran Pekerja Sosial": 2})


def body_004(raw: str) -> list[str]:
    lines = _between(_lines(raw), "Pengertian Pekerjaan Sosial", "Komentar")
    # Stray "ü" bullets from a Word symbol font become Markdown list items.
    lines = [re.sub(r"^ü\s*", "- ", ln) for ln in lines]
    heads = {
        "Pengertian Pekerjaan Sosial": 2,
        "Tujuan Pekerjaan Sosial": 2,
        "Fungsi Pekerjaan Sosial": 2,
        "Daftar Pustaka": 2,
        "Max Siporin (1975)": 3,
        "Allen Pincus dan Anne Minahan (1973 :9)": 3,
        "The International Federation of Social Workers (IFSW)": 3,
        "The Council on Social Work Education dalam tahun 1959": 3,
        "Asosiasi Nasional Pekerja Sosial Amerika Serikat": 3,
    }
    return _blocks(lines, heads)


def body_law(raw: str) -> list[str]:
    out = []
    for ln in _lines(raw):
        if not ln:
            continue
        if re.match(r"^BAB [IVXLC]+\b", ln) or ln.startswith("PENJELASAN ATAS") or re.match(r"^I{1,2}\. ", ln):
            out.append(f"## {ln}")
        elif re.match(r"^Bagian \w+ ", ln):
            out.append(f"### {ln}")
        elif re.match(r"^Pasal \d+[A-Z]?$", ln):
            out.append(f"#### {ln}")
        else:
            out.append(ln)
    return out


SPECS = [
    SourceSpec(
        "000_eb8a8cad0e179551.txt",
        {
            "id": "qureta-siapa-pekerja-sosial",
            "title": "Siapa sih Pekerja Sosial itu?",
            "author": None,
            "published": None,
            "publisher": "Qureta",
            "kind": "article",
            "notes": "Esai mahasiswa Ilmu Kesejahteraan Sosial. Judul asli tidak tercantum dalam teks; "
            "judul di sini diambil dari subjudul pertama. Penulis tidak tercantum. Tidak ada yang dihapus "
            "selain spasi berlebih.",
        },
        body_000,
    ),
    SourceSpec(
        "001_d3c73f15ab72051e.txt",
        {
            "id": "kompasiana-masa-depan-profesi",
            "title": "Pekerja Sosial, Masa Depan Profesi Pertolongan Profesional",
            "author": "Abd. Muhni Salam",
            "published": "2013-11-25",
            "publisher": "Kompasiana (rubrik Sosbud)",
            "kind": "article",
            "notes": "Dihapus: elemen halaman Kompasiana di atas (Mohon tunggu..., Laporkan Konten, jumlah "
            "pembaca) dan di bawah (kredit gambar, promosi kanal WhatsApp, kotak komentar).",
        },
        body_001,
    ),
    SourceSpec(
        "002_82790ac2abe6d382.txt",
        {
            "id": "wordpress-peksos-dalam-organisasi",
            "title": "Bisa Apa Pekerja Sosial dalam Organisasi ?",
            "author": "Achmad Tarich W (Ilmu Kesejahteraan Sosial FISIP UI '06)",
            "published": None,
            "publisher": 'Blog WordPress "Social Welfare"',
            "kind": "article",
            "notes": 'Dihapus: tiga komentar pembaca dan formulir komentar WordPress setelah "4 thoughts '
            'on ..." (komentar pertama berisi anggapan keliru bahwa pekerja sosial bekerja tanpa imbalan), '
            'serta teks alt gambar "social-worker" yang menempel pada satu paragraf.',
        },
        body_002,
    ),
    SourceSpec(
        "003_d0532617b8bd9060.txt",
        {
            "id": "web-pekerjaan-sosial",
            "title": "Pekerjaan Sosial",
            "author": None,
            "published": None,
            "publisher": "Halaman web (situs tidak diketahui)",
            "kind": "article",
            "notes": 'Dihapus: daftar pertanyaan refleksi diri untuk pembaca ("Apakah Anda ...?") yang '
            "bukan pernyataan fakta. Istilah dan definisinya yang tercetak di dua baris digabung jadi satu "
            "kalimat.",
        },
        body_003,
    ),
    SourceSpec(
        "004_2413b604b1af7415.txt",
        {
            "id": "blogspot-pengertian-tujuan-fungsi",
            "title": "Pengertian, Tujuan dan Fungsi Pekerjaan Sosial",
            "author": None,
            "published": None,
            "publisher": "Blog Blogspot",
            "kind": "article",
            "notes": "Dihapus: bagian komentar Blogger (Komentar, BalasHapus, Posting Komentar, Postingan "
            'Populer); butir "ü" dari font simbol Word diganti tanda daftar; spasi tak-putus dinormalkan. '
            "Ejaan asli (termasuk salah ketik) dibiarkan.",
        },
        body_004,
    ),
    SourceSpec(
        "uu-14-2019-pekerja-sosial.txt",
        {
            "id": "uu-14-2019",
            "title": "Undang-Undang Republik Indonesia Nomor 14 Tahun 2019 tentang Pekerja Sosial",
            "short": "UU 14/2019",
            "author": "Presiden Republik Indonesia dan DPR RI",
            "published": "2019-10-02",
            "publisher": "Lembaran Negara RI Tahun 2019 Nomor 182, Tambahan LN Nomor 6397",
            "kind": "law",
            "notes": "Batang tubuh (12 BAB, Pasal 1-69) dengan blok pengesahan; Penjelasan resmi tidak "
            "termasuk. Disahkan 1 Oktober 2019, diundangkan 2 Oktober 2019. Ditranskripsi dari PDF resmi "
            "(mblonyox/data-peraturan, uu/2019/14.md). Hanya penanda judul Markdown yang ditambahkan.",
        },
        body_law,
    ),
    SourceSpec(
        "uu-11-2009-kesejahteraan-sosial.txt",
        {
            "id": "uu-11-2009",
            "title": "Undang-Undang Republik Indonesia Nomor 11 Tahun 2009 tentang Kesejahteraan Sosial",
            "short": "UU 11/2009",
            "author": "Presiden Republik Indonesia dan DPR RI",
            "published": "2009-01-16",
            "publisher": "Lembaran Negara RI Tahun 2009 Nomor 12, Tambahan LN Nomor 4967",
            "kind": "law",
            "notes": "BAB I-XI (Pasal 1-60) dan Penjelasan. Ketentuan tentang pekerja sosial profesional "
            "(Pasal 1 angka 4, Pasal 33 ayat (2), Pasal 52 ayat (3) sampai (6)) dicabut oleh UU 14/2019 "
            "Pasal 66. Ditranskripsi dari PDF resmi (mblonyox/data-peraturan, uu/2009/11.md). Hanya penanda "
            "judul Markdown yang ditambahkan.",
            "revoked": ["Pasal 1 angka 4", "Pasal 33 ayat (2)", "Pasal 52 ayat (3)-(6)"],
        },
        body_law,
    ),
]

URLS = {
    "uu-14-2019": "https://github.com/mblonyox/data-peraturan/blob/bccf50bb/uu/2019/14.md",
    "uu-11-2009": "https://github.com/mblonyox/data-peraturan/blob/bccf50bb/uu/2009/11.md",
}


def render(spec: SourceSpec, raw: str) -> str:
    meta = {**spec.meta, "language": "id", "source_file": spec.raw_name}
    if meta["id"] in URLS:
        meta["url"] = URLS[meta["id"]]
    meta = {k: v for k, v in meta.items() if v is not None}
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
    return f"---\n{head}---\n\n" + "\n\n".join(spec.body(raw)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=Path, default=Path("../shared/corpus-sources"))
    parser.add_argument("--out", type=Path, default=Path("corpus"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for spec in SPECS:
        raw = (args.sources / spec.raw_name).read_text(encoding="utf-8")
        path = args.out / f"{spec.meta['id']}.md"
        path.write_text(render(spec, raw), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
