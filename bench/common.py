"""Helpers shared by the benchmarks: a fresh index of the corpus and the question sets."""

from __future__ import annotations

import yaml

from assistant.config import PROJECT_ROOT
from eval.metrics import relevant
from eval.questions import Question

EVAL = PROJECT_ROOT / "eval"


def retrieval_questions() -> dict[str, list[dict]]:
    return yaml.safe_load((EVAL / "retrieval.yaml").read_text(encoding="utf-8"))


def unanswerable_questions() -> list[str]:
    return yaml.safe_load((EVAL / "unanswerable.yaml").read_text(encoding="utf-8"))["questions"]


def first_relevant_rank(passages, item: dict) -> int | None:
    """1-based rank of the first passage from the expected document that holds the expected fact."""
    question = Question(q=item["q"], route="answer", reason="answer", part="", docs=(item["doc"],), facts=(item["fact"],))
    return next((rank for rank, p in enumerate(passages, start=1) if relevant(p, question)), None)

