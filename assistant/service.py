"""ask(question, history) -> Answer: the one door every interface (API, UI, CLI, eval) goes through."""

from __future__ import annotations

import logging
import time

from assistant.bm25 import BM25Index
from assistant.config import Settings
from assistant.embeddings import build_embeddings
from assistant.followup import standalone
from assistant.generators import Draft, Generator, build_generator
from assistant.index import Index
from assistant.language import is_english
from assistant.models import Answer, ContactInfo, Route, Turn
from assistant.retrieval import retrieve
from assistant.routing import Decision, Router
from assistant.templates import Templates

log = logging.getLogger(__name__)


class Service:
    def __init__(self, settings: Settings, index: Index, router: Router, generator: Generator, templates: Templates):
        self.settings = settings
        self.index = index
        self.router = router
        self.generator = generator
        self.templates = templates

    def contact(self) -> ContactInfo:
        c = self.settings.contact
        return ContactInfo(name=c.name, phone=c.phone, email=c.email)

    def ask(self, question: str, history: list[Turn] | None = None, strategy: str | None = None) -> Answer:
        started = time.perf_counter()
        question = question.strip()
        if self.settings.log_questions:
            log.info("question: %s", question)
        answer = self._answer(question, history or [], strategy)
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 1)
        log.info("answered: route=%s reason=%s citations=%d in %.0f ms",
                 answer.route.value, answer.reason, len(answer.citations), answer.latency_ms)
        return answer

    def _answer(self, question: str, history: list[Turn], strategy: str | None) -> Answer:
        query = standalone(question, history)
        follow_up = query != question
        decision = self.router.classify(question, in_context=query)
        if decision is not None and decision.route is Route.decline:
            return Answer(answer=self.templates.render(f"decline_{decision.reason}"), route=Route.decline,
                          reason=decision.reason)

        if decision is not None and decision.topic:
            query = f"{decision.topic}. {query}"
        found = retrieve(self.index, query, self.settings, strategy=strategy)
        lexicon = self.index.lexicon()
        draft = self.generator.generate(query, found.passages, lexicon, focus=question if follow_up else None)
        grounded = bool(draft.text) and self._is_grounded(query, found.best_dense, draft, lexicon)

        if decision is not None:  # a person must take over; say first what the documents do say
            relevant = bool(draft.text) and draft.support >= self.settings.min_support_with_dense
            return self._escalate(decision, draft if relevant else None)
        if grounded:
            text = "\n\n".join([self.templates.render("answer_intro"), draft.text, f"_{self.templates.render('disclaimer')}_"])
            return Answer(answer=text, route=Route.answer, reason="answer", citations=draft.citations)
        # A question about the asker's own life is never declined for lack of domain words: a person
        # in trouble may not name the office; the bureau is the safer answer.
        if (not self.router.in_domain(question) and not self.router.personal(question)
                and found.best_dense < self.settings.min_dense_in_domain):
            return Answer(answer=self.templates.render("decline_out_of_scope"), route=Route.decline, reason="out_of_scope")
        return self._escalate(Decision(Route.escalate, "not_found"), None)

    def _is_grounded(self, question: str, best_dense: float, draft: Draft, lexicon: BM25Index) -> bool:
        """Whether the documents answer the question (thresholds calibrated in bench/calibrate.py)."""
        s = self.settings
        if is_english(question):  # Dutch sentences share no words with it: only meaning can tell
            return best_dense >= s.min_dense_english
        if lexicon.unknown_terms(question):
            return draft.support >= s.min_support
        return draft.support >= s.min_support or (best_dense >= s.min_dense and draft.support >= s.min_support_with_dense)

    def _escalate(self, decision: Decision, draft: Draft | None) -> Answer:
        contact = self.contact()
        parts = []
        if decision.urgent:
            parts.append(self.templates.render("safety_112"))
        parts.append(self.templates.render("not_found" if decision.reason == "not_found" else f"escalate_{decision.reason}"))
        if draft is not None:
            parts.append(self.templates.render("answer_intro") + "\n\n" + draft.text)
        parts.append(self.templates.render("contact", name=contact.name, phone=contact.phone, email=contact.email))
        return Answer(answer="\n\n".join(parts), route=Route.escalate, reason=decision.reason,
                      citations=draft.citations if draft else [], contact=contact)


def build_service(settings: Settings) -> Service:
    """Wires the configured parts together; called once at start-up, never at import."""
    embeddings = build_embeddings(settings)
    index = Index(settings, embeddings)
    index.check_model()
    router = Router(embeddings=embeddings if settings.routing_similarity else None)
    return Service(settings, index, router, build_generator(settings), Templates(settings.prompts_dir))
