"""Schemathesis against a real `wijzer serve`: every route of the app's own OpenAPI schema, the workspace's
too (with a signed-in session), fed valid and invalid input. No 500, no hang, and every error says in Dutch
what went wrong (JSON for the API)."""

from __future__ import annotations

import copy
import re
import subprocess

import pytest
import requests
import schemathesis
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from assistant.api import create_app, every_route
from assistant.config import Settings
from tests.conftest import serve_copy, venv_bin

PASSWORD = "fuzz-wachtwoord-lang-genoeg"
TIMEOUT = 20  # seconds: an answer slower than this is a hang
EXAMPLES = 25  # per route and per kind of input (valid, invalid): bounded in count, and so in time
# Words every Dutch sentence of ours has one of; the frameworks' English defaults must never come through.
DUTCH = re.compile(r"\b(de|het|een|niet|is|van|op|te|geen|dit|deze|uw|u|verzoek|veld|vraag|toegang|opnieuw)\b", re.I)
ENGLISH = ("Not Found", "Method Not Allowed", "Internal Server Error", "There was an error", "Field required",
           "Unprocessable", "Bad Request")


def full_schema() -> dict:
    """The app's OpenAPI schema with the routes it leaves out of /docs (the workspace's pages) put back in."""
    app = create_app(Settings(), with_ui=False)
    routes = []
    for route in every_route(app.router.routes):
        if isinstance(route, APIRoute) and route.name == "unknown":
            continue  # the catch-all that answers 404 and 405 in Dutch for what the others do not hold
        if isinstance(route, APIRoute):
            route = copy.copy(route)
            route.include_in_schema = True
        routes.append(route)
    return get_openapi(title=app.title, version=app.version, routes=routes)


SCHEMA = schemathesis.openapi.from_dict(full_schema())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture(scope="module")
def server(tmp_path_factory, corpus_data_dir):
    log = tmp_path_factory.mktemp("fuzz-log") / "serve.log"
    for base, data in serve_copy(tmp_path_factory, corpus_data_dir, "fuzz", log=log):
        env = {"WIJZER_DATA_DIR": str(data), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}
        subprocess.run([venv_bin("wijzer"), "user", "add", "fuzz", "--role", "admin", "--password-stdin"],
                       input=PASSWORD + "\n", text=True, env=env, check=True, capture_output=True)
        session = requests.Session()
        page = session.get(f"{base}/staff/login", timeout=30).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        signed_in = session.post(f"{base}/staff/login", data={"csrf": csrf, "name": "fuzz", "password": PASSWORD},
                                 allow_redirects=False, timeout=30)
        assert signed_in.status_code == 303, signed_in.text
        yield base, session


def test_the_schema_holds_every_route():
    paths = {op.path for op in OPERATIONS}
    assert {"/api/ask", "/api/ask/stream", "/v1/chat/completions", "/api/feedback", "/staff/drafts",
            "/staff/documents", "/staff/login"} <= paths
    assert len(OPERATIONS) >= 30


def _check(response: schemathesis.Response, path: str, label: str) -> None:
    assert response.status_code < 500, f"{label}: {response.status_code} {response.text[:300]}"
    if response.status_code < 400:
        return
    text = response.text
    assert not any(phrase in text for phrase in ENGLISH), f"{label}: English error {text[:300]}"
    if path.startswith(("/api", "/v1")):
        kind = (response.headers.get("content-type") or [""])[0]
        assert kind.startswith("application/json"), f"{label}: {kind}"
        detail = response.json()["detail"]
        assert isinstance(detail, str) and DUTCH.search(detail), f"{label}: {detail!r}"
    else:
        assert DUTCH.search(text), f"{label}: {text[:300]}"


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_no_input_breaks_a_route(server, operation):
    base, session = server
    strategy = st.one_of(operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
                         operation.as_strategy(schemathesis.GenerationMode.NEGATIVE))

    # No shrinking: a failing input is reported as found (a hang would otherwise be retried for minutes).
    @settings(max_examples=2 * EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=strategy)
    def run(case):
        response = case.call(base_url=base, session=session, timeout=TIMEOUT, allow_redirects=False)
        _check(response, case.formatted_path, f"{case.method} {case.formatted_path} ({case.as_curl_command()})")

    run()
