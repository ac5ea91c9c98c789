"""Whether the documents answer a question: a fitted model over what retrieval and the draft answer show.

The model (assistant/fitted/answerability.json) is fitted by `wijzer fit` on labelled questions, with its
threshold chosen from what each mistake costs; see eval/fit.py.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from assistant.bm25 import BM25Index
from assistant.fitted import MODELS_DIR, LogisticModel
from assistant.generators import Draft
from assistant.generators.extractive import holds_contact_asked
from assistant.language import DOCUMENT_NOUNS, asking_part, compound_match, coverage, is_english
from assistant.retrieval import Retrieval

MODEL_PATH = MODELS_DIR / "answerability.json"


FEATURES = ("dense", "dense_gap", "standing", "bm25", "passage_cover", "support", "meaning", "confidence", "unknown",
            "english", "personal", "terms", "kind_missing", "missing_specific", "missing_asked", "contact_held",
            "when_missing")

# A time the documents cannot speak of: one relative to today ('vorig jaar', 'op dit moment', 'last year'), which
# no dated document says, or a year that none of the passages found holds ('in 2025'). Users ask for figures of
# the latest year and for who holds a post now; the documents give older figures beside the words asked.
_RELATIVE_TIME = re.compile(r"\b(vorig jaar|vorige maand|vorige week|afgelopen (jaar|maand|maanden|week)|dit jaar"
                            r"|deze maand|op dit moment|momenteel|last year|last month|this year|currently"
                            r"|at the moment|right now|nowadays)\b", re.I)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def when_missing(question: str, passages_text: str) -> bool:
    """Whether what is asked names a time the passages cannot answer for (_RELATIVE_TIME, or a year they lack).
    A time in the story told before it ('bij ons stemde vorig jaar 48 procent. is dat laag?') dates the asker's
    own matter, not what is asked."""
    asked = asking_part(question)
    return bool(_RELATIVE_TIME.search(asked)) or any(year not in passages_text for year in _YEAR.findall(asked))


def features(question: str, found: Retrieval, draft: Draft, lexicon: BM25Index, personal: bool) -> dict[str, float]:
    """What the model sees of a question: how close the best passage is in meaning and in words, how much
    of the question the best passage and the chosen sentences cover, words the corpus lacks, language,
    and whether the question is about the asker."""
    weights = lexicon.term_weights(question)
    texts = [p.chunk.indexed_text() for p in found.passages]
    passage_words = [set(lexicon.tokenize(text)) for text in texts]
    passage_cover = max((coverage(weights, words) for words in passage_words), default=0.0)
    retrieved = set().union(*passage_words) if passage_words else set()
    # A word that names where the answer stands ('volgens dat waardenstuk', 'in die blog') is not what is asked.
    sources = set(lexicon.tokenize(DOCUMENT_NOUNS))
    missing = {t: w for t, w in weights.items()
               if not compound_match(t, retrieved) and not any(t.endswith(n) for n in sources)}
    unknown = set(lexicon.unknown_terms(question))
    asked = set(lexicon.term_weights(asking_part(question)))
    return {
        "dense": found.best_dense,
        # How far the best passage stands out from the next ones: a specific match, not a general theme.
        "dense_gap": found.best_dense - found.mean_dense,
        # The same against the whole corpus: the closest sentence's similarity in standard deviations of all.
        "standing": found.sentence_standing,
        # BM25 grows with the number of query terms; per unit of the question's weight it compares across questions.
        "bm25": found.best_bm25 / (sum(weights.values()) or 1.0),
        "passage_cover": passage_cover,
        "support": draft.support,
        "meaning": draft.meaning,
        "confidence": draft.confidence,
        "unknown": sum(weights.get(t, 0.0) for t in unknown) / (sum(weights.values()) or 1.0),
        "english": float(is_english(question)),
        "personal": float(personal),
        "terms": math.log1p(len(weights)),
        # Asked for a number, name, date, sum or address, and the answer holds none. (Holding one says little:
        # 'Hoeveel wethouders telt Utrecht?' finds other numbers; as one +1/-1 feature the two cancelled out.)
        "kind_missing": float(draft.kind < 0),
        # The weight of the most specific word asked that no retrieved passage holds, against the most specific
        # word asked ('provincie' in 'Hoeveel wethouders zijn er in mijn provincie?'). Alone it marks unanswerable
        # questions (0.83 of them against 0.45 of answerable ones, on average); beside bm25 and support, which
        # count the missing word already, its fitted weight is positive: a specific word the passages lack is then
        # more often the asker's own detail ('ziekenhuis', 'voetbalclub') than a subject the documents lack.
        # Cross-validated over 10 shuffles on 642 questions: cost 55.9 -> 52.2, sent away 22.9 -> 19.0.
        "missing_specific": max(missing.values(), default=0.0) / max(weights.values(), default=1.0),
        # The same, of the words of what is asked only, not of the story told before it or of a clause that sets
        # the scene ('Ik lig in het ziekenhuis.', 'als ik in coma lig'): 'kinderopvang' in 'Krijg ik een
        # vergoeding voor kinderopvang?' is what is asked about. (Fitted weight negative, and missing_specific's
        # rises beside it: cross-validated Brier 0.0426 -> 0.0415 on 642 questions.)
        "missing_asked": max((w for t, w in missing.items() if t in asked), default=0.0)
                         / max(weights.values(), default=1.0),
        # Asked for an address, e-mail address or telephone number, and the answer holds one: a number held says
        # little ('Hoeveel wethouders telt Utrecht?' finds other numbers), a postcode or 'Postbus' says much.
        "contact_held": float(holds_contact_asked(question, draft.text)),
        "when_missing": float(when_missing(question, " ".join(texts))),
    }


class Answerability:
    """The fitted model with its chosen threshold."""

    def __init__(self, model: LogisticModel):
        self.model = model

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "Answerability":
        return cls(LogisticModel.load(path))

    def probability(self, values: dict[str, float]) -> float:
        return self.model.probability(values)

    def answers(self, values: dict[str, float]) -> bool:
        return self.model.decide(values)

    def worth_showing(self, values: dict[str, float]) -> bool:
        """Below the threshold, but likely enough to answer that the passages are shown under a caveat,
        beside the bureau's contact (the cut `caveat_from` is fitted by `wijzer fit`)."""
        return self.model.probability(values) >= float(self.model.params.get("caveat_from", 1.0))

    def may_decline(self, values: dict[str, float]) -> bool:
        """Whether the documents are so far from the question that it may be out of scope."""
        return self.model.probability(values) < float(self.model.params.get("decline_below", 0.05))
