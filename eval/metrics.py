"""Scores one answer (retrieval, key facts, citations, route) and aggregates scores per configuration."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass

from assistant.models import Answer, Passage
from assistant.routing import SENSITIVE
from eval.questions import Question

_MARKER = re.compile(r"\s*\[(\d+)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9À-Ý‘'\"(*_])|(?<=\[\d\])\s+|(?<=\[\d\d\])\s+")


@dataclass
class Score:
    question: str
    part: str
    config: str
    expected: str  # route/reason
    got: str
    latency_ms: float
    hit1: float | None = None
    hit5: float | None = None
    rr: float | None = None
    ndcg5: float | None = None
    fact_recall: float | None = None
    citation_precision: float | None = None
    citation_relevance: float | None = None
    citation_coverage: float | None = None
    judge_faithfulness: float | None = None
    judge_relevance: float | None = None
    full_pass: float | None = None  # route, every key fact, the right source, the contact, 112 first
    # Of an answer a language model wrote (WIJZER_GENERATOR): its sentences the grounding check dropped,
    # whether the quotes stood in (1.0), the time to its first token and its tokens per second.
    sentences_dropped: float | None = None
    fallback: float | None = None
    first_token_ms: float | None = None
    tokens_per_s: float | None = None
    mistake: str | None = None  # the class of the first thing that went wrong (MISTAKES)

    def as_dict(self) -> dict:
        return asdict(self)


def relevant(passage: Passage, question: Question) -> bool:
    """A passage from an expected document that holds a key fact (or any passage of it, without facts)."""
    if passage.chunk.doc.doc_id not in question.docs:
        return False
    text = passage.chunk.indexed_text()
    return not question.facts or any(re.search(f, text) for f in question.facts)


def retrieval_scores(ranked: list[Passage], question: Question) -> dict:
    rels = [relevant(p, question) for p in ranked]
    first = next((i for i, r in enumerate(rels[:5], start=1) if r), None)
    dcg = sum(1 / math.log2(i + 1) for i, r in enumerate(rels[:5], start=1) if r)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(5, max(1, sum(rels))) + 1))
    return {"hit1": float(bool(rels[:1] and rels[0])), "hit5": float(first is not None),
            "rr": 1 / first if first else 0.0, "ndcg5": dcg / ideal}


def body_sentences(answer: Answer, fixed_texts: list[str]) -> list[str]:
    """The sentences of the answer that come from the documents: fixed texts (intro, contact,
    disclaimer, escalation) are removed first."""
    text = answer.answer
    for fixed in fixed_texts:
        text = text.replace(fixed, "\n")
    out = []
    for line in text.splitlines():
        line = line.strip().removeprefix("- ").strip("_* ")
        out += [s for s in _SENTENCE_END.split(line) if len(s.split()) >= 3]
    return out


def cited_documents(answer: Answer) -> set[str]:
    """The document ids (file names without extension) the answer cites."""
    return {c.source.rsplit(".", 1)[0] for c in answer.citations}


def citation_scores(answer: Answer, question: Question, fixed_texts: list[str]) -> dict:
    sentences = body_sentences(answer, fixed_texts)
    scores: dict = {}
    if sentences:
        scores["citation_coverage"] = sum(bool(_MARKER.search(s)) for s in sentences) / len(sentences)
    if answer.citations:
        good = 0
        for citation in answer.citations:
            citing = [_MARKER.sub("", s).strip() for s in sentences if f"[{citation.n}]" in s]
            holds_fact = any(re.search(f, citation.quote) for f in question.facts)
            supports = bool(citing) and all(c in citation.quote for c in citing)
            good += holds_fact or supports
        scores["citation_precision"] = good / len(answer.citations)
        if question.docs:
            docs = cited_documents(answer)
            scores["citation_relevance"] = len(docs & set(question.docs)) / len(docs)
    return scores


def fact_recall(answer: Answer, question: Question) -> float | None:
    if not question.facts or question.route != "answer":
        return None
    return sum(bool(re.search(f, answer.answer)) for f in question.facts) / len(question.facts)


# Why a question did not pass, in the order they are checked: the first that applies names the mistake.
MISTAKES = {
    "wrongful_decline": "declined, but in scope",
    "missed_decline": "answered or escalated, but should be declined",
    "answerable_sent_away": "answerable, but sent to the bureau as not found",
    "wrong_escalation": "answerable, but escalated as a sensitive matter",
    "sensitive_answered": "a person's matter, but answered",
    "unanswerable_answered": "not in the documents, but answered",
    "no_112_first": "danger now, but the answer does not start with 112",
    "no_contact": "escalated without the contact",
    "fact_not_carried": "the passage with the fact was retrieved, the answer does not carry it",
    "fact_not_retrieved": "a key fact is missing and no top-5 passage holds it",
    "wrong_source": "no citation from an expected document",
    "decline_cited": "declined with citations",
}


def first_mistake(answer: Answer, question: Question, ranked: list[Passage] | None) -> str | None:
    """The mistake class of an answer, or None when it fully passes: route, every key fact in the
    answer, a citation from an expected document, the contact when escalated, and 112 first when
    the question speaks of danger now."""
    got = answer.route.value
    if got != question.route:
        if got == "decline":
            return "wrongful_decline"
        if question.route == "decline":
            return "missed_decline"
        if question.route == "answer":
            return "answerable_sent_away" if answer.reason == "not_found" else "wrong_escalation"
        return "sensitive_answered" if question.reason in SENSITIVE else "unanswerable_answered"
    if question.urgent and "112" not in answer.answer.lstrip().split("\n", 1)[0]:
        return "no_112_first"
    if got == "escalate" and answer.contact is None:
        return "no_contact"
    if got == "decline":
        return "decline_cited" if answer.citations else None
    if not all(re.search(f, answer.answer) for f in question.facts):
        retrieved = ranked is not None and any(relevant(p, question) for p in ranked[:5])
        return "fact_not_carried" if retrieved else "fact_not_retrieved"
    if question.docs and not cited_documents(answer) & set(question.docs):
        return "wrong_source"
    return None


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


METRICS = ("hit1", "hit5", "rr", "ndcg5", "fact_recall", "citation_precision", "citation_relevance",
           "citation_coverage", "judge_faithfulness", "judge_relevance", "full_pass", "sentences_dropped", "fallback",
           "first_token_ms", "tokens_per_s")


def aggregate(scores: list[Score]) -> dict:
    """Means of each metric over the questions it applies to, route figures and latency."""
    out: dict = {"n": len(scores)}
    for name in METRICS:
        values = [getattr(s, name) for s in scores if getattr(s, name) is not None]
        out[name] = sum(values) / len(values) if values else None
    out["mrr"] = out.pop("rr")
    out["route_accuracy"] = sum(s.expected == s.got for s in scores) / len(scores) if scores else 0.0
    sensitive = [s for s in scores if s.expected.split("/")[1] in SENSITIVE]
    out["escalation_recall"] = (sum(s.got.startswith("escalate") for s in sensitive) / len(sensitive)) if sensitive else None
    latencies = [s.latency_ms for s in scores]
    out["latency_p50_ms"] = percentile(latencies, 50)
    out["latency_p95_ms"] = percentile(latencies, 95)
    confusion = Counter((s.expected.split("/")[1], s.got.split("/")[1]) for s in scores)
    out["confusion"] = {f"{e}->{g}": n for (e, g), n in sorted(confusion.items())}
    out["mistakes"] = dict(Counter(s.mistake for s in scores if s.mistake).most_common())
    return out
