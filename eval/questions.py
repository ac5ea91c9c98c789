"""The evaluation question set: load and check eval/questions.yaml (or another file of that shape)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.models import Turn

DEFAULT = Path(__file__).with_name("questions.yaml")
ROUTES = {"answer", "escalate", "decline"}


@dataclass(frozen=True)
class Question:
    q: str
    route: str
    reason: str
    part: str
    docs: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    history: tuple[Turn, ...] = field(default_factory=tuple)
    urgent: bool = False  # danger now: the answer must start with 112


def normalise(text: str) -> str:
    """A question's words only, lower-cased: for telling whether two questions are the same one."""
    return re.sub(r"\W+", " ", text.lower()).strip()


def load(path: Path = DEFAULT) -> list[Question]:
    """Every question of every part; raises ValueError naming the question that is malformed."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out = []
    for part, items in data.items():
        for item in items or []:
            if item.get("route") not in ROUTES or not item.get("q"):
                raise ValueError(f"{path}: question {item!r} needs 'q' and a route out of {sorted(ROUTES)}")
            for fact in item.get("facts", []):
                re.compile(fact)
            out.append(Question(
                q=item["q"], route=item["route"], reason=item.get("reason", item["route"]), part=part,
                docs=tuple(item.get("docs", [])), facts=tuple(item.get("facts", [])),
                history=tuple(Turn(**t) for t in item.get("history", [])), urgent=bool(item.get("urgent")),
            ))
    return out
