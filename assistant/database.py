"""The database: one engine per process, migrated to the newest schema by Alembic on start-up.

SQLite in the data dir by default; any SQLAlchemy URL (PostgreSQL for several replicas) through
WIJZER_DATABASE_URL. An older deployment's feedback.sqlite is carried over once, not lost.

A database out of reach does not stop the service: every unit of work raises DatabaseUnavailable (the edge
says so in Dutch, the chat goes on answering), and the next one tries again, migrating first when the
database was out of reach at start-up.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from assistant.config import Settings
from assistant.errors import DatabaseUnavailable
from assistant.tables import FeedbackEntry

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: PostgreSQL replicas starting together migrate one after another.
_MIGRATION_LOCK = 7306


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    def __init__(self, url: str):
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.engine = _engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._ready: Path | None = None  # the feedback file to carry over once the database is reached
        self._readying = threading.Lock()

    @classmethod
    def open(cls, settings: Settings) -> Database:
        """The configured database, migrated, with an old feedback file carried over; when it cannot be
        reached, that happens at its first use."""
        db = cls(settings.database)
        db._ready = settings.feedback_path
        try:
            db.ready()
        except DatabaseUnavailable as exc:
            log.error("%s; it is tried again at its next use", exc)
        return db

    def ready(self) -> None:
        """Migrated and carried over, once per process."""
        if self._ready is None:
            return
        with self._readying:
            if self._ready is None:
                return
            try:
                self.migrate()
                self.carry_over_feedback(self._ready)
            except OperationalError as exc:
                raise DatabaseUnavailable(exc.orig or exc) from exc
            self._ready = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back when it raises; DatabaseUnavailable
        when the database cannot be reached."""
        self.ready()
        with self._unit() as session:
            yield session

    @contextmanager
    def _unit(self) -> Iterator[Session]:
        try:
            with self._sessions() as session, session.begin():
                yield session
        except OperationalError as exc:
            raise DatabaseUnavailable(exc.orig or exc) from exc

    def migrate(self) -> None:
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def revision(self) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def carry_over_feedback(self, path: Path) -> int:
        """Copy feedback.sqlite of an earlier version into the database, then rename it so it is read once."""
        claimed = path.with_name(path.name + ".carrying-over")
        try:  # a rename is atomic: of replicas starting together, one carries the file over
            path.rename(claimed)
        except FileNotFoundError:
            if not claimed.exists():  # (left by a start that stopped half-way: carried over now)
                return 0
        with closing(sqlite3.connect(claimed)) as old:
            old.row_factory = sqlite3.Row
            rows = old.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        with self._unit() as session:  # (called by ready(): not through session())
            for row in rows:
                session.add(FeedbackEntry(
                    created_at=datetime.fromtimestamp(row["created_at"], UTC).replace(tzinfo=None),
                    rating=row["rating"], comment=row["comment"], question=row["question"], answer=row["answer"],
                    route=row["route"], reason=row["reason"], citations=row["citations"] or json.dumps([])))
        claimed.rename(path.with_name(path.name + ".carried-over"))
        log.info("carried %d feedback rows over from %s into the database", len(rows), path)
        return len(rows)

    def count(self, table) -> int:
        with self.session() as session:
            return session.scalar(select(func.count()).select_from(table)) or 0
