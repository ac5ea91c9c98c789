"""The fixed texts users read, loaded from prompts/*.md and filled with string.Template."""

from __future__ import annotations

from pathlib import Path
from string import Template

from assistant.errors import DatabaseUnavailable, Unavailable


class Templates:
    def __init__(self, folder: Path):
        self._texts = {p.stem: p.read_text(encoding="utf-8").strip() for p in folder.glob("*.md") if p.stem != "README"}

    def has(self, name: str) -> bool:
        return name in self._texts

    def render(self, template: str, **values: str) -> str:
        try:
            return Template(self._texts[template]).substitute(values)
        except KeyError as exc:
            raise KeyError(f"prompt template {template!r} is missing or needs value {exc}") from exc


def unavailable_text(templates: Templates, exc: Unavailable, contact: dict[str, str]) -> str:
    """What a user reads when a part is out of reach: what is wrong and, unless only the database is (the chat
    still answers then), where a person can be reached meanwhile."""
    text = templates.render(exc.prompt)
    if isinstance(exc, DatabaseUnavailable):
        return text
    return f"{text} {templates.render('unavailable_help', **contact)}"
