"""Drafts of answers to members on both databases: the life cycle, four eyes, versions, search, export, purge."""

from __future__ import annotations

import io
import os
import subprocess
from datetime import timedelta

import pytest
import yaml
from docx import Document
from sqlalchemy import text

from assistant.config import PROJECT_ROOT
from assistant.database import Database
from assistant.errors import Refused
from assistant.staff.accounts import Accounts
from assistant.staff.drafts import Drafts, Filters, parse_age, sources_of
from assistant.staff.export import docx_bytes, email_text
from assistant.tables import Draft, utcnow
from assistant.templates import Templates
from tests.conftest import venv_bin

CHANGES = yaml.safe_load((PROJECT_ROOT / "prompts" / "staff.yaml").read_text(encoding="utf-8"))["changes"]
QUESTION = "Beste bureau, ik ben zwanger. Hoeveel weken verlof krijg ik als wethouder? Groet, Els de Vries"


@pytest.fixture
def db(database_url) -> Database:
    database = Database(database_url)
    database.migrate()
    return database


@pytest.fixture
def people(db):
    accounts = Accounts(db)
    for name, role in (("anna", "staff"), ("bram", "staff"), ("carla", "admin")):
        accounts.add(name, role, "een lang wachtwoord")
    return {name: accounts.login(name, "een lang wachtwoord", "127.0.0.1")[1] for name in ("anna", "bram", "carla")}


@pytest.fixture
def drafts(db) -> Drafts:
    return Drafts(db, CHANGES)


@pytest.fixture(scope="module")
def answer(service):
    return service.ask(QUESTION)


def test_the_assistant_drafts_an_answer_with_its_sources(drafts, people, answer):
    draft = drafts.get(drafts.create(people["anna"], QUESTION, answer, "Els de Vries", "Utrecht"))
    assert draft.status == "concept" and draft.topic == "rechtspositie"
    assert draft.answer == answer.answer and sources_of(draft) == answer.citations and answer.citations
    assert [(v.number, v.action, v.user.name) for v in draft.versions] == [(1, "create", "anna")]


def test_life_cycle_with_a_refused_self_approval(drafts, people, answer):
    anna, bram = people["anna"], people["bram"]
    draft_id = drafts.create(anna, QUESTION, answer)
    with pytest.raises(Refused) as refused:
        drafts.step(anna, draft_id, "approve")
    assert refused.value.code == "wrong_status"  # still a concept
    drafts.step(anna, draft_id, "submit")
    with pytest.raises(Refused) as refused:
        drafts.step(anna, draft_id, "approve")
    assert refused.value.code == "self_approval"
    assert drafts.step(bram, draft_id, "approve") == "goedgekeurd"
    with pytest.raises(Refused):
        drafts.edit(bram, draft_id, "Een andere tekst.")  # approved text is frozen
    assert drafts.step(anna, draft_id, "send") == "verstuurd"
    draft = drafts.get(draft_id)
    assert draft.approved_by.name == "bram" and draft.sent_at is not None
    assert [v.action for v in draft.versions] == ["create", "submit", "approve", "send"]


def test_who_edited_a_draft_cannot_approve_it(drafts, people, answer):
    anna, bram, carla = people["anna"], people["bram"], people["carla"]
    draft_id = drafts.create(anna, QUESTION, answer)
    drafts.step(anna, draft_id, "submit")
    assert drafts.edit(bram, draft_id, "Zestien weken [1].")
    with pytest.raises(Refused, match="self_approval"):
        drafts.step(bram, draft_id, "approve")
    drafts.step(carla, draft_id, "approve")


def test_every_version_is_kept_with_who_and_what_changed(drafts, people, answer):
    anna = people["anna"]
    draft_id = drafts.create(anna, QUESTION, answer)
    first = drafts.get(draft_id)
    assert not drafts.edit(anna, draft_id, first.answer)  # nothing changed, no version
    drafts.edit(anna, draft_id, "Het verlof duurt zestien weken [2].", keep=[c.n for c in answer.citations[1:2]],
                topic="welzijn")
    draft = drafts.get(draft_id)
    last = draft.versions[-1]
    assert len(draft.versions) == 2 and last.user.name == "anna" and last.action == "edit"
    assert "tekst aangepast" in last.change and "verwijderd" in last.change and "welzijn" in last.change
    assert draft.answer == "Het verlof duurt zestien weken [1]." and [c.n for c in sources_of(draft)] == [1]
    assert draft.versions[0].answer == answer.answer  # the first version is unchanged


def test_search_and_filters(drafts, people, answer):
    drafts.create(people["anna"], QUESTION, answer, "Els de Vries", "Utrecht")
    other = drafts.create(people["bram"], "Mag ik een nevenfunctie als bestuurder houden?", answer, "Piet", "Zwolle")
    drafts.step(people["bram"], other, "submit")
    assert [d.id for d in drafts.search(Filters(status="ter_controle"))] == [other]
    assert {d.author.name for d in drafts.search(Filters(author="anna"))} == {"anna"}
    assert [d.member_name for d in drafts.search(Filters(text="zwolle"))] == ["Piet"]
    assert len(drafts.search(Filters(topic="rechtspositie"))) == 2
    today = utcnow().date().isoformat()
    assert len(drafts.search(Filters(since=today, until=today))) == 2
    assert drafts.search(Filters(until="2000-01-01")) == []


def test_deleting_a_draft_leaves_nothing_of_the_member(db, drafts, people, answer):
    draft_id = drafts.create(people["anna"], QUESTION, answer, "Els de Vries", "Utrecht")
    drafts.edit(people["anna"], draft_id, "Beste Els de Vries, zestien weken.")
    drafts.delete(people["anna"], draft_id)
    with db.session() as session:
        for table in ("drafts", "draft_versions", "audit_log"):
            rows = session.execute(text(f"SELECT * FROM {table}")).all()
            assert not any("Els de Vries" in str(r) or "zwanger" in str(r) for r in rows), table


def test_purge_removes_drafts_older_than_the_given_age(db, drafts, people, answer, tmp_path):
    old, new = (drafts.create(people["anna"], QUESTION, answer) for _ in range(2))
    with db.session() as session:
        session.get(Draft, old).updated_at = utcnow() - timedelta(days=400)
    env = {**os.environ, "WIJZER_DATA_DIR": str(tmp_path / "data"), "WIJZER_DATABASE_URL": db.url}
    result = subprocess.run([venv_bin("wijzer"), "drafts", "purge", "--older-than", "12m"], capture_output=True,
                            text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 drafts")
    assert [d.id for d in drafts.search(Filters())] == [new]


def test_parse_age():
    assert parse_age("12m") == timedelta(days=360) and parse_age("2y") == timedelta(days=730)
    with pytest.raises(ValueError):
        parse_age("twaalf maanden")


def test_exports_carry_the_answer_and_every_source(drafts, people, answer):
    draft = drafts.get(drafts.create(people["anna"], QUESTION, answer, "Els de Vries"))
    sources = sources_of(draft)
    mail = email_text(Templates(PROJECT_ROOT / "prompts"), draft.answer, sources, draft.member_name, "anna")
    assert mail.startswith("Beste Els de Vries,") and "Bronnen:" in mail and "**" not in mail
    assert all(c.quote in mail for c in sources)
    document = Document(io.BytesIO(docx_bytes("Verlof bij zwangerschap", draft.answer, sources, "Bronnen")))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Verlof bij zwangerschap" and "Bronnen" in paragraphs
    assert all(any(c.quote in p and p.startswith(f"[{c.n}]") for p in paragraphs) for c in sources)
    assert any("zestien weken" in p or "16 weken" in p for p in paragraphs)
