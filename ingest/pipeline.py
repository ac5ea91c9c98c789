"""Incremental ingest: new and changed files are embedded, unchanged ones skipped, removed ones dropped."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from assistant.errors import IngestError
from assistant.index import Index
from assistant.ledger import LedgerEntry
from assistant.models import Chunk, DocumentInfo
from assistant.sentences import SPLIT_VERSION
from ingest.chunking import chunk, structure
from ingest.loaders import LOADERS, load
from ingest.manifest import MANIFEST_NAME, document_info, load_manifest

log = logging.getLogger(__name__)

# Bump when cleaning or chunking changes, so every document is re-chunked on the next ingest.
CHUNKER_VERSION = "10"


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

    def summary(self) -> str:
        line = (
            f"ingest: {len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed; "
            f"{self.chunks_embedded} chunks embedded in {self.seconds:.1f} s"
        )
        for name, reason in self.failed:
            line += f"\n  failed: {name}: {reason}"
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
    digest = hashlib.sha256(path.read_bytes())
    digest.update(f"|{CHUNKER_VERSION}|{SPLIT_VERSION}|{chunk_chars}|{info}".encode())
    return digest.hexdigest()[:16]


def _chunks(path: Path, info: DocumentInfo, version: str, chunk_chars: int) -> list[Chunk]:
    pages = load(path)
    blocks = structure(pages, drop_fragments=info.kind == "presentatie")
    pieces = chunk(blocks, limit=chunk_chars)
    if not pieces:
        raise IngestError(path, "no readable text left after cleaning")
    return [
        Chunk(chunk_id=f"{info.doc_id}#{version}#{i:04d}", doc=info, text=p.text, section=p.section, page=p.page,
              position=i, version=version)
        for i, p in enumerate(pieces)
    ]


def ingest(index: Index, paths: list[Path] | None = None, progress: bool = True) -> IngestReport:
    """Bring the index in line with the files. With no paths, the whole corpus folder, and documents
    whose file left the corpus are removed from the index."""
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

    corpus = settings.corpus_dir
    files = discover(paths or [corpus])
    manifest = load_manifest(corpus)
    entries = index.ledger.entries()

    pending: list[_Pending] = []
    seen: set[str] = set()
    for path in files:
        info = document_info(path, corpus, manifest)
        seen.add(info.doc_id)
        try:
            version = _version(path, info, settings.chunk_chars)
            old = entries.get(info.doc_id)
            if old is not None and old.version == version:
                report.unchanged.append(info.source)
                continue
            pending.append(_Pending(info, version, _chunks(path, info, version, settings.chunk_chars), old is None))
        except IngestError as exc:
            log.error("skipped %s: %s", exc.path.name, exc.reason)
            report.failed.append((info.source, exc.reason))
        except OSError as exc:
            log.error("skipped %s: %s", path.name, exc)
            report.failed.append((info.source, str(exc)))

    total = sum(len(p.chunks) for p in pending)
    with tqdm(total=total, unit="chunk", desc="embedding", disable=not progress or total == 0) as bar:
        for item in pending:
            entry = LedgerEntry(
                doc_id=item.info.doc_id, source=item.info.source, version=item.version, title=item.info.title,
                kind=item.info.kind, publisher=item.info.publisher, date=item.info.date, chunks=len(item.chunks),
            )
            index.add_document(entry, item.chunks, on_progress=bar.update)
            report.chunks_embedded += len(item.chunks)
            (report.added if item.is_new else report.changed).append(item.info.source)

    if not paths:
        for doc_id, entry in entries.items():
            if doc_id not in seen:
                index.remove_document(doc_id)
                report.removed.append(entry.source)

    report.seconds = time.perf_counter() - started
    return report
