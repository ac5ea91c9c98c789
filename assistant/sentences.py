"""The sentences of a chunk that can answer a question: split once, the same way at ingest and at answer time."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.language import SENTENCE_END

_DIGIT = re.compile(r"\d")
# Sections that list where a text comes from or who took part: they name sources, they never answer.
_REFERENCE_HEADINGS = re.compile(r"^(bronnen|bron|geraadpleegde literatuur|literatuur|lijst van meedenkers)$", re.I)
# A table row's label standing over its items ('Lef:' over what wethouders can do for lef).
_LABEL = re.compile(r"^[^\s:|]+(?: [^\s:|]+){0,3}:$")


@dataclass(frozen=True)
class Sentence:
    text: str
    is_item: bool  # a list item ('- ...')
    heading: str  # the heading it stands under ('' when none)
    label: str = ""  # for an item of a labelled table row, that label ('Lef')


def is_reference_heading(heading: str) -> bool:
    return bool(_REFERENCE_HEADINGS.match(heading.strip()))


def split(text: str, section: str | None = None) -> list[Sentence]:
    """The quotable sentences of a chunk in reading order: headings, questions in the text, fragments of a
    few words and whatever stands under a source list (Bronnen) are left out. `section` is the chunk's
    heading path, for a chunk that starts under a heading it does not repeat."""
    out: list[Sentence] = []
    heading = (section or "").split(" › ")[-1].strip()
    label = ""
    for line in text.split("\n"):
        line = line.strip()
        if line.startswith("#"):
            heading, label = line.lstrip("#").strip(), ""  # a heading names a passage; it does not answer
            continue
        if is_reference_heading(heading):
            continue
        if line.startswith("- "):
            out.append(Sentence(line[2:], True, heading, label))
            continue
        if _LABEL.match(line):
            label = line[:-1]
            continue
        label = ""
        for sentence in SENTENCE_END.split(line):
            if sentence.endswith("?"):
                continue  # a question in the text (a heading, a table header) answers nothing
            words = len(sentence.split())
            if (words >= 4 and (sentence[-1] in ".!?:)’'\"" or len(sentence) > 80)) or (
                words >= 2 and ":" in sentence and _DIGIT.search(sentence)  # 'Telefoon: 070 221 07 70'
            ):
                out.append(Sentence(sentence, False, heading))
    return out
