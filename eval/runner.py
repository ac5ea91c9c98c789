"""Runs the question set through every configuration (retrieval strategy x generator) and scores it."""

from __future__ import annotations

import time
from dataclasses import dataclass

from tqdm import tqdm

from assistant.asked import withholding
from assistant.followup import standalone
from assistant.generators import Writing
from assistant.retrieval import STRATEGIES, retrieve
from assistant.service import Service
from eval.metrics import Score, aggregate, citation_scores, fact_recall, first_mistake, retrieval_scores
from eval.questions import Question


@dataclass(frozen=True)
class Config:
    strategy: str
    generator: str

    @property
    def name(self) -> str:
        return f"{self.strategy}+{self.generator}"


def configurations(generators: list[str], strategies: tuple[str, ...] = STRATEGIES) -> list[Config]:
    return [Config(s, g) for g in generators for s in strategies]


def fixed_texts(service: Service) -> list[str]:
    """Every fixed text an answer can hold, rendered, so metrics can tell them from quoted sentences."""
    t = service.templates
    c = service.contact()
    names = ["answer_intro", "not_found", "safety_112", "night", "decline_out_of_scope", "decline_injection"]
    names += [f"escalate_{r}" for r in ("integrity", "threat", "crisis", "distress")]
    texts = [t.render(n) for n in names if t.has(n)]
    texts += [t.render("contact", name=c.name, phone=c.phone, email=c.email), t.render("disclaimer")]
    return sorted(texts, key=len, reverse=True)


def writing(score: Score, written: Writing, answer) -> None:
    """What it took a language model to write the answer, and what the grounding check made of it."""
    score.sentences_dropped = float(answer.dropped)
    score.fallback = float(answer.fallback)
    if written.first_piece_s is not None:
        score.first_token_ms = written.first_piece_s * 1000
    if written.pieces > 1 and written.seconds > 0:
        score.tokens_per_s = written.pieces / written.seconds


def run(services: dict[str, Service], configs: list[Config], questions: list[Question], judge=None,
        progress: bool = True) -> dict:
    """Scores per question and aggregates per configuration and part. `services` maps a generator
    name to a service built with it."""
    scores: list[Score] = []
    with tqdm(total=len(configs) * len(questions), desc="eval", unit="q", disable=not progress) as bar:
        for config in configs:
            service = services[config.generator]
            fixed = fixed_texts(service)
            for question in questions:
                history = list(question.history)
                started = time.perf_counter()
                written: list[Writing] = []
                with withholding(question.part):  # scored as if its part had never been labelled
                    answer = service.ask(question.q, history, strategy=config.strategy, observe=written.append)
                latency = (time.perf_counter() - started) * 1000
                score = Score(question=question.q, part=question.part, config=config.name,
                              expected=f"{question.route}/{question.reason}",
                              got=f"{answer.route.value}/{answer.reason}", latency_ms=latency)
                ranked = None
                if question.docs:
                    query = standalone(question.q, history)
                    with withholding(question.part):
                        ranked = retrieve(service.index, query, service.settings, strategy=config.strategy,
                                          k=20).passages
                    for key, value in retrieval_scores(ranked, question).items():
                        setattr(score, key, value)
                score.mistake = first_mistake(answer, question, ranked)
                score.full_pass = float(score.mistake is None)
                score.fact_recall = fact_recall(answer, question)
                for key, value in citation_scores(answer, question, fixed).items():
                    setattr(score, key, value)
                if written and config.generator != "extractive":
                    writing(score, written[0], answer)
                if judge is not None and answer.route.value != "decline":
                    score.judge_faithfulness, score.judge_relevance = judge.score(question.q, answer)
                scores.append(score)
                bar.update(1)
    parts = list(dict.fromkeys(q.part for q in questions))
    summary: dict = {}
    for config in configs:
        mine = [s for s in scores if s.config == config.name]
        summary[config.name] = {part: aggregate([s for s in mine if s.part == part]) for part in parts}
        summary[config.name]["all"] = aggregate(mine)
    return {"summary": summary, "scores": [s.as_dict() for s in scores]}
