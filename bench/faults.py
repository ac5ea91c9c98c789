"""Ingest killed with kill -9 at random moments, then ingested again: is the index whole?

The corpus is switched between two states, A (corpus/ as it is) and B (the beleidsplan changed, a new
document added, the blog removed), and every run ingests the switch in a `wijzer ingest` process that is
killed with SIGKILL at a random moment. Then a new `wijzer ingest` runs to its end, and the index is compared
with a reference built without faults for the same state: every document of the folder served, each with
exactly its ledger's number of chunks (and sentence vectors) of its current version, none twice, nothing
else in the store, and the same answers to questions about the documents the switch leaves alone.
Usage: .venv/bin/python bench/faults.py [--runs 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WIJZER = str(Path(sys.executable).parent / "wijzer")

# Questions about documents the switch leaves alone (rule documents, the values publication).
UNTOUCHED = [
    "Hoe lang duurt het zwangerschapsverlof van een wethouder?",
    "Wat doet de vertrouwenspersoon van de vereniging?",
    "Heb ik recht op wachtgeld als mijn wethouderschap stopt?",
    "Wat moet ik doen als ik bedreigd word?",
    "Moet ik mijn nevenfuncties openbaar maken?",
    "Hoeveel waarden van bestuurlijk vakmanschap zijn er?",
]
CHANGED = "beleidsplan-2025-2030.txt"
REMOVED = "blog-samen-samen-samen.txt"
ADDED = "nieuw-bericht.md"


def set_state(corpus: Path, state: str, original: Path) -> None:
    """State A: the original files. State B: a paragraph added to the beleidsplan, a new file, the blog gone."""
    text = (original / CHANGED).read_text(encoding="utf-8")
    if state == "A":
        (corpus / CHANGED).write_text(text, encoding="utf-8")
        shutil.copy(original / REMOVED, corpus / REMOVED)
        (corpus / ADDED).unlink(missing_ok=True)
    else:
        (corpus / CHANGED).write_text(text + "\n\nAanvulling 2026\n\nHet bestuur evalueert dit plan elk voorjaar met "
                                      "de leden en past de speerpunten zo nodig aan.\n", encoding="utf-8")
        (corpus / REMOVED).unlink(missing_ok=True)
        (corpus / ADDED).write_text("# Ledenbericht\n\nDe ledenvergadering van het najaar vindt plaats in Amersfoort. "
                                    "Leden ontvangen de stukken vier weken vooraf.\n", encoding="utf-8")


def env_for(data: Path, corpus: Path) -> dict:
    return {**os.environ, "WIJZER_DATA_DIR": str(data), "WIJZER_CORPUS_DIR": str(corpus), "HF_HUB_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False"}


def ingest_to_end(data: Path, corpus: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([WIJZER, "ingest"], env=env_for(data, corpus), capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"wijzer ingest failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started, done.stdout + done.stderr


def inspect(data: Path, corpus: Path) -> dict:
    """What the index holds, read in a fresh process (Chroma caches an opened folder per process)."""
    out = subprocess.run([sys.executable, __file__, "--inspect", str(data), "--corpus", str(corpus)],
                         env=env_for(data, corpus), capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"inspecting {data} failed:\n{out.stderr}")
    return json.loads(out.stdout)


def _inspect_here(data: Path, corpus: Path) -> dict:
    from assistant.config import Settings
    from assistant.service import build_service
    from ingest.pipeline import discover

    settings = Settings(data_dir=data, corpus_dir=corpus)
    service = build_service(settings)
    index = service.index
    entries = index.ledger.entries()
    stored = {}
    for name, collection in (("chunks", index._store._collection), ("sentences", index._sentences)):
        got = collection.get(include=["metadatas"])
        stored[name] = Counter(f"{m['doc_id']}@{m['version']}" for m in got["metadatas"])
        stored[name + "_ids"] = len(got["ids"]) - len(set(got["ids"]))
    answers = []
    for question in UNTOUCHED:
        answer = service.ask(question)
        answers.append([answer.route.value, answer.answer, [(c.document, c.quote) for c in answer.citations]])
    return {
        "ledger": {doc_id: [e.version, e.chunks, e.source] for doc_id, e in entries.items()},
        "files": sorted(str(p.relative_to(corpus)) for p in discover([corpus])),
        "chunks": dict(stored["chunks"]), "sentences": dict(stored["sentences"]),
        "duplicate_ids": stored["chunks_ids"] + stored["sentences_ids"],
        "answers": answers,
    }


def problems(found: dict, reference: dict) -> list[str]:
    """Every way `found` falls short of a whole index that matches `reference`."""
    out = []
    served = {source for _, _, source in found["ledger"].values()}
    if served != set(found["files"]):
        out.append(f"served {sorted(served)} but the folder holds {found['files']}")
    expected = {f"{doc}@{version}": chunks for doc, (version, chunks, _) in found["ledger"].items()}
    if found["chunks"] != expected:
        out.append(f"chunks in the store {found['chunks']} != ledger {expected}")
    if set(found["sentences"]) != set(expected):
        out.append(f"sentence vectors of {sorted(found['sentences'])} != ledger versions {sorted(expected)}")
    if found["duplicate_ids"]:
        out.append(f"{found['duplicate_ids']} ids stored twice")
    if found["ledger"] != reference["ledger"]:
        out.append("ledger differs from the reference built without faults")
    if found["sentences"] != reference["sentences"]:
        out.append("sentence vectors differ from the reference")
    for question, got, want in zip(UNTOUCHED, found["answers"], reference["answers"]):
        if got != want:
            out.append(f"answer changed: {question}")
    return out


def run(runs: int, seed: int, work: Path, original: Path = ROOT / "corpus", log=print) -> list[dict]:
    """`runs` kills and recoveries of ingesting `original` (a corpus folder holding CHANGED and REMOVED); one
    dict per run, its problems empty when the index came out whole."""
    rng = random.Random(seed)
    corpus = work / "corpus"
    shutil.copytree(original, corpus)
    references, durations = {}, {}
    data = {"A": work / "ref-A", "B": work / "ref-B"}
    set_state(corpus, "A", original)
    ingest_to_end(data["A"], corpus)
    references["A"] = inspect(data["A"], corpus)
    shutil.copytree(data["A"], data["B"])
    set_state(corpus, "B", original)
    durations["B"], _ = ingest_to_end(data["B"], corpus)
    references["B"] = inspect(data["B"], corpus)
    set_state(corpus, "A", original)
    live = work / "live"
    shutil.copytree(data["B"], live)
    durations["A"], _ = ingest_to_end(live, corpus)
    log(f"reference ingests of the switch without faults: A->B {durations['B']:.1f} s, B->A {durations['A']:.1f} s")
    for problem in problems(references["A"], references["A"]) + problems(references["B"], references["B"]):
        raise SystemExit(f"the references themselves are not whole: {problem}")

    results = []
    state = "A"
    for n in range(1, runs + 1):
        state = "B" if state == "A" else "A"
        set_state(corpus, state, original)
        moment = rng.uniform(0.0, durations[state])
        proc = subprocess.Popen([WIJZER, "ingest"], env=env_for(live, corpus), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(moment)
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        seconds, output = ingest_to_end(live, corpus)
        swept = next((line.split("removed ")[1].split(" chunks")[0] for line in output.splitlines()
                      if "left behind by an interrupted ingest" in line), "0")
        found = inspect(live, corpus)
        result = {"run": n, "to": state, "killed_at_s": round(moment, 2), "finished_before_kill": finished,
                  "swept_chunks": int(swept), "recovery_s": round(seconds, 1), "problems": problems(found, references[state])}
        results.append(result)
        log(f"run {n:2d}: ingest to {state} killed at {moment:5.1f} s"
            f"{' (had finished)' if finished else ''}; recovery ingest {seconds:5.1f} s swept {swept} chunks; "
            + ("whole" if not result["problems"] else "PROBLEMS: " + "; ".join(result["problems"])))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--inspect", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inspect:
        import logging

        logging.disable(logging.WARNING)
        print(json.dumps(_inspect_here(args.inspect, args.corpus), ensure_ascii=False))
        return 0
    with tempfile.TemporaryDirectory(prefix="wijzer-faults-") as tmp:
        results = run(args.runs, args.seed, Path(tmp))
    killed = [r for r in results if not r["finished_before_kill"]]
    whole = [r for r in results if not r["problems"]]
    print(f"== {len(results)} runs, {len(killed)} killed mid-ingest, {len(whole)} whole after the next ingest; "
          f"{sum(r['swept_chunks'] for r in results)} stray chunks swept in all")
    return 0 if len(whole) == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
