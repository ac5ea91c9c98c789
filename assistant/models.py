"""The shared vocabulary: sections, chunks, passages, citations, routes and answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from pydantic import BaseModel


@dataclass(frozen=True)
class DocumentInfo:
    """What a user reads about a document: its human title, never a file hash."""

    doc_id: str
    title: str
    source: str  # file name inside corpus/
    kind: str = "document"
    publisher: str = ""
    date: str = ""


@dataclass(frozen=True)
class Section:
    """A stretch of clean text under one heading, on one page where the format has pages."""

    text: str
    heading: str | None = None
    page: int | None = None


@dataclass(frozen=True)
class Chunk:
    """A piece of a document as it is indexed."""

    chunk_id: str
    doc: DocumentInfo
    text: str
    section: str | None
    page: int | None
    position: int
    version: str

    def indexed_text(self) -> str:
        """The text both retrievers see: title and section give a passage its context."""
        head = self.doc.title if not self.section else f"{self.doc.title} — {self.section}"
        return f"{head}\n{self.text}"


@dataclass
class Passage:
    """A chunk as retrieved for a question, with the scores that ranked it."""

    chunk: Chunk
    score: float = 0.0
    dense_similarity: float | None = None
    bm25_score: float | None = None
    ranks: dict[str, int] = field(default_factory=dict)
    sentence_vectors: dict = field(default_factory=dict)  # position in sentences.split() -> embedding
    # position in sentences.split() -> similarity of the closest labelled question whose key fact it holds
    asked: dict[int, float] = field(default_factory=dict)


class Route(str, Enum):
    answer = "answer"
    escalate = "escalate"
    decline = "decline"


class Citation(BaseModel):
    n: int
    document: str
    source: str
    page: int | None = None
    section: str | None = None
    quote: str


class ContactInfo(BaseModel):
    name: str
    phone: str
    email: str


class Answer(BaseModel):
    answer: str
    route: Route
    reason: str
    citations: list[Citation] = []
    contact: ContactInfo | None = None
    urgent: bool = False  # danger now: the answer starts with 112
    latency_ms: float = 0.0
    generator: str = "extractive"  # who wrote the text: quotes, or a language model (WIJZER_GENERATOR)
    fallback: bool = False  # the language model's answer failed the grounding check; the quotes stand in
    dropped: int = 0  # sentences of the language model's answer the grounding check removed


class Turn(BaseModel):
    role: str
    content: str
