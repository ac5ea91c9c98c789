"""Lexical search on PostgreSQL full-text search (its 'dutch' configuration: Snowball stemming, Dutch stop
words), for a document base past what the in-process BM25 index holds in memory or rebuilds quickly.

Index.bm25_search answers from it instead of the BM25 index (`search(question, k)` gives scored hits, best
first, by chunk id instead of position); Index keeps it in step with Chroma: a document's chunks are added before the ledger
switches to their version, older versions are dropped after, and strays are swept (WIJZER_LEXICAL=postgres,
on the database of WIJZER_DATABASE_URL).
"""

from __future__ import annotations

import re
from typing import Iterable

import psycopg

from assistant.ledger import LedgerEntry
from assistant.models import Chunk

_WORD = re.compile(r"\w+")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS lexical_chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    version TEXT NOT NULL,
    tsv TSVECTOR NOT NULL
);
CREATE INDEX IF NOT EXISTS lexical_chunks_tsv ON lexical_chunks USING GIN (tsv);
CREATE INDEX IF NOT EXISTS lexical_chunks_doc ON lexical_chunks (doc_id, version);
"""


def _dsn(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://...) as psycopg takes it."""
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


class PostgresLexical:
    def __init__(self, url: str):
        if not url.startswith("postgresql"):
            raise ValueError(f"WIJZER_LEXICAL=postgres needs a PostgreSQL WIJZER_DATABASE_URL, not {url.split(':')[0]}")
        self.dsn = _dsn(url)
        with self._connect() as db:
            db.execute(_SCHEMA)

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(self.dsn, autocommit=False)

    def add(self, chunks: Iterable[Chunk]) -> None:
        rows = [(c.chunk_id, c.doc.doc_id, c.version, c.indexed_text()) for c in chunks]
        with self._connect() as db, db.cursor() as cur:
            cur.executemany(
                "INSERT INTO lexical_chunks VALUES (%s, %s, %s, to_tsvector('dutch', %s)) "
                "ON CONFLICT (chunk_id) DO UPDATE SET tsv = EXCLUDED.tsv", rows)

    def keep_version(self, doc_id: str, version: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM lexical_chunks WHERE doc_id = %s AND version <> %s", (doc_id, version))

    def remove(self, doc_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM lexical_chunks WHERE doc_id = %s", (doc_id,))

    def sweep(self, entries: dict[str, LedgerEntry]) -> int:
        """Delete rows of no ledger version (left by a crash mid-ingest); how many."""
        served = [f"{e.doc_id}@{e.version}" for e in entries.values()]
        with self._connect() as db:
            return db.execute("DELETE FROM lexical_chunks WHERE NOT (doc_id || '@' || version = ANY(%s))",
                              (served,)).rowcount

    def clear(self) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM lexical_chunks")

    def count(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT count(*) FROM lexical_chunks").fetchone()[0]

    def search(self, question: str, k: int) -> list[tuple[str, float]]:
        """Chunks holding any of the question's words (stemmed, stop words dropped), by ts_rank_cd with
        length normalisation; words only, so no text of a question is ever read as query syntax."""
        words = list(dict.fromkeys(w.lower() for w in _WORD.findall(question)))
        if not words:
            return []
        with self._connect() as db:
            rows = db.execute(
                "SELECT chunk_id, ts_rank_cd(tsv, q, 1) AS rank FROM lexical_chunks, "
                "to_tsquery('dutch', %s) AS q WHERE tsv @@ q ORDER BY rank DESC, chunk_id LIMIT %s",
                (" | ".join(words), k)).fetchall()
        return [(chunk_id, float(rank)) for chunk_id, rank in rows]
