"""Loaders on files the tests generate: real PDFs (multi-page, encrypted, truncated), Word, HTML, text."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas

from assistant.errors import IngestError
from ingest.loaders import load


def make_pdf(path: Path, pages: list[str]) -> Path:
    c = canvas.Canvas(str(path))
    for text in pages:
        y = 800
        for line in text.split("\n"):
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def test_pdf_keeps_page_numbers(tmp_path):
    pdf = make_pdf(tmp_path / "rapport.pdf", ["Inleiding", "Het verlof duurt zestien weken.", "Slot"])
    pages = load(pdf)
    assert [p.number for p in pages] == [1, 2, 3]
    assert "zestien weken" in pages[1].text


def test_encrypted_pdf_is_reported_by_name(tmp_path):
    plain = make_pdf(tmp_path / "plain.pdf", ["Geheim"])
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="geheim", owner_password="eigenaar", algorithm="AES-128")
    locked = tmp_path / "beveiligd.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(IngestError) as err:
        load(locked)
    assert err.value.path.name == "beveiligd.pdf"
    assert "encrypted" in err.value.reason


def test_truncated_pdf_is_reported(tmp_path):
    whole = make_pdf(tmp_path / "heel.pdf", ["Een", "Twee"]).read_bytes()
    broken = tmp_path / "kapot.pdf"
    broken.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(IngestError) as err:
        load(broken)
    assert "kapot.pdf" in str(err.value)


@pytest.mark.parametrize("name", ["leeg.pdf", "leeg.txt", "leeg.docx", "leeg.html"])
def test_empty_file_is_reported(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(IngestError) as err:
        load(path)
    assert err.value.path.name == name


def test_undecodable_text_is_reported(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("café, één, geïnd".encode("latin-1"))
    with pytest.raises(IngestError, match="UTF-8"):
        load(path)


def test_docx_headings_and_lists(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Integriteit", level=1)
    document.add_paragraph("Meld een vermoeden bij de burgemeester.")
    document.add_paragraph("Schakel een vertrouwenspersoon in", style="List Bullet")
    path = tmp_path / "regel.docx"
    document.save(path)
    text = load(path)[0].text
    assert "# Integriteit" in text
    assert "- Schakel een vertrouwenspersoon in" in text


def test_html_structure(tmp_path):
    path = tmp_path / "pagina.html"
    path.write_text(
        "<html><head><title>x</title><script>var a=1;</script></head><body><h2>Verlof</h2>"
        "<p>Het verlof duurt zestien weken.</p><ul><li>ziekte</li><li>zwangerschap</li></ul></body></html>",
        encoding="utf-8",
    )
    text = load(path)[0].text
    assert "## Verlof" in text and "- ziekte" in text and "var a" not in text


def test_unsupported_type_is_reported(tmp_path):
    path = tmp_path / "foto.png"
    path.write_bytes(b"\x89PNG")
    with pytest.raises(IngestError, match="unsupported"):
        load(path)
