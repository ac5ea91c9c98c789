"""A language model writes the answer from the numbered passages; the grounding check holds it to them.

What answers the question, and whether it is answered at all, is still decided by the extractive generator's
draft and the answerability model: the language model only rewrites what will be shown. When its answer
fails the check (nothing left after dropping what the passages do not carry, or most of it dropped), or the
model errs or runs out of time, the quotes stand in and the log says why (never the question).
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Iterator

import numpy as np

from assistant.bm25 import BM25Index
from assistant.config import Settings
from assistant.generators import Draft, Writing
from assistant.generators.chat import ChatModel
from assistant.generators.extractive import ExtractiveGenerator
from assistant.generators.grounding import Grounding, Source, sources
from assistant.models import Passage
from assistant.templates import Templates

log = logging.getLogger(__name__)

# An answer of which more than this share of sentences had to be dropped is not trusted at all.
MAX_DROPPED_SHARE = 0.5


class LLMGenerator:
    def __init__(self, chat: ChatModel, quotes: ExtractiveGenerator, settings: Settings,
                 templates: Templates | None = None):
        self.name = settings.generator
        self.chat = chat
        self.quotes = quotes
        self.timeout = settings.llm_timeout
        self.grounding = Grounding(settings.llm_min_support)
        self.templates = templates or Templates(settings.prompts_dir)

    def generate(self, question: str, passages: list[Passage], lexicon: BM25Index, focus: str | None = None,
                 query_vector: np.ndarray | None = None, focus_vector: np.ndarray | None = None,
                 part_vectors: dict[str, np.ndarray] | None = None) -> Draft:
        return self.quotes.generate(question, passages, lexicon, focus, query_vector, focus_vector, part_vectors)

    def prompt(self, question: str, found: list[Source]) -> tuple[str, str]:
        blocks = []
        for source in found:
            chunk = source.passage.chunk
            where = ", ".join(x for x in (chunk.section or "", f"pagina {chunk.page}" if chunk.page else "") if x)
            blocks.append(f"[{source.n}] {chunk.doc.title}" + (f" ({where})" if where else "") + f"\n{source.text()}")
        user = self.templates.render("llm_question", passages="\n\n".join(blocks), question=question)
        return self.templates.render("llm_system"), user

    def write(self, question: str, passages: list[Passage], draft: Draft) -> Writing:
        found = sources(passages)
        system, user = self.prompt(question, found)
        failure: list[str] = []

        def pieces() -> Iterator[str]:
            deadline = time.monotonic() + self.timeout
            try:
                for piece in self.chat.stream(system, user):
                    yield piece
                    if time.monotonic() > deadline:
                        failure.append(f"timeout after {self.timeout:g} s")
                        return
            except Exception as exc:  # the model's server down, refusing, or too slow: the quotes stand in
                failure.append(self._why(exc))

        def finish(text: str) -> Draft:
            if failure:
                return self._fallback(draft, failure[0])
            verdict = self.grounding.check(text, found)
            kept, claims = len(verdict.kept), len(verdict.claims)
            if not kept:
                why = "the model said the passages do not answer" if verdict.says_not_found else "no sentence held"
                return self._fallback(draft, f"{why} ({claims} sentences, all dropped)", dropped=claims)
            if claims - kept > MAX_DROPPED_SHARE * claims:
                return self._fallback(draft, f"{claims - kept} of {claims} sentences dropped", dropped=claims - kept)
            reasons = ", ".join(sorted({c.dropped for c in verdict.dropped if c.dropped}))
            if reasons:
                log.info("grounding check dropped %d of %d sentences (%s)", claims - kept, claims, reasons)
            return replace(draft, text=verdict.text, citations=verdict.citations, written_by=self.name,
                           dropped=claims - kept)

        return Writing(pieces(), finish)

    def _why(self, exc: Exception) -> str:
        """What went wrong, in a line: a time-out as such, wherever in the chain of causes it is."""
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, TimeoutError) or "Timeout" in type(cause).__name__:
                return f"timeout after {self.timeout:g} s"
            cause = cause.__cause__ or cause.__context__
        return f"{type(exc).__name__}: {exc}"[:300]

    def _fallback(self, draft: Draft, reason: str, dropped: int = 0) -> Draft:
        log.warning("%s generator (%s): %s; the quoted answer stands in", self.name, self.chat.name, reason)
        return replace(draft, written_by="extractive", fallback=reason, dropped=dropped)
