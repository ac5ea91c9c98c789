"""Documents the bureau uploads: checked, stored beside corpus/, ingested in the background with progress."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import yaml
from sqlalchemy import select

from assistant.config import Settings
from assistant.database import Database
from assistant.errors import IngestError, Refused, WijzerError
from assistant.index import Index
from assistant.models import Chunk
from assistant.staff.accounts import Account
from assistant.staff.audit import record
from assistant.tables import IngestJob
from ingest.loaders import LOADERS, Limits
from ingest.manifest import MANIFEST_NAME
from ingest.pipeline import UPLOADS, check_readable, ingest

log = logging.getLogger(__name__)

KINDS = ("beleidsplan", "publicatie", "onderzoek", "presentatie", "regel", "webpagina", "blog", "document")
SUFFIXES = tuple(sorted(LOADERS))


def _safe_name(filename: str) -> str:
    path = Path(filename)
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:80] or "document"
    return stem + path.suffix.lower()


class Documents:
    def __init__(self, settings: Settings, db: Database, index: Callable[[], Index]):
        self.settings = settings
        self.db = db
        self._index = index
        self.folder = settings.uploads_dir

    @property
    def index(self) -> Index:
        return self._index()

    # -- the manifest of uploads -----------------------------------------------------------------
    def _manifest(self) -> list[dict]:
        path = self.folder / MANIFEST_NAME
        if not path.exists():
            return []
        return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("documents", [])

    def _write_manifest(self, entries: list[dict]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / MANIFEST_NAME
        tmp = path.with_suffix(".tmp")
        tmp.write_text(yaml.safe_dump({"documents": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
        tmp.replace(path)

    def is_upload(self, doc_id: str) -> bool:
        return any(e.doc_id == doc_id and e.source.startswith(UPLOADS) for e in self.index.documents())

    # -- uploading ---------------------------------------------------------------------------------
    def upload(self, who: Account, filename: str, data: bytes, title: str, kind: str, date: str,
               replaces: str | None = None) -> int:
        """Check the file, store it, and queue its ingest; returns the job to run. Nothing changes when
        the file is refused."""
        suffix = Path(filename).suffix.lower()
        if suffix not in LOADERS:
            raise Refused("upload_type", filename, name=filename, allowed=", ".join(SUFFIXES))
        if len(data) > self.settings.max_upload_mb * 1024 * 1024:
            raise Refused("upload_too_large", filename, name=filename, limit=self.settings.max_upload_mb)
        if not data.strip():
            raise Refused("upload_empty", filename, name=filename)
        if kind not in KINDS:
            kind = "document"
        old = None
        if replaces:
            old = next((e for e in self.index.documents() if e.doc_id == replaces and e.source.startswith(UPLOADS)), None)
            if old is None:
                raise Refused("document_not_found", replaces)
        name = Path(old.source.removeprefix(UPLOADS)).stem + suffix if old else _safe_name(filename)
        if old is None and (self.folder / name).exists():
            raise Refused("upload_exists", name, name=name)
        with tempfile.TemporaryDirectory() as tmp:
            probe = Path(tmp) / name
            probe.write_bytes(data)
            try:
                check_readable(probe, self.settings.chunk_chars, Limits.of(self.settings))
            except IngestError as exc:
                log.warning("upload %s refused: %s", filename, exc.reason)
                raise Refused("upload_unreadable", exc.reason, name=filename) from exc
            self.folder.mkdir(parents=True, exist_ok=True)
            if old is not None and old.source.removeprefix(UPLOADS) != name:
                (self.folder / old.source.removeprefix(UPLOADS)).unlink(missing_ok=True)
                self.index.remove_document(old.doc_id)
            shutil.copyfile(probe, self.folder / name)
        entries = [e for e in self._manifest() if e["file"] != name and (old is None or UPLOADS + e["file"] != old.source)]
        entries.append({"file": name, "title": title.strip() or Path(filename).stem, "kind": kind, "date": date.strip(),
                        "publisher": "Wethoudersvereniging (geüpload)"})
        self._write_manifest(entries)
        with self.db.session() as session:
            job = IngestJob(user_name=who.name, filename=name, doc_id=replaces or "", status="wachtend", done=0, total=0,
                            message="")
            session.add(job)
            session.flush()
            record(session, who.name, "document.replace" if old else "document.upload", UPLOADS + name,
                   f"{len(data)} bytes, kind={kind}")
            return job.id

    def run(self, job_id: int) -> None:
        """Ingest the job's file (in a background task), writing its progress to the job as it goes."""
        with self.db.session() as session:
            job = session.get(IngestJob, job_id)
            job.status = "bezig"
            path = self.folder / job.filename

        def progress(done: int, total: int) -> None:
            with self.db.session() as session:
                row = session.get(IngestJob, job_id)
                row.done, row.total = done, total

        try:
            report = ingest(self.index, [path], progress=False, on_progress=progress)
            failure = report.failed[0][1] if report.failed else report.stopped or ""
        except (WijzerError, OSError) as exc:
            failure = str(exc)
        with self.db.session() as session:
            job = session.get(IngestJob, job_id)
            if failure:
                job.status, job.message = "mislukt", failure[:500]
                log.error("ingest job %d failed: %s", job_id, job.message)
            else:
                job.status = "klaar"
                job.total = job.total or report.chunks_embedded
                job.done = job.total
                job.doc_id = next((e.doc_id for e in self.index.documents() if e.source == UPLOADS + job.filename), "")

    def jobs(self, limit: int = 10) -> list[IngestJob]:
        with self.db.session() as session:
            return list(session.scalars(select(IngestJob).order_by(IngestJob.id.desc()).limit(limit)))

    def job(self, job_id: int) -> IngestJob | None:
        with self.db.session() as session:
            return session.get(IngestJob, job_id)

    # -- removing and reading ----------------------------------------------------------------------
    def remove(self, who: Account, doc_id: str) -> None:
        entry = next((e for e in self.index.documents() if e.doc_id == doc_id), None)
        if entry is None or not entry.source.startswith(UPLOADS):
            raise Refused("document_not_removable", doc_id)
        name = entry.source.removeprefix(UPLOADS)
        self._write_manifest([e for e in self._manifest() if e["file"] != name])
        (self.folder / name).unlink(missing_ok=True)
        self.index.remove_document(doc_id)
        with self.db.session() as session:
            record(session, who.name, "document.remove", entry.source)

    def chunks(self, doc_id: str) -> list[Chunk]:
        return sorted((c for c in self.index.chunks() if c.doc.doc_id == doc_id), key=lambda c: c.position)
