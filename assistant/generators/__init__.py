"""Answer generators behind one Protocol, chosen by name with build_generator().

A generator answers in two steps. `generate` chooses what answers the question: the sentences quoted word
for word, and the signals the answerability model reads. Once the service knows the answer will be shown,
`write` writes it: the extractive generator hands its quotes over as they are; a language model writes
fluent Dutch from the same passages, streamed, checked against them at the end, and replaced by the quotes
when the check fails.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol

import numpy as np

from assistant.bm25 import BM25Index
from assistant.config import Settings
from assistant.models import Citation, Passage


@dataclass
class Draft:
    """Answer text with [n] markers, the citations they point at, and how well the passages fit."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    support: float = 0.0  # share of the question's weighted terms found in the chosen sentences
    meaning: float = 0.0  # highest similarity in meaning of a chosen sentence to the question
    confidence: float = 0.0  # the ranker's score of the best sentence
    # The question asks for a number, date, name, address ... (1.0), and a chosen sentence holds one (1.0);
    # -1.0: it asks for one and no chosen sentence holds it.
    kind: float = 0.0
    written_by: str = "extractive"  # the generator whose text this is
    fallback: str | None = None  # why the quotes stand in for a language model's text (check, error, timeout)
    dropped: int = 0  # sentences the grounding check removed from the model's text


class Writing:
    """An answer being written. Iterate to get its text piece by piece as it comes; afterwards `draft` is
    the final, checked answer, which may differ from the pieces (sentences dropped, or the quotes in its place)."""

    def __init__(self, pieces: Iterator[str], finish: Callable[[str], Draft]):
        self._pieces = pieces
        self._finish = finish
        self.text = ""  # what was handed out so far
        self.draft: Draft | None = None
        self.first_piece_s: float | None = None  # seconds until the first piece
        self.pieces = 0
        self.seconds = 0.0

    @classmethod
    def done(cls, draft: Draft) -> "Writing":
        """A draft already written (the extractive quotes): one piece."""
        return cls(iter([draft.text] if draft.text else []), lambda text: draft)

    def __iter__(self) -> Iterator[str]:
        started = time.perf_counter()
        for piece in self._pieces:
            if self.first_piece_s is None:
                self.first_piece_s = time.perf_counter() - started
            self.pieces += 1
            self.text += piece
            yield piece
        self.draft = self._finish(self.text)
        self.seconds = time.perf_counter() - started


class Generator(Protocol):
    name: str

    def generate(self, question: str, passages: list[Passage], lexicon: BM25Index, focus: str | None = None,
                 query_vector: np.ndarray | None = None, focus_vector: np.ndarray | None = None,
                 part_vectors: dict[str, np.ndarray] | None = None) -> Draft:
        """Answer `question` from `passages`; `focus` is the part the user just asked (a follow-up);
        `query_vector` is the question's embedding, `focus_vector` that of the focus, `part_vectors` those of
        the parts of a question that asks several things (Retrieval.part_vectors)."""

    def write(self, question: str, passages: list[Passage], draft: Draft) -> Writing:
        """Writes the answer to be shown, from the passages and the draft `generate` made of them."""


GENERATORS = ("extractive", "openai", "local")


def build_generator(settings: Settings) -> Generator:
    from assistant.generators.extractive import ExtractiveGenerator

    quotes = ExtractiveGenerator.fitted()
    if settings.generator == "extractive":
        return quotes
    from assistant.generators.chat import build_chat
    from assistant.generators.llm import LLMGenerator

    return LLMGenerator(build_chat(settings), quotes, settings)
