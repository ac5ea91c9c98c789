"""Lexical search on PostgreSQL full-text search (WIJZER_LEXICAL=postgres), on a real PostgreSQL server: kept in
step with the ledger through changes, removals and a crash, and searched with Dutch stemming."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.index import Index
from assistant.models import Chunk, DocumentInfo
from assistant.retrieval import retrieve
from ingest.pipeline import ingest


@pytest.fixture
def pg_settings(tmp_path, small_corpus, postgres) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=small_corpus, lexical="postgres",
                    database_url=postgres.create_database())


def _rows(index: Index) -> int:
    return index._lexical.count()


def test_postgres_full_text_search_behind_the_same_interface(pg_settings, small_corpus, e5):
    index = Index(pg_settings, e5)
    ingest(index, progress=False)
    assert _rows(index) == index.stats()["chunks"]
    hits = index.bm25_search("Hoeveel leden heeft de vereniging?", 3)
    assert "1.100 leden" in hits[0][0].text
    # Dutch stemming: 'benoemd' finds 'benoemen', 'vervangers' finds 'vervanger'
    assert "vervanger benoemen" in index.bm25_search("wie wordt als vervangers benoemd", 3)[0][0].text
    passages = retrieve(index, "Hoe lang duurt het zwangerschapsverlof?", pg_settings, "bm25").passages
    assert "zestien weken" in passages[0].chunk.text
    for hostile in ("a' | ! & :* (", "&&&", "de het een", "'); DROP TABLE lexical_chunks; --"):
        index.bm25_search(hostile, 3)  # words only: never query syntax
    assert _rows(index) == index.stats()["chunks"]


def test_postgres_lexical_follows_changes_removals_and_a_crash(pg_settings, small_corpus, e5):
    index = Index(pg_settings, e5)
    ingest(index, progress=False)
    (small_corpus / "verlof.md").write_text("# Verlof\n\nHet verlof duurt achttien weken.\n", encoding="utf-8")
    ingest(index, progress=False)
    assert _rows(index) == index.stats()["chunks"]
    assert "achttien" in index.bm25_search("hoe lang duurt het verlof", 1)[0][0].text
    (small_corpus / "leden.txt").unlink()
    ingest(index, progress=False)
    assert all(c.doc.source != "leden.txt" for c, _ in index.bm25_search("leden vereniging opgericht", 3))
    assert _rows(index) == index.stats()["chunks"]

    # a crash after the chunks were written, before the ledger switched: never served, swept by the next ingest
    doc = DocumentInfo(doc_id="verlof", title="Verlof", source="verlof.md")
    stray = Chunk(chunk_id="verlof#halfway#0000", doc=doc, text="Het verlof duurt negentig weken.", section=None,
                  page=None, position=0, version="halfway")
    index._lexical.add([stray])
    assert all("negentig" not in c.text for c, _ in index.bm25_search("verlof negentig weken", 5))
    ingest(index, progress=False)
    assert _rows(index) == index.stats()["chunks"]


def test_postgres_lexical_needs_a_postgresql_database(tmp_path, e5):
    with pytest.raises(ValueError, match="needs a PostgreSQL"):
        Index(Settings(data_dir=tmp_path / "data", lexical="postgres"), e5)
