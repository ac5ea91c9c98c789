"""A local sentence-transformers model run by onnxruntime, in fp32 or with int8 weights.

The ONNX file is exported once from the model's own weights (torch.onnx, nothing downloaded) and, for int8,
quantised by onnxruntime's dynamic quantisation; both are kept in the models folder (WIJZER_MODELS_DIR).
The model is read as sentence-transformers describes it: its tokenizer cut at max_seq_length, mean pooling
over the attention mask, then normalised. Only models of that shape (Transformer, mean Pooling, Normalize)
are accepted.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant import onnx_runtime

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class UnsupportedModel(ValueError):
    """The model is not a Transformer with mean pooling and normalisation, which is all this runner computes."""


def check_shape(model_path: Path) -> int:
    """The model's max_seq_length, after checking its modules are Transformer, mean Pooling, Normalize."""
    modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((model_path / "modules.json").read_text())]
    pooling = json.loads((model_path / "1_Pooling" / "config.json").read_text()) if (model_path / "1_Pooling").is_dir() else {}
    if modules != ["Transformer", "Pooling", "Normalize"] or not pooling.get("pooling_mode_mean_tokens"):
        raise UnsupportedModel(f"{model_path}: modules {modules} with pooling {pooling}; "
                               "the ONNX runner computes Transformer + mean Pooling + Normalize only")
    return int(json.loads((model_path / "sentence_bert_config.json").read_text())["max_seq_length"])


def export(model_path: Path, out_dir: Path, int8: bool) -> Path:
    """The model's ONNX file in out_dir, written the first time it is asked for (int8: quantised from fp32)."""
    fp32 = out_dir / "model.onnx"
    if not fp32.exists():
        import torch
        from transformers import AutoModel

        class Encoder(torch.nn.Module):  # the three inputs by name, the last hidden state out
            def __init__(self):
                super().__init__()
                self.inner = AutoModel.from_pretrained(str(model_path))

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state

        onnx_runtime.export(Encoder(), tuple(torch.ones((2, 8), dtype=torch.int64) for _ in INPUTS), fp32,
                            list(INPUTS), "last_hidden_state")
    return onnx_runtime.quantise(fp32) if int8 else fp32


class OnnxEmbeddings(Embeddings):
    """Embeddings of a sentence-transformers model through onnxruntime (see the module's docstring)."""

    def __init__(self, model_path: Path, name: str, cache_dir: Path, int8: bool = False,
                 num_threads: int | None = None, batch_size: int = 32):
        from tokenizers import Tokenizer

        max_length = check_shape(model_path)
        # fp32 gives torch's vectors (to 1e-6), so an index built by either serves the other; int8 does not.
        self.model_name = name + ("+onnx-int8" if int8 else "")
        self._tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_length)
        self._tokenizer.enable_padding()
        self._session = onnx_runtime.session(export(model_path, cache_dir / name.rsplit("/", 1)[-1], int8), num_threads)
        self._batch_size = batch_size

    def _embed(self, texts: list[str]) -> np.ndarray:
        encoded = self._tokenizer.encode_batch(texts)
        feed = {"input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64)}
        return onnx_runtime.normalised(onnx_runtime.mean_pool(self._session.run(None, feed)[0], feed["attention_mask"]))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            out += self._embed(texts[start : start + self._batch_size]).tolist()
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text])[0].tolist()
