"""`wijzer fit`: fits the sentence ranker and the answerability model on labelled questions and writes
them to assistant/fitted/, printing what they score.

1. The sentence ranker learns which sentence of the retrieved passages holds the fact asked for, from
   questions whose key facts are known (a sentence that matches a key fact is a positive example).
2. The answerability model learns whether the documents answer a question, from questions labelled
   answerable or not (the draft answers come from the ranker just fitted). Its threshold is the one that
   costs least on cross-validated probabilities, given what each mistake costs (`costs` in
   eval/answerability.yaml): sending a wethouder away with an answerable question, or giving passages
   that do not answer.
3. The questions asked before (assistant/asked.py) and routed before (assistant/routed.py): the labelled questions
   themselves, written as they are.

Only training sets are read: the held-out parts of eval/questions.yaml and the last held-out part of
eval/routing.yaml are never used, and a question that also stands in one of them is dropped.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from assistant import asked, routed
from assistant.answerability import FEATURES as ANSWERABILITY_FEATURES
from assistant.answerability import MODEL_PATH as ANSWERABILITY_PATH
from assistant.answerability import features
from assistant.fitted import LogisticModel
from assistant.followup import standalone
from assistant.generators.extractive import FEATURES as RANKER_FEATURES
from assistant.generators.extractive import RANKER_PATH, ExtractiveGenerator, candidates
from assistant.models import Turn
from assistant.retrieval import retrieve
from assistant.routing import SENSITIVE
from assistant.service import Service
from eval.questions import normalise

EVAL = Path(__file__).resolve().parent
# The parts whose mistakes have been read train: heldout_users once it was measured (it raised heldout_users2
# 0.721 -> 0.754), and since session 20 heldout_users2 to heldout_users8 as well (measured twice each, read, and
# so tuning sets): 641 labelled questions instead of 288. (In session 3, training on heldout_users2 with the
# features of then moved the threshold to 0.79 and the external set fell to 34 of 48; with 'kind_missing' the
# larger set chooses 0.54.) heldout_users9 and heldout_users10, written in session 20 before the changes measured
# on them, are the checks, as the first `heldout` part still is. (heldout_users9 has been measured twice since;
# trained on as well, together with a change to the ranker's features that was then dropped, it moved the
# threshold to 0.75 and the tuning sets fell 0.844 -> 0.827, so the committed models were fitted without it.)
# heldout_users11 to heldout_users14 were written in sessions 21 to 24 before those sessions' changes and are held
# out like them; heldout_users15 at the end of session 24, heldout_users16 at the end of session 25, for the next
# session's changes; heldout_users17 in session 26, for session 27's; heldout_users18 in session 27, for session 28's;
# heldout_users19 in session 28, for session 29's; heldout_users20 in session 30, for session 31's; heldout_users21
# in session 32, for that session's own changes; heldout_users22 at the end of session 32, for the next session's;
# heldout_users23 in session 33, for session 34's; heldout_users24 in session 34, for the next session's;
# heldout_users25 in session 36, for that session's own changes; heldout_users26 in session 37, for its own, and
# heldout_users27 after heldout_users26's end measurement, for the changes after it; heldout_users28 in session 38 after
# heldout_users27's end measurement, for the next changes; heldout_users29 in session 39 after heldout_users28's end
# measurement, for the changes after it; heldout_users30 in session 40 after heldout_users29's end measurement, for the
# changes after it; heldout_users31 in session 41 after heldout_users30's end measurement, for the changes after it;
# heldout_users32 in session 42 after heldout_users31's end measurement, for the changes after it; heldout_users33 in
# session 43 after heldout_users32's end measurement, for the changes after it; heldout_users34 in session 44 after
# heldout_users33's end measurement, for the changes after it; heldout_users35 in session 45, for that session's
# changes; heldout_users36 in session 47, for that session's changes; heldout_users37 in session 48, for its own.
HELD_OUT = {"questions.yaml": {"heldout", "heldout_users9", "heldout_users10", "heldout_users11",
                              "heldout_users12", "heldout_users13", "heldout_users14",
                              "heldout_users15", "heldout_users16", "heldout_users17",
                              "heldout_users18", "heldout_users19", "heldout_users20",
                              "heldout_users21", "heldout_users22", "heldout_users23", "heldout_users24",
                              "heldout_users25", "heldout_users26",
                              "heldout_users27", "heldout_users28", "heldout_users29",
                              "heldout_users30", "heldout_users31", "heldout_users32",
                              "heldout_users33", "heldout_users34", "heldout_users35",
                              "heldout_users36", "heldout_users37"},
            "routing.yaml": {"heldout6"}}
# The answerability threshold is chosen on these: held-out parts measured and read since, whose wording the model
# was never fitted on. Cross-validated by question, its probabilities are those of questions worded like the
# ones it learnt from (Brier 0.036), and on parts written later they are not (0.064 on these): of 610 such questions
# between 0.5 and 0.7, 37 of 44 were answerable, so the point where a calibrated model's cost is least (2/3)
# sent away most of them. The least cost on these parts is the point a new member's question meets.
# (Session 34: heldout_users20 to heldout_users22, measured and read since, joined them: on 639 questions the cost
# curve was flat from 0.47 to 0.75 and its least point moved 0.57 -> 0.73 with one feature added; on 807 it is 0.58.)
# (Session 35: heldout_users23, measured and read in session 34, joined them: the least point is 0.58 on 854.)
# (Session 36: heldout_users24, measured and read in session 35, joined them.)
THRESHOLD_PARTS = ("heldout_users9", "heldout_users10", "heldout_users11", "heldout_users12", "heldout_users13",
                   "heldout_users14", "heldout_users15", "heldout_users16", "heldout_users17", "heldout_users18",
                   "heldout_users19", "heldout_users20", "heldout_users21", "heldout_users22", "heldout_users23",
                   "heldout_users24")


@dataclass(frozen=True)
class Labelled:
    q: str
    answerable: bool | None  # None: known facts, but no answerability label (a sensitive question)
    facts: tuple[str, ...] = ()
    history: tuple[Turn, ...] = field(default_factory=tuple)
    source: str = ""
    part: str = ""  # its part of questions.yaml: withheld from the questions asked before while it is looked at


def _labelled(item: dict, part: str) -> Labelled:
    """A question of questions.yaml as the fits see it."""
    answerable = True if item["route"] == "answer" else False if item.get("reason") == "not_found" else None
    facts = tuple(item.get("facts", [])) if item["route"] == "answer" else ()
    return Labelled(item["q"], answerable, facts, tuple(Turn(**t) for t in item.get("history", [])), "questions.yaml",
                    part)


# Parts written before the changes they are to measure and not read yet: they stay out of the questions asked
# before (assistant/asked.py), as out of every fit. The other held-out parts, measured and read, are in it.
# (heldout_users38 was written in session 50 before its change, and read after its second measurement, at that
# session's end; heldout_users39 and heldout_users40, measured at the start and the end of their sessions and read,
# joined the questions asked before in session 53.)
UNREAD: set[str] = {"heldout_users41"}


def asked_questions() -> list[asked.Asked]:
    """The answerable questions of eval/questions.yaml with documents and key facts, but for the UNREAD parts,
    each wording once."""
    out: dict[str, asked.Asked] = {}
    for key, part, item in _read_questions():
        if item["route"] == "answer" and item.get("docs") and item.get("facts"):
            out.setdefault(key, asked.Asked(item["q"], part, tuple(item["docs"]), tuple(item["facts"])))
    return list(out.values())


def routed_questions() -> list[routed.Routed]:
    """The questions of eval/questions.yaml with the route they should take: answered, sent to a person as a
    sensitive matter, sent to the bureau as not answered by the documents, or declined as out of scope; but for the
    UNREAD parts, each wording once; no follow-up (its words alone do not say what was asked)."""
    out: dict[str, routed.Routed] = {}
    for key, part, item in _read_questions():
        label = routed.ANSWER if item["route"] == "answer" else item.get("reason")
        if label in (routed.ANSWER, routed.NOT_FOUND, routed.OUT_OF_SCOPE, *SENSITIVE):
            out.setdefault(key, routed.Routed(item["q"], part, label))
    return list(out.values())


def _read_questions() -> Iterator[tuple[str, str, dict]]:
    """(normalised wording, part, item) for every question of eval/questions.yaml that may be remembered: none of
    the UNREAD parts nor any wording of theirs elsewhere, and no follow-up (its words alone do not say what was
    asked)."""
    questions = yaml.safe_load((EVAL / "questions.yaml").read_text(encoding="utf-8"))
    unread = {normalise(item["q"]) for part in UNREAD for item in questions.get(part, [])}
    for part, items in questions.items():
        for item in items if part not in UNREAD else []:
            key = normalise(item["q"])
            if key not in unread and not item.get("history"):
                yield key, part, item


def write_remembered(out_dir: Path | None = None) -> tuple[list[asked.Asked], list[routed.Routed]]:
    """Write the questions asked before and the questions routed before (into out_dir, else assistant/fitted/)."""
    remembered, routes = asked_questions(), routed_questions()
    asked.dump(remembered, out_dir / asked.ASKED_PATH.name if out_dir else asked.ASKED_PATH)
    routed.dump(routes, out_dir / routed.ROUTED_PATH.name if out_dir else routed.ROUTED_PATH)
    return remembered, routes


def threshold_questions() -> list[Labelled]:
    """The labelled questions of THRESHOLD_PARTS."""
    questions = yaml.safe_load((EVAL / "questions.yaml").read_text(encoding="utf-8"))
    return [_labelled(item, part) for part in THRESHOLD_PARTS for item in questions.get(part, [])]


def training_questions() -> list[Labelled]:
    """Every labelled question of the training sets, each once; none that a held-out part holds."""
    out: list[Labelled] = []
    questions = yaml.safe_load((EVAL / "questions.yaml").read_text(encoding="utf-8"))
    held_out = {normalise(item["q"]) for part in HELD_OUT["questions.yaml"] for item in questions.get(part, [])}
    for part, items in questions.items():
        if part in HELD_OUT["questions.yaml"]:
            continue
        out += [_labelled(item, part) for item in items]
    routing = yaml.safe_load((EVAL / "routing.yaml").read_text(encoding="utf-8"))
    held_out |= {normalise(item["q"]) for part in HELD_OUT["routing.yaml"] for item in routing.get(part, [])}
    for part, items in routing.items():
        if part in HELD_OUT["routing.yaml"]:
            continue
        for item in items:
            if item["reason"] in ("answer", "not_found") and not item.get("history"):
                out.append(Labelled(item["q"], item["reason"] == "answer", source="routing.yaml"))
    retrieval = yaml.safe_load((EVAL / "retrieval.yaml").read_text(encoding="utf-8"))
    out += [Labelled(item["q"], True, (item["fact"],), source="retrieval.yaml") for item in retrieval["tuning"]]
    out += [Labelled(q, False, source="unanswerable.yaml")
            for q in yaml.safe_load((EVAL / "unanswerable.yaml").read_text(encoding="utf-8"))["questions"]]
    for item in json.loads((EVAL / "external-questions.json").read_text(encoding="utf-8")):
        answerable = True if "answer" in item["route"] else None
        facts = tuple(f"(?i){m}" for m in item.get("must", [])) if answerable else ()
        out.append(Labelled(item["q"], answerable, facts, tuple(Turn(**t) for t in item.get("history", [])),
                            "external-questions.json"))
    extra = yaml.safe_load((EVAL / "answerability.yaml").read_text(encoding="utf-8"))
    out += [Labelled(item["q"], True, tuple(item["facts"]), source="answerability.yaml") for item in extra["answer"]]
    out += [Labelled(q, False, source="answerability.yaml") for q in extra["not_found"]]

    unique: dict[str, Labelled] = {}
    for item in out:
        key = normalise(item.q) + "|" + "|".join(normalise(t.content) for t in item.history)
        if normalise(item.q) in held_out:
            continue
        old = unique.get(key)
        if old is None or (not old.facts and item.facts):  # keep the copy that knows its facts
            unique[key] = item
    return list(unique.values())


def costs() -> dict[str, float]:
    return yaml.safe_load((EVAL / "answerability.yaml").read_text(encoding="utf-8"))["costs"]


def _fit(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], balanced: bool) -> LogisticModel:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced" if balanced else None)
    model.fit((x - mean) / scale, y)
    return LogisticModel(names, tuple(float(v) for v in mean), tuple(float(v) for v in scale),
                         tuple(float(v) for v in model.coef_[0]), float(model.intercept_[0]))


def _fit_choice(groups: list[tuple[list[list[float]], list[int]]], names: tuple[str, ...], l2: float = 1.0) -> LogisticModel:
    """A conditional logit: the weights under which the sentences holding a key fact are the likeliest
    choice among the candidates of their own question (a softmax per question), with an L2 penalty."""
    from scipy.optimize import minimize

    x_all = np.array([r for rows, _ in groups for r in rows])
    mean, scale = x_all.mean(axis=0), x_all.std(axis=0)
    scale[scale == 0] = 1.0
    data = [((np.array(rows) - mean) / scale, np.array(labels, dtype=bool)) for rows, labels in groups]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = l2 * float(w @ w) / 2, l2 * w
        for x, positive in data:
            s = x @ w
            p_all = np.exp(s - s.max())
            p_all /= p_all.sum()
            p_pos = p_all * positive
            p_pos /= p_pos.sum()
            total -= float(np.log((np.exp(s - s.max()) * positive).sum() / np.exp(s - s.max()).sum()))
            grad = grad - (p_pos - p_all) @ x
        return total, grad

    w = minimize(loss, np.zeros(len(names)), jac=True, method="L-BFGS-B").x
    return LogisticModel(names, tuple(float(v) for v in mean), tuple(float(v) for v in scale),
                         tuple(float(v) for v in w), 0.0)


def _vector(values: dict[str, float], names: tuple[str, ...]) -> list[float]:
    return [float(values[n]) for n in names]


# -- 1. the sentence ranker -----------------------------------------------------------------------------


def _retrieve(service: Service, item: Labelled, query: str):
    """Retrieval for a labelled question as for a new one: its own part is not among the questions asked before."""
    with asked.withholding(item.part):
        return retrieve(service.index, query, service.settings)


def ranker_examples(service: Service, questions: list[Labelled]) -> list[tuple[list[list[float]], list[int]]]:
    """Per question with key facts: the feature rows of its candidate sentences and which hold a fact."""
    lexicon = service.index.lexicon()
    groups = []
    for item in questions:
        if not item.facts:
            continue
        history = list(item.history)
        query = standalone(item.q, history)
        found = _retrieve(service, item, query)
        focus, focus_vector = _focus(service, item, query)
        found_sentences = candidates(query, found.passages, lexicon, focus, found.query_vector, focus_vector)
        labels = [int(any(re.search(f, c.text) for f in item.facts)) for c in found_sentences]
        if any(labels) and not all(labels):
            groups.append(([_vector(c.features, RANKER_FEATURES) for c in found_sentences], labels))
    return groups


def _focus(service: Service, item: Labelled, query: str) -> tuple[str | None, np.ndarray | None]:
    """For a follow-up, the words just asked and their embedding, as the service hands them to the generator."""
    if query == item.q:
        return None, None
    return item.q, service.index.embed_query(item.q)


def _top1(groups, score) -> float:
    """Share of questions whose best-scored sentence holds a key fact."""
    return float(np.mean([labels[int(np.argmax([score(r) for r in rows]))] for rows, labels in groups]))


def _top3(groups, score) -> float:
    """Share of questions where one of the three best-scored sentences holds a key fact."""
    return float(np.mean([max(labels[i] for i in np.argsort([-score(r) for r in rows])[:3]) for rows, labels in groups]))


def fit_ranker(service: Service, questions: list[Labelled], folds: int = 5) -> tuple[LogisticModel, dict]:
    groups = ranker_examples(service, questions)
    lexical = RANKER_FEATURES.index("lexical")
    rank = RANKER_FEATURES.index("rank")
    baseline = lambda row: row[lexical] + 0.12 * row[rank]  # noqa: E731 (the ranking before it was fitted)
    order = np.random.default_rng(0).permutation(len(groups))
    fitted_top1 = fitted_top3 = 0.0
    for k in range(folds):  # cross-validated by question: a question's sentences stay together
        held = set(order[k::folds].tolist())
        model = _fit_choice([g for i, g in enumerate(groups) if i not in held], RANKER_FEATURES)
        test = [groups[i] for i in held]
        score = lambda row: model.logit(dict(zip(RANKER_FEATURES, row)))  # noqa: E731
        fitted_top1 += _top1(test, score) * len(test)
        fitted_top3 += _top3(test, score) * len(test)
    model = _fit_choice(groups, RANKER_FEATURES)
    y = np.array([label for _, labels in groups for label in labels])
    scores = {"questions": len(groups), "sentences": int(len(y)), "fact_sentences": int(y.sum()),
              "top1_fact_before": round(_top1(groups, baseline), 3),
              "top1_fact_cross_validated": round(fitted_top1 / len(groups), 3),
              "top3_fact_before": round(_top3(groups, baseline), 3),
              "top3_fact_cross_validated": round(fitted_top3 / len(groups), 3)}
    return model, scores


def choose_selection(service: Service, questions: list[Labelled], ranker: LogisticModel,
                     keep: tuple[float, ...] = (0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5),
                     most: tuple[int, ...] = (3, 4, 5, 6, 7),
                     siblings: tuple[float, ...] = (0.1, 0.5)) -> tuple[dict, list[dict]]:
    """How many sentences to quote: the setting whose answers carry every key fact most often; among equal ones
    the shortest (fewest quoted sentences). (Until session 20 any setting within 0.01 of the best counted as
    equal: on 170 questions that is two questions, and it chose settings that dropped facts the larger set
    then missed.) Up to session 41 at most 5 sentences were tried, and 5 was chosen: the edge of the grid.
    (Session 42: 6 and 7 tried; an answer of 7 is on average 18 % longer than one of 5, 970 characters.)"""
    lexicon = service.index.lexicon()
    prepared = []
    for item in questions:
        if item.facts:
            query = standalone(item.q, list(item.history))
            found = _retrieve(service, item, query)
            prepared.append((query, _focus(service, item, query), item, found))
    table = []
    for keep_ratio in keep:
        for max_sentences in most:
            for sibling_ratio in siblings:
                params = {"keep_ratio": keep_ratio, "max_sentences": max_sentences, "sibling_ratio": sibling_ratio}
                generator = ExtractiveGenerator(ranker, **params)
                recall, length = [], []
                for query, (focus, focus_vector), item, found in prepared:
                    draft = generator.generate(query, found.passages, lexicon, focus, found.query_vector, focus_vector,
                                               found.part_vectors)
                    recall.append(all(re.search(f, draft.text) for f in item.facts))
                    length.append(draft.text.count("["))
                table.append({**params, "all_facts": round(float(np.mean(recall)), 3),
                              "quoted": round(float(np.mean(length)), 2)})
    best = max(row["all_facts"] for row in table)
    chosen = min((row for row in table if row["all_facts"] >= best), key=lambda row: row["quoted"])
    return {k: chosen[k] for k in ("keep_ratio", "max_sentences", "sibling_ratio")}, table


def decline_cut(service: Service, probability) -> tuple[float, list[float]]:
    """Below which answerability a question without domain words may be declined as out of scope: twice
    the highest probability any labelled out-of-scope question reaches, rounded up to a multiple of 0.05
    and at least 0.1, so that an out-of-scope question a little unlike the labelled ones is still declined,
    while the cut stays far below questions the documents answer (declining one of those costs far more
    than sending an odd question to the bureau)."""
    routing = yaml.safe_load((EVAL / "routing.yaml").read_text(encoding="utf-8"))
    out_of_scope = [item["q"] for part, items in routing.items() if part not in HELD_OUT["routing.yaml"]
                    for item in items if item["reason"] == "out_of_scope"]
    lexicon = service.index.lexicon()
    seen = []
    for q in out_of_scope:
        if service.router.classify(q) is not None or service.router.in_domain(q) or service.router.personal(q):
            continue
        found = retrieve(service.index, q, service.settings)
        draft = service.generator.generate(q, found.passages, lexicon, query_vector=found.query_vector,
                                           part_vectors=found.part_vectors)
        seen.append(probability(features(q, found, draft, lexicon, False)) if draft.text else 0.0)
    return max(0.1, math.ceil(2 * max(seen, default=0.0) * 20 + 1e-9) / 20), sorted(seen)


# -- 2. the answerability model -------------------------------------------------------------------------


def answerability_examples(service: Service, questions: list[Labelled]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Feature rows of the labelled questions that reach the model (no rule or example routes them)."""
    lexicon = service.index.lexicon()
    rows, labels, texts = [], [], []
    for item in questions:
        if item.answerable is None:
            continue
        history = list(item.history)
        query = standalone(item.q, history)
        if service.router.classify(item.q, in_context=query) is not None:
            continue
        found = _retrieve(service, item, query)
        focus, focus_vector = _focus(service, item, query)
        draft = service.generator.generate(query, found.passages, lexicon, focus, found.query_vector, focus_vector,
                                           found.part_vectors)
        if not draft.text:
            continue
        values = features(query, found, draft, lexicon, service.router.personal(item.q))
        rows.append(_vector(values, ANSWERABILITY_FEATURES))
        labels.append(int(item.answerable))
        texts.append(item.q)
    return np.array(rows), np.array(labels), texts


def precision_recall(p: np.ndarray, y: np.ndarray) -> list[dict]:
    """Precision and recall of 'the documents answer it' at every threshold the probabilities allow."""
    curve = []
    for t in sorted(set(np.round(p, 3)) | {0.0, 1.0}):
        predicted = p >= t
        tp = int((predicted & (y == 1)).sum())
        curve.append({"threshold": float(t), "precision": tp / max(1, int(predicted.sum())) if predicted.any() else 1.0,
                      "recall": tp / max(1, int((y == 1).sum())),
                      "sent_away": int((~predicted & (y == 1)).sum()), "wrongly_answered": int((predicted & (y == 0)).sum())})
    return curve


def _costs(curve: list[dict], cost: dict[str, float]) -> list[float]:
    """What each point of the curve costs: its answerable questions sent away and unanswerable ones answered."""
    return [cost["sent_away"] * c["sent_away"] + cost["wrong_answer"] * c["wrongly_answered"] for c in curve]


def choose_threshold(curve: list[dict], cost: dict[str, float]) -> dict:
    """The point of least expected cost for a calibrated model: answer when p * (cost of sending an answerable
    question away) exceeds (1 - p) * (cost of answering an unanswerable one), i.e. from
    p = wrong / (wrong + sent away). (Until session 22 the point of least cost on the cross-validated curve was
    chosen; the curve is flat there, and refits after small changes moved it between 0.59 and 0.71.) The
    curve's least cost is reported beside it."""
    totals = _costs(curve, cost)
    bayes = cost["wrong_answer"] / (cost["wrong_answer"] + cost["sent_away"])
    at = min(range(len(curve)), key=lambda i: (abs(curve[i]["threshold"] - bayes), curve[i]["threshold"]))
    return {**curve[at], "cost": totals[at], "least_cost": min(totals)}


def least_cost(curve: list[dict], cost: dict[str, float]) -> dict:
    """The point of the curve where sending answerable questions away and answering unanswerable ones cost
    least together (the lowest such threshold when several tie)."""
    totals = _costs(curve, cost)
    at = min(range(len(curve)), key=lambda i: (totals[i], curve[i]["threshold"]))
    return {**curve[at], "cost": totals[at], "least_cost": totals[at]}


def threshold_on_fresh_parts(service: Service, model: LogisticModel) -> dict:
    """The model's precision/recall curve on THRESHOLD_PARTS and its point of least cost there."""
    x, y, _ = answerability_examples(service, threshold_questions())
    p = np.array([model.probability(dict(zip(ANSWERABILITY_FEATURES, row))) for row in x])
    curve = precision_recall(p, y)
    return {"parts": list(THRESHOLD_PARTS), "questions": int(len(y)), "answerable": int(y.sum()),
            "brier": round(float(np.mean((p - y) ** 2)), 4), "chosen": least_cost(curve, costs()), "curve": curve}


def rethreshold(service: Service, path: Path) -> dict:
    """The fitted answerability model at `path` with its threshold chosen anew on THRESHOLD_PARTS (its
    coefficients kept); written back, and what was measured returned."""
    model = LogisticModel.load(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    fresh = threshold_on_fresh_parts(service, model)
    scores = data["scores"]
    scores["bayes"] = scores.get("bayes", scores["chosen"])
    scores["chosen"], scores["fresh"] = fresh["chosen"], fresh
    threshold = fresh["chosen"]["threshold"]
    params = {**model.params, "caveat_from": min(float(model.params.get("caveat_from", threshold)), threshold)}
    LogisticModel(model.features, model.mean, model.scale, model.coef, model.intercept, threshold,
                  params=params).dump(path, fitted=data.get("fitted"), scores=scores)
    return fresh


def fit_answerability(service: Service, questions: list[Labelled], folds: int = 5,
                      repeats: int = 5) -> tuple[LogisticModel, dict]:
    """The model, its cross-validated probabilities (each question's from the folds that left it out, averaged
    over `repeats` shuffles: one split's noise alone moved the curve) for the curve, the reliability table and
    the Brier score, and its threshold from the costs (choose_threshold)."""
    from sklearn.model_selection import StratifiedKFold

    x, y, _ = answerability_examples(service, questions)
    p = np.zeros(len(y))
    for seed in range(repeats):
        for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
            p[test] += [_fit(x[train], y[train], ANSWERABILITY_FEATURES, balanced=False).probability(
                dict(zip(ANSWERABILITY_FEATURES, row))) for row in x[test]]
    p /= repeats
    curve = precision_recall(p, y)
    cost = costs()
    chosen = choose_threshold(curve, cost)
    bins = np.linspace(0, 1, 6)
    reliability = []
    for lo, hi in zip(bins[:-1], bins[1:]):
        inside = (p >= lo) & (p < hi if hi < 1 else p <= hi)
        if inside.any():
            reliability.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(inside.sum()),
                                "mean_p": round(float(p[inside].mean()), 3), "answerable": round(float(y[inside].mean()), 3)})
    model = _fit(x, y, ANSWERABILITY_FEATURES, balanced=False)
    fresh = threshold_on_fresh_parts(service, model)
    model = LogisticModel(model.features, model.mean, model.scale, model.coef, model.intercept,
                          fresh["chosen"]["threshold"])
    scores = {"questions": int(len(y)), "answerable": int(y.sum()), "costs": cost,
              "brier_cross_validated": round(float(np.mean((p - y) ** 2)), 4),
              "bayes": chosen, "chosen": fresh["chosen"], "fresh": fresh, "reliability": reliability, "curve": curve}
    return model, scores


def fit(service: Service, out_dir: Path | None = None) -> dict:
    """Fit both models on `service`'s index and write them; returns what they scored."""
    remembered, _ = write_remembered(out_dir)
    service.index.remember(remembered)
    questions = training_questions()
    service.generator = ExtractiveGenerator(ranker=None)
    ranker, ranker_scores = fit_ranker(service, questions)
    selection, ranker_scores["selection_grid"] = choose_selection(service, questions, ranker)
    ranker = LogisticModel(ranker.features, ranker.mean, ranker.scale, ranker.coef, ranker.intercept,
                           params=selection)
    ranker_path = out_dir / RANKER_PATH.name if out_dir else RANKER_PATH
    created = time.strftime("%Y-%m-%d")
    ranker.dump(ranker_path, fitted=created, scores=ranker_scores)
    service.generator = ExtractiveGenerator(ranker=ranker, **selection)
    answerability, scores = fit_answerability(service, questions)
    cut, scores["out_of_scope_probabilities"] = decline_cut(service, answerability.probability)
    caveat = choose_threshold(scores["curve"], {"sent_away": scores["costs"]["sent_away"],
                                                "wrong_answer": scores["costs"]["shown_with_caveat"]})
    scores["caveat"] = caveat
    answerability = LogisticModel(answerability.features, answerability.mean, answerability.scale, answerability.coef,
                                  answerability.intercept, answerability.threshold,
                                  params={"decline_below": cut, "caveat_from": min(caveat["threshold"], answerability.threshold)})
    answerability_path = out_dir / ANSWERABILITY_PATH.name if out_dir else ANSWERABILITY_PATH
    answerability.dump(answerability_path, fitted=created, scores=scores)
    return {"asked": len(remembered), "ranker": ranker_scores, "ranker_path": str(ranker_path), "answerability": scores,
            "answerability_path": str(answerability_path), "model": answerability, "model_ranker": ranker}


def summary(result: dict) -> str:
    r, a = result["ranker"], result["answerability"]
    c = a["chosen"]
    model = result["model"]
    lines = [
        f"questions asked before: {result['asked']} labelled answerable questions"
        + (f" (without {', '.join(sorted(UNREAD))})" if UNREAD else " (every part read)"),
        f"sentence ranker: {r['questions']} questions, {r['sentences']} sentences ({r['fact_sentences']} hold a key fact)",
        f"  best sentence holds a key fact: {r['top1_fact_before']:.3f} ranked by shared words, "
        f"{r['top1_fact_cross_validated']:.3f} fitted (5-fold, by question); one of the best three: "
        f"{r['top3_fact_before']:.3f} and {r['top3_fact_cross_validated']:.3f}",
        "  how many sentences to quote (keep ratio / at most / list items): " + ", ".join(
            f"{row['keep_ratio']}/{row['max_sentences']}/{row['sibling_ratio']}: every key fact {row['all_facts']:.3f}, "
            f"{row['quoted']:.1f} quoted" for row in r["selection_grid"]) + f"; chosen {result['model_ranker'].params}",
        f"  written to {result['ranker_path']}",
        f"answerability: {a['questions']} questions ({a['answerable']} answerable), Brier {a['brier_cross_validated']:.4f} "
        "(5-fold)",
        f"  costs: sending an answerable question away {a['costs']['sent_away']}, answering an unanswerable one "
        f"{a['costs']['wrong_answer']}",
        f"  chosen threshold {c['threshold']:.3f}, the least cost on {a['fresh']['questions']} questions of parts it was "
        f"not fitted on (Brier {a['fresh']['brier']:.4f}): precision {c['precision']:.3f}, recall {c['recall']:.3f}, "
        f"{c['sent_away']} sent away, {c['wrongly_answered']} wrongly answered (cost {c['cost']:g}); a calibrated "
        f"model's point on the cross-validated curve would be {a['bayes']['threshold']:.3f}",
        "  reliability (cross-validated): " + ", ".join(f"{b['bin']}: p {b['mean_p']:.2f} vs {b['answerable']:.2f} (n={b['n']})"
                                                      for b in a["reliability"]),
        "  weights: " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(model.features, model.coef)),
        f"  passages shown under a caveat from {model.params['caveat_from']:.3f} (cost of doing so "
        f"{a['costs']['shown_with_caveat']}): {a['caveat']['sent_away']} answerable questions still sent away without them",
        f"  out of scope: declined only below {model.params['decline_below']:.2f} (labelled out-of-scope questions "
        f"reach at most {max(a['out_of_scope_probabilities'], default=0):.2f})",
        f"  written to {result['answerability_path']}",
    ]
    return "\n".join(lines)
