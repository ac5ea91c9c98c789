"""Splits cleaned blocks into sections under their headings, then into chunks that keep lists and tables whole."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.language import SENTENCE_END
from ingest.cleaning import blocks
from ingest.loaders import Page


@dataclass
class Block:
    lines: list[str]
    section: str | None
    page: int | None
    heading: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class ChunkText:
    text: str
    section: str | None
    page: int | None


def _norm(title: str) -> str:
    return re.sub(r"[^a-zà-ÿ]", "", title.lower())


def table_of_contents(pages: list[Page]) -> set[str]:
    """Chapter titles from a contents table ('Voorwoord<TAB>4'), normalised for matching headings."""
    titles = set()
    for page in pages:
        for line in page.text.splitlines():
            match = re.match(r"^\s*(.+?)\t+\s*\d{1,3}\s*$", line)
            if match and _norm(match.group(1)):
                titles.add(_norm(match.group(1)))
    return titles


def heading_level(lines: list[str], toc: set[str] = frozenset()) -> int | None:
    """The level of a heading block, or None when the block is body text. A document with a
    contents table has its chapters at level 1; other plain-text headings are level 2."""
    if len(lines) != 1:
        return None
    line = lines[0]
    if line.startswith("#"):
        return min(len(line) - len(line.lstrip("#")), 4)
    if line.startswith("- ") or "|" in line or len(line) > 80 or len(line.split()) > 12:
        return None
    if line[-1] in ".,;:" or not (line[0].isupper() or line[0] in "0123456789"):
        return None
    if toc:
        norm = _norm(line)
        return 1 if any(norm.startswith(t) or t.startswith(norm) for t in toc if len(norm) > 3) else 2
    if re.match(r"^\d+\.?\s+\S", line) and not line.endswith("?"):
        return 1  # numbered chapter, e.g. "3 Een toegesneden rechtspositie"
    return 2


def structure(pages: list[Page], drop_fragments: bool = False) -> list[Block]:
    """Every block labelled with the heading path it stands under and its page."""
    stack: dict[int, str] = {}
    out: list[Block] = []
    toc = table_of_contents(pages)
    for page in pages:
        for lines in blocks(page.text, drop_fragments=drop_fragments):
            level = heading_level(lines, toc)
            if level is not None:
                title = lines[0].lstrip("#").strip()
                stack = {k: v for k, v in stack.items() if k < level}
                stack[level] = title
                # Headings stay in the chunk text, marked, so they help retrieval but are never quoted as answers.
                out.append(Block([f"## {title}"], " › ".join(stack[k] for k in sorted(stack)), page.number, True))
                continue
            section = " › ".join(stack[k] for k in sorted(stack)) or None
            out.append(Block(lines, section, page.number))
    return out


def _split_long(text: str, limit: int) -> list[str]:
    """Split a block longer than the limit at line boundaries, then at sentence boundaries."""
    pieces: list[tuple[str, str]] = []  # (joiner before the piece, piece)
    for line in text.split("\n"):
        parts = SENTENCE_END.split(line) if len(line) > limit else [line]
        pieces += [("\n" if i == 0 else " ", part) for i, part in enumerate(parts)]
    out: list[str] = []
    current = ""
    for joiner, piece in pieces:
        if current and len(current) + len(piece) + 1 > limit:
            out.append(current)
            current = piece
        else:
            current = f"{current}{joiner}{piece}" if current else piece
    if current:
        out.append(current)
    return out


def chunk(blocks_: list[Block], limit: int = 1200, min_chars: int = 300) -> list[ChunkText]:
    """Pack blocks into chunks of at most `limit` characters, starting anew at headings
    once the current chunk holds `min_chars`, so a heading stays with the text under it."""
    out: list[ChunkText] = []
    parts: list[str] = []
    section: str | None = None
    page: int | None = None

    def flush() -> None:
        nonlocal parts, section, page
        body = "\n".join(parts).strip()
        if body and any(c.isalpha() for c in body):
            out.append(ChunkText(body, section, page))
        parts, section, page = [], None, None

    for block in blocks_:
        size = sum(len(p) + 1 for p in parts)
        if block.heading:
            if size >= min_chars:
                flush()
            if not parts:
                section, page = block.section, block.page
            parts.append(block.text)
            continue
        for piece in _split_long(block.text, limit) if len(block.text) > limit else [block.text]:
            size = sum(len(p) + 1 for p in parts)
            if parts and size + len(piece) > limit and size >= min_chars // 2:
                flush()
            if not parts or section is None:
                section = section or block.section
                page = page if page is not None else block.page
            parts.append(piece)
    flush()
    return out
