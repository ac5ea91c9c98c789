"""The database on both engines: migrations, the append-only audit log, usage counters, feedback carried over."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from assistant.config import Settings
from assistant.database import Database
from assistant.feedback import Feedback, FeedbackStore
from assistant.models import Answer, Route
from assistant.staff.audit import AuditLog
from assistant.tables import FeedbackEntry
from assistant.usage import Usage


@pytest.fixture
def db(database_url) -> Database:
    database = Database(database_url)
    database.migrate()
    return database


def test_migrations_reach_the_newest_revision_and_run_twice_without_harm(db):
    db.migrate()
    assert db.revision() == "0001"


def test_the_audit_log_refuses_updates_and_deletes(db):
    log = AuditLog(db)
    log.add("anna", "draft.create", "draft 1")
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.session() as session:
                session.execute(text(statement))
    entries, total = log.entries()
    assert total == 1 and entries[0].action == "draft.create"


def test_usage_counts_per_day_route_and_reason_also_from_several_threads(db):
    usage = Usage(db)
    answers = [Answer(answer="x", route=Route.answer, reason="answer"),
               Answer(answer="x", route=Route.escalate, reason="threat")]
    threads = [threading.Thread(target=lambda a=a: [usage.record(a) for _ in range(10)]) for a in answers * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (day, counts), = usage.per_day().items()
    assert counts == {("answer", "answer"): 20, ("escalate", "threat"): 20}
    assert day == datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()


def test_usage_keeps_no_question_text(db):
    Usage(db).record(Answer(answer="Het antwoord", route=Route.answer, reason="answer"))
    with db.session() as session:
        rows = session.execute(text("SELECT * FROM usage_counts")).all()
    assert [tuple(r)[1:] for r in rows] == [("answer", "answer", 1)]


def test_feedback_round_trip(db):
    store = FeedbackStore(db)
    item = store.add(Feedback(rating="down", comment=" te kort ", question="Vraag?", answer="Antwoord.", route="answer"))
    store.update_comment(item, "nog steeds te kort")
    (row,) = store.all(rating="down")
    assert row["comment"] == "nog steeds te kort" and row["question"] == "Vraag?"
    assert store.all(rating="up") == []


def test_an_old_feedback_file_is_carried_over_once(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    old = data / "feedback.sqlite"
    with closing(sqlite3.connect(old)) as con, con:
        con.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at REAL NOT NULL, rating TEXT NOT NULL, "
                    "comment TEXT NOT NULL DEFAULT '', question TEXT NOT NULL, answer TEXT NOT NULL, route TEXT NOT NULL, "
                    "reason TEXT NOT NULL DEFAULT '', citations TEXT NOT NULL DEFAULT '[]')")
        con.execute("INSERT INTO feedback (created_at, rating, comment, question, answer, route, reason) "
                    "VALUES (1700000000, 'down', 'mist iets', 'Oude vraag?', 'Oud antwoord', 'answer', 'answer')")
    settings = Settings(data_dir=data)
    db = Database.open(settings)
    assert [r["question"] for r in FeedbackStore(db).all()] == ["Oude vraag?"]
    assert not old.exists() and (data / "feedback.sqlite.carried-over").exists()
    Database.open(settings)  # a second start does not copy it again
    assert db.count(FeedbackEntry) == 1
