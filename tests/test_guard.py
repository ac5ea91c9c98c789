"""What every request passes, over real HTTP against `wijzer serve`: size limits enforced before the body
is read, a rate limit per client, security headers on every response, and logs that keep no question,
answer or token. Each test speaks from its own loopback address (127.0.0.N), so each is its own client."""

from __future__ import annotations

import json
import re
import socket

import httpx
import pytest

from tests.conftest import serve_copy

LIMITS = {"WIJZER_RATE_LIMIT_PER_MINUTE": "30", "WIJZER_RATE_LIMIT_BURST": "5", "WIJZER_MAX_REQUEST_KB": "16",
          "WIJZER_MAX_UPLOAD_MB": "1", "WIJZER_CHAT_TOKEN": ""}
QUESTION = "Hoeveel leden heeft de Wethoudersvereniging?"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, corpus_data_dir):
    log = tmp_path_factory.mktemp("guard-log") / "serve.log"
    for base, _ in serve_copy(tmp_path_factory, corpus_data_dir, "guard", env=LIMITS, log=log):
        yield base, log


def client(n: int) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=f"127.0.0.{n}"), timeout=60)


def raw(base: str, n: int, head: str, body: bytes = b"", timeout: float = 20) -> bytes:
    """Send a request as bytes from 127.0.0.n and read what comes back until the server closes."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout, source_address=(f"127.0.0.{n}", 0)) as s:
        s.sendall(head.encode() + body)
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    return reply


def test_a_body_over_the_limit_is_refused_on_its_header_before_it_is_sent(guarded):
    base, _ = guarded
    # Ten megabytes announced, not one byte sent: the answer can only come from the header.
    reply = raw(base, 10, "POST /api/ask HTTP/1.1\r\nHost: wijzer\r\nContent-Type: application/json\r\n"
                          "Content-Length: 10000000\r\n\r\n")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert "te groot" in json.loads(body)["detail"] and "16 kB" in json.loads(body)["detail"]


def test_a_chunked_body_is_cut_off_once_it_runs_over(guarded):
    base, _ = guarded
    with client(11) as c:
        sent = []

        def chunks():
            for _ in range(1000):  # 1000 kB offered; the limit is 16 kB
                sent.append(1)
                yield b"x" * 1024

        r = c.post(f"{base}/api/ask", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413 and "te groot" in r.json()["detail"]
        assert len(sent) < 1000  # refused while it was still coming
    with client(11) as c:  # the service keeps serving, the same client too
        assert c.post(f"{base}/api/ask", json={"question": QUESTION}).status_code == 200


def test_an_upload_to_the_workspace_has_its_own_larger_limit(guarded):
    base, _ = guarded
    with client(12) as c:
        files = {"file": ("notitie.txt", b"a" * 200_000, "text/plain")}  # over 16 kB, under 1 MB
        assert c.post(f"{base}/staff/documents", files=files, follow_redirects=False).status_code != 413
        files = {"file": ("groot.txt", b"a" * 5_000_000, "text/plain")}  # far over: refused before it is read
        r = c.post(f"{base}/staff/documents", files=files, follow_redirects=False)
        assert r.status_code == 413 and "1 MB" in r.json()["detail"]


def test_each_client_may_ask_a_burst_and_then_waits(guarded):
    base, _ = guarded
    with client(20) as a, client(21) as b:
        codes = [a.post(f"{base}/api/ask", json={"question": QUESTION}).status_code for _ in range(7)]
        assert codes[:5] == [200] * 5 and 429 in codes[5:]
        refused = a.post(f"{base}/api/ask", json={"question": QUESTION})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert "te veel verzoeken" in refused.json()["detail"]
        assert a.get(f"{base}/health").status_code == 200  # reading is not limited
        assert b.post(f"{base}/api/ask", json={"question": QUESTION}).status_code == 200  # another client is not


def _requests(base: str):
    yield "GET", "/", {}
    yield "GET", "/docs", {}
    yield "GET", "/docs-assets/swagger-ui.css", {}
    yield "GET", "/openapi.json", {}
    yield "GET", "/health", {}
    yield "GET", "/api/documents", {}
    yield "GET", "/v1/models", {}
    yield "GET", "/staff/login", {}
    yield "GET", "/bestaat-niet", {}
    yield "POST", "/api/ask", {"json": {"question": QUESTION}}
    yield "POST", "/api/ask", {"json": {"question": ""}}  # 422
    yield "POST", "/api/ask", {"content": b"{" * 20_000, "headers": {"content-type": "application/json"}}  # 413


def test_every_response_carries_the_security_headers(guarded):
    base, _ = guarded
    for n, (method, path, kwargs) in enumerate(_requests(base), start=30):
        with client(n) as c:
            r = c.request(method, f"{base}{path}", **kwargs)
        policy = r.headers.get("content-security-policy", "")
        where = f"{method} {path} ({r.status_code})"
        assert "frame-ancestors 'none'" in policy, where
        assert not re.search(r"https?:|\*", policy), f"{where}: another origin allowed: {policy}"
        assert r.headers.get("x-content-type-options") == "nosniff", where
        assert r.headers.get("referrer-policy") in ("same-origin", "no-referrer"), where
        assert r.headers.get("x-frame-options") == "DENY", where
        if path.startswith("/api"):
            assert r.headers.get("cache-control") == "no-store", where


def test_the_logs_keep_no_question_answer_or_token(guarded):
    base, log = guarded
    marker = "Kwartelkoning"  # a word nobody else writes
    question = f"{QUESTION} Ik vraag het namens {marker}."
    with client(50) as c:
        answer = c.post(f"{base}/api/ask", json={"question": question}).json()
    with client(51) as c:
        c.post(f"{base}/api/ask/stream", json={"question": question}).raise_for_status()
    with client(52) as c:
        c.post(f"{base}/v1/chat/completions", json={"messages": [{"role": "user", "content": question}]})
    with client(53) as c:
        c.post(f"{base}/v1/chat/completions", json={"stream": True, "messages": [{"role": "user", "content": question}]})
    with client(54) as c:
        r = c.post(f"{base}/api/feedback", json={"question": question, "answer": answer["answer"], "rating": "down",
                                                "route": answer["route"], "comment": f"Klopt niet, zegt {marker}"})
        assert r.status_code == 201
    with client(55) as c:
        assert c.post(f"{base}/api/ask", json={"question": marker * 200}).status_code == 422
        c.get(f"{base}/health?token={marker}")
    text = log.read_text(encoding="utf-8")
    assert "answered: route=" in text  # the log is written, and speaks of routes
    assert marker not in text
    quote = answer["citations"][0]["quote"]
    assert quote[:40] not in text
