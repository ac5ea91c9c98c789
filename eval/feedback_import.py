"""Turns thumbs-down feedback into draft evaluation questions for a person to review."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.feedback import FeedbackStore


def draft_questions(store: FeedbackStore) -> list[dict]:
    drafts = []
    for item in store.all(rating="down"):
        docs = sorted({c["source"].rsplit(".", 1)[0] for c in item["citations"]})
        drafts.append({
            "q": item["question"],
            "docs": docs,  # what was cited: check whether these are the right documents
            "facts": [],  # to fill in: what a good answer must contain
            "route": item["route"],
            "reason": item["reason"],
            "review": {"feedback_id": item["id"], "comment": item["comment"], "answer_given": item["answer"]},
        })
    return drafts


def write_drafts(store: FeedbackStore, out: Path) -> int:
    drafts = draft_questions(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    header = ("# Draft questions from thumbs-down feedback. Review each: fix route/reason, fill in facts, check\n"
              "# docs, delete `review`, then move it into eval/questions.yaml.\n")
    out.write_text(header + yaml.safe_dump({"drafts": drafts}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return len(drafts)
