"""The wijzer command through a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess

from tests.conftest import venv_bin


def _run(args, data_dir, **env):
    return subprocess.run([venv_bin("wijzer"), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "WIJZER_DATA_DIR": str(data_dir), **env})


def test_ask_json_prints_the_api_object(data_copy):
    result = _run(["ask", "--json", "Hoeveel leden heeft de Wethoudersvereniging?"], data_copy)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["route"] == "answer" and body["citations"][0]["document"].startswith("Beleidsplan")


def test_ask_prints_answer_and_sources(data_copy):
    result = _run(["ask", "Ik word bedreigd, wat nu?"], data_copy)
    assert result.returncode == 0 and "070 221 07 70" in result.stdout


def test_empty_question_is_refused_in_dutch(data_copy):
    result = _run(["ask", "  "], data_copy)
    assert result.returncode == 2 and "leeg" in result.stderr


def test_ingest_prints_a_summary_line(tmp_path, small_corpus):
    result = _run(["ingest", "--quiet"], tmp_path / "data", WIJZER_CORPUS_DIR=str(small_corpus))
    assert result.returncode == 0, result.stderr
    assert "2 added, 0 changed, 0 removed, 0 unchanged, 0 failed" in result.stdout
    again = _run(["ingest", "--quiet"], tmp_path / "data", WIJZER_CORPUS_DIR=str(small_corpus))
    assert "0 added, 0 changed, 0 removed, 2 unchanged, 0 failed; 0 chunks embedded" in again.stdout


def test_serve_on_an_index_of_another_model_stops_with_one_line(data_copy):
    result = _run(["serve", "--port", "8799"], data_copy, WIJZER_EMBEDDER="sentence-transformers")
    assert result.returncode == 2
    assert "wijzer ingest" in result.stderr and "Traceback" not in result.stderr
