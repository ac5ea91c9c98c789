"""Ingest under faults, for real: `wijzer ingest` killed with SIGKILL at random moments (bench/faults.py, here
with two runs; `make faults` runs twenty), and a disk that fills up half-way (a small tmpfs)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from assistant.config import PROJECT_ROOT
from bench import faults
from tests.conftest import venv_bin

RULES = PROJECT_ROOT / "corpus" / "regels"


def test_ingest_killed_at_random_moments_leaves_a_whole_index_after_the_next_ingest(tmp_path):
    original = tmp_path / "original"
    original.mkdir()
    for name in (faults.CHANGED, faults.REMOVED):
        shutil.copy(PROJECT_ROOT / "corpus" / name, original)
    shutil.copytree(RULES, original / "regels")
    results = faults.run(2, seed=7, work=tmp_path / "work", original=original, log=lambda line: None)
    assert [r["problems"] for r in results] == [[], []]
    assert any(not r["finished_before_kill"] for r in results)


def _ingest(data, corpus) -> subprocess.CompletedProcess:
    return subprocess.run([venv_bin("wijzer"), "ingest", "--quiet"], env=faults.env_for(data, corpus), capture_output=True,
                          text=True, timeout=600)


def _served(found: dict) -> dict:
    """The ledger, the chunks of its versions, an answer. (Chunks half written by a failed ingest may lie beside
    them, never served; the next ingest clears them.)"""
    versions = {f"{doc}@{version}" for doc, (version, _, _) in found["ledger"].items()}
    return {"ledger": found["ledger"], "chunks": {k: n for k, n in found["chunks"].items() if k in versions},
            "answer": found["answers"][0]}


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs: the disk of the data folder, made to fill up."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.fail(f"a full disk is simulated with a small tmpfs, which needs root: {mounted.stderr.strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_full_disk_during_ingest_loses_nothing_that_was_there(tmp_path, small_disk):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("verlof-en-vervanging.md", "integriteit.md"):
        shutil.copy(RULES / name, corpus)
    built = tmp_path / "built"
    assert _ingest(built, corpus).returncode == 0
    before = _served(faults.inspect(built, corpus))
    data = small_disk / "data"
    shutil.copytree(built, data)

    shutil.copy(PROJECT_ROOT / "corpus" / "waarden-bestuurlijk-vakmanschap.txt", corpus)  # more than the disk holds
    full = _ingest(data, corpus)
    said = full.stdout + full.stderr
    assert full.returncode == 1, said
    assert "stopped: writing waarden-bestuurlijk-vakmanschap.txt to the index failed" in said, said
    assert "is full" in said and "Traceback" not in said, said

    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)  # room again
    assert _served(faults.inspect(data, corpus)) == before  # what was there is there, whole, and answers as before
    again = _ingest(data, corpus)
    assert again.returncode == 0, again.stdout + again.stderr
    found = faults.inspect(data, corpus)
    assert set(found["ledger"]) == set(before["ledger"]) | {"waarden-bestuurlijk-vakmanschap"}
    assert {k: v for k, v in found["ledger"].items() if k in before["ledger"]} == before["ledger"]
    assert not faults.problems(found, found)  # whole: every file served, its chunks once, no strays

