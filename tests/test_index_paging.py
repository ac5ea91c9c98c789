"""Reading a collection larger than one SQL statement can name: Chroma refuses it whole, the index pages it."""

from __future__ import annotations

import chromadb
import numpy as np
import pytest

from assistant.index import _get_all

RECORDS = 33_000  # past SQLite's 32,766 variables in one statement


def test_a_collection_past_sqlites_variable_limit_is_read_whole(tmp_path):
    client = chromadb.PersistentClient(path=str(tmp_path), settings=chromadb.Settings(anonymized_telemetry=False))
    collection = client.create_collection("groot", embedding_function=None)
    vectors = np.random.default_rng(1).random((RECORDS, 2)).tolist()
    for start in range(0, RECORDS, 5000):
        end = min(RECORDS, start + 5000)
        collection.add(ids=[f"c{i:05d}" for i in range(start, end)], embeddings=vectors[start:end],
                       metadatas=[{"doc_id": f"d{i // 50}", "position": i % 50} for i in range(start, end)])
    with pytest.raises(Exception, match="too many SQL variables"):  # why _get_all exists
        collection.get(include=["metadatas"])
    got = _get_all(collection, ["metadatas", "embeddings"])
    assert sorted(got["ids"]) == [f"c{i:05d}" for i in range(RECORDS)]
    by_id = dict(zip(got["ids"], got["metadatas"]))
    assert by_id["c32999"] == {"doc_id": "d659", "position": 49}
    assert np.allclose(dict(zip(got["ids"], got["embeddings"]))["c00007"], vectors[7])
