"""The HTTP API through a real uvicorn process on a free port."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import serve_copy


@pytest.fixture(scope="module")
def server(tmp_path_factory, corpus_data_dir):
    yield from (base for base, _ in serve_copy(tmp_path_factory, corpus_data_dir, "api"))


def test_health_counts_documents_and_chunks(server):
    body = httpx.get(f"{server}/health").json()
    assert body["status"] == "ok" and body["documents"] == 12 and body["chunks"] > 50


def test_documents_have_human_titles(server):
    titles = {d["title"] for d in httpx.get(f"{server}/api/documents").json()}
    assert "Beleidsplan 2025-2030 Wethoudersvereniging" in titles
    assert not any("_" in t and t[:3].isdigit() for t in titles)


def test_ask_returns_the_contract_object(server):
    body = httpx.post(f"{server}/api/ask", json={"question": "Hoeveel leden heeft de Wethoudersvereniging?"}, timeout=30).json()
    assert set(body) == {"answer", "route", "reason", "citations", "contact", "urgent", "latency_ms", "generator",
                         "fallback", "dropped"}
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


def test_openai_compatible_chat_completions(server):
    body = {"model": "wethouderswijzer", "messages": [
        {"role": "system", "content": "Je bent behulpzaam."},
        {"role": "user", "content": "Welke waarden hebben prioriteit voor wethouders?"},
        {"role": "assistant", "content": "Lef en bekwaamheid."},
        {"role": "user", "content": "Hoeveel leden heeft de Wethoudersvereniging?"}]}
    r = httpx.post(f"{server}/v1/chat/completions", json=body, timeout=30)
    assert r.status_code == 200
    data = r.json()
    assert data["object"] == "chat.completion" and "1.100" in data["choices"][0]["message"]["content"]
    assert data["wijzer"]["route"] == "answer" and data["wijzer"]["citations"]


def test_openai_compatible_streaming(server):
    body = {"messages": [{"role": "user", "content": "Ik word bedreigd"}], "stream": True}
    with httpx.stream("POST", f"{server}/v1/chat/completions", json=body, timeout=30) as r:
        lines = [line for line in r.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    import json

    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert "070 221 07 70" in text and chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_the_official_openai_client_lists_the_model_and_asks(server):
    """As Open WebUI and other OpenAI clients do: list the models first, then ask, with and without streaming."""
    from openai import OpenAI

    client = OpenAI(base_url=f"{server}/v1", api_key="niet-nodig", max_retries=0, timeout=60)
    assert [m.id for m in client.models.list()] == ["wethouderswijzer"]
    reply = client.chat.completions.create(model="wethouderswijzer", messages=[
        {"role": "user", "content": "Hoeveel leden heeft de Wethoudersvereniging?"}])
    assert "1.100" in reply.choices[0].message.content and reply.choices[0].finish_reason == "stop"
    stream = client.chat.completions.create(model="wethouderswijzer", stream=True, messages=[
        {"role": "user", "content": "Ik word bedreigd door een inwoner"}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "070 221 07 70" in text and chunks[-1].choices[0].finish_reason == "stop"


def test_openai_request_without_user_message_gets_a_dutch_422(server):
    r = httpx.post(f"{server}/v1/chat/completions", json={"messages": [{"role": "system", "content": "x"}]})
    assert r.status_code == 422 and "gebruiker" in r.json()["detail"]
