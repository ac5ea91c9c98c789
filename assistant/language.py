"""Tells an English question from a Dutch one, by its function words."""

from __future__ import annotations

import re

_ENGLISH = {"the", "is", "are", "an", "of", "for", "how", "what", "which", "who", "does", "do", "can", "my", "i",
            "to", "with", "when", "where", "why", "should", "about", "offer", "long", "much", "many"}
_DUTCH = {"de", "het", "een", "is", "van", "voor", "hoe", "wat", "welke", "wie", "ik", "mijn", "kan", "mag", "moet",
          "bij", "als", "er", "niet", "wordt", "word", "zijn", "heeft", "hebben", "ook", "nog", "dat", "die"}


def is_english(text: str) -> bool:
    words = re.findall(r"[a-z']+", text.lower())
    english = sum(w in _ENGLISH for w in words)
    dutch = sum(w in _DUTCH for w in words)
    return english >= 2 and english > dutch
