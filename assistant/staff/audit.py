"""The audit log: who did what, when, on what. Rows are only ever added (the database refuses the rest)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.database import Database
from assistant.tables import AuditEntry


def record(session: Session, user: str, action: str, target: str = "", detail: str = "") -> None:
    """Add an entry inside the caller's unit of work, so the action and its entry commit together.
    Never put a member's name or a question in `detail`: a deleted draft must leave nothing behind."""
    session.add(AuditEntry(user_name=user[:80], action=action[:60], target=target[:200], detail=detail[:500]))


class AuditLog:
    def __init__(self, db: Database):
        self.db = db

    def add(self, user: str, action: str, target: str = "", detail: str = "") -> None:
        with self.db.session() as session:
            record(session, user, action, target, detail)

    def entries(self, page: int = 1, per_page: int = 100, user: str = "", action: str = "") -> tuple[list[AuditEntry], int]:
        query = select(AuditEntry)
        if user:
            query = query.where(AuditEntry.user_name == user)
        if action:
            query = query.where(AuditEntry.action == action)
        with self.db.session() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = list(session.scalars(query.order_by(AuditEntry.id.desc()).offset((page - 1) * per_page).limit(per_page)))
        return rows, total
