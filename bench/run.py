"""Benchmarks: cold and unchanged ingest, serve start-up, /api/ask latency, retrieval quality, the workspace.

Prints figures and ratios against a baseline measured in the same run: cold ingest with sentence
embeddings against chunks alone, unchanged re-ingest against cold ingest, hybrid retrieval against
BM25-only and dense-only, the exact in-memory dense search against Chroma's HNSW query, and answers written
by a small language model (when `make llm` installed it) against the extractive answers to the same questions.
Usage: .venv/bin/python bench/run.py [--questions N] [--llm-questions N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.config import Settings  # noqa: E402
from assistant.embeddings import build_embeddings  # noqa: E402
from assistant.index import Index  # noqa: E402
from assistant.retrieval import retrieve  # noqa: E402
from bench.common import (  # noqa: E402
    first_relevant_rank,
    free_port,
    retrieval_questions,
    unanswerable_questions,
    wait_ready,
)
from eval.metrics import percentile  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402


def bench_ingest(data: Path, pairs: int = 3) -> Index:
    """Cold ingest with sentence embeddings against the same ingest of chunks alone (the baseline), in
    `pairs` alternating pairs, each into empty folders (one pair swings from 1.3 to 1.7 x on this machine: the
    median of the ratios is the figure); then an unchanged re-ingest against the cold one."""
    embeddings = build_embeddings(Settings(data_dir=data))
    print("== ingest (seed corpus)")
    ratios = []
    for n in range(pairs):
        chunks_only = ingest(Index(Settings(data_dir=data.with_name(f"chunks-only-{n}"), embed_sentences=False),
                                   embeddings), progress=False)
        settings = Settings(data_dir=data if n == pairs - 1 else data.with_name(f"sentences-{n}"))
        index = Index(settings, embeddings)
        cold = ingest(index, progress=False)
        ratios.append(cold.seconds / chunks_only.seconds)
        print(f"pair {n + 1}: cold ingest, chunks only {chunks_only.seconds:5.1f} s ({chunks_only.chunks_embedded} "
              f"chunks, {chunks_only.chunks_embedded / chunks_only.seconds:.1f} chunks/s); chunks+sentences "
              f"{cold.seconds:5.1f} s ({index._sentences.count()} sentences): {ratios[-1]:.2f} x chunks only")
    print(f"cold ingest with sentences, median of {pairs} pairs: {statistics.median(ratios):.2f} x chunks only")
    warm = ingest(index, progress=False)
    print(f"unchanged ingest:              {warm.seconds:6.2f} s  {warm.chunks_embedded} chunks embedded  "
          f"({warm.seconds / cold.seconds:.3f} x cold)")
    return index


def bench_retrieval(index: Index) -> None:
    sets = retrieval_questions()
    print("\n== retrieval (passage with the expected fact in the top 5)")
    print(f"{'part':8} {'strategy':8} {'n':>3} {'hit@1':>6} {'hit@5':>6} {'MRR':>6}")
    for part in ("tuning", "heldout"):
        results = {}
        for strategy in ("bm25", "dense", "hybrid"):
            ranks = [first_relevant_rank(retrieve(index, q["q"], index.settings, strategy, k=5).passages, q) for q in sets[part]]
            n = len(ranks)
            hit1 = sum(r == 1 for r in ranks) / n
            hit5 = sum(r is not None for r in ranks) / n
            mrr = sum(1 / r for r in ranks if r) / n
            results[strategy] = (hit5, mrr)
            print(f"{part:8} {strategy:8} {n:3d} {hit1:6.2f} {hit5:6.2f} {mrr:6.2f}")
        h5, mrr = results["hybrid"]
        for base in ("bm25", "dense"):
            b5, bmrr = results[base]
            print(f"{part:8} hybrid vs {base}: hit@5 x{h5 / b5 if b5 else float('inf'):.2f}, MRR x{mrr / bmrr if bmrr else float('inf'):.2f}")


def bench_serve(data: Path, questions: list[str]) -> None:
    port = 8765
    # One client asks faster than people do: the rate limit (assistant/guard.py) is off for the benchmark.
    env = {**os.environ, "WIJZER_DATA_DIR": str(data), "WIJZER_LOG_LEVEL": "WARNING", "WIJZER_RATE_LIMIT_PER_MINUTE": "0"}
    wijzer = str(Path(sys.executable).parent / "wijzer")
    started = time.perf_counter()
    proc = subprocess.Popen([wijzer, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{base}/health", proc)
        ready = time.perf_counter() - started
        latencies = []
        with httpx.Client(timeout=30) as client:
            client.post(f"{base}/api/ask", json={"question": "warm-up"})
            for question in questions:
                t = time.perf_counter()
                r = client.post(f"{base}/api/ask", json={"question": question})
                r.raise_for_status()
                latencies.append((time.perf_counter() - t) * 1000)
        print("\n== serve")
        print(f"wijzer serve ready: {ready:.1f} s")
        print(f"/api/ask over {len(latencies)} questions: p50 {percentile(latencies, 50):.0f} ms, "
              f"p95 {percentile(latencies, 95):.0f} ms, max {max(latencies):.0f} ms")
        bench_staff(base, env, wijzer, questions[:20])
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def bench_staff(base: str, env: dict, wijzer: str, questions: list[str]) -> None:
    """The bureau's workspace: a login (argon2 on purpose costs time), drafting an answer (ask + database
    writes) and opening a draft. Baseline: /api/ask on the same questions, just before (both with the
    question embeddings already cached by the serve benchmark)."""
    import re

    password = "bench-wachtwoord-lang"
    subprocess.run([wijzer, "user", "add", "bench", "--password-stdin"], input=password + "\n", text=True, env=env,
                   check=True, capture_output=True)
    with httpx.Client(base_url=base, timeout=30) as client:
        t = time.perf_counter()
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/staff/login").text).group(1)
        client.post("/staff/login", data={"csrf": csrf, "name": "bench", "password": password})
        login_ms = (time.perf_counter() - t) * 1000
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/staff/drafts").text).group(1)
        drafting, opening, asking = [], [], []
        for question in questions:
            t = time.perf_counter()
            client.post("/api/ask", json={"question": question}).raise_for_status()
            asking.append((time.perf_counter() - t) * 1000)
        for question in questions:
            t = time.perf_counter()
            r = client.post("/staff/drafts", data={"csrf": csrf, "question": question})
            drafting.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            client.get(r.headers["location"]).raise_for_status()
            opening.append((time.perf_counter() - t) * 1000)
    ask_p50 = percentile(asking, 50)
    print("\n== bureau workspace (baseline: /api/ask on the same questions, same run)")
    print(f"login (page + argon2 check): {login_ms:.0f} ms")
    print(f"/api/ask baseline over {len(asking)} questions: p50 {ask_p50:.0f} ms")
    print(f"draft an answer over {len(drafting)} questions: p50 {percentile(drafting, 50):.0f} ms, "
          f"p95 {percentile(drafting, 95):.0f} ms ({percentile(drafting, 50) / ask_p50:.2f}x /api/ask p50)")
    print(f"open a draft: p50 {percentile(opening, 50):.0f} ms, p95 {percentile(opening, 95):.0f} ms")


def bench_llm(index: Index, questions: list[str]) -> None:
    """The openai generator against Gemma 3 270M behind llama.cpp's server on loopback, per answer: time to
    the model's first token, tokens per second, whole answer; baseline: the extractive answer in the same run."""
    from assistant.answerability import Answerability
    from assistant.generators import build_generator
    from assistant.generators.local_model import ALIAS, bundled_gguf
    from assistant.routing import Router
    from assistant.service import Service
    from assistant.templates import Templates

    gguf = bundled_gguf()
    if gguf is None:
        print("\n== language model: not installed (make llm); skipped")
        return
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", ALIAS,
                               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(f"http://127.0.0.1:{port}/v1/models", server)
        services = {}
        for name in ("extractive", "openai"):
            config = index.settings.model_copy(update={
                "generator": name, "llm_base_url": f"http://127.0.0.1:{port}/v1", "llm_model": ALIAS})
            services[name] = Service(config, index, Router(), build_generator(config), Templates(config.prompts_dir),
                                     Answerability.load())
        totals: dict[str, list[float]] = {"extractive": [], "openai": []}
        first, rates, fallbacks = [], [], 0
        for question in questions:
            for name, service in services.items():
                written = []
                started = time.perf_counter()
                answer = service.ask(question, observe=written.append)
                totals[name].append((time.perf_counter() - started) * 1000)
                if name == "openai" and written:
                    fallbacks += answer.fallback
                    if written[0].first_piece_s is not None:
                        first.append(written[0].first_piece_s * 1000)
                    if written[0].pieces > 1:
                        rates.append(written[0].pieces / written[0].seconds)
        base = percentile(totals["extractive"], 50)
        print(f"\n== language model ({ALIAS}, llama.cpp server on loopback, {os.cpu_count()} CPU cores; "
              f"baseline: extractive, same {len(questions)} questions)")
        print(f"extractive answer: p50 {base:.0f} ms")
        print(f"openai generator:  p50 {percentile(totals['openai'], 50):.0f} ms, p95 {percentile(totals['openai'], 95):.0f} ms "
              f"({percentile(totals['openai'], 50) / base:.0f}x extractive)")
        if first:
            print(f"time to first token: p50 {percentile(first, 50):.0f} ms; tokens per second: "
                  f"p50 {percentile(rates, 50):.1f}; quotes stood in for {fallbacks} of {len(first)} written answers")
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench_dense(index: Index, questions: list[str], k: int = 30) -> None:
    """The dense search as served (exact, over the served chunks' vectors in memory) against Chroma's own HNSW
    query of the same collection (the search before session 24), on the same question vectors."""
    collection = index._store._collection
    index.dense_search(questions[0], k)  # loads the index
    exact_ms, hnsw_ms, same = [], [], 0
    for question in questions:
        vector = index.embed_query(question)
        start = time.perf_counter()
        exact = [c.chunk_id for c, _ in index.dense_search(question, k, vector)]
        exact_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        hnsw = collection.query(query_embeddings=[vector.tolist()], n_results=k, include=[])["ids"][0]
        hnsw_ms.append((time.perf_counter() - start) * 1000)
        same += exact[:5] == hnsw[:5]
    e50, h50 = percentile(exact_ms, 50), percentile(hnsw_ms, 50)
    print(f"\n== dense search, top {k} of {len(index.chunks())} chunks, {len(questions)} questions")
    print(f"exact in memory: p50 {e50:.2f} ms, p95 {percentile(exact_ms, 95):.2f} ms")
    print(f"Chroma HNSW:     p50 {h50:.2f} ms, p95 {percentile(hnsw_ms, 95):.2f} ms  (exact x{e50 / h50:.2f})")
    print(f"same top 5 in both: {same} of {len(questions)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--llm-questions", type=int, default=10, help="questions for the language model (0: skip)")
    parser.add_argument("--ingest-pairs", type=int, default=3, help="cold ingests with and without sentences")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        index = bench_ingest(data, args.ingest_pairs)
        bench_retrieval(index)
        sets = retrieval_questions()
        pool = [q["q"] for part in sets.values() for q in part] + unanswerable_questions()
        bench_dense(index, pool)
        questions = (pool * (args.questions // len(pool) + 1))[: args.questions]
        bench_serve(data, questions)
        if args.llm_questions:
            bench_llm(index, [q["q"] for q in sets["tuning"]][: args.llm_questions])


if __name__ == "__main__":
    main()
