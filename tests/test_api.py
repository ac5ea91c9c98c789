"""The HTTP API through a real uvicorn process on a free port."""

from __future__ import annotations

import os
import subprocess

import httpx
import pytest

from tests.conftest import free_port, stop, venv_bin, wait_until_up


@pytest.fixture(scope="module")
def server(tmp_path_factory, corpus_data_dir):
    import shutil

    data = tmp_path_factory.mktemp("api") / "data"
    shutil.copytree(corpus_data_dir, data)
    port = free_port()
    env = {**os.environ, "WIJZER_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([venv_bin("wijzer"), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/health", proc)
    yield base
    stop(proc)


def test_health_counts_documents_and_chunks(server):
    body = httpx.get(f"{server}/health").json()
    assert body["status"] == "ok" and body["documents"] == 12 and body["chunks"] > 50


def test_documents_have_human_titles(server):
    titles = {d["title"] for d in httpx.get(f"{server}/api/documents").json()}
    assert "Beleidsplan 2025-2030 Wethoudersvereniging" in titles
    assert not any("_" in t and t[:3].isdigit() for t in titles)


def test_ask_returns_the_contract_object(server):
    body = httpx.post(f"{server}/api/ask", json={"question": "Hoeveel leden heeft de Wethoudersvereniging?"}, timeout=30).json()
    assert set(body) == {"answer", "route", "reason", "citations", "contact", "latency_ms"}
    assert body["route"] == "answer" and "1.100" in body["answer"]
    assert {"n", "document", "source", "page", "section", "quote"} <= set(body["citations"][0])


def test_ask_with_history(server):
    history = [{"role": "user", "content": "Welke waarden hebben prioriteit voor wethouders?"},
               {"role": "assistant", "content": "Lef en bekwaamheid."}]
    r = httpx.post(f"{server}/api/ask", json={"question": "En wat kan de vereniging daaraan doen?", "history": history}, timeout=30)
    assert r.status_code == 200 and r.json()["citations"]


@pytest.mark.parametrize("payload, words", [
    ({"question": ""}, "leeg"),
    ({"question": "   "}, "leeg"),
    ({"question": "x" * 2001}, "te lang"),
    ({"question": 42}, "verkeerd type"),
    ({"question": ["a"]}, "verkeerd type"),
    ({}, "ontbreekt"),
    ({"question": "Hoi", "history": "geen lijst"}, "verkeerd type"),
])
def test_bad_requests_get_a_dutch_422_and_the_service_keeps_serving(server, payload, words):
    r = httpx.post(f"{server}/api/ask", json=payload, timeout=30)
    assert r.status_code == 422 and words in r.json()["detail"]
    assert httpx.get(f"{server}/health").status_code == 200


def test_invalid_json_gets_a_dutch_422(server):
    r = httpx.post(f"{server}/api/ask", content=b"{niet: json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "JSON" in r.json()["detail"]


def test_streaming_variant_ends_with_the_answer_object(server):
    with httpx.stream("POST", f"{server}/api/ask/stream", json={"question": "Wat is de hoofdstad van Frankrijk?"}, timeout=30) as r:
        text = "".join(r.iter_text())
    assert "event: delta" in text and '"route":"decline"' in text.split("event: answer")[1]


def test_openapi_docs_are_served(server):
    assert httpx.get(f"{server}/docs").status_code == 200
    assert "/api/ask" in httpx.get(f"{server}/openapi.json").json()["paths"]
