"""The sentence-transformers model run by onnxruntime: the same vectors as torch in fp32, close ones in int8,
exported once from the local weights, and an index that knows which of them built it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.config import Settings
from assistant.embeddings import SentenceTransformerEmbeddings, build_embeddings, sentence_model
from assistant.errors import IndexModelMismatch
from assistant.index import Index
from assistant.onnx_embeddings import UnsupportedModel, check_shape
from ingest.pipeline import ingest

TEXTS = ["Een wethouder heeft recht op zestien weken zwangerschaps- en bevallingsverlof.",
         "Wat doe ik als de coalitie valt?",
         "De vereniging telt ruim 1.100 leden. " * 60]  # longer than max_seq_length: cut as torch cuts it


@pytest.fixture(scope="module")
def torch_vectors():
    return np.asarray(SentenceTransformerEmbeddings().embed_documents(TEXTS))


def _settings(tmp_path, runtime: str, **more) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedder="sentence-transformers", embed_runtime=runtime, **more)


def test_onnx_fp32_gives_torchs_vectors_and_int8_close_ones(tmp_path, torch_vectors):
    fp32 = build_embeddings(_settings(tmp_path, "onnx"))
    int8 = build_embeddings(_settings(tmp_path, "onnx-int8"))
    onnx = np.asarray(fp32.embed_documents(TEXTS))
    assert np.abs(onnx - torch_vectors).max() < 1e-4
    assert np.allclose(fp32.embed_query(TEXTS[1]), onnx[1], atol=1e-5)
    quantised = np.asarray(int8.embed_documents(TEXTS))
    cosine = (quantised * torch_vectors).sum(axis=1)
    assert cosine.min() > 0.97 and np.abs(quantised - torch_vectors).max() > 1e-4  # close, and really int8
    assert fp32.model_name == SentenceTransformerEmbeddings().model_name
    assert int8.model_name == fp32.model_name + "+onnx-int8"


def test_export_is_made_once_and_kept_beside_the_index(tmp_path):
    build_embeddings(_settings(tmp_path, "onnx-int8"))
    files = sorted((tmp_path / "data" / "models").rglob("*.onnx"))
    assert [f.name for f in files] == ["model-int8.onnx", "model.onnx"]
    made = {f: f.stat().st_mtime_ns for f in files}
    build_embeddings(_settings(tmp_path, "onnx-int8"))
    assert {f: f.stat().st_mtime_ns for f in files} == made
    assert not list((tmp_path / "data" / "models").rglob("*.partial"))


def test_index_built_by_torch_is_served_by_onnx_fp32_but_not_int8(small_settings, tmp_path):
    torch_settings = Settings(data_dir=small_settings.data_dir, corpus_dir=small_settings.corpus_dir,
                              embedder="sentence-transformers")
    ingest(Index(torch_settings, build_embeddings(torch_settings)), progress=False)
    onnx_settings = torch_settings.model_copy(update={"embed_runtime": "onnx"})
    served = Index(onnx_settings, build_embeddings(onnx_settings))
    served.check_model()
    assert "zestien weken" in served.dense_search("hoe lang duurt het verlof", 3)[0][0].text
    int8_settings = torch_settings.model_copy(update={"embed_runtime": "onnx-int8"})
    with pytest.raises(IndexModelMismatch, match="wijzer ingest"):
        Index(int8_settings, build_embeddings(int8_settings)).check_model()


def test_a_model_of_another_shape_is_refused_by_name(tmp_path):
    path, _ = sentence_model(None)
    assert check_shape(path) == 256
    other = tmp_path / "cls-model"
    (other / "1_Pooling").mkdir(parents=True)
    (other / "modules.json").write_text((path / "modules.json").read_text())
    (other / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    with pytest.raises(UnsupportedModel, match="cls-model"):
        check_shape(other)
