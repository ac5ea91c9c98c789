"""Decides the route of a question: answer, escalate to a person, or decline; rules live in routing.yaml."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.models import Route

RULES_PATH = Path(__file__).with_name("routing.yaml")


@dataclass(frozen=True)
class Decision:
    route: Route
    reason: str
    urgent: bool = False  # immediate danger: the answer starts with 112


def normalise(text: str) -> str:
    """Lower case without accents, so 'geïntimideerd' and 'geintimideerd' match alike."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Router:
    """Rule-based router: escalation and decline categories, each a list of regular expressions."""

    def __init__(self, rules_path: Path = RULES_PATH):
        rules = yaml.safe_load(rules_path.read_text(encoding="utf-8"))
        compile_ = lambda items: [re.compile(p, re.IGNORECASE) for p in items or []]  # noqa: E731
        self._first_person = re.compile(rules["first_person"], re.IGNORECASE)
        self._escalate = {
            name: (compile_(spec.get("patterns")), compile_(spec.get("personal")),
                   Decision(Route.escalate, spec.get("reason", name), bool(spec.get("urgent"))))
            for name, spec in rules["escalate"].items()
        }
        self._decline = {reason: compile_(spec.get("patterns")) for reason, spec in rules["decline"].items()}
        self._domain = re.compile(rules["domain_terms"], re.IGNORECASE)

    def classify(self, question: str) -> Decision | None:
        """The route the question's wording demands, or None when retrieval must decide."""
        text = normalise(question)
        if any(p.search(text) for p in self._decline["injection"]):
            return Decision(Route.decline, "injection")
        personal = bool(self._first_person.search(text))
        for always, when_personal, decision in self._escalate.values():
            if any(p.search(text) for p in always) or (personal and any(p.search(text) for p in when_personal)):
                return decision
        if any(p.search(text) for p in self._decline["out_of_scope"]) and not self.in_domain(question):
            return Decision(Route.decline, "out_of_scope")
        return None

    def in_domain(self, question: str) -> bool:
        return bool(self._domain.search(normalise(question)))
