"""Feedback on answers, stored in the database only when a user gives it."""

from __future__ import annotations

import json

from pydantic import BaseModel, Field
from sqlalchemy import select

from assistant.database import Database
from assistant.models import Citation
from assistant.tables import FeedbackEntry, utcnow


class Feedback(BaseModel):
    rating: str = Field(pattern="^(up|down)$", description="'up' (duim omhoog) of 'down' (duim omlaag)")
    comment: str = Field(default="", max_length=2000)
    question: str = Field(min_length=1, max_length=2000)
    answer: str = Field(min_length=1, max_length=20000)
    route: str = Field(pattern="^(answer|escalate|decline)$")
    reason: str = ""
    citations: list[Citation] = []


def _as_dict(row: FeedbackEntry) -> dict:
    return {"id": row.id, "created_at": row.created_at, "rating": row.rating, "comment": row.comment,
            "question": row.question, "answer": row.answer, "route": row.route, "reason": row.reason,
            "citations": json.loads(row.citations), "converted_at": row.converted_at}


class FeedbackStore:
    def __init__(self, db: Database):
        self.db = db

    def add(self, item: Feedback) -> int:
        with self.db.session() as session:
            row = FeedbackEntry(rating=item.rating, comment=item.comment.strip(), question=item.question,
                                answer=item.answer, route=item.route, reason=item.reason,
                                citations=json.dumps([c.model_dump() for c in item.citations], ensure_ascii=False))
            session.add(row)
            session.flush()
            return row.id

    def update_comment(self, feedback_id: int, comment: str) -> None:
        with self.db.session() as session:
            row = session.get(FeedbackEntry, feedback_id)
            if row is not None:
                row.comment = comment.strip()[:2000]

    def get(self, feedback_id: int) -> dict | None:
        with self.db.session() as session:
            row = session.get(FeedbackEntry, feedback_id)
            return _as_dict(row) if row else None

    def mark_converted(self, feedback_id: int) -> None:
        with self.db.session() as session:
            row = session.get(FeedbackEntry, feedback_id)
            if row is not None:
                row.converted_at = utcnow()

    def all(self, rating: str | None = None) -> list[dict]:
        query = select(FeedbackEntry).order_by(FeedbackEntry.id)
        if rating:
            query = query.where(FeedbackEntry.rating == rating)
        with self.db.session() as session:
            return [_as_dict(r) for r in session.scalars(query)]
