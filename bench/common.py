"""Helpers shared by the benchmarks: a fresh index of the corpus and the question sets."""

from __future__ import annotations

import socket
import subprocess
import time

import httpx
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 120) -> float:
    """Seconds until `url` answers 200; stops the benchmark when the server exits or is not up in time."""
    started = time.perf_counter()
    while True:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            time.sleep(0.1)
        if time.perf_counter() - started > timeout or proc.poll() is not None:
            raise SystemExit(f"{url} did not answer")
