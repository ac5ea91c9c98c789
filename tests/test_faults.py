"""Faults while serving, with real parts: the Chroma server stopped and started again, the PostgreSQL server
stopped and started again. The service keeps running, says in Dutch what is wrong, and recovers by itself.
(Ingest killed with kill -9 and a full disk: tests/test_ingest_faults.py.)"""

from __future__ import annotations

import os
import subprocess
import time

import httpx
import pytest

from assistant.config import Settings
from assistant.index import Index
from ingest.pipeline import ingest
from tests.conftest import ChromaServer, PostgresServer, free_port, stop, venv_bin, wait_until_up
from tests.test_staff_web import PASSWORD, login

QUESTION = {"question": "Hoe lang duurt het zwangerschapsverlof?"}
PHONE = Settings().contact.phone


def _serve(env: dict, log_path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "WIJZER_RATE_LIMIT_PER_MINUTE": "0",
           **env}
    out = open(log_path, "w", encoding="utf-8")
    proc = subprocess.Popen([venv_bin("wijzer"), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=out, stderr=subprocess.STDOUT, text=True)
    return proc, f"http://127.0.0.1:{port}"


def _wait_answering(url: str, proc, timeout: float = 120) -> httpx.Response:
    """Poll until the server answers at all (any status): a server without its store still answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited"
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {timeout:.0f} s")


def _assert_unavailable(r: httpx.Response, what: str) -> None:
    assert r.status_code == 503, r.text
    detail = r.json()["detail"]
    assert what in detail and PHONE in detail and "112" in detail, detail
    assert int(r.headers["retry-after"]) > 0


@pytest.fixture
def chroma_served(tmp_path, small_corpus, e5):
    """A Chroma server holding the small corpus, and the data folder (ledger) that goes with it."""
    server = ChromaServer(tmp_path / "chroma-server")
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=small_corpus, chroma_url=server.url)
    assert ingest(Index(settings, e5), progress=False).chunks_embedded > 0
    yield server, {"WIJZER_DATA_DIR": str(settings.data_dir), "WIJZER_CORPUS_DIR": str(small_corpus),
                   "WIJZER_CHROMA_URL": server.url}
    server.stop()


def test_chroma_server_stopped_while_serving_answers_from_memory_then_recovers(chroma_served, tmp_path):
    # The served chunks' and sentences' vectors are held in memory once loaded: a wethouder's question is
    # answered while the Chroma server is away; /health tells the operator it is.
    server, env = chroma_served
    proc, base = _serve(env, tmp_path / "serve.log")
    try:
        wait_until_up(f"{base}/health", proc)
        before = httpx.post(f"{base}/api/ask", json=QUESTION, timeout=60)
        assert before.status_code == 200 and "zestien weken" in before.json()["answer"]

        server.stop()
        during = httpx.post(f"{base}/api/ask", json=QUESTION, timeout=60)
        assert during.status_code == 200 and during.json()["answer"] == before.json()["answer"]
        streamed = httpx.post(f"{base}/api/ask/stream", json=QUESTION, timeout=60)
        assert streamed.status_code == 200 and "zestien weken" in streamed.text
        r = httpx.post(f"{base}/v1/chat/completions", json={"messages": [{"role": "user", "content": QUESTION["question"]}]},
                       timeout=60)
        assert r.status_code == 200 and "zestien weken" in r.json()["choices"][0]["message"]["content"]
        health = httpx.get(f"{base}/health", timeout=10)
        assert health.status_code == 503 and health.json()["status"] == "unavailable"

        server.start()  # the same folder and port; the app is not restarted
        after = httpx.post(f"{base}/api/ask", json=QUESTION, timeout=60)
        assert after.status_code == 200 and after.json()["answer"] == before.json()["answer"]
        assert httpx.get(f"{base}/health", timeout=10).json()["status"] == "ok"
    finally:
        stop(proc)
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "cannot be reached" in log and "Traceback" not in log


def test_started_while_chroma_server_is_down_it_serves_once_the_server_is_up(chroma_served, tmp_path):
    server, env = chroma_served
    server.stop()
    proc, base = _serve(env, tmp_path / "serve.log")
    try:
        assert _wait_answering(f"{base}/health", proc).status_code == 503
        _assert_unavailable(httpx.post(f"{base}/api/ask", json=QUESTION, timeout=60), "niet bereikbaar")
        server.start()
        r = httpx.post(f"{base}/api/ask", json=QUESTION, timeout=60)
        assert r.status_code == 200 and "zestien weken" in r.json()["answer"]
    finally:
        stop(proc)


@pytest.fixture
def postgres_own():
    """A PostgreSQL server of this test's own, to be stopped and started again."""
    server = PostgresServer()
    yield server
    server.stop()


def test_database_stopped_chat_still_answers_staff_pages_say_what_is_wrong(postgres_own, corpus_data_dir, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(corpus_data_dir, data)
    url = postgres_own.create_database()
    env = {"WIJZER_DATA_DIR": str(data), "WIJZER_DATABASE_URL": url}
    subprocess.run([venv_bin("wijzer"), "user", "add", "anna", "--role", "staff", "--password-stdin"], input=PASSWORD + "\n",
                   text=True, check=True, env={**os.environ, **env}, capture_output=True, timeout=120)
    proc, base = _serve(env, tmp_path / "serve.log")
    try:
        wait_until_up(f"{base}/health", proc)
        anna = login(base, "anna")
        assert anna.get("/staff/drafts").status_code == 200
        answer = httpx.post(f"{base}/api/ask", json=QUESTION, timeout=60).json()
        feedback = {"rating": "up", "question": QUESTION["question"], "answer": answer["answer"], "route": answer["route"]}

        postgres_own.pause()
        r = httpx.post(f"{base}/api/ask", json=QUESTION, timeout=60)
        assert r.status_code == 200 and r.json()["answer"] == answer["answer"]  # the chat goes on
        r = httpx.post(f"{base}/api/feedback", json=feedback, timeout=60)
        assert r.status_code == 503 and "database is tijdelijk niet bereikbaar" in r.json()["detail"]
        page = anna.get("/staff/drafts")
        assert page.status_code == 503 and "database is tijdelijk niet bereikbaar" in page.text
        assert "text/html" in page.headers["content-type"]
        assert anna.get("/staff/login").status_code == 200  # the login page needs no database

        postgres_own.start()
        assert httpx.post(f"{base}/api/feedback", json=feedback, timeout=60).status_code == 201
        assert anna.get("/staff/drafts").status_code == 200  # the session outlived the outage
    finally:
        stop(proc)
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "database cannot be reached" in log and "Traceback" not in log
    assert QUESTION["question"] not in log


def test_started_while_database_is_down_it_migrates_once_it_is_up(postgres_own, corpus_data_dir, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(corpus_data_dir, data)
    url = postgres_own.create_database()  # empty: not yet migrated
    postgres_own.pause()
    proc, base = _serve({"WIJZER_DATA_DIR": str(data), "WIJZER_DATABASE_URL": url}, tmp_path / "serve.log")
    try:
        wait_until_up(f"{base}/health", proc)
        assert httpx.post(f"{base}/api/ask", json=QUESTION, timeout=60).status_code == 200
        refused = login(base, "anna").last_login
        assert refused.status_code == 503 and "database is tijdelijk niet bereikbaar" in refused.text
        assert "text/html" in refused.headers["content-type"]

        postgres_own.start()
        feedback = {"rating": "up", "question": "q", "answer": "a", "route": "answer"}
        assert httpx.post(f"{base}/api/feedback", json=feedback, timeout=60).status_code == 201  # migrated by the app
        subprocess.run([venv_bin("wijzer"), "user", "add", "anna", "--role", "staff", "--password-stdin"],
                       input=PASSWORD + "\n", text=True, check=True, capture_output=True, timeout=120,
                       env={**os.environ, "WIJZER_DATA_DIR": str(data), "WIJZER_DATABASE_URL": url})
        anna = login(base, "anna")
        assert anna.last_login.status_code == 303 and anna.get("/staff/drafts").status_code == 200
    finally:
        stop(proc)
