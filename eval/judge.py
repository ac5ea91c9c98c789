"""Optional LLM-as-judge scores (faithfulness, relevance, 1-5) through an OpenAI-compatible endpoint.

Used only when WIJZER_JUDGE_URL is set; its scores are reported apart and marked as an LLM's opinion.
"""

from __future__ import annotations

import json
import logging
import re

from assistant.models import Answer

log = logging.getLogger(__name__)

PROMPT = (
    "Je beoordeelt een antwoord van een assistent voor wethouders. Geef twee cijfers van 1 tot 5: "
    "faithfulness (staat alles in het antwoord ook in de geciteerde bronnen?) en relevance (beantwoordt "
    "het de vraag?). Antwoord alleen met JSON: {\"faithfulness\": n, \"relevance\": n}.\n\n"
    "Vraag: {question}\n\nAntwoord: {answer}\n\nBronnen:\n{sources}"
)


class Judge:
    def __init__(self, url: str, model: str, api_key: str | None):
        from langchain_openai import ChatOpenAI

        self.model = model
        self._llm = ChatOpenAI(base_url=url, model=model, api_key=api_key or "none", temperature=0, max_retries=1,
                               timeout=60)

    def score(self, question: str, answer: Answer) -> tuple[float | None, float | None]:
        sources = "\n".join(f"[{c.n}] {c.quote}" for c in answer.citations) or "(geen)"
        prompt = PROMPT.replace("{question}", question).replace("{answer}", answer.answer).replace("{sources}", sources)
        try:
            reply = self._llm.invoke(prompt).content
            data = json.loads(re.search(r"\{.*\}", str(reply), re.S).group(0))
            return float(data["faithfulness"]), float(data["relevance"])
        except (AttributeError, KeyError, ValueError, TypeError) as exc:
            log.warning("judge gave no usable score: %s", exc)
            return None, None
