"""Chroma (dense) and BM25 (lexical) behind one small class: add, remove, search.

Chroma is the one store of chunks: the BM25 index is rebuilt from it whenever the ledger says the
served documents changed, so the two can never disagree.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

import chromadb
import httpx
import numpy as np
import yaml
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from assistant import asked
from assistant.bm25 import BM25Index, Tokenizer
from assistant.config import Settings
from assistant.embeddings import model_tag, sentence_embeddings
from assistant.errors import EmptyIndex, IndexModelMismatch, StoreUnavailable
from assistant.language import phrase_key
from assistant.ledger import Ledger, LedgerEntry
from assistant.models import Chunk, DocumentInfo
from assistant.sentences import embedding_text, split

log = logging.getLogger(__name__)

_MODEL_KEY = "embedding_model"
GLOSSARY = Path(__file__).resolve().parent / "glossary.yaml"  # members' words -> the documents' ones


def _client(settings: Settings) -> chromadb.api.ClientAPI:
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000, ssl=url.scheme == "https")
        except ValueError as exc:  # chromadb's "Could not connect to a Chroma server"
            raise StoreUnavailable(settings.chroma_url, exc) from exc
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chromadb.Settings(anonymized_telemetry=False))


def _metadata(chunk: Chunk) -> dict:
    return {
        "doc_id": chunk.doc.doc_id,
        "version": chunk.version,
        "title": chunk.doc.title,
        "source": chunk.doc.source,
        "kind": chunk.doc.kind,
        "section": chunk.section or "",
        "page": chunk.page if chunk.page is not None else -1,
        "position": chunk.position,
        "body": chunk.text,
    }


def _chunk(chunk_id: str, meta: dict) -> Chunk:
    doc = DocumentInfo(doc_id=meta["doc_id"], title=meta["title"], source=meta["source"], kind=meta.get("kind", ""))
    page = meta.get("page", -1)
    return Chunk(
        chunk_id=chunk_id, doc=doc, text=meta["body"], section=meta.get("section") or None,
        page=None if page is None or page < 0 else int(page), position=int(meta.get("position", 0)),
        version=meta["version"],
    )


def _get_all(collection, include: list[str], page: int = 10_000) -> dict[str, list]:
    """Every record of a collection, read by id in pages: Chroma reads what `include` asks for with one SQL
    variable per record, and past some 32,000 records refuses a single read ("too many SQL variables",
    bench/scale.py at 100,000 chunks). The ids are read first; one deleted meanwhile is simply not returned."""
    ids = collection.get(include=[])["ids"]
    out: dict[str, list] = {"ids": [], **{name: [] for name in include}}
    for start in range(0, len(ids), page):
        got = collection.get(ids=ids[start : start + page], include=include)
        for name in out:
            out[name] += list(got[name])
    return out


def _get_vectors(collection, ids: list[str], page: int = 10_000) -> dict[str, np.ndarray]:
    """The embeddings of the given records, by id, read in pages. Only records the ledger serves are asked for:
    after an ingest killed mid-write, Chroma can hold records whose vectors it never stored, and a read that
    includes them fails ("Error finding id"); those strays are for the next ingest's sweep."""
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(ids), page):
        got = collection.get(ids=ids[start : start + page], include=["embeddings"])
        out.update((cid, np.asarray(vector, dtype="float32")) for cid, vector in zip(got["ids"], got["embeddings"]))
    return out


def _boilerplate(chunks: list[Chunk], sentences: dict[str, list], documents: int = 3,
                 alike: float = 0.6) -> frozenset[str]:
    """Sentences that stand alike in `documents` or more documents (a disclaimer, a 'last checked' line):
    they say nothing about any one question. Alike: the same first three words and at least `alike` of
    their words in common ('Voor uw eigen situatie: bel het bureau ...' and '... situatie: het bureau ...')."""
    seen: dict[str, set[str]] = {}
    for c in chunks:
        for sentence in sentences[c.chunk_id]:
            seen.setdefault(sentence.text, set()).add(c.doc.doc_id)
    groups: dict[tuple[str, ...], list[str]] = {}
    for text in seen:
        groups.setdefault(tuple(text.lower().split()[:3]), []).append(text)
    docs = {text: set(found) for text, found in seen.items()}
    for texts in groups.values():
        words = {t: set(re.findall(r"\w+", t.lower())) for t in texts}
        for a, b in itertools.combinations(texts, 2):
            if len(words[a] & words[b]) >= alike * len(words[a] | words[b]):
                docs[a] |= seen[b]
                docs[b] |= seen[a]
    common = {text for text, found in docs.items() if len(found) >= documents}
    # A short sentence that ends as one of them ends, with half its words, is the same disclaimer worded otherwise
    # at its start ('Dit is advies, geen wet, en geen juridisch advies.' beside 'Dit is algemene informatie, geen
    # juridisch advies.').
    endings: dict[tuple[str, ...], list[set[str]]] = {}
    for text in common:
        endings.setdefault(tuple(text.lower().split()[-3:]), []).append(set(re.findall(r"\w+", text.lower())))
    alike_ending = set()
    for text in seen:
        words = set(re.findall(r"\w+", text.lower()))
        if len(text.split()) <= 12 and any(len(words & other) >= 0.5 * len(words | other)
                                           for other in endings.get(tuple(text.lower().split()[-3:]), [])):
            alike_ending.add(text)
    return frozenset(common | alike_ending)


def _lexical(settings: Settings):
    """PostgreSQL full-text search when WIJZER_LEXICAL=postgres; None: the in-process BM25 index."""
    if settings.lexical != "postgres":
        return None
    from assistant.lexical_pg import PostgresLexical

    return PostgresLexical(settings.database)


class Index:
    def __init__(self, settings: Settings, embeddings: Embeddings):
        self.settings = settings
        self.embeddings = embeddings
        self.model = model_tag(embeddings)
        self._sentence_embeddings: Embeddings | None = None
        self.ledger = Ledger(settings.ledger_path)
        self._opened: tuple[chromadb.api.ClientAPI, Chroma, chromadb.Collection] | None = None
        self._model_checked = False
        self._lexical = _lexical(settings)
        self._tokenizer = Tokenizer()
        self._glossary = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8")) or {}
        self._lock = threading.Lock()
        self._loaded_generation: str | None = None
        self._chunks: list[Chunk] = []
        # the served chunks' texts as phrase_key gives them, with the list of chunks they were made for
        self._phrase_keys: tuple[list[Chunk], list[str]] = ([], [])
        self._chunk_matrix: np.ndarray | None = None
        self._rows: dict[str, int] = {}
        self._served: dict[str, Chunk] = {}
        self._placed: dict[tuple[str, int], Chunk] = {}  # (document, position) -> chunk
        self._bm25: BM25Index | None = None
        self._sentence_vectors: dict[str, dict[int, np.ndarray]] = {}
        self._sentence_owners: list[str] = []
        self._sentence_matrix: np.ndarray | None = None
        self._sentence_chunk = np.zeros(0, dtype="int64")  # for each row of the matrix, its chunk's number
        self._sentence_asks = np.zeros(0, dtype=bool)  # for each row, whether the sentence asks (not searched)
        self._quotable: frozenset[str] = frozenset()
        self._quotable_list: tuple[list[Chunk] | None, list[Chunk]] = (None, [])
        self.remember(asked.load())

    # -- the Chroma collections, opened on first use ---------------------------------------------
    # With a Chroma server (WIJZER_CHROMA_URL) they may be out of reach: every call that needs them raises
    # StoreUnavailable, the edge answers 503, and the next call tries again, so serving resumes by itself.

    def _open(self) -> tuple[chromadb.api.ClientAPI, Chroma, chromadb.Collection]:
        if self._opened is None:
            with self.reaching():
                client = _client(self.settings)
                sentences = client.get_or_create_collection(
                    f"{self.settings.collection}_sentences", embedding_function=None,
                    metadata={"hnsw:space": "cosine", _MODEL_KEY: self.model},
                )
                store = Chroma(
                    collection_name=self.settings.collection,
                    embedding_function=self.embeddings,
                    client=client,
                    collection_metadata={"hnsw:space": "cosine", _MODEL_KEY: self.model},
                )
            self._opened = (client, store, sentences)
        return self._opened

    @property
    def _client(self) -> chromadb.api.ClientAPI:
        return self._open()[0]

    @property
    def _store(self) -> Chroma:
        return self._open()[1]

    @property
    def _sentences(self) -> chromadb.Collection:
        return self._open()[2]

    @contextmanager
    def reaching(self):
        """Turns a Chroma server out of reach into StoreUnavailable."""
        try:
            yield
        except httpx.TransportError as exc:
            raise StoreUnavailable(self.settings.chroma_url or str(self.settings.chroma_path), exc) from exc

    def reachable(self) -> bool:
        """Whether the store answers now (always, when it is embedded)."""
        if not self.settings.chroma_url:
            return True
        try:
            with self.reaching():
                self._client.heartbeat()
            return True
        except StoreUnavailable:
            return False

    # -- the embedding model the index was built with --------------------------------------------

    def built_with(self) -> str | None:
        with self.reaching():
            meta = self._store._collection.metadata or {}
            if self._store._collection.count() == 0 and not self.ledger.entries():
                return None
            return meta.get(_MODEL_KEY)

    def check_model(self) -> None:
        built = self.built_with()
        if built is not None and built != self.model:
            raise IndexModelMismatch(built, self.model)
        self._model_checked = True

    def reset(self) -> None:
        """Drop every chunk and ledger entry, e.g. to rebuild with another embedding model."""
        self._client.delete_collection(self.settings.collection)
        self._client.delete_collection(self._sentences.name)
        self.ledger.clear()
        if self._lexical:
            self._lexical.clear()
        self._opened = None
        self._loaded_generation = None

    # -- writing ---------------------------------------------------------------------------------

    def add_document(self, entry: LedgerEntry, chunks: list[Chunk], on_progress=None, batch: int = 32) -> None:
        """Write a document's chunks and the vectors of their sentences, switch the ledger to its version,
        then drop older versions."""
        sentences = {c.chunk_id: self._sentence_texts(c) for c in chunks}
        vectors = self._embed_sentences([t for texts in sentences.values() for t in texts])
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            self._store.add_texts(
                texts=[c.indexed_text() for c in part],
                metadatas=[_metadata(c) for c in part],
                ids=[c.chunk_id for c in part],
            )
            rows = [(c, position, text) for c in part for position, text in enumerate(sentences[c.chunk_id])]
            if rows:
                self._sentences.add(
                    ids=[f"{c.chunk_id}#s{position:03d}" for c, position, _ in rows],
                    embeddings=[vectors[text] for _, _, text in rows],
                    metadatas=[{"doc_id": c.doc.doc_id, "version": c.version, "chunk_id": c.chunk_id,
                                "position": position} for c, position, _ in rows],
                )
            if self._lexical:
                self._lexical.add(part)
            if on_progress:
                on_progress(len(part))
        self.ledger.commit(entry)
        older = {"$and": [{"doc_id": entry.doc_id}, {"version": {"$ne": entry.version}}]}
        self._store._collection.delete(where=older)
        self._sentences.delete(where=older)
        if self._lexical:
            self._lexical.keep_version(entry.doc_id, entry.version)

    def _sentence_texts(self, chunk: Chunk) -> list[str]:
        """What is embedded for each quotable sentence of a chunk: the sentence with its heading
        (sentences.embedding_text), so answers can pick sentences by meaning; nothing when sentences are off."""
        if not self.settings.embed_sentences:
            return []
        found = split(chunk.text, chunk.section)
        return [embedding_text(found, position) for position in range(len(found))]

    def _embed_sentences(self, texts: list[str]) -> dict[str, list[float]]:
        """The vectors of a document's sentences, in one pass (short texts batch well: bench/run.py measures what
        sentences add to the cost of ingest), each text once, by the model's int8 copy where
        settings.sentences_int8 allows it."""
        if not texts:
            return {}
        if self._sentence_embeddings is None:  # built on first use: serving never needs it
            self._sentence_embeddings = sentence_embeddings(self.settings, self.embeddings)
        unique = list(dict.fromkeys(texts))
        return dict(zip(unique, self._sentence_embeddings.embed_documents(unique)))

    def remove_document(self, doc_id: str) -> None:
        self.ledger.remove(doc_id)
        self._store._collection.delete(where={"doc_id": doc_id})
        self._sentences.delete(where={"doc_id": doc_id})
        if self._lexical:
            self._lexical.remove(doc_id)

    def sweep(self) -> int:
        """Delete chunks (and sentence vectors) no ledger entry points at, left by a crash mid-ingest;
        returns how many chunks."""
        entries = self.ledger.entries()
        self._delete_stale(self._sentences, entries)
        if self._lexical:
            self._lexical.sweep(entries)
        return self._delete_stale(self._store._collection, entries)

    @staticmethod
    def _delete_stale(collection, entries: dict[str, LedgerEntry]) -> int:
        got = _get_all(collection, ["metadatas"])
        stale = [
            cid for cid, meta in zip(got["ids"], got["metadatas"])
            if entries.get(meta.get("doc_id")) is None or entries[meta["doc_id"]].version != meta.get("version")
        ]
        for start in range(0, len(stale), 500):
            collection.delete(ids=stale[start : start + 500])
        return len(stale)

    # -- reading ---------------------------------------------------------------------------------

    def documents(self) -> list[LedgerEntry]:
        return list(self.ledger.entries().values())

    def _refresh(self) -> None:
        generation = self.ledger.generation()
        if generation == self._loaded_generation:
            return
        with self._lock, self.reaching():
            if generation == self._loaded_generation:
                return
            if not self._model_checked:  # the store was out of reach when the service started
                self.check_model()
            entries = self.ledger.entries()
            chunks: list[Chunk] = []
            vectors: list = []
            if entries:
                # all, then the ledger's versions: a filter listing one version per document fails past some
                # thousands of documents (too many SQL variables in Chroma's SQLite; bench/scale.py)
                got = _get_all(self._store._collection, ["metadatas"])
                chunks = [_chunk(cid, meta) for cid, meta in zip(got["ids"], got["metadatas"])]
                chunks = [c for c in chunks if entries.get(c.doc.doc_id) and entries[c.doc.doc_id].version == c.version]
                # who published a document is the ledger's to say ('Wethoudersvereniging', 'De Argumentenfabriek')
                chunks = [replace(c, doc=replace(c.doc, publisher=entries[c.doc.doc_id].publisher)) for c in chunks]
                chunks.sort(key=lambda c: (c.doc.doc_id, c.position))
                held = _get_vectors(self._store._collection, [c.chunk_id for c in chunks])
                if len(held) < len(chunks):
                    log.warning("%d served chunks have no vector in the store and are left out; re-ingest them",
                                len(chunks) - len(held))
                chunks = [c for c in chunks if c.chunk_id in held]
                vectors = [held[c.chunk_id] for c in chunks]
            self._chunks = chunks
            # The served chunks' embeddings, searched exactly: Chroma's HNSW search is approximate, and on a
            # collection that has seen versions come and go it missed the closest chunk in some processes and
            # not in others (the same question answered differently after a restart).
            self._chunk_matrix = np.asarray(vectors, dtype="float32") if chunks else None
            self._served = {c.chunk_id: c for c in chunks}
            self._rows = {c.chunk_id: row for row, c in enumerate(chunks)}  # a chunk's row of _chunk_matrix
            self._placed = {(c.doc.doc_id, c.position): c for c in chunks}
            sentences = {c.chunk_id: split(c.text, c.section) for c in chunks}
            self._bm25 = BM25Index([c.indexed_text() for c in chunks], self._tokenizer, _boilerplate(chunks, sentences),
                                   self._glossary)
            self._sentence_vectors = self._load_sentence_vectors(entries)
            self._index_sentences(sentences)
            self._quotable = frozenset(cid for cid, found in sentences.items() if found)
            self._loaded_generation = generation
            log.info("index loaded: %d documents, %d chunks", len(entries), len(chunks))

    def _index_sentences(self, sentences: dict[str, list]) -> None:
        """One matrix of all sentence vectors for searching by sentence (the per-chunk vectors become views of
        its rows, so memory does not double), searched only where a sentence tells rather than asks: 'Welke
        waarden hebben prioriteit voor Statenleden?' is as close to a question about burgemeesters as the answer."""
        rows = [(cid, position) for cid, vectors in self._sentence_vectors.items() for position in vectors]
        if not rows:
            self._sentence_matrix, self._sentence_owners = None, []
            return
        self._sentence_matrix = np.stack([self._sentence_vectors[cid][position] for cid, position in rows])
        for row, (cid, position) in enumerate(rows):
            self._sentence_vectors[cid][position] = self._sentence_matrix[row]
        self._sentence_owners = [cid for cid, _ in rows]
        numbers = {cid: n for n, cid in enumerate(dict.fromkeys(self._sentence_owners))}
        self._sentence_chunk = np.array([numbers[cid] for cid in self._sentence_owners], dtype="int64")
        self._sentence_asks = np.array([position >= len(sentences[cid]) or sentences[cid][position].is_question
                                        for cid, position in rows])

    def _load_sentence_vectors(self, entries: dict[str, LedgerEntry]) -> dict[str, dict[int, np.ndarray]]:
        if not entries:
            return {}
        got = _get_all(self._sentences, ["metadatas"])
        served = {sid: meta for sid, meta in zip(got["ids"], got["metadatas"]) if meta["chunk_id"] in self._served}
        vectors: dict[str, dict[int, np.ndarray]] = {}
        for sid, vector in _get_vectors(self._sentences, list(served)).items():
            meta = served[sid]
            vectors.setdefault(meta["chunk_id"], {})[int(meta["position"])] = vector
        return vectors

    def sentence_search(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        """Chunks by the cosine similarity of their closest sentence to the question: a chunk's own embedding
        averages all it says, one of its sentences may say just what was asked."""
        self._refresh()
        if self._sentence_matrix is None:
            return []
        similarity = self._sentence_matrix @ vector
        similarity[self._sentence_asks] = -np.inf
        # each chunk's closest sentence, the chunks in order of it
        order = np.lexsort((-similarity, self._sentence_chunk))
        first = np.ones(len(order), dtype=bool)
        first[1:] = self._sentence_chunk[order][1:] != self._sentence_chunk[order][:-1]
        heads = order[first]
        top = [i for i in heads[np.argsort(-similarity[heads])][:k] if similarity[i] > -np.inf]
        return [(self._served[self._sentence_owners[i]], float(similarity[i])) for i in top]

    def sentence_standing(self, vector: np.ndarray) -> float:
        """How far the question's closest sentence stands out from all the corpus's sentences, in standard
        deviations of their similarities to it: e5's similarities all lie between about 0.75 and 0.95, and what
        counts as close differs from one question to the next (0 when there are no sentence vectors)."""
        self._refresh()
        if self._sentence_matrix is None or not len(self._sentence_matrix):
            return 0.0
        similarity = (self._sentence_matrix @ vector)[~self._sentence_asks]
        spread = float(similarity.std()) if len(similarity) > 1 else 0.0
        return float((similarity.max() - similarity.mean()) / spread) if spread else 0.0

    def similarities(self, chunk_ids: list[str], vector: np.ndarray) -> dict[str, float]:
        """The cosine similarity of each chunk's own embedding to the question: for a chunk found by another
        ranking than the chunks' dense search."""
        self._refresh()
        rows = [(cid, self._rows[cid]) for cid in chunk_ids if cid in self._rows]
        if not rows:
            return {}
        scores = self._chunk_matrix[[row for _, row in rows]] @ vector
        return {cid: float(score) for (cid, _), score in zip(rows, scores)}

    def sentence_vectors(self, chunk_ids: list[str]) -> list[dict[int, np.ndarray]]:
        """For each served chunk, the vectors of its sentences by position in assistant.sentences.split()."""
        self._refresh()
        return [self._sentence_vectors.get(cid, {}) for cid in chunk_ids]

    def quotable_chunks(self) -> frozenset[str]:
        """The served chunks that hold a sentence an answer can quote (a source list holds none)."""
        self._refresh()
        return self._quotable

    def remember(self, questions: list[asked.Asked]) -> None:
        """Search these labelled questions as the ones asked before (`wijzer fit` and tests; by default the
        committed assistant/fitted/asked.json)."""
        self._asked = asked.AskedBefore(questions, self.embed_query, self.settings.models_dir, self.model)

    def warm(self) -> None:
        """The questions asked before embedded now (Service.warm)."""
        if self._asked.questions:
            self._asked.vectors()

    def asked_search(self, question: str, vector: np.ndarray, neighbours: int, closest: float) -> asked.Match:
        """The quotable served chunks that answered labelled questions close to this one (assistant/asked.py)."""
        self._refresh()
        return self._asked.search(question, vector, self._answerable_chunks(), neighbours, closest)

    def _answerable_chunks(self) -> list[Chunk]:
        """The quotable served chunks, listed once per set of served chunks."""
        if self._quotable_list[0] is not self._chunks:
            self._quotable_list = (self._chunks, [c for c in self._chunks if c.chunk_id in self._quotable])
        return self._quotable_list[1]

    def embed_query(self, query: str) -> np.ndarray:
        return np.asarray(self.embeddings.embed_query(query), dtype="float32")

    def chunks(self) -> list[Chunk]:
        self._refresh()
        return list(self._chunks)

    def preceding(self, chunk: Chunk) -> Chunk | None:
        """The served chunk right before this one in its document, if any."""
        self._refresh()
        return self._placed.get((chunk.doc.doc_id, chunk.position - 1))

    def bm25_search(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        self._refresh()
        if not self._chunks:
            raise EmptyIndex()
        if self._lexical:  # ids of other versions (an ingest under way) are left out
            hits = self._lexical.search(query, 2 * k)
            return [(self._served[cid], score) for cid, score in hits if cid in self._served][:k]
        return [(self._chunks[i], score) for i, score in self._bm25.search(query, k)]

    def dense_search(self, query: str, k: int, vector: np.ndarray | None = None) -> list[tuple[Chunk, float]]:
        """Chunks by cosine similarity to the question (1.0 is identical), exactly, over the served chunks'
        embeddings held in memory; `vector` is the question's embedding when the caller has it already."""
        self._refresh()
        if not self._chunks:
            raise EmptyIndex()
        vector = self.embed_query(query) if vector is None else vector
        scores = self._chunk_matrix @ vector
        best = np.argsort(-scores, kind="stable")[:k]
        return [(self._chunks[i], float(scores[i])) for i in best]

    def phrase_search(self, phrase: str) -> list[Chunk]:
        """The served chunks that hold the phrase word for word (case and punctuation aside), in reading order."""
        self._refresh()
        key = phrase_key(phrase)
        if not key:
            return []
        chunks, texts = self._phrase_keys
        if chunks is not self._chunks:  # once per set of served chunks, not for every quote asked
            chunks = self._chunks
            texts = [f" {phrase_key(chunk.text)} " for chunk in chunks]
            self._phrase_keys = (chunks, texts)
        return [chunk for chunk, text in zip(chunks, texts) if f" {key} " in text]

    def lexicon(self) -> BM25Index:
        """The BM25 index of the served chunks, for its tokenizer and term weights."""
        self._refresh()
        return self._bm25

    def stats(self) -> dict:
        entries = self.ledger.entries()
        return {"documents": len(entries), "chunks": sum(e.chunks for e in entries.values())}
