"""Turns thumbs-down feedback into draft evaluation questions for a person to review."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.feedback import FeedbackStore

HEADER = ("# Draft questions from thumbs-down feedback. Review each: fix route/reason, fill in facts, check\n"
          "# docs, delete `review`, then move it into eval/questions.yaml.\n")


def draft_question(item: dict) -> dict:
    """One feedback item as a draft question in the format of eval/questions.yaml."""
    docs = sorted({c["source"].rsplit(".", 1)[0] for c in item["citations"]})
    return {
        "q": item["question"],
        "docs": docs,  # what was cited: check whether these are the right documents
        "facts": [],  # to fill in: what a good answer must contain
        "route": item["route"],
        "reason": item["reason"],
        "review": {"feedback_id": item["id"], "comment": item["comment"], "answer_given": item["answer"]},
    }


def draft_questions(store: FeedbackStore) -> list[dict]:
    return [draft_question(item) for item in store.all(rating="down")]


def dump(drafts: list[dict]) -> str:
    return HEADER + yaml.safe_dump({"drafts": drafts}, allow_unicode=True, sort_keys=False)


def write_drafts(store: FeedbackStore, out: Path) -> int:
    drafts = draft_questions(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump(drafts), encoding="utf-8")
    return len(drafts)


def append_draft(item: dict, out: Path) -> dict:
    """Add one feedback item to a drafts file (created when missing); returns the draft."""
    drafts = []
    if out.exists():
        drafts = (yaml.safe_load(out.read_text(encoding="utf-8")) or {}).get("drafts", [])
    draft = draft_question(item)
    drafts = [d for d in drafts if d.get("review", {}).get("feedback_id") != item["id"]] + [draft]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump(drafts), encoding="utf-8")
    return draft
