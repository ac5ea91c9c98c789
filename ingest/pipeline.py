"""Incremental ingest: new and changed files are embedded, unchanged ones skipped, removed ones dropped."""

from __future__ import annotations

import hashlib
import logging
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from chromadb.errors import ChromaError
from tqdm import tqdm

from assistant.config import Settings
from assistant.errors import IngestError, StoreUnavailable
from assistant.index import Index
from assistant.ledger import LedgerEntry
from assistant.models import Chunk, DocumentInfo
from assistant.sentences import SPLIT_VERSION
from ingest.chunking import chunk, structure
from ingest.loaders import LOADERS, Limits, load
from ingest.manifest import MANIFEST_NAME, document_info, load_manifest

log = logging.getLogger(__name__)

# Bump when cleaning or chunking changes, so every document is re-chunked on the next ingest.
CHUNKER_VERSION = "15"


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks_embedded: int = 0
    seconds: float = 0.0
    rebuilt: str | None = None
    stopped: str | None = None  # why writing to the index stopped (a full disk); what it served still stands

    def summary(self) -> str:
        line = (
            f"ingest: {len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed; "
            f"{self.chunks_embedded} chunks embedded in {self.seconds:.1f} s"
        )
        for name, reason in self.failed:
            line += f"\n  failed: {name}: {reason}"
        if self.stopped:
            line += f"\n  stopped: {self.stopped}"
        return line


@dataclass
class _Pending:
    info: DocumentInfo
    version: str
    chunks: list[Chunk]
    is_new: bool


def discover(paths: list[Path]) -> list[Path]:
    """Every supported file under the given files and folders, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += [p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in LOADERS and p.name != MANIFEST_NAME]
        elif path.exists():
            found.append(path)
        else:
            raise IngestError(path, "no such file or folder")
    return sorted(set(found))


def _version(path: Path, info: DocumentInfo, chunk_chars: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:  # in blocks: a file far over the size limit is hashed, not held in memory
        while block := fh.read(1 << 20):
            digest.update(block)
    digest.update(f"|{CHUNKER_VERSION}|{SPLIT_VERSION}|{chunk_chars}|{info}".encode())
    return digest.hexdigest()[:16]


def _chunks(path: Path, info: DocumentInfo, version: str, chunk_chars: int, limits: Limits = Limits()) -> list[Chunk]:
    pages = load(path, limits)
    blocks = structure(pages, drop_fragments=info.kind == "presentatie")
    pieces = chunk(blocks, limit=chunk_chars)
    if not pieces:
        raise IngestError(path, "no readable text left after cleaning")
    return [
        Chunk(chunk_id=f"{info.doc_id}#{version}#{i:04d}", doc=info, text=p.text, section=p.section, page=p.page,
              position=i, version=version)
        for i, p in enumerate(pieces)
    ]


UPLOADS = "uploads/"  # the source prefix of documents uploaded in the bureau's workspace


def roots(settings: Settings) -> dict[Path, str]:
    """The folders documents come from, with the prefix their sources get: corpus/ and the uploads."""
    return {settings.corpus_dir: "", settings.uploads_dir: UPLOADS}


def _root(path: Path, folders: dict[Path, str]) -> tuple[Path, str]:
    for folder, under in folders.items():
        if path.resolve().is_relative_to(folder.resolve()):
            return folder, under
    return next(iter(folders.items()))


def check_readable(path: Path, chunk_chars: int, limits: Limits = Limits()) -> int:
    """How many chunks a file gives; IngestError when it gives none, before anything is written."""
    info = DocumentInfo(doc_id="check", title=path.stem, source=path.name)
    return len(_chunks(path, info, "check", chunk_chars, limits))


def _stopped(settings: Settings, source: str, exc: Exception) -> str:
    """Why a document could not be written, naming a full disk when that is what it is."""
    reason = f"writing {source} to the index failed ({type(exc).__name__}: {exc})"
    if not settings.chroma_url:
        free = shutil.disk_usage(settings.data_dir).free
        if free < 16 << 20:
            reason += f"; the disk holding {settings.data_dir} is full ({free >> 10} KB free)"
    return (reason + ". Every document keeps the version the index served before; make room and ingest again: "
            "what was half written is cleared then")


def ingest(index: Index, paths: list[Path] | None = None, progress: bool = True,
           on_progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Bring the index in line with the files. With no paths, the corpus folder and the uploads, and
    documents whose file left them are removed from the index. `on_progress(done, total)` follows the
    embedding, chunk by chunk."""
    started = time.perf_counter()
    settings = index.settings
    report = IngestReport()
    built = index.built_with()
    if built is not None and built != index.model:
        log.warning("index was built with %s but %s is configured: rebuilding it", built, index.model)
        index.reset()
        report.rebuilt = built
    swept = index.sweep()
    if swept:
        log.warning("removed %d chunks left behind by an interrupted ingest", swept)

    folders = roots(settings)
    limits = Limits.of(settings)
    files = discover(paths or [f for f in folders if f.exists()])
    manifests = {folder: load_manifest(folder) for folder in folders}
    entries = index.ledger.entries()

    pending: list[_Pending] = []
    seen: set[str] = set()
    for path in files:
        folder, under = _root(path, folders)
        info = document_info(path, folder, manifests[folder], under)
        seen.add(info.doc_id)
        try:
            version = _version(path, info, settings.chunk_chars)
            old = entries.get(info.doc_id)
            if old is not None and old.version == version:
                report.unchanged.append(info.source)
                continue
            pending.append(_Pending(info, version, _chunks(path, info, version, settings.chunk_chars, limits), old is None))
        except IngestError as exc:
            log.error("skipped %s: %s", exc.path.name, exc.reason)
            report.failed.append((info.source, exc.reason))
        except OSError as exc:
            log.error("skipped %s: %s", path.name, exc)
            report.failed.append((info.source, str(exc)))

    total = sum(len(p.chunks) for p in pending)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        bar.update(n)
        if on_progress is not None:
            on_progress(done, total)

    with tqdm(total=total, unit="chunk", desc="embedding", disable=not progress or total == 0) as bar:
        for item in pending:
            entry = LedgerEntry(
                doc_id=item.info.doc_id, source=item.info.source, version=item.version, title=item.info.title,
                kind=item.info.kind, publisher=item.info.publisher, date=item.info.date, chunks=len(item.chunks),
            )
            try:
                index.add_document(entry, item.chunks, on_progress=advance)
            except (ChromaError, OSError, sqlite3.Error, StoreUnavailable) as exc:
                report.stopped = _stopped(settings, item.info.source, exc)
                log.error("ingest stopped: %s", report.stopped)
                break
            report.chunks_embedded += len(item.chunks)
            (report.added if item.is_new else report.changed).append(item.info.source)

    if not paths and not report.stopped:
        for doc_id, entry in entries.items():
            if doc_id not in seen:
                index.remove_document(doc_id)
                report.removed.append(entry.source)

    report.seconds = time.perf_counter() - started
    return report
