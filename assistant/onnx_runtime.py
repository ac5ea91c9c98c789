"""What the two ONNX embedders share: a file written whole or not at all, a torch module exported to ONNX,
its int8 copy, an onnxruntime session, mean pooling over the attention mask, and unit length."""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


def written(target: Path, write: Callable[[Path], None]) -> Path:
    """`target`, made by `write(partial)` the first time it is asked for and renamed into place: a process
    killed meanwhile leaves no half file, and two processes making it at once each make a whole one."""
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    partial = Path(name)
    try:
        write(partial)
        partial.chmod(0o644)  # mkstemp's 0600 would keep other users (a service account) out
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    log.info("wrote %s", target)
    return target


def export(module, example: tuple, target: Path, inputs: list[str], output: str) -> Path:
    """A torch module as an ONNX file, batch and token axes left free, written once."""
    import torch

    def write(partial: Path) -> None:
        axes = {name: {0: "batch", 1: "tokens"} for name in (*inputs, output)}
        with torch.no_grad(), warnings.catch_warnings():
            # torch's TorchScript exporter: deprecated for the torch.export one, which needs onnxscript and
            # does not take these dynamic axes as simply; it writes the same graph
            warnings.simplefilter("ignore", DeprecationWarning)
            torch.onnx.export(module.eval(), example, str(partial), input_names=inputs, output_names=[output],
                              dynamic_axes=axes, opset_version=17, dynamo=False)

    return written(target, write)


def quantise(fp32: Path) -> Path:
    """An int8 copy of an ONNX file beside it (model-int8.onnx), written once."""

    def write(partial: Path) -> None:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # per channel: one scale per output row. One scale per tensor took the cosine to the fp32 vectors
        # down to 0.84 on corpus chunks; per channel keeps it above 0.98 (bench/embedders.py).
        quantize_dynamic(fp32, partial, weight_type=QuantType.QInt8, per_channel=True)

    return written(fp32.with_name("model-int8.onnx"), write)


def session(path: Path, threads: int | None):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    # Threads sleep between runs instead of spinning: ingest holds two sessions (chunks in fp32, sentences in
    # int8) that take turns, and each one's spinning threads held the cores the other needed (cold ingest with
    # sentences 1.57 -> 1.47 x chunks only, median of 3 pairs in bench/run.py; chunks alone unchanged).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The mean of each row's token vectors where the mask is 1."""
    weights = mask[..., None].astype(np.float32)
    return (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)


def normalised(vectors: np.ndarray) -> np.ndarray:
    """Each row at unit length (a row of zeros stays zeros)."""
    return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
