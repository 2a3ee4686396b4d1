"""Loaders: Markdown with front matter, PDF, DOCX, HTML; bad files skipped with a named warning."""

from __future__ import annotations

import logging

import pytest

from ingest.load import load_document, load_documents
from rag.errors import CorpusFileError


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with `text` in Helvetica, with a correct xref table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_markdown_front_matter(tmp_path):
    p = tmp_path / "a.md"
    p.write_text(
        "---\nid: contoh\ntitle: Judul Contoh\nkind: article\n---\n\nIsi paragraf pertama.\n", encoding="utf-8"
    )
    doc = load_document(p)
    assert (doc.source_id, doc.title, doc.kind) == ("contoh", "Judul Contoh", "article")
    assert doc.text.strip() == "Isi paragraf pertama."


def test_text_without_front_matter_gets_id_and_title_from_file(tmp_path):
    p = tmp_path / "Catatan Kuliah.txt"
    p.write_text("Pekerja sosial membantu klien.\n\nParagraf kedua.", encoding="utf-8")
    doc = load_document(p)
    assert doc.source_id == "catatan-kuliah"
    assert doc.title == "Pekerja sosial membantu klien."


def test_pdf(tmp_path):
    p = tmp_path / "modul.pdf"
    p.write_bytes(minimal_pdf("Pekerja sosial membantu klien mencapai keberfungsian sosial."))
    doc = load_document(p)
    assert "keberfungsian sosial" in doc.text
    assert doc.source_id == "modul"


def test_docx_headings_become_markdown(tmp_path):
    import docx

    d = docx.Document()
    d.core_properties.title = "Modul Praktik"
    d.core_properties.author = "Dosen A"
    d.add_heading("Pengertian", level=1)
    d.add_paragraph("Pekerjaan sosial adalah profesi pertolongan.")
    p = tmp_path / "modul.docx"
    d.save(p)
    doc = load_document(p)
    assert doc.title == "Modul Praktik"
    assert doc.meta["author"] == "Dosen A"
    assert "## Pengertian" in doc.text
    assert "Pekerjaan sosial adalah profesi pertolongan." in doc.text


def test_html_main_text_without_chrome(tmp_path):
    body = " ".join(["Pekerja sosial bekerja dengan individu, keluarga, dan masyarakat."] * 6)
    html = f"""<html><head><title>Artikel Peksos</title></head><body>
    <nav>Beranda | Kontak | Login</nav>
    <article><h1>Artikel Peksos</h1><p>{body}</p><p>{body}</p></article>
    <footer>Hak cipta 2024 situs contoh</footer></body></html>"""
    p = tmp_path / "artikel.html"
    p.write_text(html, encoding="utf-8")
    doc = load_document(p)
    assert "Pekerja sosial bekerja dengan individu" in doc.text
    assert "Login" not in doc.text
    assert doc.title == "Artikel Peksos"


@pytest.mark.parametrize(
    "name,data,expect",
    [
        ("latin1.txt", "Kesejahteraan sosial \u00e9t\u00e9 caf\u00e9".encode("latin-1"), "UTF-8"),
        ("biner.md", b"\x00\x01\x02\x03binary\x00", "biner"),
        ("kosong.md", b"  \n\n", "kosong"),
        ("rusak.md", b"---\ntitle: [tidak ditutup\n---\nIsi.\n", "front matter"),
        ("tanpa-penutup.md", b"---\ntitle: a\nIsi tanpa penutup front matter.\n", "front matter"),
        ("gambar.png", b"\x89PNG\r\n", "tidak didukung"),
        ("rusak.pdf", b"%PDF-1.4 not really a pdf", "PDF"),
        ("rusak.docx", b"PK not a zip", "DOCX"),
    ],
)
def test_bad_files_raise_named_error(tmp_path, name, data, expect):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(CorpusFileError) as err:
        load_document(p)
    assert name in str(err.value)
    assert expect in str(err.value)


def test_load_documents_skips_bad_keeps_good_and_flags_duplicates(tmp_path, caplog):
    (tmp_path / "baik.md").write_text("---\nid: baik\ntitle: Baik\n---\n\nTeks yang baik.\n", encoding="utf-8")
    (tmp_path / "salinan.md").write_text("---\nid: salinan\ntitle: Salinan\n---\n\nTeks yang baik.\n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("caf\u00e9".encode("latin-1"))
    (tmp_path / "README.md").write_text("catatan untuk pengelola", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        docs, skipped = load_documents(tmp_path)
    assert [d.source_id for d, _ in docs] == ["baik"]
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in skipped}
    assert set(reasons) == {"latin1.txt", "salinan.md"}
    assert "baik" in reasons["salinan.md"]
    assert "latin1.txt" in caplog.text
