"""Feedback on answers, stored in SQLite only when a user gives it."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from pydantic import BaseModel, Field

from assistant.models import Citation

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at REAL NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    route TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    citations TEXT NOT NULL DEFAULT '[]'
)
"""


class Feedback(BaseModel):
    rating: str = Field(pattern="^(up|down)$", description="'up' (duim omhoog) of 'down' (duim omlaag)")
    comment: str = Field(default="", max_length=2000)
    question: str = Field(min_length=1, max_length=2000)
    answer: str = Field(min_length=1, max_length=20000)
    route: str = Field(pattern="^(answer|escalate|decline)$")
    reason: str = ""
    citations: list[Citation] = []


class FeedbackStore:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path)) as db, db:
            db.execute(_SCHEMA)

    def add(self, item: Feedback) -> int:
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, rating, comment, question, answer, route, reason, citations) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (time.time(), item.rating, item.comment.strip(), item.question, item.answer, item.route, item.reason,
                 json.dumps([c.model_dump() for c in item.citations], ensure_ascii=False)),
            )
            return int(cursor.lastrowid)

    def update_comment(self, feedback_id: int, comment: str) -> None:
        with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
            db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment.strip()[:2000], feedback_id))

    def all(self, rating: str | None = None) -> list[dict]:
        with closing(sqlite3.connect(self.path)) as db:
            db.row_factory = sqlite3.Row
            query = "SELECT * FROM feedback" + (" WHERE rating = ?" if rating else "") + " ORDER BY id"
            rows = db.execute(query, (rating,) if rating else ()).fetchall()
        return [{**dict(r), "citations": json.loads(r["citations"])} for r in rows]
