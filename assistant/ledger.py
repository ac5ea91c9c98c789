"""The ledger: which version of which document the index serves, kept in SQLite.

A document's new chunks are written to Chroma first, then the ledger switches to the new version in
one transaction, then the old chunks are deleted. Searches only see chunks of ledger versions, so a
crash at any point leaves every document wholly old or wholly new.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    version TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    publisher TEXT NOT NULL,
    date TEXT NOT NULL,
    chunks INTEGER NOT NULL,
    ingested_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class LedgerEntry:
    doc_id: str
    source: str
    version: str
    title: str
    kind: str
    publisher: str
    date: str
    chunks: int


class Ledger:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")  # kept in the file: readers never wait for an ingest
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def entries(self) -> dict[str, LedgerEntry]:
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT doc_id, source, version, title, kind, publisher, date, chunks FROM documents ORDER BY title"
            ).fetchall()
        return {row[0]: LedgerEntry(*row) for row in rows}

    def commit(self, entry: LedgerEntry) -> None:
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.doc_id, entry.source, entry.version, entry.title, entry.kind, entry.publisher,
                 entry.date, entry.chunks, time.time()),
            )
            self._bump(db)

    def remove(self, doc_id: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            self._bump(db)

    def clear(self) -> None:
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM documents")
            self._bump(db)

    def get_meta(self, key: str) -> str | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def generation(self) -> str:
        """Changes whenever the served set of documents changes; readers reload on a new value."""
        return self.get_meta("generation") or "0"

    @staticmethod
    def _bump(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO meta VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
        )
