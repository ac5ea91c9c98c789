"""Incremental, crash-safe ingest into a real Chroma and BM25 index."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.errors import IndexModelMismatch
from assistant.index import Index
from ingest.pipeline import ingest


def _sources(index: Index, query: str, how: str) -> list[str]:
    hits = index.dense_search(query, 10) if how == "dense" else index.bm25_search(query, 10)
    return [chunk.text for chunk, _ in hits]


def test_reingest_of_unchanged_corpus_embeds_nothing(small_settings, e5):
    index = Index(small_settings, e5)
    first = ingest(index, progress=False)
    assert sorted(first.added) == ["leden.txt", "verlof.md"] and first.chunks_embedded > 0
    second = ingest(index, progress=False)
    assert second.chunks_embedded == 0 and sorted(second.unchanged) == ["leden.txt", "verlof.md"]
    assert "2 unchanged" in second.summary()


def test_changed_file_replaces_its_chunks_in_both_indexes(small_settings, small_corpus, e5):
    index = Index(small_settings, e5)
    ingest(index, progress=False)
    (small_corpus / "leden.txt").write_text("Over de vereniging\n\nDe vereniging telt nu 1.250 leden.\n", encoding="utf-8")
    report = ingest(index, progress=False)
    assert report.changed == ["leden.txt"] and report.unchanged == ["verlof.md"]
    for how in ("dense", "bm25"):
        texts = " ".join(_sources(index, "hoeveel leden telt de vereniging", how))
        assert "1.250" in texts and "1.100" not in texts, how
    assert index._store._collection.count() == sum(e.chunks for e in index.documents())


def test_deleted_file_leaves_both_indexes(small_settings, small_corpus, e5):
    index = Index(small_settings, e5)
    ingest(index, progress=False)
    (small_corpus / "verlof.md").unlink()
    report = ingest(index, progress=False)
    assert report.removed == ["verlof.md"]
    for how in ("dense", "bm25"):
        assert not any("zestien weken" in t for t in _sources(index, "hoe lang duurt zwangerschapsverlof", how)), how
    assert [e.source for e in index.documents()] == ["leden.txt"]


def test_bad_files_are_reported_and_the_rest_ingested(small_settings, small_corpus, e5):
    (small_corpus / "leeg.pdf").write_bytes(b"")
    (small_corpus / "kapot.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
    index = Index(small_settings, e5)
    report = ingest(index, progress=False)
    assert sorted(name for name, _ in report.failed) == ["kapot.pdf", "leeg.pdf"]
    assert sorted(report.added) == ["leden.txt", "verlof.md"]
    assert "2 failed" in report.summary() and "kapot.pdf" in report.summary()


class _CrashingEmbeddings:
    """Real embeddings that die after a number of batches, like a process killed mid-ingest."""

    def __init__(self, inner, batches_before_crash: int):
        self.inner, self.left = inner, batches_before_crash
        self.model_name = inner.model_name

    def embed_documents(self, texts):
        if self.left == 0:
            raise KeyboardInterrupt("simulated kill")
        self.left -= 1
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def test_crash_mid_document_never_leaves_it_half_replaced(small_settings, small_corpus, e5):
    ingest(Index(small_settings, e5), progress=False)
    before = {c.chunk_id for c in Index(small_settings, e5).chunks() if c.doc.source == "verlof.md"}
    long_text = "# Verlof\n\n" + "\n\n".join(f"## Deel {i}\n\nNieuwe regel {i} over het verlof van wethouders. " * 3 for i in range(300))
    (small_corpus / "verlof.md").write_text(long_text, encoding="utf-8")

    crashing = Index(small_settings, _CrashingEmbeddings(e5, batches_before_crash=1))
    with pytest.raises(KeyboardInterrupt):
        ingest(crashing, progress=False, )
    survivor = Index(small_settings, e5)
    served = {c.chunk_id for c in survivor.chunks() if c.doc.source == "verlof.md"}
    assert served == before  # wholly the old version, none of the half-written new one
    assert not any("Nieuwe regel" in t for t in _sources(survivor, "nieuwe regel verlof", "bm25"))

    report = ingest(survivor, progress=False)
    assert report.changed == ["verlof.md"]
    texts = " ".join(_sources(survivor, "nieuwe regel verlof wethouders", "bm25"))
    assert "Nieuwe regel" in texts
    assert survivor._store._collection.count() == sum(e.chunks for e in survivor.documents())


def test_other_embedding_model_is_refused_then_rebuilt(small_settings, e5):
    ingest(Index(small_settings, e5), progress=False)
    st_settings = Settings(data_dir=small_settings.data_dir, corpus_dir=small_settings.corpus_dir,
                           embedder="sentence-transformers")
    from assistant.embeddings import build_embeddings

    minilm = Index(st_settings, build_embeddings(st_settings))
    with pytest.raises(IndexModelMismatch, match="wijzer ingest"):
        minilm.check_model()
    report = ingest(minilm, progress=False)
    assert report.rebuilt == e5.model_name and len(report.added) == 2
    minilm.check_model()
    hits = minilm.dense_search("hoe lang duurt het verlof", 3)
    assert hits and "zestien weken" in hits[0][0].text


def test_kill_during_ingest_leaves_every_document_whole(small_settings, small_corpus, e5):
    """A real `wijzer ingest` process killed with SIGKILL while it embeds a changed document."""
    import os
    import signal
    import subprocess
    import time

    from tests.conftest import venv_bin

    ingest(Index(small_settings, e5), progress=False)
    before = {c.chunk_id for c in Index(small_settings, e5).chunks() if c.doc.source == "verlof.md"}
    long_text = "# Verlof\n\n" + "\n\n".join(f"## Deel {i}\n\nNieuwe regel {i} over het verlof van wethouders. " * 3 for i in range(600))
    (small_corpus / "verlof.md").write_text(long_text, encoding="utf-8")
    env = {**os.environ, "WIJZER_DATA_DIR": str(small_settings.data_dir), "WIJZER_CORPUS_DIR": str(small_corpus)}
    proc = subprocess.Popen([venv_bin("wijzer"), "ingest", "--quiet"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    watcher = Index(small_settings, e5)
    served = sum(e.chunks for e in watcher.documents())
    deadline = time.monotonic() + 120
    while watcher._store._collection.count() <= served and time.monotonic() < deadline:
        time.sleep(0.5)  # wait until the first batch of new chunks is written
    assert proc.poll() is None, "ingest finished before it could be killed; make the file larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    survivor = Index(small_settings, e5)
    assert {c.chunk_id for c in survivor.chunks() if c.doc.source == "verlof.md"} == before
    written = survivor._store._collection.count()
    assert written > sum(e.chunks for e in survivor.documents())  # new chunks were written, but are not served
    assert survivor.sweep() > 0 and survivor._store._collection.count() == sum(e.chunks for e in survivor.documents())


def test_sentence_vectors_follow_their_document(small_settings, small_corpus, e5):
    """Every served chunk's sentences have vectors, and a changed or removed document takes its old ones along."""
    from assistant.sentences import split

    index = Index(small_settings, e5)
    ingest(index, progress=False)

    def expected() -> int:
        return sum(len(split(c.text, c.section)) for c in index.chunks())

    assert index._sentences.count() == expected() > 0
    quotable = [c.chunk_id for c in index.chunks() if split(c.text, c.section)]
    assert all(index.sentence_vectors(quotable)) and set(quotable) == index.quotable_chunks()
    (small_corpus / "leden.txt").write_text("Over de vereniging\n\nDe vereniging telt nu 1.250 leden. Dat zijn er veel.\n",
                                            encoding="utf-8")
    ingest(index, progress=False)
    assert index._sentences.count() == expected()
    (small_corpus / "verlof.md").unlink()
    ingest(index, progress=False)
    assert index._sentences.count() == expected()


def test_without_sentence_vectors_answers_still_come(small_settings, e5):
    from assistant.generators import build_generator
    from assistant.retrieval import retrieve

    settings = small_settings.model_copy(update={"embed_sentences": False})
    index = Index(settings, e5)
    ingest(index, progress=False)
    assert index._sentences.count() == 0
    found = retrieve(index, "Hoe lang duurt het verlof?", settings)
    draft = build_generator(settings).generate("Hoe lang duurt het verlof?", found.passages, index.lexicon(),
                                               query_vector=found.query_vector)
    assert "zestien weken" in draft.text
