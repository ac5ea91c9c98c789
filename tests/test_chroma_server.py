"""Server mode: the same ingest and search against a real `chroma run` server (WIJZER_CHROMA_URL)."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.index import Index
from ingest.pipeline import ingest
from tests.conftest import ChromaServer


@pytest.fixture
def chroma_url(tmp_path):
    server = ChromaServer(tmp_path / "chroma-server")
    yield server.url
    server.stop()


def test_ingest_and_search_through_a_chroma_server(chroma_url, tmp_path, small_corpus, e5):
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=small_corpus, chroma_url=chroma_url)
    index = Index(settings, e5)
    report = ingest(index, progress=False)
    assert sorted(report.added) == ["leden.txt", "verlof.md"]
    assert not (tmp_path / "data" / "chroma").exists()  # vectors live in the server, not locally
    hits = index.dense_search("hoe lang duurt het zwangerschapsverlof", 3)
    assert "zestien weken" in hits[0][0].text
    assert ingest(Index(settings, e5), progress=False).chunks_embedded == 0
