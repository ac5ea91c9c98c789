"""Questions routed before: whether the labelled questions closest to a new one were answered or sent to a person.

The router's resemblance step compares a question with a few dozen hand-written examples (routing_examples.yaml).
A question that asks what a document says after a story of the asker ('ik zit zo diep in het dossier van de
sporthal dat ik niet meer objectief ben. heeft de argumentenfabriek daar een tip voor?') can lie closer to a
distress example than to any answer example, while hundreds of labelled questions like it were answered. The
labelled questions of eval/questions.yaml (never a held-out part not yet read), each with the route it should take,
are written to fitted/routed.json by `wijzer fit`; here they are embedded once (cached under the models folder),
and for a new question the k closest vote, each with weight exp((sim - nearest) / temperature): the share of the
votes that went to a sensitive route. An evaluation run withholds the question's own part (asked.withholding).

The labelled questions the documents do not answer ('not_found': the bureau takes them) and those outside the
assistant's scope ('out_of_scope') are in the file as well. They stay out of the sensitive share (which weighs
answered against sent to a person, as it was chosen), and vote on their own: whether the closest labelled questions,
of every label, were mostly ones the documents do not answer, mostly out of scope, or nearly all answered (`shares`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.asked import withheld
from assistant.fitted import MODELS_DIR
from assistant.vector_cache import CachedVectors

log = logging.getLogger(__name__)

ROUTED_PATH = MODELS_DIR / "routed.json"
ANSWER = "answer"
NOT_FOUND = "not_found"
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Routed:
    q: str
    part: str
    label: str  # 'answer', a sensitive reason (threat, integrity, crisis, distress), 'not_found' or 'out_of_scope'


def load(path: Path = ROUTED_PATH) -> list[Routed]:
    """The labelled questions of the file, or none when it is missing (a fresh fit writes it)."""
    try:
        items = json.loads(path.read_text(encoding="utf-8"))["questions"]
    except FileNotFoundError:
        log.warning("%s is missing: resemblance is not checked against questions routed before; `wijzer fit` "
                    "writes it", path)
        return []
    return [Routed(i["q"], i["part"], i["label"]) for i in items]


def dump(questions: list[Routed], path: Path = ROUTED_PATH) -> None:
    """One question a line, so that a refit's diff shows the questions that came or went."""
    lines = [json.dumps({"q": r.q, "part": r.part, "label": r.label}, ensure_ascii=False) for r in questions]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"questions": [\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")


class RoutedBefore:
    """The labelled questions with their embeddings."""

    def __init__(self, questions: list[Routed], embed, cache_dir: Path, model: str, neighbours: int,
                 temperature: float):
        self.questions = questions
        self._embed = embed  # text -> vector, the router's own query embedding
        self._neighbours = neighbours
        self._temperature = temperature
        self._vectors = CachedVectors([r.q for r in questions], embed, cache_dir, model, "routed",
                                      "questions routed before")
        self._labels = np.array([r.label for r in questions])
        self._parts = np.array([r.part for r in questions])
        # the sensitive share weighs answered against sent to a person, as it was chosen (session 43)
        self._answer_or_person = np.array([r.label not in (NOT_FOUND, OUT_OF_SCOPE) for r in questions], dtype=bool)

    def vectors(self) -> np.ndarray:
        """The questions' embeddings, from the cache or computed once (about half a minute for 2,300 questions)."""
        return self._vectors.get()

    def _votes(self, question: str, among: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The labels of the k closest questions among `among` (and not withheld), and their votes' weights."""
        if not self.questions:
            return None
        out = withheld()
        keep = among & ~np.isin(self._parts, list(out)) if out else among
        if not keep.any():
            return None
        sims = self.vectors()[keep] @ np.asarray(self._embed(question), dtype="float32")
        nearest = np.argsort(-sims, kind="stable")[: self._neighbours]
        weights = np.exp((sims[nearest] - sims[nearest[0]]) / self._temperature)
        return self._labels[keep][nearest], weights / weights.sum()

    def sensitive_share(self, question: str) -> float | None:
        """The share of the closest labelled questions' votes that went to a person, or None with none to ask; among
        the questions answered or sent to a person only."""
        votes = self._votes(question, self._answer_or_person)
        if votes is None:
            return None
        labels, weights = votes
        return float(weights[labels != ANSWER].sum())

    def shares(self, question: str) -> dict[str, float]:
        """Each label's share of the votes of the closest labelled questions, of every label (empty with none)."""
        votes = self._votes(question, np.ones(len(self.questions), dtype=bool))
        if votes is None:
            return {}
        labels, weights = votes
        return {label: float(weights[labels == label].sum()) for label in dict.fromkeys(labels.tolist())}
