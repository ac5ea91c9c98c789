"""Rewrites a follow-up question ("Geldt dat ook bij ziekte?") into one that stands on its own."""

from __future__ import annotations

import re

from assistant.models import Turn

# Words that point back into the conversation.
_ANAPHORA = re.compile(
    r"\b(dat|dit|die|deze|daar\w*|hier\w*|het|ook|zo'?n|ervan|erover|dezelfde|hetzelfde|that|this|it|those)\b",
    re.IGNORECASE,
)


def standalone(question: str, history: list[Turn] | None) -> str:
    """The question for retrieval: on its own when it stands alone, else joined to the last question asked."""
    if not history:
        return question
    previous = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not previous:
        return question
    words = question.split()
    refers_back = len(words) <= 6 or _ANAPHORA.search(question) is not None or question.lstrip().lower().startswith(("en ", "maar ", "and "))
    return f"{previous[-1]} {question}" if refers_back else question
