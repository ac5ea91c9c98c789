"""A draft as the member receives it: e-mail text, or a Word document with the source list."""

from __future__ import annotations

import io
import re

from docx import Document
from docx.shared import Pt

from assistant.models import Citation
from assistant.templates import Templates

_MARKDOWN = re.compile(r"(\*\*|__|\*|_)(.+?)\1")


def plain(text: str) -> str:
    """The answer without Markdown emphasis, for e-mail and Word."""
    return _MARKDOWN.sub(r"\2", text)


def where(c: Citation) -> str:
    parts = [f"p. {c.page}" if c.page else "", c.section or ""]
    return ", ".join(p for p in parts if p)


def source_lines(sources: list[Citation]) -> list[str]:
    return [f"[{c.n}] {c.document}" + (f" ({where(c)})" if where(c) else "") + f": “{c.quote}”" for c in sources]


def email_text(templates: Templates, answer: str, sources: list[Citation], member_name: str, author: str) -> str:
    """The e-mail: greeting, the answer, the sources, the signature (prompts/staff_email.md)."""
    return templates.render("staff_email", greeting=member_name or "", answer=plain(answer),
                            sources="\n".join(source_lines(sources)), author=author).strip() + "\n"


def docx_bytes(title: str, answer: str, sources: list[Citation], sources_heading: str) -> bytes:
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(title, level=1)
    for paragraph in plain(answer).split("\n\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph.strip())
    if sources:
        document.add_heading(sources_heading, level=2)
        for line in source_lines(sources):
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
