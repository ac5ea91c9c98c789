"""One loader per file format; each returns the file's pages as Markdown-like text.

Headings come out as '#' lines, list items as '- ' lines, table rows as tab-separated cells, so
that one parser (ingest.chunking) finds the structure of every format alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from assistant.errors import IngestError


MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What reading one file may cost: its size, a PDF's pages, what a Word file unpacks to (a zip bomb's
    few kilobytes may unpack to gigabytes). WIJZER_INGEST_MAX_* in assistant/config.py."""

    file_mb: int = 50
    pdf_pages: int = 2000
    unzipped_mb: int = 200

    @classmethod
    def of(cls, settings) -> "Limits":
        return cls(settings.ingest_max_file_mb, settings.ingest_max_pdf_pages, settings.ingest_max_unzipped_mb)


@dataclass(frozen=True)
class Page:
    text: str
    number: int | None = None  # 1-based page number where the format has pages


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(path, "the file is empty")
    if b"\x00" in data[:4096]:
        raise IngestError(path, "the file is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"the file is not valid UTF-8 text (byte {exc.start})") from exc


def load_text(path: Path) -> list[Page]:
    return [Page(_decode(path))]


def load_html(path: Path) -> list[Page]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(path), "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "head"]):
        tag.decompose()
    lines: list[str] = []
    for el in soup.find_all(["h1", "h2", "h3", "h4", "p", "li", "tr"]):
        text = " ".join(el.get_text(" ", strip=True).split())
        if not text:
            continue
        if el.name in ("h1", "h2", "h3", "h4"):
            lines.append("#" * int(el.name[1]) + " " + text)
        elif el.name == "li":
            lines.append("- " + text)
        elif el.name == "tr":
            lines.append("\t".join(c.get_text(" ", strip=True) for c in el.find_all(["td", "th"])))
        elif el.find_parent(["li", "td", "th"]) is None:
            lines.append(text)
    text = "\n\n".join(lines)
    if not text.strip():
        raise IngestError(path, "the HTML page holds no text")
    return [Page(text)]


def load_pdf(path: Path, max_pages: int | None = None) -> list[Page]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if path.stat().st_size == 0:
        raise IngestError(path, "the file is empty")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for unsupported ciphers
                raise IngestError(path, f"the PDF is encrypted and cannot be opened ({exc})") from exc
            if not opened:
                raise IngestError(path, "the PDF is encrypted with a password")
        count = len(reader.pages)
        if max_pages is not None and count > max_pages:
            raise IngestError(path, f"the PDF has {count} pages, more than the limit of {max_pages}")
        pages = [Page(page.extract_text() or "", i + 1) for i, page in enumerate(reader.pages)]
    except IngestError:
        raise
    except RecursionError as exc:  # a page tree that points back into itself
        raise IngestError(path, "the PDF's page tree loops back on itself") from exc
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise IngestError(path, f"the PDF is damaged or truncated ({exc})") from exc
    if not any(p.text.strip() for p in pages):
        raise IngestError(path, "the PDF has no extractable text (scanned or empty)")
    return pages


def load_docx(path: Path) -> list[Page]:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if path.stat().st_size == 0:
        raise IngestError(path, "the file is empty")
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise IngestError(path, f"the Word file is damaged ({exc})") from exc
    lines: list[str] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name or "").lower() if para.style is not None else ""
        if style.startswith("heading") or style == "title":
            level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
            lines.append("#" * min(level, 4) + " " + text)
        elif "list" in style:
            lines.append("- " + text)
        else:
            lines.append(text)
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text.strip() for cell in row.cells))
    text = "\n\n".join(lines)
    if not text.strip():
        raise IngestError(path, "the Word file holds no text")
    return [Page(text)]


LOADERS: dict[str, Callable[[Path], list[Page]]] = {
    ".txt": load_text,
    ".md": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}


def _check_unpacked(path: Path, limit_mb: int) -> None:
    """A Word file is a zip: refuse one that would unpack to more than the limit, before unpacking it. (A
    member that unpacks to more than it declares fails its checksum when python-docx reads it.)"""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise IngestError(path, f"the Word file is damaged ({exc})") from exc
    if total > limit_mb * MB:
        raise IngestError(path, f"the Word file unpacks to {total // MB} MB, more than the limit of {limit_mb} MB")


def load(path: Path, limits: Limits = Limits()) -> list[Page]:
    """Read one file into pages, or raise IngestError naming the file and the reason."""
    suffix = path.suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        raise IngestError(path, f"unsupported file type {path.suffix!r}")
    size = path.stat().st_size
    if size > limits.file_mb * MB:
        raise IngestError(path, f"the file is {size // MB} MB, more than the limit of {limits.file_mb} MB")
    if suffix == ".pdf":
        return load_pdf(path, limits.pdf_pages)
    if suffix == ".docx" and size:
        _check_unpacked(path, limits.unzipped_mb)
    return loader(path)
