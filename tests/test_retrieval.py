"""Retrieval over the real corpus: the right document comes back in the top 5."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from assistant.config import PROJECT_ROOT
from assistant.language import question_parts
from assistant.retrieval import named_document, retrieve
from assistant.sentences import split

QUESTIONS = yaml.safe_load((PROJECT_ROOT / "eval" / "retrieval.yaml").read_text(encoding="utf-8"))
ALL = QUESTIONS["tuning"] + QUESTIONS["heldout"]


def _doc_hit_rate(index, strategy: str) -> tuple[float, list[str]]:
    misses = []
    for item in ALL:
        passages = retrieve(index, item["q"], index.settings, strategy=strategy, k=5).passages
        if item["doc"] not in {p.chunk.doc.doc_id for p in passages}:
            misses.append(item["q"])
    return 1 - len(misses) / len(ALL), misses


def test_question_set_is_large_enough():
    assert len(ALL) >= 15


def test_hybrid_finds_the_right_document_in_top_5(corpus_index):
    rate, misses = _doc_hit_rate(corpus_index, "hybrid")
    assert rate >= 0.9, f"hit@5 {rate:.2f}; missed: {misses}"


def test_single_retrievers_stay_selectable(corpus_index):
    for strategy in ("bm25", "dense"):
        rate, misses = _doc_hit_rate(corpus_index, strategy)
        assert rate >= 0.75, f"{strategy}: hit@5 {rate:.2f}; missed: {misses}"


def test_near_duplicate_passages_are_removed(corpus_index):
    # The values publication repeats the same advice for several office holders.
    passages = retrieve(corpus_index, "Kom afspraken en toezeggingen na en stel reële deadlines", corpus_index.settings,
                        k=10).passages
    texts = [p.chunk.text for p in passages]
    assert len(set(texts)) == len(texts)


def test_each_part_of_a_question_that_asks_two_things_is_searched_for(corpus_index):
    question = "Hoeveel leden heeft de vereniging en wie vervangt mij tijdens mijn zwangerschapsverlof?"
    found = retrieve(corpus_index, question, corpus_index.settings)
    docs = {p.chunk.doc.doc_id for p in found.passages}
    assert {"beleidsplan-2025-2030", "regels/verlof-en-vervanging"} <= docs, docs
    # and each part's own embedding is kept, for choosing the sentence that answers that part by its meaning
    assert set(found.part_vectors) == set(question_parts(question))
    for part, vector in found.part_vectors.items():
        assert float(vector @ corpus_index.embed_query(part)) == pytest.approx(1.0, abs=1e-4)


def test_a_chunk_whose_one_sentence_says_what_was_asked_is_found_by_that_sentence(corpus_index):
    # the chunk's own embedding is not among the closest three; its sentence on too few wethouders left is
    question = "Wie neemt het over als er te weinig wethouders overblijven?"
    vector = corpus_index.embed_query(question)
    closest_chunks = {c.doc.doc_id for c, _ in corpus_index.dense_search(question, 3, vector)}
    assert "regels/hulpkaart-collegecrisis" not in closest_chunks
    assert corpus_index.sentence_search(vector, 3)[0][0].doc.doc_id == "regels/hulpkaart-collegecrisis"
    # whatever ranking found a passage, the sentence ranker sees its chunk's own similarity too
    assert all(p.dense_similarity is not None for p in retrieve(corpus_index, question, corpus_index.settings).passages)


def test_a_sentence_that_asks_is_not_searched_by(corpus_index):
    # 'Welke waarden van vakmanschap hebben prioriteit voor Statenleden?' heads that chunk: a question, not an answer
    question = "Welke waarden hebben prioriteit voor Statenleden?"
    vector = corpus_index.embed_query(question)
    for chunk, score in corpus_index.sentence_search(vector, 10):
        sentences = split(chunk.text, chunk.section)
        vectors = corpus_index.sentence_vectors([chunk.chunk_id])[0]
        asking = [float(v @ vector) for position, v in vectors.items() if sentences[position].is_question]
        telling = [float(v @ vector) for position, v in vectors.items() if not sentences[position].is_question]
        assert score == pytest.approx(max(telling)) and (not asking or max(asking) != score)


def test_standing_is_the_closest_sentence_in_standard_deviations_of_all_that_tell(corpus_index):
    question = "Wanneer eindigt het verlof van een wethouder?"
    vector = corpus_index.embed_query(question)
    telling = []
    for chunk in corpus_index.chunks():
        sentences = split(chunk.text, chunk.section)
        telling += [float(v @ vector) for position, v in corpus_index.sentence_vectors([chunk.chunk_id])[0].items()
                    if position < len(sentences) and not sentences[position].is_question]
    expected = (max(telling) - np.mean(telling)) / np.std(telling)
    assert corpus_index.sentence_standing(vector) == pytest.approx(expected, rel=0.02)
    found = retrieve(corpus_index, question, corpus_index.settings)
    assert found.sentence_standing == pytest.approx(expected, rel=0.02)


def test_the_passage_bm25_finds_far_ahead_of_the_rest_keeps_a_place(corpus_index):
    # 'gezellig' stands in one chunk (the presentation's slide on bestuurscultuur); the dense search finds the
    # values publication's many pages on 'besturen' alike, and by fused ranks they filled the five places.
    question = "Wat is gezellig besturen?"
    lexical = corpus_index.bm25_search(question, 2)
    assert lexical[0][1] >= 2 * lexical[1][1] and "gezellig besturen" in lexical[0][0].text
    found = retrieve(corpus_index, question, corpus_index.settings)
    assert lexical[0][0].chunk_id in {p.chunk.chunk_id for p in found.passages}


def test_dense_search_is_exact_over_the_served_chunks(corpus_index):
    # Chroma's HNSW search is approximate: it missed the closest chunk in some processes and not in others.
    stored = corpus_index._store._collection.get(include=["embeddings"])
    matrix = np.asarray(stored["embeddings"], dtype="float32")
    for question in ("ik was maar 2 maanden wethouder, krijg ik dan nog iets?", "Wat is VUCA?",
                     "Wie vervangt mij bij ziekte?"):
        vector = corpus_index.embed_query(question)
        exact = [stored["ids"][i] for i in np.argsort(-(matrix @ vector))[:10]]
        assert [c.chunk_id for c, _ in corpus_index.dense_search(question, 10, vector)] == exact


def test_a_phrase_quoted_from_the_documents_finds_the_chunk_that_holds_it(corpus_index):
    # every word of the phrase is a stop word: neither ranking alone would find it
    question = "'niet alles wat kan, mag' - wie zei dat ook alweer?"
    first = retrieve(corpus_index, question, corpus_index.settings).passages[0]
    assert "Niet alles wat kan, mag." in first.chunk.text
    # a phrase the documents do not hold, or one that many chunks hold, changes nothing
    assert corpus_index.phrase_search("niet alles wat kan, moet per se") == []
    assert len(corpus_index.phrase_search("van de Wethoudersvereniging")) > 3
    common = retrieve(corpus_index, "'van de Wethoudersvereniging' - wie zei dat ook alweer?", corpus_index.settings)
    assert not any("quoted" in p.ranks for p in common.passages)


@pytest.mark.parametrize("question, doc, held", [
    ("wanneer is dat beleidsplan eigenlijk verschenen?", "beleidsplan-2025-2030", "november 2024"),
    ("wie deed het ontwerp van die publicatie van de argumentenfabriek, wie waren de auteurs?",
     "waarden-bestuurlijk-vakmanschap", "Leonie Lous"),
])
def test_asked_who_made_a_named_document_or_when_its_colophon_is_found(corpus_index, question, doc, held):
    found = retrieve(corpus_index, question, corpus_index.settings).passages
    assert any(p.chunk.doc.doc_id == doc and held in p.chunk.text for p in found[:3]), [p.chunk.text[:60] for p in found]
    # a document not named, or nothing asked of its making: no colophon is pulled in
    plain = retrieve(corpus_index, "wanneer kan een wethouder met verlof?", corpus_index.settings).passages
    assert not any("colofon" in p.chunk.text.lower() for p in plain)


def test_asked_for_the_associations_own_view_its_own_documents_count_more(corpus_index):
    question = "What does the association think about how the national government treats municipalities?"
    settings = corpus_index.settings

    def own(found) -> int:
        return sum(p.chunk.doc.publisher == "Wethoudersvereniging" for p in found.passages[:5])

    with_view = retrieve(corpus_index, question, settings)
    without = retrieve(corpus_index, question, settings.model_copy(update={"association": ""}))
    assert own(with_view) > own(without)
    assert with_view.passages[0].chunk.doc.publisher == "Wethoudersvereniging"
    # a question that does not ask for its view is ranked as before
    plain = "How does the national government treat municipalities?"
    assert ([p.chunk.chunk_id for p in retrieve(corpus_index, plain, settings).passages]
            == [p.chunk.chunk_id for p in retrieve(corpus_index, plain, settings.model_copy(update={"association": ""})).passages])


@pytest.mark.parametrize("question, named", [
    ("wat moet het Rijk volgens het waardenstuk doen met de griffiers?", "waarden-bestuurlijk-vakmanschap"),
    ("Hoe hoog is de opkomst volgens de Argumentenfabriek?", "waarden-bestuurlijk-vakmanschap"),
    ("welke taken stonden op de slides van Van Gool?", "presentatie-vng-utrecht-2024"),
    ("wie schreef die blog over de 344 akkoorden", "blog-samen-samen-samen"),
    ("Wat zegt dat adviesbureau over de netwerksamenleving?", "effectief-bestuur"),
    ("Wat staat er in het beleidsplan over verlof?", "beleidsplan-2025-2030"),
    ("Wat staat er op de hulpkaart?", "regels/hulpkaart-collegecrisis"),
    ("what does the values book say about workload?", "waarden-bestuurlijk-vakmanschap"),
    # no document named, or two: none counts more
    ("Hoe lang is het zwangerschapsverlof?", None),
    ("staat dat in een document?", None),
    ("wat is het verschil tussen het beleidsplan en de presentatie?", None),
])
def test_a_document_the_question_points_at_is_told_apart(corpus_index, question, named):
    documents = list({c.doc.doc_id: c.doc for c in corpus_index.chunks()}.values())
    assert named_document(question, documents, corpus_index.lexicon(), corpus_index.settings.association) == named


def test_the_document_a_question_points_at_counts_more(corpus_index, monkeypatch):
    # the presentation's title slide names the association's four tasks; the beleidsplan's passages about its
    # tasks outrank it unless the presentation, named, counts more
    question = "Welke vier kerntaken heeft de vereniging volgens de presentatie?"

    # (Its place, not whether it is among the first five without the boost: that varies with the int8 model,
    # quantised anew at each first ingest; on one machine it stood third without the boost, second with it.)
    # (without the ranking by questions asked before: labelled questions about that slide find it by themselves)
    settings = corpus_index.settings.model_copy(update={"fusion_asked_weight": 0.0})

    def title_slide_place() -> int:
        found = retrieve(corpus_index, question, settings, k=20).passages
        return next((i for i, p in enumerate(found) if p.chunk.doc.doc_id == "presentatie-vng-utrecht-2024"
                     and "ondersteuning" in p.chunk.text), len(found))

    boosted = title_slide_place()
    monkeypatch.setattr("assistant.retrieval.NAMED_BOOST", 1.0)
    assert boosted < 5 and boosted < title_slide_place()
