"""The corpus manifest: the human title, publisher, date and kind of each document."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from assistant.models import DocumentInfo

MANIFEST_NAME = "manifest.yaml"


def load_manifest(corpus_dir: Path) -> dict[str, dict]:
    """Manifest entries keyed by the file's path relative to the corpus folder."""
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {entry["file"]: entry for entry in data.get("documents", [])}


def _title_from_name(path: Path) -> str:
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:]


def document_info(path: Path, corpus_dir: Path, manifest: dict[str, dict], under: str = "") -> DocumentInfo:
    """What the index and citations say about a file; a file without a manifest entry gets a
    title from its name, so a document dropped into corpus/ is still cited readably. `under` prefixes
    the source of files from another folder than corpus/ (uploads)."""
    try:
        rel = path.resolve().relative_to(corpus_dir.resolve()).as_posix()
    except ValueError:
        rel = path.name
    entry = manifest.get(rel, {})
    rel = under + rel
    doc_id = re.sub(r"[^a-z0-9/]+", "-", rel.rsplit(".", 1)[0].lower()).strip("-")
    return DocumentInfo(
        doc_id=doc_id,
        title=entry.get("title") or _title_from_name(path),
        source=rel,
        kind=entry.get("kind", "document"),
        publisher=entry.get("publisher", ""),
        date=str(entry.get("date", "")),
    )
