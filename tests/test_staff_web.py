"""The bureau's workspace over real HTTP: a uvicorn process on a real PostgreSQL database.

Which routes are protected is read from the app itself, so a new route cannot be forgotten.
"""

from __future__ import annotations

import os
import re
import subprocess
import time

import httpx
import psycopg
import pytest
from fastapi.routing import APIRoute

from assistant.api import create_app, every_route
from assistant.config import Settings
from assistant.staff import web
from tests.conftest import serve_copy, venv_bin
from tests.test_loaders import make_pdf

PASSWORD = "een lang genoeg wachtwoord"
PUBLIC = {("GET", "/staff/login"), ("POST", "/staff/login")}


@pytest.fixture(scope="module")
def server(tmp_path_factory, corpus_data_dir, postgres):
    url = postgres.create_database()
    for base, data in serve_copy(tmp_path_factory, corpus_data_dir, "staff",
                                 env={"WIJZER_DATABASE_URL": url, "WIJZER_MAX_UPLOAD_MB": "1"}):
        env = {**os.environ, "WIJZER_DATA_DIR": str(data), "WIJZER_DATABASE_URL": url}
        for name, role in (("anna", "staff"), ("bram", "staff"), ("carla", "admin"), ("dirk", "staff")):
            subprocess.run([venv_bin("wijzer"), "user", "add", name, "--role", role, "--password-stdin"],
                           input=PASSWORD + "\n", text=True, check=True, env=env, capture_output=True, timeout=120)
        yield base, data, url


def login(base: str, name: str, password: str = PASSWORD, **headers) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, headers=headers)
    page = client.get("/staff/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = client.post("/staff/login", data={"csrf": csrf, "name": name, "password": password, "next": "/staff/drafts"})
    client.last_login = r
    client.csrf = None
    if r.status_code == 303:  # (a Secure cookie is not sent back over http: then there is no form to read)
        found = re.search(r'name="csrf" value="([^"]+)"', client.get("/staff/drafts").text)
        client.csrf = found.group(1) if found else None
    return client


def new_draft(client: httpx.Client, question: str = "Hoe lang is het zwangerschapsverlof van een wethouder?") -> int:
    r = client.post("/staff/drafts", data={"csrf": client.csrf, "question": question, "member_name": "Els",
                                           "municipality": "Utrecht"})
    assert r.status_code == 303, r.text
    return int(re.search(r"/staff/drafts/(\d+)", r.headers["location"]).group(1))


# -- every route, every role ------------------------------------------------------------------------

def _guards(route: APIRoute) -> set:
    found, todo = set(), [route.dependant]
    while todo:
        dependant = todo.pop()
        if dependant.call in web.GUARDS:
            found.add(dependant.call)
        todo += dependant.dependencies
    return found


def staff_routes() -> list[tuple[str, str, bool]]:
    """(method, path, admin only) of every /staff route the app has."""
    app = create_app(Settings(), with_ui=False)
    routes = []
    for route in every_route(app.routes):
        if route.name == "unknown":
            continue  # the catch-all that says 404 or 405 for addresses the workspace lacks: nothing behind it
        if isinstance(route, APIRoute) and route.path.startswith("/staff"):
            for method in sorted(route.methods):
                if (method, route.path) in PUBLIC:
                    continue
                guards = _guards(route)
                assert guards, f"{method} {route.path} has no login guard"
                if method == "POST":
                    assert guards & {web.checked, web.checked_admin}, f"POST {route.path} does not check CSRF"
                routes.append((method, route.path, bool(guards & {web.admin, web.checked_admin})))
    return routes


def test_the_route_list_covers_the_workspace():
    paths = {p for _, p, _ in staff_routes()}
    assert {"/staff/drafts", "/staff/drafts/{draft_id}", "/staff/documents", "/staff/feedback", "/staff/overview",
            "/staff/audit", "/staff/users"} <= paths
    assert {p for _, p, admin in staff_routes() if admin} == {"/staff/audit", "/staff/users"}


def _fill(path: str, draft_id: int) -> str:
    path = path.replace("{draft_id}", str(draft_id)).replace("{job_id}", "1").replace("{feedback_id}", "1")
    return path + ("?id=beleidsplan-2025-2030" if path == "/staff/document" else "")


@pytest.mark.parametrize("method, path, admin_only", staff_routes())
def test_every_protected_route_anonymously_as_staff_and_as_admin(server, method, path, admin_only):
    base, _, _ = server
    owner = login(base, "anna")
    draft_id = new_draft(owner)
    url = _fill(path, draft_id)
    anonymous = httpx.Client(base_url=base, timeout=60)
    r = anonymous.request(method, url, data={"csrf": "x"} if method == "POST" else None)
    if method == "GET":
        assert r.status_code == 303 and r.headers["location"].startswith("/staff/login"), (method, url, r.status_code)
    else:
        assert r.status_code == 401, (method, url, r.status_code)
    for name, allowed in (("bram", not admin_only), ("carla", True)):
        client = login(base, name)
        if method == "POST":
            forged = client.post(url, data={"csrf": "vervalst", "step": "submit", "answer": "x"})
            assert forged.status_code == 403, (name, url, forged.status_code)
        r = client.request(method, url, data={"csrf": client.csrf} if method == "POST" else None)
        if allowed:
            assert r.status_code not in (401, 403), (name, method, url, r.status_code, r.text[:200])
        else:
            assert r.status_code == 403, (name, method, url, r.status_code)


# -- signing in -----------------------------------------------------------------------------------------

def test_session_cookie_flags(server):
    base, _, _ = server
    cookie = login(base, "anna").last_login.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/staff" in cookie and "Max-Age" in cookie
    assert "Secure" not in cookie
    https = {"X-Forwarded-Proto": "https"}  # as a TLS-terminating proxy on this machine sends it
    page = httpx.get(f"{base}/staff/login", headers=https)
    assert "Secure" in page.headers["set-cookie"]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = httpx.post(f"{base}/staff/login", data={"csrf": csrf, "name": "anna", "password": PASSWORD},
                   headers={**https, "Cookie": f"{web.LOGIN_CSRF_COOKIE}={csrf}"})
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"] and "HttpOnly" in r.headers["set-cookie"]


def test_failed_logins_are_slowed_down_with_a_dutch_message(server):
    base, _, _ = server
    for _ in range(5):
        assert login(base, "dirk", "verkeerd").last_login.status_code == 401
    r = login(base, "dirk").last_login
    assert r.status_code == 429 and "Te veel mislukte pogingen" in r.text


def test_pages_load_nothing_from_elsewhere(server):
    base, _, _ = server
    client = login(base, "carla")
    for path in ("/staff/drafts", "/staff/documents", "/staff/overview", "/staff/audit", "/staff/login"):
        r = client.get(path)
        assert r.status_code == 200 and "default-src 'self'" in r.headers["content-security-policy"]
        assert not re.search(r'(src|href)="(https?:)?//', r.text), path
        assert r.headers["cache-control"] == "no-store" and '<html lang="nl">' in r.text


# -- drafting -------------------------------------------------------------------------------------------

def test_draft_life_cycle_over_http(server):
    base, _, _ = server
    anna, bram = login(base, "anna"), login(base, "bram")
    draft_id = new_draft(anna)
    page = anna.get(f"/staff/drafts/{draft_id}").text
    assert "zwangerschapsverlof" in page and "Bronnen" in page and "concept" in page
    anna.post(f"/staff/drafts/{draft_id}/edit", data={"csrf": anna.csrf, "answer": "Zestien weken [1].", "keep": "1"})
    anna.post(f"/staff/drafts/{draft_id}/step", data={"csrf": anna.csrf, "step": "submit"})
    refused = anna.post(f"/staff/drafts/{draft_id}/step", data={"csrf": anna.csrf, "step": "approve"},
                        headers={"referer": f"{base}/staff/drafts/{draft_id}"})
    assert refused.status_code == 303 and "fout=self_approval" in refused.headers["location"]
    assert "een collega" in anna.get(refused.headers["location"]).text
    assert bram.post(f"/staff/drafts/{draft_id}/step", data={"csrf": bram.csrf, "step": "approve"}).status_code == 303
    page = bram.get(f"/staff/drafts/{draft_id}").text
    assert "goedgekeurd door bram" in page
    mail = bram.get(f"/staff/drafts/{draft_id}/email.txt")
    assert mail.text.startswith("Beste Els,") and "Zestien weken [1]." in mail.text and "[1] " in mail.text
    docx = bram.get(f"/staff/drafts/{draft_id}/antwoord.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    listed = bram.get("/staff/drafts", params={"status": "goedgekeurd", "author": "anna"}).text
    assert f"/staff/drafts/{draft_id}" in listed


def test_add_a_source_found_in_the_documents(server):
    base, _, _ = server
    anna = login(base, "anna")
    draft_id = new_draft(anna)
    page = anna.get(f"/staff/drafts/{draft_id}", params={"zoek": "vertrouwenspersoon"}).text
    chunk_id = re.search(r'name="chunk_id" value="([^"]+)"', page).group(1)
    before = page.count("<blockquote>")
    r = anna.post(f"/staff/drafts/{draft_id}/sources", data={"csrf": anna.csrf, "chunk_id": chunk_id})
    assert r.status_code == 303
    assert anna.get(f"/staff/drafts/{draft_id}").text.count("<blockquote>") == before + 1


def test_a_deleted_draft_is_gone(server):
    base, _, _ = server
    anna = login(base, "anna")
    draft_id = new_draft(anna)
    assert anna.post(f"/staff/drafts/{draft_id}/delete", data={"csrf": anna.csrf}).status_code == 303
    gone = anna.get(f"/staff/drafts/{draft_id}")
    assert gone.status_code == 404 and "bestaat niet (meer)" in gone.text and "Uitloggen" in gone.text


# -- documents ----------------------------------------------------------------------------------------

def _wait_for_job(client: httpx.Client, job_id: int) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(f"/staff/documents/jobs/{job_id}").json()
        if job["status"] in ("klaar", "mislukt"):
            return job
        time.sleep(0.3)
    pytest.fail(f"ingest job {job_id} did not finish")


def test_upload_replace_and_remove_a_document(server, tmp_path):
    base, data, _ = server
    anna = login(base, "anna")
    pdf = make_pdf(tmp_path / "Jaarverslag 2025.pdf", [
        "Jaarverslag 2025", "In 2025 organiseerde de vereniging veertien regionale bijeenkomsten voor wethouders."])
    r = anna.post("/staff/documents", data={"csrf": anna.csrf, "title": "Jaarverslag 2025", "kind": "publicatie",
                                            "date": "2026-01"},
                  files={"file": ("Jaarverslag 2025.pdf", pdf.read_bytes(), "application/pdf")})
    assert r.status_code == 303
    job_id = int(re.search(r"job=(\d+)", r.headers["location"]).group(1))
    job = _wait_for_job(anna, job_id)
    assert job["status"] == "klaar" and job["done"] == job["total"] > 0
    documents = {d["id"]: d for d in httpx.get(f"{base}/api/documents").json()}
    assert documents[job["doc_id"]]["title"] == "Jaarverslag 2025"
    chunks = anna.get("/staff/document", params={"id": job["doc_id"]}).text
    assert "veertien regionale bijeenkomsten" in chunks
    answer = httpx.post(f"{base}/api/ask", json={"question": "Hoeveel regionale bijeenkomsten organiseerde de vereniging in 2025?"},
                        timeout=60).json()
    assert any(c["document"] == "Jaarverslag 2025" for c in answer["citations"])

    newer = make_pdf(tmp_path / "v2.pdf", ["Jaarverslag 2025", "In 2025 waren er vijftien regionale bijeenkomsten."])
    r = anna.post("/staff/documents", data={"csrf": anna.csrf, "title": "Jaarverslag 2025 (herzien)", "kind": "publicatie",
                                            "date": "2026-02", "replaces": job["doc_id"]},
                  files={"file": ("v2.pdf", newer.read_bytes(), "application/pdf")})
    replaced = _wait_for_job(anna, int(re.search(r"job=(\d+)", r.headers["location"]).group(1)))
    assert replaced["status"] == "klaar" and replaced["doc_id"] == job["doc_id"]
    chunks = anna.get("/staff/document", params={"id": job["doc_id"]}).text
    assert "vijftien" in chunks and "veertien" not in chunks and "(herzien)" in chunks

    r = anna.post("/staff/documents/remove", data={"csrf": anna.csrf, "doc_id": job["doc_id"]})
    assert r.status_code == 303
    assert job["doc_id"] not in {d["id"] for d in httpx.get(f"{base}/api/documents").json()}
    assert not (data / "documents" / "jaarverslag-2025.pdf").exists()


@pytest.mark.parametrize("name, content, words", [
    ("kapot.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nkapot", "kon niet worden gelezen"),
    ("leeg.txt", b"   \n", "is leeg"),
    ("groot.txt", b"woord " * 200_000, "te groot"),
    ("script.exe", b"MZ...", "niet wordt ondersteund"),
])
def test_a_bad_upload_gets_a_dutch_message_and_changes_nothing(server, name, content, words):
    base, data, _ = server
    anna = login(base, "anna")
    before = httpx.get(f"{base}/api/documents").json()
    uploads = sorted(p.name for p in (data / "documents").glob("*")) if (data / "documents").exists() else []
    r = anna.post("/staff/documents", data={"csrf": anna.csrf, "title": "Test", "kind": "document"},
                  files={"file": (name, content, "application/octet-stream")})
    assert r.status_code == 422 and words in r.text and name in r.text
    assert httpx.get(f"{base}/api/documents").json() == before
    after = sorted(p.name for p in (data / "documents").glob("*")) if (data / "documents").exists() else []
    assert after == uploads
    assert httpx.get(f"{base}/health").status_code == 200


# -- feedback, overview, audit ------------------------------------------------------------------------------

def test_thumbs_down_feedback_becomes_a_draft_evaluation_question(server):
    base, _, _ = server
    question = "Welke verlofregelingen zijn er voor een wethouder die mantelzorger is?"
    feedback_id = httpx.post(f"{base}/api/feedback", json={
        "rating": "down", "comment": "mantelzorgverlof ontbreekt", "question": question, "answer": "Zestien weken.",
        "route": "answer", "reason": "answer",
        "citations": [{"n": 1, "document": "Verlof", "source": "regels/verlof-en-vervanging.md", "quote": "x"}]}).json()["id"]
    anna = login(base, "anna")
    page = anna.get("/staff/feedback").text
    assert question in page and "mantelzorgverlof ontbreekt" in page
    assert anna.post(f"/staff/feedback/{feedback_id}/question", data={"csrf": anna.csrf}).status_code == 303
    drafts = anna.get("/staff/feedback/questions.yaml").text
    import yaml

    (draft,) = [d for d in yaml.safe_load(drafts)["drafts"] if d["review"]["feedback_id"] == feedback_id]
    assert draft["q"] == question and draft["docs"] == ["regels/verlof-en-vervanging"] and draft["facts"] == []


def test_overview_counts_questions_without_keeping_them(server):
    base, _, url = server
    question = "Hoeveel leden heeft de Wethoudersvereniging eigenlijk precies?"
    for _ in range(2):
        assert httpx.post(f"{base}/api/ask", json={"question": question}, timeout=60).status_code == 200
    page = login(base, "carla").get("/staff/overview").text
    assert 'src="data:image/png;base64,' in page and "beantwoord: answer" in page
    assert re.search(r"(\d+) beantwoord", page) and int(re.search(r"(\d+) beantwoord", page).group(1)) >= 2
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as db:
        tables = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            assert not any(question in str(row) for row in db.execute(f'SELECT * FROM "{table}"')), table


def test_the_audit_log_shows_actions_to_admins_only(server):
    base, _, _ = server
    anna = login(base, "anna")
    anna.get(f"/staff/drafts/{new_draft(anna)}")
    assert anna.get("/staff/audit").status_code == 403
    page = login(base, "carla").get("/staff/audit", params={"user": "anna"}).text
    assert "draft.create" in page and "draft.view" in page and "login" in page


@pytest.fixture(scope="module")
def locked_server(tmp_path_factory, corpus_data_dir):
    yield from (base for base, _ in serve_copy(tmp_path_factory, corpus_data_dir, "locked",
                                                  env={"WIJZER_CHAT_TOKEN": "gedeelde-code"}))


def test_the_chat_behind_a_shared_token(locked_server):
    base = locked_server
    assert httpx.get(f"{base}/").status_code == 401
    r = httpx.post(f"{base}/api/ask", json={"question": "Hoeveel leden?"})
    assert r.status_code == 401 and "toegangscode" in r.json()["detail"]
    ok = httpx.post(f"{base}/api/ask", json={"question": "Hoeveel leden?"}, timeout=60,
                    headers={"Authorization": "Bearer gedeelde-code"})
    assert ok.status_code == 200
    with httpx.Client(base_url=base, timeout=60) as browser:
        r = browser.get("/?token=gedeelde-code")
        assert r.status_code == 303 and "token" not in r.headers["location"] and "HttpOnly" in r.headers["set-cookie"]
        assert browser.get("/").status_code == 200  # the cookie opens the chat from now on
    assert httpx.get(f"{base}/health").status_code == 200
    assert httpx.get(f"{base}/staff/login").status_code == 200  # the workspace has its own logins


@pytest.mark.parametrize("question, words", [("   ", "Plak eerst de vraag"), ("x" * 2001, "maximaal 2000 tekens")])
def test_an_empty_or_too_long_question_gets_a_dutch_message(server, question, words):
    base, _, _ = server
    anna = login(base, "anna")
    r = anna.post("/staff/drafts", data={"csrf": anna.csrf, "question": question})
    assert r.status_code == 303
    assert words in anna.get(r.headers["location"]).text
