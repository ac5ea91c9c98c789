"""Load on a real `wijzer serve`, on loopback only, bounded in count and time.

1. Baseline: one client asks `--baseline` questions one after another.
2. Load: `--clients` clients ask `--questions` questions together (the questions of eval/questions.yaml,
   cycled): errors, p50/p95/p99 latency and throughput, with ratios against the baseline.
3. Load while documents are ingested: the same clients ask `--during` questions while the bureau's
   workspace replaces an uploaded document again and again (an upload, its ingest job, the next version).
   Every version marks each of its sentences with its own letter; an answer that quotes that document
   with two letters mixed old and new chunks of one document (this must never happen).

The server's rate limit is off here: 16 clients on one loopback address ask far faster than people do.
Usage: .venv/bin/python bench/load.py [--questions 2000] [--clients 16] [--data DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.config import PROJECT_ROOT  # noqa: E402
from bench.common import free_port, wait_ready  # noqa: E402
from eval.metrics import percentile  # noqa: E402

WIJZER = str(Path(sys.executable).parent / "wijzer")
PASSWORD = "belasting-wachtwoord-lang"
VERSIONED = "proefregeling-versies.md"
VERSION_QUESTION = "Wat zegt de proefregeling over de proefperiode van de testwethouder?"
_MARK = re.compile(r"\bproefversie ([A-Z])\b")
# How long one run may take at most: past it, the clients stop asking (the figures say how many were asked).
MAX_SECONDS = 900


def versioned_document(letter: str) -> bytes:
    """A document of several chunks, every sentence of which names its version."""
    sections = []
    for n in range(1, 7):
        sentences = [f"Dit is proefversie {letter} van deel {n} van de proefregeling voor de testwethouder."]
        sentences += [f"In proefversie {letter} duurt de proefperiode van de testwethouder {n} weken en {i} dagen."
                      for i in range(1, 9)]
        sections.append(f"## Deel {n} van de proefregeling\n\n" + " ".join(sentences))
    return ("# Proefregeling voor de testwethouder\n\n" + "\n\n".join(sections) + "\n").encode()


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    routes: Counter = field(default_factory=Counter)
    mixed: list[str] = field(default_factory=list)  # answers quoting two versions of the versioned document
    versions_seen: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def line(self, name: str, clients: int) -> str:
        n = len(self.latencies)
        return (f"{name}: {n} answered, {sum(self.errors.values())} errors, {clients} clients, "
                f"{n / self.seconds:.1f} questions/s, p50 {percentile(self.latencies, 50):.0f} ms, "
                f"p95 {percentile(self.latencies, 95):.0f} ms, p99 {percentile(self.latencies, 99):.0f} ms, "
                f"max {max(self.latencies, default=0):.0f} ms")


def ask(client: httpx.Client, base: str, question: str, run: Run) -> None:
    started = time.perf_counter()
    try:
        r = client.post(f"{base}/api/ask", json={"question": question})
    except httpx.HTTPError as exc:
        with run.lock:
            run.errors[type(exc).__name__] += 1
        return
    elapsed = (time.perf_counter() - started) * 1000
    with run.lock:
        if r.status_code != 200:
            run.errors[f"HTTP {r.status_code}"] += 1
            return
        answer = r.json()
        run.latencies.append(elapsed)
        run.routes[answer["route"]] += 1
        letters = {m for c in answer["citations"] if "proefregeling" in c["source"] for m in _MARK.findall(c["quote"])}
        for letter in letters:
            run.versions_seen[letter] += 1
        if len(letters) > 1:
            run.mixed.append(", ".join(sorted(letters)))


def load(base: str, questions: list[str], clients: int) -> Run:
    run = Run()
    local = threading.local()
    deadline = time.monotonic() + MAX_SECONDS

    def one(question: str) -> None:
        if time.monotonic() > deadline:
            return
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=60)
        ask(local.client, base, question, run)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, questions))
    run.seconds = time.perf_counter() - started
    return run


def question_pool() -> list[str]:
    parts = yaml.safe_load((PROJECT_ROOT / "eval" / "questions.yaml").read_text(encoding="utf-8"))
    return [q["q"] for part in parts.values() for q in part if not q.get("history")]


def cycle(pool: list[str], n: int) -> list[str]:
    return (pool * (n // len(pool) + 1))[:n]


class Uploader(threading.Thread):
    """The bureau replacing one uploaded document, version after version, until told to stop."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base = base
        self.stop = threading.Event()
        self.done = 0
        self.failed: list[str] = []
        self.seconds: list[float] = []

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=120) as client:
            csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/staff/login").text).group(1)
            client.post("/staff/login", data={"csrf": csrf, "name": "belasting", "password": PASSWORD})
            doc_id = ""
            letter = 0
            while not self.stop.is_set():
                page = client.get("/staff/documents").text
                csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
                version = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[letter % 26]
                started = time.perf_counter()
                r = client.post("/staff/documents", data={"csrf": csrf, "title": "Proefregeling", "kind": "regel",
                                                          "replaces": doc_id},
                                files={"file": (VERSIONED, versioned_document(version), "text/markdown")})
                job = re.search(r"job=(\d+)", r.headers.get("location", ""))
                if r.status_code != 303 or not job:
                    self.failed.append(f"upload answered {r.status_code}")
                    return
                status = self._wait(client, job.group(1))
                if status.get("status") != "klaar":
                    self.failed.append(f"job {job.group(1)}: {status}")
                    return
                doc_id = status["doc_id"]
                self.seconds.append(time.perf_counter() - started)
                self.done += 1
                letter += 1

    @staticmethod
    def _wait(client: httpx.Client, job: str) -> dict:
        while True:
            status = client.get(f"/staff/documents/jobs/{job}").json()
            if status.get("status") in ("klaar", "mislukt"):
                return status
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--baseline", type=int, default=200, help="questions of the one-client baseline")
    parser.add_argument("--during", type=int, default=1000, help="questions asked while documents are ingested")
    parser.add_argument("--data", type=Path, help="a data folder with the corpus ingested (copied; default: ingest now)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        if args.data:
            shutil.copytree(args.data, data)
        else:
            started = time.perf_counter()
            subprocess.run([WIJZER, "ingest", "--quiet"], env={**os.environ, "WIJZER_DATA_DIR": str(data)}, check=True,
                           capture_output=True)
            print(f"corpus ingested in {time.perf_counter() - started:.0f} s")
        env = {**os.environ, "WIJZER_DATA_DIR": str(data), "WIJZER_LOG_LEVEL": "WARNING",
               "WIJZER_RATE_LIMIT_PER_MINUTE": "0", "GRADIO_ANALYTICS_ENABLED": "False"}
        subprocess.run([WIJZER, "user", "add", "belasting", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n",
                       text=True, env=env, check=True, capture_output=True)
        port = free_port()
        proc = subprocess.Popen([WIJZER, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(f"{base}/health", proc)
            pool = question_pool()
            with httpx.Client(timeout=60) as client:
                ask(client, base, "warm-up", Run())
            print(f"{len(pool)} distinct questions (eval/questions.yaml), cycled; {os.cpu_count()} cores; loopback only")
            baseline = load(base, cycle(pool, args.baseline), 1)
            print(baseline.line("baseline", 1))
            loaded = load(base, cycle(pool, args.questions), args.clients)
            print(loaded.line("load", args.clients))
            print(f"  ratios against the baseline: throughput {len(loaded.latencies) / loaded.seconds / (len(baseline.latencies) / baseline.seconds):.2f}x, "
                  f"p50 {percentile(loaded.latencies, 50) / percentile(baseline.latencies, 50):.2f}x, "
                  f"p95 {percentile(loaded.latencies, 95) / percentile(baseline.latencies, 95):.2f}x; "
                  f"routes {dict(loaded.routes)}; errors {dict(loaded.errors) or 0}")
            uploader = Uploader(base)
            uploader.start()
            while uploader.done < 1 and not uploader.failed and uploader.is_alive():
                time.sleep(0.2)  # the first version is in: from now on every question may meet a replacement
            mixed = cycle(pool, args.during)
            for i in range(0, len(mixed), 4):
                mixed[i] = VERSION_QUESTION
            during = load(base, mixed, args.clients)
            uploader.stop.set()
            uploader.join(timeout=300)
            print(during.line("load while ingesting", args.clients))
            print(f"  {uploader.done} versions of {VERSIONED} uploaded and ingested during the run "
                  f"(each {percentile(uploader.seconds, 50):.1f} s p50), failures {uploader.failed or 0}; "
                  f"answers quoting it by version {dict(sorted(during.versions_seen.items()))}; "
                  f"answers mixing two versions: {len(during.mixed)}; errors {dict(during.errors) or 0}; "
                  f"p95 {percentile(during.latencies, 95) / percentile(loaded.latencies, 95):.2f}x the load without ingest")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
