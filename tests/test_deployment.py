"""docker-compose.yml: valid against the Compose specification (no Docker engine here to run it), every
service with a health check, and the optional profiles wired to the app's settings."""

from __future__ import annotations

import subprocess

import yaml

from assistant.config import PROJECT_ROOT
from tests.conftest import venv_bin

COMPOSE = PROJECT_ROOT / "docker-compose.yml"


def test_compose_file_is_valid():
    result = subprocess.run([venv_bin("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_service_has_a_health_check():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert {"chroma", "postgres", "ollama", "wijzer"} <= set(services)
    assert [name for name, spec in services.items() if not spec.get("healthcheck", {}).get("test")] == []


def test_the_ollama_profile_is_optional_and_the_app_points_at_it():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert services["ollama"]["profiles"] == ["ollama"]
    app = services["wijzer"]
    assert app["depends_on"]["ollama"] == {"condition": "service_healthy", "required": False}
    assert "http://ollama:11434/v1" in app["environment"]["WIJZER_LLM_BASE_URL"]
    assert app["environment"]["WIJZER_GENERATOR"] == "${WIJZER_GENERATOR:-extractive}"


def test_only_the_app_is_published_and_chroma_and_the_database_sit_on_an_internal_network():
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    assert compose["networks"]["backend"]["internal"] is True
    for name in ("chroma", "postgres"):
        assert services[name]["networks"] == ["backend"] and "ports" not in services[name], name
    assert "backend" in services["wijzer"]["networks"]
    assert [name for name, spec in services.items() if "ports" in spec] == ["wijzer"]
    assert all(port.startswith("127.0.0.1:") for port in services["wijzer"]["ports"])
