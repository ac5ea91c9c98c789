"""ask(question, history) -> Answer: the one door every interface (API, UI, CLI, eval) goes through."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

from assistant.answerability import Answerability, features
from assistant.bm25 import BM25Index
from assistant.config import Settings
from assistant.embeddings import CachedEmbeddings, build_embeddings
from assistant.errors import StoreUnavailable
from assistant.followup import standalone
from assistant.generators import Draft, Generator, Writing, build_generator
from assistant.index import Index
from assistant.language import quoted_phrases
from assistant.models import Answer, ContactInfo, Passage, Route, Turn
from assistant.retrieval import Retrieval, retrieve
from assistant.routed import ANSWER, NOT_FOUND, OUT_OF_SCOPE
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

    def warm(self) -> None:
        """Embed the labelled questions (asked and routed before) now, at start-up, rather than on a member's first
        question; read from their caches after the first time."""
        started = time.perf_counter()
        self.index.warm()
        self.router.warm()
        log.info("labelled questions ready in %.1f s", time.perf_counter() - started)

    def contact(self) -> ContactInfo:
        c = self.settings.contact
        return ContactInfo(name=c.name, phone=c.phone, email=c.email)

    def ask(self, question: str, history: list[Turn] | None = None, strategy: str | None = None,
            observe: Callable[[Writing], None] | None = None) -> Answer:
        answer = None
        for kind, value in self.stream(question, history, strategy, observe):
            if kind == "answer":
                answer = value
        assert isinstance(answer, Answer)
        return answer

    def stream(self, question: str, history: list[Turn] | None = None, strategy: str | None = None,
               observe: Callable[[Writing], None] | None = None) -> Iterator[tuple[str, str | Answer]]:
        """The answer as it is written: ('delta', text) pieces, ('replace', text) when the check changed what
        was streamed (the whole text that stands instead), and last ('answer', Answer). `observe` is handed
        the finished Writing (time to its first piece, pieces, seconds): for `wijzer eval`."""
        started = time.perf_counter()
        question = question.strip()
        if self.settings.log_questions:
            log.info("question: %s", question)
        plan = self._plan(question, history or [], strategy)
        draft = None
        head = "\n\n".join(plan.head + ([plan.intro] if plan.draft else []))
        yield "delta", head
        streamed = head
        if plan.draft is not None:
            writing = self.generator.write(plan.asked, plan.passages, plan.draft)
            yield "delta", "\n\n"
            streamed += "\n\n"
            for piece in writing:
                streamed += piece
                yield "delta", piece
            draft = writing.draft
            if observe is not None:
                observe(writing)
        tail = "".join("\n\n" + part for part in plan.tail)
        streamed += tail
        if tail:
            yield "delta", tail
        answer = plan.answer(draft)
        if answer.answer != streamed:
            yield "replace", answer.answer
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 1)
        log.info("answered: route=%s reason=%s citations=%d generator=%s%s in %.0f ms",
                 answer.route.value, answer.reason, len(answer.citations), answer.generator,
                 " (fallback)" if answer.fallback else "", answer.latency_ms)
        yield "answer", answer

    def _plan(self, question: str, history: list[Turn], strategy: str | None) -> Plan:
        query = standalone(question, history)
        follow_up = query != question
        decision = self.router.classify(question, in_context=query)
        if decision is not None:  # which rule decided, for an operator reading why (never the question's text)
            log.info("routed: %s %s by %s", decision.route.value, decision.reason, decision.stage)
        lexicon = self.index.lexicon()
        if (decision is not None and decision.reason == "out_of_scope" and not decision.firm
                and (lexicon.knows_long_word(question) or lexicon.knows_acronym(question))):
            # It looks out of scope ('met vakantie'), but speaks the documents' own words ('pensioenopbouw',
            # 'vakantietoelage'): the documents decide, and at worst the bureau does. Injections stay declined.
            decision = None
        if decision is not None and decision.route is Route.decline:
            return Plan(Route.decline, decision.reason, [self.templates.render(f"decline_{decision.reason}")])

        asked = query  # what the writer answers: the question, joined with the conversation
        if decision is not None and decision.topic:
            query = f"{decision.topic}. {query}"
        found = retrieve(self.index, query, self.settings, strategy=strategy)
        # The words just asked: a follow-up, or the question put after a story the asker told first.
        focus = question if follow_up else self.router.asked(question)
        draft = self.generator.generate(query, found.passages, lexicon, focus=focus,
                                        query_vector=found.query_vector,
                                        focus_vector=self.index.embed_query(focus) if focus else None,
                                        part_vectors=found.part_vectors)

        signals = features(query, found, draft, lexicon, self.router.personal(question))
        answered = bool(draft.text) and self.answerability.answers(signals)
        # With no rule deciding, how the labelled questions closest to this one were routed: when most went to
        # the bureau unanswered, a likely-looking draft is not trusted either; when nearly all were answered, a draft
        # the answerability model doubts is given; when most were declined, so is this one.
        before = self.router.asked_before_as(asked) if decision is None else None
        # out of scope (Service._outside): asked only where it decides, never for a question answered outright
        outside = cache(lambda: self._outside(question, found, draft, lexicon, signals))
        answered = (answered or (bool(draft.text) and before == ANSWER and not outside())) and before != NOT_FOUND
        if decision is not None:  # a person must take over; say first what the documents do say
            # Retrieval was steered to the documents about this matter (the topic): what they say is worth
            # showing beside the person who takes over, unless they lie as far from the question as an
            # out-of-scope question's do. (Not the caveat cut of not_found questions: that one is fitted on
            # questions the documents may not answer, and a refit moved it above a distress message's own rules.)
            steered = bool(decision.topic and draft.text) and not self.answerability.may_decline(signals)
            return self._escalate(decision, draft if answered or steered else None, question, asked, found.passages)
        if answered:
            return Plan(Route.answer, "answer", [], self.templates.render("answer_intro"), draft, asked, found.passages,
                        [f"_{self.templates.render('disclaimer')}_"])
        # Out of scope, or most of the labelled questions closest to it were declined as out of scope ('kun je mijn
        # speech schrijven?' speaks of 'mijn', 'write me a python script for our council website' of the council).
        if before == OUT_OF_SCOPE or outside():
            return Plan(Route.decline, "out_of_scope", [self.templates.render("decline_out_of_scope")])
        # Not sure the documents answer it: the bureau, and what the documents say when that is likely enough to help.
        shown = draft if draft.text and self.answerability.worth_showing(signals) else None
        return self._escalate(Decision(Route.escalate, "not_found"), shown, question, asked, found.passages)

    def _outside(self, question: str, found: Retrieval, draft: Draft, lexicon: BM25Index,
                 signals: dict[str, float]) -> bool:
        """Whether the question lies outside the assistant's scope. A question about the asker's own life never
        does for lack of domain words: a person in trouble may not name the office; the bureau is the safer answer.
        Nor does one to the association about its own affairs ('wat kost een leergang bij jullie?'), one that names an
        acronym or a long word the documents use ('Waar staat VUCA voor?', 'onkreukbaarheid'), or one whose
        answerability is above the cut that no labelled out-of-scope question reaches (`wijzer fit`)."""
        return (not self.router.in_domain(question) and not self.router.personal(question)
                and not self.router.to_association(question)
                and found.best_dense < self.settings.min_dense_in_domain and not lexicon.knows_acronym(question)
                and not lexicon.knows_long_word(question) and not self._quotes_documents(question)
                and (not draft.text or self.answerability.may_decline(signals)))

    def _quotes_documents(self, question: str) -> bool:
        """Whether the question quotes a phrase of the documents word for word ('"niet alles wat kan, mag"')."""
        return any(self.index.phrase_search(phrase) for phrase in quoted_phrases(question))

    def is_night(self, question: str) -> bool:
        """Asked at night, or about the night ('Het is midden in de nacht en ...')."""
        hour = self.clock().hour
        start, end = self.settings.night_start, self.settings.night_end
        at_night = hour >= start or hour < end if start > end else start <= hour < end
        return at_night or bool(_ABOUT_NIGHT.search(question))

    def _escalate(self, decision: Decision, draft: Draft | None, question: str, asked: str,
                  passages: list[Passage]) -> Plan:
        contact = self.contact()
        head = []
        # Every threat leads with 112 ('Bent u nu in direct gevaar? Bel 112.'): danger now is not always worded so
        # that the router knows it (urgent), and the line asks rather than tells.
        if decision.urgent or decision.reason == "threat":
            head.append(self.templates.render("safety_112"))
        head.append(self.templates.render("not_found" if decision.reason == "not_found" else f"escalate_{decision.reason}"))
        intro = self.templates.render("not_sure_intro" if decision.reason == "not_found" else "answer_intro")
        tail = []
        if (decision.urgent or decision.reason in _NIGHT_REASONS) and self.is_night(question):
            tail.append(self.templates.render("night"))
        tail.append(self.templates.render("contact", name=contact.name, phone=contact.phone, email=contact.email))
        return Plan(Route.escalate, decision.reason, head, intro, draft, asked, passages, tail, contact, decision.urgent)


@dataclass
class Plan:
    """What the answer will be before it is written: its route, the fixed texts before and after, and the
    draft the generator will write out between them (none for a decline, or when nothing is worth showing)."""

    route: Route
    reason: str
    head: list[str]
    intro: str = ""
    draft: Draft | None = None
    asked: str = ""  # the question the writer answers (joined with the conversation)
    passages: list[Passage] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)
    contact: ContactInfo | None = None
    urgent: bool = False

    def answer(self, written: Draft | None) -> Answer:
        parts = list(self.head)
        if written is not None:
            parts.append(f"{self.intro}\n\n{written.text}")
        parts += self.tail
        return Answer(answer="\n\n".join(parts), route=self.route, reason=self.reason,
                      citations=written.citations if written else [], contact=self.contact, urgent=self.urgent,
                      generator=written.written_by if written else "extractive",
                      fallback=bool(written and written.fallback), dropped=written.dropped if written else 0)


def build_service(settings: Settings) -> Service:
    """Wires the configured parts together; called once at start-up, never at import."""
    # The router and retrieval embed the same question: the second time comes from the cache.
    embeddings = CachedEmbeddings(build_embeddings(settings))
    index = Index(settings, embeddings)
    try:
        index.check_model()
    except StoreUnavailable as exc:  # served anyway: questions get 503 until the store is back, then it is checked
        log.error("%s; questions are answered with 503 until it is back", exc)
    router = Router(embeddings=embeddings if settings.routing_similarity else None, cache_dir=settings.models_dir)
    return Service(settings, index, router, build_generator(settings), Templates(settings.prompts_dir),
                   Answerability.load())
