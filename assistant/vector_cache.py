"""Embeddings of a fixed list of texts, computed once and kept in a .npy file (labelled questions, for instance)."""

from __future__ import annotations

import logging
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
