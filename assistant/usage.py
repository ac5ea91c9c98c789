"""Usage counters: questions per day by route and reason. Counters only; what was asked is never kept."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from assistant.database import Database
from assistant.errors import DatabaseUnavailable
from assistant.models import Answer
from assistant.tables import UsageCount

log = logging.getLogger(__name__)

_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


class Usage:
    def __init__(self, db: Database, timezone: str = "Europe/Amsterdam"):
        self.db = db
        self.zone = ZoneInfo(timezone)

    def record(self, answer: Answer) -> None:
        """Count one answered question under today's date, its route and its reason. With the database out
        of reach the count is dropped (and logged): the answer matters more than its count."""
        day = datetime.now(self.zone).date().isoformat()
        insert = _INSERT[self.db.dialect](UsageCount).values(day=day, route=answer.route.value, reason=answer.reason,
                                                             count=1)
        upsert = insert.on_conflict_do_update(index_elements=["day", "route", "reason"],
                                              set_={"count": UsageCount.count + 1})
        try:
            with self.db.session() as session:
                session.execute(upsert)
        except DatabaseUnavailable as exc:
            log.warning("usage count dropped: %s", exc)

    def per_day(self) -> dict[str, dict[tuple[str, str], int]]:
        """{day: {(route, reason): count}}, oldest day first."""
        out: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
        with self.db.session() as session:
            for row in session.scalars(select(UsageCount).order_by(UsageCount.day)):
                out[row.day][(row.route, row.reason)] = row.count
        return dict(out)
