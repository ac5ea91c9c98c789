"""Questions asked before: the passages that answered labelled questions close in meaning to a new one.

A member rarely words a question as the documents do ('kan de vereniging me koppelen aan een ervaren
wethouder?'), but someone has often asked the same thing before, and which passage answered it is known. The
labelled questions of eval/questions.yaml (never a held-out part not yet read) are written to fitted/asked.json by
`wijzer fit`, each with its documents and the patterns of its key facts; here they are embedded once (cached
under models_dir) and, for a new question, the passages that hold the key facts of its closest labelled
questions form one more ranking for the fusion (retrieval.py). Nothing is answered from the file itself: the
passages still come from the index, and are quoted as they stand.

An evaluation run withholds the part a question comes from (`withholding`), so that no question finds itself or
its writer's other questions: a part is scored as if it had never been labelled.
"""

from __future__ import annotations

import json
import logging
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.fitted import MODELS_DIR
from assistant.language import phrase_key
from assistant.models import Chunk
from assistant.sentences import split
from assistant.vector_cache import CachedVectors

log = logging.getLogger(__name__)

ASKED_PATH = MODELS_DIR / "asked.json"
_WITHHELD: ContextVar[frozenset[str]] = ContextVar("asked_withheld", default=frozenset())


@dataclass(frozen=True)
class Asked:
    q: str
    part: str
    docs: tuple[str, ...]
    facts: tuple[str, ...]


@contextmanager
def withholding(*parts: str):
    """Within the block, labelled questions of these parts are not searched (an evaluation of those parts)."""
    token = _WITHHELD.set(_WITHHELD.get() | frozenset(parts))
    try:
        yield
    finally:
        _WITHHELD.reset(token)


def withheld() -> frozenset[str]:
    """The parts withheld in this block (`withholding`): none outside an evaluation."""
    return _WITHHELD.get()


def load(path: Path = ASKED_PATH) -> list[Asked]:
    """The labelled questions of the file, or none when it is missing (a fresh fit writes it)."""
    try:
        items = json.loads(path.read_text(encoding="utf-8"))["questions"]
    except FileNotFoundError:
        log.warning("%s is missing: no ranking by questions asked before; `wijzer fit` writes it", path)
        return []
    return [Asked(i["q"], i["part"], tuple(i["docs"]), tuple(i["facts"])) for i in items]


def dump(questions: list[Asked], path: Path = ASKED_PATH) -> None:
    """One question a line, so that a refit's diff shows the questions that came or went."""
    lines = [json.dumps({"q": a.q, "part": a.part, "docs": list(a.docs), "facts": list(a.facts)}, ensure_ascii=False)
             for a in questions]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"questions": [\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")


class AskedBefore:
    """The labelled questions with their embeddings and, for the served chunks, the chunks that answer each."""

    def __init__(self, questions: list[Asked], embed, cache_dir: Path, model: str):
        self.questions = questions
        self._vectors = CachedVectors([a.q for a in questions], embed, cache_dir, model, "asked",
                                      "questions asked before")
        self._answers: tuple[list[Chunk], list] = ([], [])  # (served chunks, each question's answers: _answering)
        self._keys = [phrase_key(a.q) for a in questions]  # a question is never its own neighbour

    def vectors(self) -> np.ndarray:
        """The questions' embeddings, from the cache or computed once (a few seconds for 1,700 questions)."""
        return self._vectors.get()

    def _answering(self, chunks: list[Chunk]) -> list[list[tuple[Chunk, list[int]]]]:
        """For each question, the served chunks of its documents that hold one of its key facts, each with the
        positions (sentences.split) of its sentences that hold one. Worked out once per set of served chunks."""
        if self._answers[0] is not chunks:
            by_doc: dict[str, list[Chunk]] = {}
            for chunk in chunks:
                by_doc.setdefault(chunk.doc.doc_id, []).append(chunk)
            texts = {chunk.chunk_id: chunk.indexed_text() for chunk in chunks}
            sentences: dict[str, list[str]] = {}  # split once per chunk, for all the questions it answers

            def holding(chunk: Chunk, facts: tuple[str, ...]) -> list[int]:
                if chunk.chunk_id not in sentences:
                    sentences[chunk.chunk_id] = [s.text for s in split(chunk.text, chunk.section)]
                return [position for position, text in enumerate(sentences[chunk.chunk_id])
                        if any(re.search(f, text) for f in facts)]

            answers = [[(c, holding(c, a.facts)) for doc in a.docs for c in by_doc.get(doc, [])
                        if any(re.search(f, texts[c.chunk_id]) for f in a.facts)] for a in self.questions]
            self._answers = (chunks, answers)
        return self._answers[1]

    def search(self, question: str, vector: np.ndarray, chunks: list[Chunk], neighbours: int,
               closest: float) -> "Match":
        """What the `neighbours` labelled questions closest to this one (cosine at least `closest`) were answered
        by: the chunks, best first, and in them the sentences that hold their key facts."""
        match = Match()
        if not self.questions or not chunks:
            return match
        answers = self._answering(chunks)
        if not any(answers):  # none of their documents is served (a test's own corpus): nothing to embed
            return match
        out = withheld()
        key = phrase_key(question)
        sims = self.vectors() @ vector
        taken = 0
        for i in np.argsort(-sims, kind="stable"):
            if sims[i] < closest or taken == neighbours:
                break
            if self.questions[i].part in out or self._keys[i] == key or not answers[i]:
                continue
            taken += 1
            for chunk, positions in answers[i]:
                match.chunks.setdefault(chunk.chunk_id, (chunk, float(sims[i])))
                held = match.sentences.setdefault(chunk.chunk_id, {})
                for position in positions:
                    held.setdefault(position, float(sims[i]))
        return match


@dataclass
class Match:
    """The chunks that answered close labelled questions, by id with the closest one's similarity, and in each
    the positions of the sentences that hold a key fact, with the same."""

    chunks: dict[str, tuple[Chunk, float]] = field(default_factory=dict)
    sentences: dict[str, dict[int, float]] = field(default_factory=dict)

    def ranking(self) -> list[tuple[Chunk, float]]:
        return list(self.chunks.values())
