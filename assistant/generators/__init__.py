"""Answer generators behind one Protocol, chosen by name with build_generator()."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

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


class Generator(Protocol):
    name: str

    def generate(self, question: str, passages: list[Passage], lexicon: BM25Index, focus: str | None = None,
                 query_vector: np.ndarray | None = None) -> Draft:
        """Answer `question` from `passages`; `focus` is the part the user just asked (a follow-up);
        `query_vector` is the question's embedding."""


GENERATORS = ("extractive",)


def build_generator(settings: Settings) -> Generator:
    if settings.generator == "extractive":
        from assistant.generators.extractive import ExtractiveGenerator

        return ExtractiveGenerator.fitted()
    raise ValueError(f"unknown generator {settings.generator!r}")
