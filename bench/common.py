"""Helpers shared by the benchmarks: a fresh index of the corpus and the question sets."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from assistant.config import PROJECT_ROOT

EVAL = PROJECT_ROOT / "eval"


def retrieval_questions() -> dict[str, list[dict]]:
    return yaml.safe_load((EVAL / "retrieval.yaml").read_text(encoding="utf-8"))


def unanswerable_questions() -> list[str]:
    return yaml.safe_load((EVAL / "unanswerable.yaml").read_text(encoding="utf-8"))["questions"]


def first_relevant_rank(passages, item: dict) -> int | None:
    """1-based rank of the first passage from the expected document that holds the expected fact."""
    for rank, passage in enumerate(passages, start=1):
        if passage.chunk.doc.doc_id == item["doc"] and re.search(item["fact"], passage.chunk.indexed_text()):
            return rank
    return None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def data_dir(tmp: Path) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    return tmp
