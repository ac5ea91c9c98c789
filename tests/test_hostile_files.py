"""A folder of hostile files ingested by `wijzer ingest` in its own process: each is reported by name and
skipped, the process stays within a memory bound (and a generous hang guard), and the rest is ingested."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import NameObject, NumberObject

from assistant.config import Settings
from assistant.ledger import Ledger
from tests.conftest import venv_bin

MB = 1024 * 1024
GOOD = "Het verlof van een wethouder duurt zestien weken. De raad kan een vervanger benoemen."
# Far more than reading these files may take, and far less than forever: a hang fails, slowness does not.
HANG_GUARD_SECONDS = 900
# The ingest process loads the embedding model (about 1 GB); a zip bomb unpacked or 10,000 pages held would
# take many times more.
MEMORY_BOUND_MB = 3000


def zip_bomb(path: Path) -> None:
    """A .docx of a few hundred kilobytes whose document.xml unpacks to 300 MB."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b" " * MB
            for _ in range(300):
                member.write(block)


def many_pages(path: Path, pages: int = 10_000) -> None:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=72, height=72)
    with path.open("wb") as fh:
        writer.write(fh)


def looping_pages(path: Path) -> None:
    """A PDF whose page tree lists itself among its own pages."""
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    pages = writer.root_object["/Pages"]
    pages["/Kids"].append(pages.indirect_reference)
    pages[NameObject("/Count")] = NumberObject(2)
    with path.open("wb") as fh:
        writer.write(fh)


MEASURE = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
           "print('exit', code); print('peak-kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")

HOSTILE = {
    "bom.docx": zip_bomb,
    "tienduizend.pdf": many_pages,
    "lus.pdf": looping_pages,
    "programma.txt": lambda p: p.write_bytes(os.urandom(4096) + b"\x00" + os.urandom(4096)),
    "ongeldig.md": lambda p: p.write_bytes("Een wethouder ".encode() + b"\xff\xfe\xc3\x28 kapot"),
    "enorm.txt": lambda p: p.open("wb").truncate(200 * MB),  # 200 MB, sparse on disk
}
ODD = ["rare naam – ë ü 📄 (kopie) [1] #%&.md", "map met spaties/sub map/ondergrens 'quote'.md"]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    folder = tmp_path_factory.mktemp("vijandig") / "documenten"
    folder.mkdir()
    for name, make in HOSTILE.items():
        make(folder / name)
    for name in ODD:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {path.stem}\n\n{GOOD}\n", encoding="utf-8")
    (folder / "goed.md").write_text(f"# Verlof\n\n{GOOD}\n", encoding="utf-8")
    data = tmp_path_factory.mktemp("vijandig-data") / "data"
    env = {**os.environ, "WIJZER_DATA_DIR": str(data), "WIJZER_CORPUS_DIR": str(folder), "HF_HUB_OFFLINE": "1"}
    # A fresh process runs the ingest and reports its peak memory: the ingest is its only child.
    result = subprocess.run([sys.executable, "-c", MEASURE, venv_bin("wijzer"), "ingest", "--quiet"], env=env,
                            capture_output=True, text=True, timeout=HANG_GUARD_SECONDS)
    peak_mb = int(result.stdout.rsplit("peak-kb ", 1)[1]) / 1024
    return result, peak_mb, data


def test_every_hostile_file_is_reported_by_name_and_skipped(ingested):
    result, *_ = ingested
    output = result.stdout + result.stderr
    for name in HOSTILE:
        assert f"skipped {name}" in output, f"{name} not reported:\n{output[-3000:]}"
    assert f"{len(HOSTILE)} failed" in result.stdout, result.stdout


@pytest.mark.parametrize("name, reason", [
    ("bom.docx", "unpacks to 300 MB"), ("tienduizend.pdf", "10000 pages"), ("enorm.txt", "200 MB"),
    ("programma.txt", "binary"), ("ongeldig.md", "not valid UTF-8"), ("lus.pdf", "cyclic"),
])
def test_each_says_what_is_wrong(ingested, name, reason):
    result, *_ = ingested
    line = next(line for line in (result.stdout + result.stderr).splitlines() if f"skipped {name}" in line)
    assert reason in line, line


def test_the_rest_is_ingested_odd_names_too(ingested):
    result, _, data = ingested
    assert "exit 0" in result.stdout, result.stdout + result.stderr
    sources = {entry.source for entry in Ledger(Settings(data_dir=data).ledger_path).entries().values()}
    assert {"goed.md", *ODD} <= sources, sources


def test_reading_them_stays_within_a_memory_bound(ingested):
    _, peak_mb, _ = ingested
    assert peak_mb < MEMORY_BOUND_MB, f"peak {peak_mb:.0f} MB"
