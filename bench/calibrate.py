"""Calibrates when an answer counts as found: support and similarity on answerable questions
(eval/retrieval.yaml) against in-domain questions the documents do not answer (eval/unanswerable.yaml).

Prints both distributions and, for the configured thresholds, how many answerable questions are
answered and how many unanswerable ones are (rightly) sent to the bureau.
Usage: .venv/bin/python bench/calibrate.py [DATA_DIR]   (an ingested data folder; default ./data)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.config import Settings  # noqa: E402
from assistant.service import build_service  # noqa: E402
from assistant.retrieval import retrieve  # noqa: E402
from bench.common import retrieval_questions, unanswerable_questions  # noqa: E402


def features(service, question: str) -> tuple[float, float, str]:
    found = retrieve(service.index, question, service.settings)
    draft = service.generator.generate(question, found.passages, service.index.lexicon())
    route = service.ask(question).reason
    return draft.support, found.best_dense, route


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Settings().data_dir
    service = build_service(Settings(data_dir=data))
    s = service.settings
    answerable = [q["q"] for part in retrieval_questions().values() for q in part]
    unanswerable = unanswerable_questions()
    print(f"thresholds: min_support={s.min_support} or (min_dense={s.min_dense} and support>={s.min_support_with_dense})")
    for label, questions, good in (("answerable", answerable, "answer"), ("unanswerable", unanswerable, "not_found")):
        rows = [features(service, q) for q in questions]
        right = sum(reason == good for _, _, reason in rows)
        print(f"\n{label}: {right}/{len(rows)} routed as {good}")
        for (support, dense, reason), q in sorted(zip(rows, questions)):
            print(f"  support={support:.2f} dense={dense:.3f} -> {reason:12} {q}")


if __name__ == "__main__":
    main()
