"""Turns extracted text into readable blocks: list markup, emphasis and slide fragments removed."""

from __future__ import annotations

import re

_TAG = re.compile(r"<[^>]+>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_BULLET = re.compile(r"^\s*(?:[-*•▪◦–]|\d+[.)])\s+")
_LONE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")


def _inline(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = text.replace("\u00a0", " ").replace("\u00ad", "")
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _table_row(line: str) -> list[str]:
    """A tab-separated row; a cell of HTML list markup becomes '- ' items under the first cell."""
    cells = [c.strip() for c in line.split("\t")]
    if any("<ul" in c or "<li" in c or "•" in c for c in cells[1:]):
        label = _inline(_TAG.sub(" ", cells[0]))
        items: list[str] = []
        for cell in cells[1:]:
            plain = _TAG.sub("•", cell)
            items += [_inline(i) for i in plain.split("•") if _inline(i)]
        if not items:
            return []
        return [f"{label}:"] + [f"- {i}" for i in items]
    cells = [_inline(_TAG.sub(" ", c)) for c in cells]
    cells = [c for c in cells if c]
    if len(cells) <= 1:
        return []  # a row whose cells are empty says nothing on its own
    return [" | ".join(cells)]


def clean_block(block: str) -> list[str]:
    """Clean one block (text between blank lines) into lines; [] when nothing readable is left."""
    lines: list[str] = []
    for raw in block.splitlines():
        if not raw.strip() or _LONE_NUMBER.match(raw) or raw.strip() in {"---", "***"}:
            continue
        if "\t" in raw.strip():
            lines += _table_row(raw.strip())
            continue
        if "<" in raw and _TAG.search(raw):
            raw = _TAG.sub(" ", raw)
        if "•" in raw and not raw.lstrip().startswith("•"):
            head, *items = raw.split("•")
            lines += ([_inline(head)] if _inline(head) else []) + [f"- {_inline(i)}" for i in items if _inline(i)]
            continue
        line = _inline(raw)
        if _BULLET.match(line) and not line.startswith("#"):
            line = "- " + _BULLET.sub("", line)
        elif line and lines and not line.startswith("#") and not lines[-1].endswith(":") and " | " not in lines[-1]:
            lines[-1] = f"{lines[-1]} {line}"  # a wrapped line continues the sentence or list item before it
            continue
        if line:
            lines.append(line)
    return lines


_GLOSS = re.compile(r"^([A-Z][A-Za-z-]{2,}) \(([A-Za-z-]{2,})\)")  # a term and its gloss: 'VOLATILITY (VLUCHTIGHEID)'
_ACRONYM = re.compile(r"^[A-Z]{2,8}$")


def glossed_initials(blocks_: list[list[str]]) -> set[str]:
    """The first letters of the terms a slide glosses, 'VOLATILITY (VLUCHTIGHEID)': an acronym made of them
    ('VUCA') is what the slide is about, not a scattered word."""
    return {m.group(1)[0] for lines in blocks_ for line in lines if (m := _GLOSS.match(line))}


def is_gloss(lines: list[str], initials: set[str]) -> bool:
    """A term with its gloss in brackets, or an acronym spelled out by the page's glossed terms."""
    return len(lines) == 1 and bool(_GLOSS.match(lines[0]) or (_ACRONYM.match(lines[0]) and len(lines[0]) <= len(initials)
                                                              and set(lines[0]) <= initials))


def is_slide_fragment(lines: list[str], initials: set[str] = frozenset()) -> bool:
    """Words scattered over a slide (image captions, cut-up titles): short lines, no sentences. Glosses
    (is_gloss) are kept."""
    if not lines or any(line.startswith(("#", "- ")) for line in lines) or is_gloss(lines, initials):
        return False
    words = sum(len(line.split()) for line in lines)
    if len(lines) == 1:
        line = lines[0]
        return len(line) < 40 and (not line[:1].isupper() or line.isupper() or len(line.replace(" ", "")) < 5)
    return all(len(line) <= 32 for line in lines) and words <= 14 and not lines[-1].endswith(".")


def _continues(before: str, line: str) -> bool:
    """Whether `line` goes on with the sentence `before` ends in: that one stops mid-sentence (a letter or
    a comma, no heading) and this one starts with a lower-case word."""
    return (not before.startswith("#") and bool(re.search(r"[a-zà-ÿ,]$", before))
            and bool(re.match(r"[a-zà-ÿ]{2,}\b", line)))


# A block wholly in bold, of a few words: on a slide, one of a row of key words ('**ondersteuning**').
_BOLD_WORDS = re.compile(r"\s*\*\*[^*]{2,40}\*\*\s*")
# How many such blocks in a row make a list: the slide's key words, not a stray caption.
BOLD_RUN = 3


def _bold_runs(raws: list[str]) -> set[int]:
    """The positions of the blocks that stand in a run of at least BOLD_RUN wholly bold blocks of a few words."""
    bold = [bool(_BOLD_WORDS.fullmatch(raw)) and len(raw.split()) <= 4 for raw in raws]
    out: set[int] = set()
    start = 0
    for i in range(len(bold) + 1):
        if i == len(bold) or not bold[i]:
            if i - start >= BOLD_RUN:
                out |= set(range(start, i))
            start = i + 1
    return out


def blocks(text: str, drop_fragments: bool = False) -> list[list[str]]:
    """Split text into cleaned blocks of lines, dropping empty, repeated and (optionally) fragment blocks. On a
    slide, a row of key words each in bold ('ondersteuning', 'ontwikkeling', 'onderzoek') is kept, as one sentence."""
    out: list[list[str]] = []
    seen: set[str] = set()
    kept = [(raw, lines) for raw in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if (lines := clean_block(raw))]
    raws = [raw for raw, _ in kept]
    cleaned = [lines for _, lines in kept]
    initials = glossed_initials(cleaned) if drop_fragments else set()
    runs = _bold_runs(raws) if drop_fragments else set()
    for i, lines in enumerate(cleaned):
        if i in runs:  # one line, as the words stand side by side on the slide; its emphasis may wrap over lines
            word = _inline(" ".join(raws[i].split()))
            if i - 1 in runs and out:
                out[-1][-1] = f"{out[-1][-1][:-1]}, {word}."
            else:
                out.append([f"{word}."])
            continue
        if drop_fragments and is_slide_fragment(lines, initials):
            continue
        if drop_fragments and out and is_gloss(lines, initials) and is_gloss([out[-1][-1].removeprefix("- ")], initials):
            # one slide's glossed terms: one list (as they stand side by side on the slide), not a run of headings
            out[-1] = [line if line.startswith("- ") else f"- {line}" for line in out[-1] + lines]
            continue
        if out and re.search(r"[a-zà-ÿ]-$", out[-1][-1]) and lines[0][:1].islower():
            out[-1][-1] = out[-1][-1][:-1] + lines[0]  # a word hyphenated across a page or column break
            out[-1] += lines[1:]
            continue
        if out and lines[0].startswith("- ") and (out[-1][-1].startswith("- ") or out[-1][-1].endswith(":")):
            out[-1] += lines  # a list interrupted by a blank line (a page break) stays one list
            continue
        if out and _continues(out[-1][-1], lines[0]):
            out[-1][-1] = f"{out[-1][-1]} {lines[0]}"  # a sentence or list item cut by a page or column break
            out[-1] += lines[1:]
            continue
        key = "\n".join(lines)
        if len(key) < 200 and key in seen:
            continue  # running headers and repeated titles on every page
        seen.add(key)
        out.append(lines)
    return out
