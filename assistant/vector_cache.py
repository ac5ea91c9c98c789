"""Embeddings of a fixed list of texts, computed once and kept in a .npy file (labelled questions, for instance)."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


def embedded(texts: list[str], embed: Callable[[str], list[float]], cache: Path, what: str) -> np.ndarray:
    """The texts' vectors, one row each: read from `cache`, or embedded now and written there. A cache that cannot
    be written (a read-only install) costs only time: the vectors are embedded again at the next start."""
    try:
        return np.load(cache)
    except (OSError, ValueError):
        log.info("embedding %d %s", len(texts), what)
    vectors = np.asarray([embed(text) for text in texts], dtype="float32").reshape(len(texts), -1)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, vectors)
    except OSError as exc:
        log.warning("could not cache the %s in %s: %s", what, cache, exc)
    return vectors


class CachedVectors:
    """The vectors of a fixed list of texts, embedded at most once per process and kept in `cache_dir` under a name
    that depends on the embedding model and the texts, so that a new model or a changed list never reads old ones.
    Thread-safe: the first caller embeds, the others wait for it."""

    def __init__(self, texts: list[str], embed: Callable[[str], list[float]], cache_dir: Path, model: str,
                 name: str, what: str):
        self._texts = texts
        self._embed = embed
        digest = hashlib.sha1("\n".join([model, *texts]).encode()).hexdigest()[:16]
        self.cache = cache_dir / f"{name}-{digest}.npy"
        self._what = what
        self._lock = threading.Lock()
        self._vectors: np.ndarray | None = None

    def get(self) -> np.ndarray:
        with self._lock:
            if self._vectors is None:
                self._vectors = embedded(self._texts, self._embed, self.cache, self._what)
            return self._vectors
