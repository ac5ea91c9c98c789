"""The sentences of a chunk that can answer a question: split once, the same way at ingest and at answer time."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.language import SENTENCE_END

# Bump when split() changes: sentence vectors are stored by position, so every document is embedded anew.
SPLIT_VERSION = "2"

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
    is_question: bool = False  # the text asks rather than tells ('Maar wat zijn de rode draden in de 344 akkoorden?')


def is_reference_heading(heading: str) -> bool:
    return bool(_REFERENCE_HEADINGS.match(heading.strip()))


def split(text: str, section: str | None = None) -> list[Sentence]:
    """The quotable sentences of a chunk in reading order: headings, questions in the text, fragments of a
    few words and whatever stands under a source list (Bronnen) are left out. `section` is the chunk's
    heading path, for a chunk that starts under a heading it does not repeat. A table's header row
    ('Welke waarden hebben prioriteit? | Wat kunnen wethouders doen?') heads the rows below it."""
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
        if " | " in line and line.endswith("?"):
            heading = line  # a table's header row
            continue
        for sentence in SENTENCE_END.split(line):
            words = len(sentence.split())
            if (words >= 4 and (sentence[-1] in ".!?:)’'\"" or len(sentence) > 80)) or (
                words >= 2 and ":" in sentence and _DIGIT.search(sentence)  # 'Telefoon: 070 221 07 70'
            ):
                out.append(Sentence(sentence, False, heading, is_question=sentence.endswith("?")))
    return out
