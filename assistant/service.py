"""ask(question, history) -> Answer: the one door every interface (API, UI, CLI, eval) goes through."""

from __future__ import annotations

import logging
import re
import time
from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from assistant.answerability import Answerability, features
from assistant.config import Settings
from assistant.embeddings import CachedEmbeddings, build_embeddings
from assistant.followup import standalone
from assistant.generators import Draft, Generator, build_generator
from assistant.index import Index
from assistant.models import Answer, ContactInfo, Route, Turn
from assistant.retrieval import retrieve
from assistant.routing import Decision, Router
from assistant.templates import Templates

log = logging.getLogger(__name__)

_ABOUT_NIGHT = re.compile(r"\b(nacht|vannacht|'s nachts|midden in de nacht|at night|tonight)\b", re.IGNORECASE)
# Escalations for which it matters what is reachable at night.
_NIGHT_REASONS = ("threat", "crisis", "distress")


class Service:
    def __init__(self, settings: Settings, index: Index, router: Router, generator: Generator, templates: Templates,
                 answerability: Answerability, clock: Callable[[], datetime] | None = None):
        self.settings = settings
        self.clock = clock or (lambda: datetime.now(ZoneInfo(settings.timezone)))
        self.index = index
        self.router = router
        self.generator = generator
        self.templates = templates
        self.answerability = answerability

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
        lexicon = self.index.lexicon()
        if (decision is not None and decision.reason == "out_of_scope"
                and (lexicon.knows_long_word(question) or lexicon.knows_acronym(question))):
            # It looks out of scope ('met vakantie'), but speaks the documents' own words ('pensioenopbouw',
            # 'vakantietoelage'): the documents decide, and at worst the bureau does. Injections stay declined.
            decision = None
        if decision is not None and decision.route is Route.decline:
            return Answer(answer=self.templates.render(f"decline_{decision.reason}"), route=Route.decline,
                          reason=decision.reason)

        if decision is not None and decision.topic:
            query = f"{decision.topic}. {query}"
        found = retrieve(self.index, query, self.settings, strategy=strategy)
        draft = self.generator.generate(query, found.passages, lexicon, focus=question if follow_up else None,
                                        query_vector=found.query_vector)

        signals = features(query, found, draft, lexicon, self.router.personal(question))
        answered = bool(draft.text) and self.answerability.answers(signals)
        if decision is not None:  # a person must take over; say first what the documents do say
            return self._escalate(decision, draft if answered else None, question)
        if answered:
            text = "\n\n".join([self.templates.render("answer_intro"), draft.text, f"_{self.templates.render('disclaimer')}_"])
            return Answer(answer=text, route=Route.answer, reason="answer", citations=draft.citations)
        # A question about the asker's own life is never declined for lack of domain words: a person
        # in trouble may not name the office; the bureau is the safer answer. Nor is one that names an
        # acronym or a long word the documents use ('Waar staat VUCA voor?', 'onkreukbaarheid'), or whose
        # answerability is above the cut that no labelled out-of-scope question reaches (`wijzer fit`).
        if (not self.router.in_domain(question) and not self.router.personal(question)
                and found.best_dense < self.settings.min_dense_in_domain and not lexicon.knows_acronym(question)
                and not lexicon.knows_long_word(question)
                and (not draft.text or self.answerability.may_decline(signals))):
            return Answer(answer=self.templates.render("decline_out_of_scope"), route=Route.decline, reason="out_of_scope")
        # Not sure the documents answer it: the bureau, and what the documents say when that is likely enough to help.
        shown = draft if draft.text and self.answerability.worth_showing(signals) else None
        return self._escalate(Decision(Route.escalate, "not_found"), shown, question)

    def is_night(self, question: str) -> bool:
        """Asked at night, or about the night ('Het is midden in de nacht en ...')."""
        hour = self.clock().hour
        start, end = self.settings.night_start, self.settings.night_end
        at_night = hour >= start or hour < end if start > end else start <= hour < end
        return at_night or bool(_ABOUT_NIGHT.search(question))

    def _escalate(self, decision: Decision, draft: Draft | None, question: str) -> Answer:
        contact = self.contact()
        parts = []
        if decision.urgent:
            parts.append(self.templates.render("safety_112"))
        parts.append(self.templates.render("not_found" if decision.reason == "not_found" else f"escalate_{decision.reason}"))
        if draft is not None:
            intro = "not_sure_intro" if decision.reason == "not_found" else "answer_intro"
            parts.append(self.templates.render(intro) + "\n\n" + draft.text)
        if (decision.urgent or decision.reason in _NIGHT_REASONS) and self.is_night(question):
            parts.append(self.templates.render("night"))
        parts.append(self.templates.render("contact", name=contact.name, phone=contact.phone, email=contact.email))
        return Answer(answer="\n\n".join(parts), route=Route.escalate, reason=decision.reason,
                      citations=draft.citations if draft else [], contact=contact, urgent=decision.urgent)


def build_service(settings: Settings) -> Service:
    """Wires the configured parts together; called once at start-up, never at import."""
    # The router and retrieval embed the same question: the second time comes from the cache.
    embeddings = CachedEmbeddings(build_embeddings(settings))
    index = Index(settings, embeddings)
    index.check_model()
    router = Router(embeddings=embeddings if settings.routing_similarity else None)
    return Service(settings, index, router, build_generator(settings), Templates(settings.prompts_dir),
                   Answerability.load())
