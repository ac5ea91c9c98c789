"""Whether a new question part repeats earlier questions: in wording, or the same fact asked in other words.

A held-out part measures questions nobody here has read only when none of them is an earlier question again.
Wording alone (difflib ratio on normalised text) misses "In welk overleg praten jullie met het Rijk over onze
rechtspositie?" against "In welk overleg praat de vereniging met het Rijk over de rechtspositie van
wethouders?". So two questions also count as one when their key facts match the same words of the corpus and
their embeddings lie close (multilingual-e5 puts questions on one topic at 0.85-0.97; asking for the same fact
and above MEANING they are the same question).

Usage: .venv/bin/python -m eval.overlap PART [--wording 0.78] [--meaning 0.9]
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from eval.questions import normalise

EVAL = Path(__file__).resolve().parent
CORPUS = EVAL.parent / "corpus"
WORDING = 0.78
MEANING = 0.9


@dataclass(frozen=True)
class Asked:
    q: str
    source: str  # the file and part it stands in
    facts: tuple[str, ...] = ()


def earlier_questions(part: str, questions: Path = EVAL / "questions.yaml") -> tuple[list[Asked], list[Asked]]:
    """The part's own questions, and every other labelled question of the evaluation sets and the external set."""
    own, other = [], []
    for name, items in (yaml.safe_load(questions.read_text(encoding="utf-8")) or {}).items():
        for item in items or []:
            asked = Asked(item["q"], f"questions.yaml:{name}", tuple(item.get("facts", [])))
            (own if name == part else other).append(asked)
    for name in ("routing.yaml", "retrieval.yaml", "unanswerable.yaml", "answerability.yaml", "grounding.yaml",
                 "grounding_heldout.yaml"):
        path = EVAL / name
        if path.exists():
            other += [Asked(q, name, facts) for q, facts in _walk(yaml.safe_load(path.read_text(encoding="utf-8")))]
    external = EVAL / "external-questions.json"
    if external.exists():
        other += [Asked(item["q"], "external", tuple(f"(?i){m}" for m in item.get("must", [])))
                  for item in json.loads(external.read_text(encoding="utf-8"))]
    return own, other


def _walk(data) -> list[tuple[str, tuple[str, ...]]]:
    """Every question in a nested evaluation file: a dict with 'q' or 'question', or a bare string in a list."""
    found = []
    if isinstance(data, dict):
        text = data.get("q") or data.get("question")
        if isinstance(text, str):
            facts = data.get("facts") or ([data["fact"]] if isinstance(data.get("fact"), str) else [])
            return [(text, tuple(facts))]
        for value in data.values():
            found += _walk(value)
    elif isinstance(data, list):
        for value in data:
            found += [(value, ())] if isinstance(value, str) else _walk(value)
    return found


def corpus_texts(corpus: Path = CORPUS) -> dict[str, str]:
    return {str(p.relative_to(corpus)): re.sub(r"\s+", " ", p.read_text(encoding="utf-8"))
            for p in sorted(corpus.rglob("*")) if p.suffix in (".txt", ".md")}


def fact_places(facts: tuple[str, ...], texts: dict[str, str]) -> set[tuple[str, str]]:
    """Where in the corpus a question's key facts stand: (document, matched words) for every match."""
    places = set()
    for fact in facts:
        pattern = re.compile(fact)
        for doc, text in texts.items():
            # a bare short number ('112', '49') stands in too many places to say which fact was asked
            places |= {(doc, m.group(0).lower()) for m in pattern.finditer(text)
                       if m.group(0).strip() and not re.fullmatch(r"\d{1,3}", m.group(0).strip())}
    return places


def overlaps(own: list[Asked], other: list[Asked], embed, texts: dict[str, str], wording: float = WORDING,
             meaning: float = MEANING) -> list[tuple[str, Asked, str, float]]:
    """For each of the part's questions that repeats an earlier one: (question, earlier one, how, score)."""
    normal = [normalise(a.q) for a in other]
    places = [fact_places(a.facts, texts) for a in other]
    vectors = np.array([embed(a.q) for a in other], dtype="float32") if other else np.zeros((0, 1), "float32")
    found = []
    for asked in own:
        text = normalise(asked.q)
        ratios = [difflib.SequenceMatcher(None, text, n).ratio() for n in normal]
        best = int(np.argmax(ratios)) if ratios else -1
        if best >= 0 and ratios[best] >= wording:
            found.append((asked.q, other[best], "wording", ratios[best]))
            continue
        mine = fact_places(asked.facts, texts)
        if not mine or not other:
            continue
        similarity = vectors @ np.asarray(embed(asked.q), dtype="float32")
        same_fact = [i for i, p in enumerate(places) if p & mine]
        close = max(same_fact, key=lambda i: similarity[i], default=None)
        if close is not None and similarity[close] >= meaning:
            found.append((asked.q, other[close], "same fact", float(similarity[close])))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("part", help="the part of eval/questions.yaml to check, e.g. heldout_users14")
    parser.add_argument("--wording", type=float, default=WORDING)
    parser.add_argument("--meaning", type=float, default=MEANING)
    args = parser.parse_args(argv)
    own, other = earlier_questions(args.part)
    if not own:
        print(f"no part {args.part!r} in eval/questions.yaml", file=sys.stderr)
        return 2
    from assistant.config import Settings
    from assistant.embeddings import build_embeddings

    embeddings = build_embeddings(Settings())
    found = overlaps(own, other, embeddings.embed_query, corpus_texts(), args.wording, args.meaning)
    for question, earlier, how, score in found:
        print(f"{how} {score:.2f}: {question}\n    {earlier.source}: {earlier.q}")
    print(f"{len(found)} of {len(own)} questions of {args.part} repeat an earlier one")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
