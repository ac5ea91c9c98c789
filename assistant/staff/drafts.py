"""Drafts of answers to members: concept → ter controle → goedgekeurd → verstuurd, approved by a second person.

Every change is kept as a version (who, when, what changed). The assistant's first draft comes from
Service.ask, like every other answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import selectinload

from assistant.database import Database
from assistant.errors import Refused
from assistant.models import Answer, Citation
from assistant.staff.accounts import Account
from assistant.staff.audit import record
from assistant.tables import Draft, DraftVersion, User, utcnow

CONCEPT, REVIEW, APPROVED, SENT = "concept", "ter_controle", "goedgekeurd", "verstuurd"
STATUSES = (CONCEPT, REVIEW, APPROVED, SENT)
# Which status a step leads from and to.
STEPS = {"submit": (CONCEPT, REVIEW), "approve": (REVIEW, APPROVED), "reject": (REVIEW, CONCEPT),
         "reopen": (APPROVED, CONCEPT), "send": (APPROVED, SENT)}
EDITABLE = (CONCEPT, REVIEW)
TOPICS = ("rechtspositie", "integriteit", "agressie", "collegecrisis", "welzijn", "vereniging", "overig")
_TOPIC_OF_REASON = {"integrity": "integriteit", "threat": "agressie", "crisis": "collegecrisis", "distress": "welzijn"}
_TOPIC_OF_RULE = {"verlof": "rechtspositie", "einde-ambt": "rechtspositie", "nevenfuncties": "rechtspositie",
                  "integriteit": "integriteit", "agressie": "agressie", "collegecrisis": "collegecrisis",
                  "vertrouwenspersoon": "welzijn"}


def topic_of(answer: Answer) -> str:
    """The topic a new draft is filed under: from the route's reason, else from the first cited rule document."""
    if answer.reason in _TOPIC_OF_REASON:
        return _TOPIC_OF_REASON[answer.reason]
    for citation in answer.citations:
        for word, topic in _TOPIC_OF_RULE.items():
            if citation.source.startswith("regels/") and word in citation.source:
                return topic
        return "vereniging"
    return "overig"


def sources_of(draft: Draft) -> list[Citation]:
    return [Citation(**c) for c in json.loads(draft.sources)]


def _dump(sources: list[Citation]) -> str:
    return json.dumps([c.model_dump() for c in sources], ensure_ascii=False)


def renumber(answer: str, sources: list[Citation]) -> tuple[str, list[Citation]]:
    """Sources numbered 1..n in their order, and the [n] markers in the text following them; a marker of
    a dropped source is removed."""
    mapping = {c.n: i for i, c in enumerate(sources, start=1)}
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{mapping[int(m.group(1))]}]" if int(m.group(1)) in mapping else "", answer)
    return text, [c.model_copy(update={"n": i}) for i, c in enumerate(sources, start=1)]


@dataclass(frozen=True)
class Filters:
    text: str = ""
    status: str = ""
    author: str = ""
    topic: str = ""
    since: str = ""  # ISO dates, inclusive
    until: str = ""


class Drafts:
    def __init__(self, db: Database, changes: dict[str, str]):
        """`changes`: the Dutch words a version's description is made of (prompts/staff.yaml)."""
        self.db = db
        self.changes = changes

    def create(self, who: Account, question: str, answer: Answer, member_name: str = "", municipality: str = "") -> int:
        with self.db.session() as session:
            draft = Draft(status=CONCEPT, question=question, member_name=member_name.strip(),
                          member_municipality=municipality.strip(), topic=topic_of(answer), route=answer.route.value,
                          reason=answer.reason, answer=answer.answer, sources=_dump(answer.citations), author_id=who.id)
            session.add(draft)
            session.flush()
            self._version(session, draft, who, "create", self.changes["create"])
            record(session, who.name, "draft.create", f"draft {draft.id}", f"route={draft.route} reason={draft.reason}")
            return draft.id

    def get(self, draft_id: int) -> Draft:
        with self.db.session() as session:
            # Everything the page reads is loaded now, in a few queries, for use after the session closes.
            draft = session.scalar(select(Draft).where(Draft.id == draft_id).options(
                selectinload(Draft.author), selectinload(Draft.approved_by),
                selectinload(Draft.versions).selectinload(DraftVersion.user)))
            if draft is None:
                raise Refused("draft_not_found", str(draft_id))
            return draft

    def search(self, filters: Filters) -> list[Draft]:
        query = (select(Draft).join(User, Draft.author_id == User.id).options(selectinload(Draft.author))
                 .order_by(Draft.updated_at.desc()))
        if filters.status:
            query = query.where(Draft.status == filters.status)
        if filters.author:
            query = query.where(User.name == filters.author)
        if filters.topic:
            query = query.where(Draft.topic == filters.topic)
        if filters.since:
            query = query.where(Draft.created_at >= datetime.fromisoformat(filters.since))
        if filters.until:
            query = query.where(Draft.created_at < datetime.fromisoformat(filters.until) + timedelta(days=1))
        if filters.text.strip():
            like = f"%{filters.text.strip()}%"
            query = query.where(or_(Draft.question.ilike(like), Draft.answer.ilike(like), Draft.member_name.ilike(like),
                                    Draft.member_municipality.ilike(like)))
        with self.db.session() as session:
            return list(session.scalars(query.limit(500)))

    def edit(self, who: Account, draft_id: int, answer: str, keep: list[int] | None = None,
             add: list[Citation] | None = None, topic: str | None = None) -> bool:
        """A new text, the sources numbered `keep` kept (all when None), `add` appended."""
        with self.db.session() as session:
            draft = self._load(session, draft_id)
            if draft.status not in EDITABLE:
                raise Refused("draft_not_editable", f"draft {draft_id} is {draft.status}")
            sources = [c for c in sources_of(draft) if keep is None or c.n in keep]
            start = max((c.n for c in sources), default=0)
            sources += [c.model_copy(update={"n": start + i}) for i, c in enumerate(add or [], start=1)]
            text, sources = renumber(answer.replace("\r\n", "\n").strip(), sources)
            changes = []
            if text != draft.answer:
                changes.append(self.changes["text"])
            before = {(c.source, c.quote) for c in sources_of(draft)}
            after = {(c.source, c.quote) for c in sources}
            if after - before:
                changes.append(self.changes["added"].format(n=len(after - before)))
            if before - after:
                changes.append(self.changes["removed"].format(n=len(before - after)))
            if topic and topic in TOPICS and topic != draft.topic:
                changes.append(self.changes["topic"].format(topic=topic))
                draft.topic = topic
            if not changes:
                return False
            draft.answer, draft.sources, draft.updated_at = text, _dump(sources), utcnow()
            self._version(session, draft, who, "edit", ", ".join(changes))
            record(session, who.name, "draft.edit", f"draft {draft_id}", ", ".join(changes))
            return True

    def step(self, who: Account, draft_id: int, step: str, note: str = "") -> str:
        """Move a draft on; approval only by another person than its author and its last editor."""
        if step not in STEPS:
            raise Refused("unknown_step", step)
        source, target = STEPS[step]
        with self.db.session() as session:
            draft = self._load(session, draft_id)
            if draft.status != source:
                raise Refused("wrong_status", f"draft {draft_id} is {draft.status}, not {source}", status=draft.status)
            if step == "approve":
                if who.id == draft.author_id or who.id in {v.user_id for v in draft.versions if v.action == "edit"}:
                    raise Refused("self_approval", f"{who.name} wrote or edited draft {draft_id}")
                draft.approved_by_id, draft.approved_at = who.id, utcnow()
            if step in ("reject", "reopen"):
                draft.approved_by_id, draft.approved_at = None, None
            if step == "send":
                draft.sent_at = utcnow()
            draft.status, draft.updated_at = target, utcnow()
            self._version(session, draft, who, step, self.changes[step] + (f": {note.strip()[:300]}" if note.strip() else ""))
            record(session, who.name, f"draft.{step}", f"draft {draft_id}", f"{source} -> {target}")
            return target

    def delete(self, who: Account, draft_id: int) -> None:
        """The draft, its versions and the member's data in them, gone; the audit keeps only that it happened."""
        with self.db.session() as session:
            draft = self._load(session, draft_id)
            session.execute(delete(DraftVersion).where(DraftVersion.draft_id == draft.id))
            session.delete(draft)
            record(session, who.name, "draft.delete", f"draft {draft_id}")

    def purge(self, older_than: timedelta, who: str = "wijzer drafts purge") -> int:
        cutoff = utcnow() - older_than
        with self.db.session() as session:
            ids = list(session.scalars(select(Draft.id).where(Draft.updated_at < cutoff)))
            if ids:
                session.execute(delete(DraftVersion).where(DraftVersion.draft_id.in_(ids)))
                session.execute(delete(Draft).where(Draft.id.in_(ids)))
            record(session, who, "drafts.purge", f"{len(ids)} drafts", f"not changed since {cutoff:%Y-%m-%d}")
        return len(ids)

    def counts(self) -> dict[str, int]:
        with self.db.session() as session:
            statuses = list(session.scalars(select(Draft.status)))
        return {s: statuses.count(s) for s in STATUSES}

    @staticmethod
    def _load(session, draft_id: int) -> Draft:
        draft = session.get(Draft, draft_id)
        if draft is None:
            raise Refused("draft_not_found", str(draft_id))
        return draft

    @staticmethod
    def _version(session, draft: Draft, who: Account, action: str, change: str) -> None:
        number = len(draft.versions) + 1
        draft.versions.append(DraftVersion(number=number, user_id=who.id, status=draft.status, action=action, change=change,
                                           answer=draft.answer, sources=draft.sources))


def parse_age(text: str) -> timedelta:
    """'12m', '30d', '2y' or '8w' as a time span (a month is 30 days, a year 365)."""
    match = re.fullmatch(r"\s*(\d+)\s*([dwmy])\s*", text)
    if not match:
        raise ValueError(f"{text!r} is not an age such as 12m, 30d, 8w or 2y")
    days = {"d": 1, "w": 7, "m": 30, "y": 365}[match.group(2)] * int(match.group(1))
    return timedelta(days=days)
