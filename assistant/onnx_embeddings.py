"""A local sentence-transformers model run by onnxruntime, in fp32 or with int8 weights.

The ONNX file is exported once from the model's own weights (torch.onnx, nothing downloaded) and, for int8,
quantised by onnxruntime's dynamic quantisation; both are kept beside the index under models/. The model is
read as sentence-transformers describes it: its tokenizer cut at max_seq_length, mean pooling over the
attention mask, then normalised. Only models of that shape (Transformer, mean Pooling, Normalize) are accepted.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

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
    out_dir.mkdir(parents=True, exist_ok=True)
    fp32 = out_dir / "model.onnx"
    if not fp32.exists():
        _export_fp32(model_path, fp32)
    if not int8:
        return fp32
    quantised = out_dir / "model-int8.onnx"
    if not quantised.exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        partial = quantised.with_suffix(".partial")
        # per channel: one scale per output row. One scale per tensor took cosine to the fp32 vectors down to
        # 0.84 on corpus chunks; per channel keeps it above 0.98 (bench/embedders.py).
        quantize_dynamic(fp32, partial, weight_type=QuantType.QInt8, per_channel=True)
        partial.replace(quantised)
        log.info("quantised %s to int8 in %s", model_path.name, quantised)
    return quantised


def _export_fp32(model_path: Path, target: Path) -> None:
    import warnings

    import torch
    from transformers import AutoModel

    class Encoder(torch.nn.Module):  # the three inputs by name, the last hidden state out
        def __init__(self):
            super().__init__()
            self.inner = AutoModel.from_pretrained(str(model_path))

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    encoder = Encoder().eval()
    example = tuple(torch.ones((2, 8), dtype=torch.int64) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    partial = target.with_suffix(".partial")
    with torch.no_grad(), warnings.catch_warnings():
        # torch's TorchScript exporter: deprecated for the torch.export one, which needs onnxscript and
        # does not yet take this model's dynamic axes as simply; it writes the same graph
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(encoder, example, str(partial), input_names=list(INPUTS), output_names=["last_hidden_state"],
                          dynamic_axes=axes, opset_version=17, dynamo=False)
    partial.replace(target)
    log.info("exported %s to ONNX in %s", model_path.name, target)


class OnnxEmbeddings(Embeddings):
    """Embeddings of a sentence-transformers model through onnxruntime (see the module's docstring)."""

    def __init__(self, model_path: Path, name: str, cache_dir: Path, int8: bool = False,
                 num_threads: int | None = None, batch_size: int = 32):
        import onnxruntime
        from tokenizers import Tokenizer

        max_length = check_shape(model_path)
        # fp32 gives torch's vectors (to 1e-6), so an index built by either serves the other; int8 does not.
        self.model_name = name + ("+onnx-int8" if int8 else "")
        self._tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_length)
        self._tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        if num_threads:
            options.intra_op_num_threads = num_threads
        file = export(model_path, cache_dir / name.rsplit("/", 1)[-1], int8)
        self._session = onnxruntime.InferenceSession(str(file), options, providers=["CPUExecutionProvider"])
        self._batch_size = batch_size

    def _embed(self, texts: list[str]) -> np.ndarray:
        encoded = self._tokenizer.encode_batch(texts)
        feed = {"input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64)}
        hidden = self._session.run(None, feed)[0]
        mask = feed["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            out += self._embed(texts[start : start + self._batch_size]).tolist()
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text])[0].tolist()
