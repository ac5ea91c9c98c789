"""Retrieval strategies by name (hybrid, bm25, dense): fusion by weighted reciprocal rank, near-duplicates removed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from assistant.asked import Match
from assistant.bm25 import BM25Index, Tokenizer
from assistant.config import Settings
from assistant.index import Index
from assistant.language import DOCUMENT_NOUNS, asking_part, compound_match, question_parts, quoted_phrases
from assistant.models import Chunk, DocumentInfo, Passage

_WORD = re.compile(r"\w+")
STRATEGIES = ("hybrid", "bm25", "dense")


@dataclass
class Retrieval:
    passages: list[Passage]
    best_dense: float  # highest cosine similarity of any chunk to the question (0 when not searched)
    query_vector: np.ndarray  # the question's embedding, for choosing sentences by meaning
    best_bm25: float = 0.0  # highest BM25 score of any chunk (0 when not searched)
    mean_dense: float = 0.0  # mean cosine similarity of the five closest chunks
    part_vectors: dict[str, np.ndarray] = field(default_factory=dict)  # each part's embedding (question_parts)
    sentence_standing: float = 0.0  # how far the closest sentence stands out from all (Index.sentence_standing)


def _words(chunk: Chunk) -> set[str]:
    return set(_WORD.findall(chunk.text.lower()))


def _dedupe(passages: list[Passage], k: int, threshold: float = 0.8) -> list[Passage]:
    kept: list[Passage] = []
    kept_words: list[set[str]] = []
    for passage in passages:
        words = _words(passage.chunk)
        if any(len(words & other) / max(1, len(words | other)) >= threshold for other in kept_words):
            continue
        kept.append(passage)
        kept_words.append(words)
        if len(kept) == k:
            break
    return kept


# A chunk that begins with a list item continues a list of the chunk before it, where the list's heading and the
# labels of a table's rows stand ('Lef', 'Gemeenschappelijkheid' over what wethouders can do).
_CONTINUES = re.compile(r"\s*- ")


def _list_starts(index: Index, chosen: list[Passage], found: dict[str, Passage],
                 quotable: frozenset[str]) -> list[Passage]:
    """For each chosen passage that continues a list, the chunk where that list begins, after the chosen ones
    (with its scores when retrieval found it too)."""
    have = {p.chunk.chunk_id for p in chosen}
    extra: list[Passage] = []
    for passage in chosen:
        if not _CONTINUES.match(passage.chunk.text):
            continue
        before = index.preceding(passage.chunk)
        if before is not None and before.chunk_id not in have and before.chunk_id in quotable:
            have.add(before.chunk_id)
            extra.append(found.get(before.chunk_id) or Passage(chunk=before))
    return extra


# A question after the association's own view, and how much more its own documents then count in the fusion.
_ASKS_VIEW = re.compile(r"\b(vind|vindt|vinden|standpunt\w*|mening|visie|wil|wilt|willen|pleit|pleiten|lobby\w*|streeft"
                        r"|streven|staat .{0,20}voor|position|view|think|stance)\b", re.I)
_OF_ASSOCIATION = re.compile(r"\b(jullie|(wethouders)?vereniging|association|you)\b", re.I)
OWN_VIEW_BOOST = 1.25

# A question that names a document ('volgens die presentatie', 'in het waardenstuk', 'die blog over de akkoorden',
# 'de Argumentenfabriek'): that document's passages count this much more in the fusion. A document is named by a
# word for a document (alone or ending a compound, 'waardenrapport') or by its publisher's name, whose words fit
# its title, kind or publisher, and those of no other retrieved document.
NAMED_BOOST = 1.3
_NAMING_NOUNS = f"{DOCUMENT_NOUNS} boek kaart dia webpagina site book presentation publication"
PUBLISHER_IDF = 2.0


@lru_cache(maxsize=64)
def _naming_words(lexicon: BM25Index, doc: DocumentInfo, association: str) -> frozenset[str]:
    """The stemmed words of a document's title, kind and publisher, without the association's own name (it
    stands in most titles and publishes most documents). A rule summary's title names its subject ('verlof',
    'bureau'), not the document: only its words for a document count ('hulpkaart')."""
    if doc.kind == "regel":
        nouns = Tokenizer.raw(_NAMING_NOUNS)
        return frozenset(lexicon.tokenize(" ".join(w for w in Tokenizer.raw(doc.title)
                                                   if any(w.endswith(n) for n in nouns))))
    own = set(lexicon.tokenize(association))
    return frozenset(set(lexicon.tokenize(f"{doc.title} {doc.kind} {doc.publisher}")) - own)


def named_document(question: str, documents: list[DocumentInfo], lexicon: BM25Index, association: str) -> str | None:
    """The id of the one document the question points at by a word for a document or by its publisher, if any."""
    kinds = " ".join(d.kind for d in documents if d.kind != "regel")
    nouns = set(Tokenizer.raw(f"{_NAMING_NOUNS} {kinds}"))
    # a publisher's own name ('Argumentenfabriek', 'Van de Laar'), not a word many passages use ('bestuur')
    written = set(Tokenizer.raw(" ".join(d.publisher for d in documents))) - set(Tokenizer.raw(association))
    publishers = {w for w in written if (stems := lexicon.tokenize(w)) and min(map(lexicon.idf, stems)) >= PUBLISHER_IDF}
    # the words that point at a document, as searched ('waardenstuk' is searched as 'waarden' and 'stuk')
    naming = {t for word in Tokenizer.raw(question)
              if word in publishers or any(word.endswith(n) for n in nouns) for t in lexicon.query_terms(word)}
    if not naming:
        return None
    fits = {doc.doc_id for doc in documents
            if any(compound_match(t, _naming_words(lexicon, doc, association)) for t in naming)}
    # two documents named ('het verschil tussen het beleidsplan en de presentatie'): neither counts more
    return fits.pop() if len(fits) == 1 else None


# Asked who made a named document or when it came out ('wanneer is dat beleidsplan verschenen?', 'wie deed de
# vormgeving van die publicatie?'): its colophon says so, though it shares no word with the question. It counts as
# much as a quoted phrase.
_ASKS_COLOPHON = re.compile(r"\b(uitgekomen|verschenen|gepubliceerd|uitgegeven|uitgebracht|vastgesteld|redactie"
                            r"|vormgev\w*|vormgegeven|opgemaakt|auteurs?|geschreven|schreef|colofon|published|released"
                            r"|designed|design|edited|authors?|wrote|written)\b", re.I)
COLOPHON = "colofon"

# A chunk that holds a phrase the question quotes counts as much as the first place of all three rankings together.
QUOTED_WEIGHT = 4.0
QUOTED_MOST = 3

# How far BM25's best passage must score above its second to keep a place among the passages whatever the fusion.
LEXICAL_LEAD = 2.0

# For a question that asks two things, the best passages of each part are added after the whole question's own:
# a passage that answers only the second part rarely ranks for the two together.
PART_PASSAGES = 2


def retrieve(index: Index, question: str, settings: Settings, strategy: str | None = None,
             k: int | None = None, pool: int = 30) -> Retrieval:
    """The best `k` distinct passages for the question by the named strategy, and for a question that asks
    several things (language.question_parts) the best PART_PASSAGES of each part after them."""
    found = _retrieve(index, question, settings, strategy, k, pool)
    parts = question_parts(question)
    for part in parts or _asked_after_story(question):
        have = {p.chunk.chunk_id for p in found.passages}
        own = _retrieve(index, part, settings, strategy, PART_PASSAGES, pool)
        found.passages += [p for p in own.passages if p.chunk.chunk_id not in have]
        if parts:
            found.part_vectors[part] = own.query_vector
    return found


def _asked_after_story(question: str) -> list[str]:
    """What is asked after a story told before it ('Mijn zoon zit op de middelbare school. Doen jullie iets voor
    leerlingen?'), as one part: the story's words outweigh the question's in a search for the whole."""
    asked = asking_part(question)
    return [asked] if asked != question.strip() and len(asked.split()) >= 3 else []


def _retrieve(index: Index, question: str, settings: Settings, strategy: str | None, k: int | None,
              pool: int) -> Retrieval:
    """The best `k` distinct passages for the question as one, by the named strategy."""
    strategy = strategy or settings.retriever
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown retrieval strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    k = k or settings.top_k
    vector = index.embed_query(question)
    dense = index.dense_search(question, pool, vector) if strategy in ("hybrid", "dense") else []
    lexical = index.bm25_search(question, pool) if strategy in ("hybrid", "bm25") else []
    best_dense = dense[0][1] if dense else 0.0
    closest = (index.sentence_search(vector, pool) if strategy == "hybrid" and settings.fusion_sentence_weight
               else [])
    asked = (index.asked_search(question, vector, settings.asked_neighbours, settings.asked_closest)
             if strategy == "hybrid" and settings.fusion_asked_weight else Match())
    # A phrase the question quotes from the documents ('"niet alles wat kan, mag" - wie zei dat?') finds the chunks
    # that hold it word for word, first, whatever the other rankings (its words may all be stop words); not a
    # phrase so common that many chunks hold it.
    quoting = [(chunk, 1.0) for phrase in (quoted_phrases(question) if strategy == "hybrid" else [])
               if len(holders := index.phrase_search(phrase)) <= QUOTED_MOST for chunk in holders]

    # (the document is named among those retrieved, as NAMED_BOOST names it)
    named = (named_document(question, [chunk.doc for chunk, _ in dense + lexical], index.lexicon(),
                            settings.association) if strategy == "hybrid" else None)
    colophon = [(chunk, 1.0) for chunk in (index.phrase_search(COLOPHON) if named and _ASKS_COLOPHON.search(question)
                                           else []) if chunk.doc.doc_id == named]

    passages: dict[str, Passage] = {}
    for name, hits, weight in (("dense", dense, settings.fusion_dense_weight),
                               ("bm25", lexical, settings.fusion_bm25_weight),
                               ("sentence", closest, settings.fusion_sentence_weight),
                               ("asked", asked.ranking(), settings.fusion_asked_weight),
                               ("quoted", quoting + colophon, QUOTED_WEIGHT)):
        for rank, (chunk, score) in enumerate(hits, start=1):
            passage = passages.setdefault(chunk.chunk_id, Passage(chunk=chunk))
            passage.ranks[name] = rank
            passage.score += weight / (settings.fusion_k + rank)
            if name == "dense":
                passage.dense_similarity = score
            elif name == "bm25":
                passage.bm25_score = score
    # Asked what the association itself thinks or wants ('wat vinden jullie daarvan?', 'wat is het standpunt van de
    # vereniging?'): its own documents say so, not a publication it quotes or an adviser's blog.
    if settings.association and _ASKS_VIEW.search(question) and _OF_ASSOCIATION.search(question):
        for passage in passages.values():
            if passage.chunk.doc.publisher == settings.association:
                passage.score *= OWN_VIEW_BOOST
    for passage in passages.values() if named else []:
        if passage.chunk.doc.doc_id == named:
            passage.score *= NAMED_BOOST
    # A passage with nothing to quote (a source list) cannot answer: it does not take a place.
    quotable = index.quotable_chunks()
    ranked = sorted((p for p in passages.values() if p.chunk.chunk_id in quotable), key=lambda p: p.score, reverse=True)
    chosen = _dedupe(ranked, k)
    # The passage BM25 ranks first, far ahead of the next, keeps a place (the last): when one chunk alone holds
    # the question's rare words ('afleveradres'), the fused ranks of generic dense matches, all alike in
    # similarity, can push it out.
    lead = lexical[0][0].chunk_id if lexical else None
    if (len(lexical) > 1 and lexical[0][1] >= LEXICAL_LEAD * lexical[1][1] and lead in quotable
            and len(chosen) == k and lead not in {p.chunk.chunk_id for p in chosen}):
        chosen[-1] = passages[lead]
    chosen += _list_starts(index, chosen, passages, quotable)
    measured = index.similarities([p.chunk.chunk_id for p in chosen if p.dense_similarity is None], vector)
    for passage in chosen:
        if passage.dense_similarity is None:
            passage.dense_similarity = measured.get(passage.chunk.chunk_id)
    for passage, vectors in zip(chosen, index.sentence_vectors([p.chunk.chunk_id for p in chosen])):
        passage.sentence_vectors = vectors
        passage.asked = asked.sentences.get(passage.chunk.chunk_id, {})
    mean_dense = sum(score for _, score in dense[:5]) / len(dense[:5]) if dense else 0.0
    standing = index.sentence_standing(vector) if strategy in ("hybrid", "dense") else 0.0
    return Retrieval(chosen, best_dense, vector, lexical[0][1] if lexical else 0.0, mean_dense,
                     sentence_standing=standing)
