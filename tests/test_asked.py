"""Questions asked before: the passage that answered a labelled question is found for a new wording of it,
never for a part that is withheld, and the committed file is the one `wijzer fit` would write."""

from __future__ import annotations

import json

import pytest

from assistant import asked
from assistant.index import Index
from assistant.retrieval import retrieve
from ingest.pipeline import ingest

LEAVE = asked.Asked("Hoe lang duurt het verlof na een bevalling?", "p1", ("verlof",), (r"(?i)zestien\s+weken",))
FOUNDED = asked.Asked("Sinds welk jaar bestaat de vereniging?", "p2", ("leden",), (r"(?i)in\s+2004",))


@pytest.fixture
def small_index(small_settings, e5) -> Index:
    index = Index(small_settings, e5)
    assert not ingest(index, progress=False).failed
    index.remember([LEAVE, FOUNDED])
    return index


def _match(index: Index, question: str, closest: float = 0.8) -> asked.Match:
    return index.asked_search(question, index.embed_query(question), neighbours=1, closest=closest)


def test_a_new_wording_finds_the_sentence_that_answered(small_index):
    match = _match(small_index, "Hoeveel weken mag ik thuisblijven als mijn baby geboren is?")
    [(chunk, similarity)] = match.ranking()
    assert chunk.doc.doc_id == "verlof" and similarity >= 0.8
    [position] = match.sentences[chunk.chunk_id]
    from assistant.sentences import split
    assert "zestien weken" in split(chunk.text, chunk.section)[position].text


def test_a_withheld_part_and_the_same_wording_are_not_searched(small_index):
    question = "Hoeveel weken mag ik thuisblijven als mijn baby geboren is?"
    with asked.withholding("p1"):
        assert all(c.doc.doc_id != "verlof" for c, _ in _match(small_index, question).ranking())
    assert _match(small_index, question).ranking()  # and back after the block
    # a question is never its own neighbour (an evaluation of a labelled question)
    assert all(c.doc.doc_id != "verlof" for c, _ in _match(small_index, LEAVE.q.upper()).ranking())


def test_nothing_far_in_meaning_and_nothing_without_served_documents(small_index, e5, tmp_path):
    assert not _match(small_index, "Wat is de hoofdstad van Frankrijk?", closest=0.9).ranking()
    elsewhere = asked.Asked("Wie schreef het beleidsplan?", "p3", ("beleidsplan-2025-2030",), ("(?i)redactie",))
    small_index.remember([elsewhere])
    assert not _match(small_index, "Wie heeft het beleidsplan geschreven?").ranking()


def test_retrieval_marks_the_sentence_for_the_answer(small_index):
    found = retrieve(small_index, "Hoeveel weken mag ik thuisblijven als mijn baby geboren is?", small_index.settings)
    marked = [p for p in found.passages if p.asked]
    assert marked and marked[0].chunk.doc.doc_id == "verlof"
    assert "asked" in marked[0].ranks


def test_the_committed_file_is_what_fit_writes(tmp_path):
    from eval.fit import UNREAD, asked_questions

    written = asked_questions()
    asked.dump(written, tmp_path / "asked.json")
    assert (tmp_path / "asked.json").read_text(encoding="utf-8") == asked.ASKED_PATH.read_text(encoding="utf-8"), \
        "assistant/fitted/asked.json is stale: run `wijzer fit --asked-only`"
    parts = {item["part"] for item in json.loads(asked.ASKED_PATH.read_text(encoding="utf-8"))["questions"]}
    assert parts and not parts & UNREAD


def test_a_cache_that_cannot_be_written_costs_only_time(small_settings, e5, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    assert not ingest(Index(small_settings, e5), progress=False).failed
    index = Index(small_settings.model_copy(update={"models_dir": blocked}), e5)  # served from a read-only install
    index.remember([LEAVE])
    assert _match(index, "Hoeveel weken mag ik thuisblijven als mijn baby geboren is?").ranking()
