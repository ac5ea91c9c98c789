"""The sentences of a chunk that can answer a question: split once, the same way at ingest and at answer time."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.language import SENTENCE_END

# Bump when split() changes: sentence vectors are stored by position, so every document is embedded anew.
SPLIT_VERSION = "6"  # 6: sentences embedded with their heading (embedding_text)

_DIGIT = re.compile(r"\d")
# A quotation opened and not yet closed ('Een onverwacht beeld. Vrouwen als wethouders ...'): a title with a full
# stop inside it, which does not end the sentence. Elisions ('s, 't, 'n) open nothing.
_OPENING_QUOTE = re.compile(r"(?<![\w'’])['‘](?!(s|t|n)\b)(?=\w)")
_CLOSING_QUOTE = re.compile(r"(?<=[\w.!?])['’](?!\w)")
# Sections that list where a text comes from or who took part: they name sources, they never answer.
_REFERENCE_HEADINGS = re.compile(r"^(bronnen|bron|geraadpleegde literatuur|literatuur|lijst van meedenkers)$", re.I)
# A table row's label standing over its items ('Lef:' over what wethouders can do for lef).
_LABEL = re.compile(r"^[^\s:|]+(?: [^\s:|]+){0,3}:$")


# A sentence that starts by pointing back ('Het heeft ervaringsdeskundigen ...', 'Zij pleit ervoor ...') goes on
# about what the sentence before it named.
POINTS_BACK = re.compile(r"^(Het|Hij|Zij|Ze|Dit|Deze|Dat|Die|Daarbij|Daarnaast|Daarin|Daarvoor|Ook)\b")
# What of a sentence and its context is embedded (see embedding_text): enough to place it, at a bounded cost.
EMBED_WORDS = 32
EMBED_CONTEXT_WORDS = 10


@dataclass(frozen=True)
class Sentence:
    text: str
    is_item: bool  # a list item ('- ...')
    heading: str  # the heading it stands under ('' when none)
    label: str = ""  # for an item of a labelled table row, that label ('Lef')
    is_question: bool = False  # the text asks rather than tells ('Maar wat zijn de rode draden in de 344 akkoorden?')
    stacked: bool = False  # a line of a stack of headings (a title page): it belongs with the lines beside it


def is_reference_heading(heading: str) -> bool:
    return bool(_REFERENCE_HEADINGS.match(heading.strip()))


def split(text: str, section: str | None = None) -> list[Sentence]:
    """The quotable sentences of a chunk in reading order: headings, questions in the text, fragments of a
    few words and whatever stands under a source list (Bronnen) are left out; the lines of a stack of
    headings without text between them (a title page, a colophon) are quoted as items. `section` is the chunk's
    heading path, for a chunk that starts under a heading it does not repeat. A table's header row
    ('Welke waarden hebben prioriteit? | Wat kunnen wethouders doen?') heads the rows below it."""
    out: list[Sentence] = []
    heading = (section or "").split(" › ")[-1].strip()
    label = ""
    lines = [line.strip() for line in text.split("\n")]
    for i, line in enumerate(lines):
        if not line:
            continue  # a blank line says nothing (and has no last character to look at under a label)
        if line.startswith("#"):
            title = line.lstrip("#").strip()
            if i + 1 < len(lines) and lines[i + 1].startswith("#"):
                # A heading with no text under it, in a stack of them: a title page or colophon line ('Axel
                # Boomgaars', 'Voorzitter Wethoudersvereniging'). It says something, so it is quoted as an item
                # under the heading before the stack; the stack's last line heads the text that follows.
                if len(title.split()) >= 2 and not is_reference_heading(heading):
                    out.append(Sentence(title, True, heading, stacked=True))
                continue
            heading, label = title, ""  # a heading names a passage; it does not answer
            continue
        if is_reference_heading(heading):
            continue
        if line.startswith("- "):
            out.append(Sentence(line[2:], True, heading, label))
            continue
        if _LABEL.match(line):
            label = line[:-1]
            continue
        if label and len(line.split()) <= 12 and line[-1] not in ".!?:":
            # The value under a label of a colofon or a contact block ('Afleveradres:' over 'Schelpkade 60, 2514
            # KB Den Haag'): quoted as an item with its label, though it is no sentence.
            out.append(Sentence(line, True, heading, label))
            label = ""
            continue
        label = ""
        if " | " in line and line.endswith("?"):
            heading = line  # a table's header row
            continue
        for sentence in _within_quotes(SENTENCE_END.split(line)):
            words = len(sentence.split())
            if (words >= 4 and (sentence[-1] in ".!?:)’'\"" or len(sentence) > 80)) or (
                words >= 2 and ":" in sentence and _DIGIT.search(sentence)  # 'Telefoon: 070 221 07 70'
            ):
                out.append(Sentence(sentence, False, heading, is_question=sentence.endswith("?")))
    return out


def _within_quotes(pieces: list[str]) -> list[str]:
    """The pieces of a line, joined again where a split fell inside a quotation."""
    out: list[str] = []
    for piece in pieces:
        if out and len(_OPENING_QUOTE.findall(out[-1])) > len(_CLOSING_QUOTE.findall(out[-1])):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def embedding_text(sentences: list[Sentence], i: int) -> str:
    """What is embedded for sentence i to be chosen by meaning: its heading ('Zwangerschaps- en
    bevallingsverlof: Het college verleent ...'), and for a sentence that points back the start of the one
    before it, as a reader has them. Sentences embedded this way are picked more often for holding the fact
    asked for (best sentence 0.69 -> 0.72, cross-validated over 490 labelled questions)."""
    sentence = sentences[i]
    words = lambda text, n: " ".join(text.split()[:n])  # noqa: E731
    text = words(sentence.text, EMBED_WORDS)
    if sentence.heading:
        text = f"{words(sentence.heading, EMBED_CONTEXT_WORDS)}: {text}"
    if i > 0 and not sentence.is_item and POINTS_BACK.match(sentence.text):
        text = f"{words(sentences[i - 1].text, EMBED_CONTEXT_WORDS)} {text}"
    return text
