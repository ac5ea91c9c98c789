"""The extractive generator: the sentences of the retrieved passages that best answer the question,
quoted word for word with [n] markers. It needs no language model and invents nothing.

Each sentence is scored by a fitted model (assistant/fitted/sentence_ranker.json, made by `wijzer fit`)
over what it shares with the question in words and in meaning, whether it holds the number asked for,
and how high its passage ranks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.bm25 import BM25Index
from assistant.fitted import MODELS_DIR, LogisticModel
from assistant.generators import Draft, Writing
from assistant.generators.grounding import number_value
from assistant.language import NUMBER_WORDS, asking_part, compound_match, coverage, question_parts
from assistant.models import Citation, Passage
from assistant.routing import instructs
from assistant.sentences import POINTS_BACK, Sentence, split

RANKER_PATH = MODELS_DIR / "sentence_ranker.json"

# What kind of answer a question asks for, and how a sentence that holds one looks: 'hoe lang' wants a
# duration, 'wanneer' a date or a moment, 'hoeveel procent' a share, 'hoeveel' a number, 'wat kost' a sum of
# money, 'wie' a name or an office, an address, e-mail address or telephone number one.
_AMOUNT = rf"(\d+(?:[.,]\d+)?|{NUMBER_WORDS})"
_TIME = r"(weken|week|maanden|maand|jaar|jaren|dagen|dag|uur|uren|years?|months?|weeks?|days?|hours?)"
_PRICE_ASKED = (r"\b(wat kost|wat kosten|hoeveel kost|hoeveel kosten|hoeveel euro|in euro\w*|hoe duur|prijs|tarief|"
                r"welk bedrag|how much does|what does it cost|cost|costs|price|fee)\b")
_OFFICE = (r"\b(college|raad|gemeenteraad|burgemeester|wethouders?|minister\w*|ministerie|kamer|rijk|vereniging|bureau|"
           r"commissie|griffier|gemeentesecretaris|arts|verloskundige|vertrouwenspersoon\w*|ondersteuningsteam|"
           r"gemeente|rechter|politie|onderzoeker\w*|advocaat)\b")
_MONTHS = (r"(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|january"
           r"|february|march|june|july|august|october)")
# Case matters for a name and a postcode, though the kinds are matched ignoring case otherwise.
_NAME = r"(?-i:\b[A-Z][a-zà-ÿ]+(?:\s+(?:van|de|der|den|ten|ter|te))*\s+[A-Z][a-zà-ÿ]{2,})"
# 'Hoeveel weken ...': a number of a unit of time asked for (group 3 is the unit).
_UNIT_QUESTION = rf"\b(hoeveel|hoe ?veel|how many|how much)\s+(\w+\s+)?{_TIME}\b"
# An address, e-mail address or telephone number: held, it answers (a number held may be any number).
_CONTACT_KINDS = tuple((re.compile(asked, re.I), re.compile(held, re.I)) for asked, held in (
    (r"\b(adres|postadres|bezoekadres|afleveradres|address|waar zit|waar zitten|where is)\b",
     r"(?-i:\b\d{4}\s?[A-Z]{2}\b)|\bPostbus\b"),
    (r"\b(e-?mail\w*|mailadres|mailen|mail)\b", r"@"),
    (r"\b(telefoon\w*|bellen|phone|nummer)\b", r"\b0\d{2,3}[\s-]?\d{2,3}"),
))
_ANSWER_KINDS = tuple((re.compile(asked, re.I), re.compile(held, re.I)) for asked, held in (
    (r"\b(hoe ?lang|hoelang|how long|duur|duurt)\b",
     rf"\b{_AMOUNT}\s+(weken|week|maanden|maand|jaar|jaren|dagen|dag|uur)\b|\btot de\b.*\bleeftijd\b"),
    (r"\b(procent|percentage|welk deel|welke deel|how much percent)\b", r"\d\s*%|\bprocent\b|\bhelft\b"),
    # 'Sinds wanneer', 'in welk jaar': a year ('opgericht in 2004'), not how long ('In de twintig jaar dat ...');
    # 'wanneer' also a moment ('Drie maanden na uw vertrek').
    (r"\b(sinds wanneer|in welk jaar|welk jaar|since when|what year|which year)\b", r"\b(1[89]\d\d|20\d\d)\b"),
    # 'Hoe lang bestaat het al?' is answered by when it began ('bestaat sinds april 2018'), as 'sinds wanneer' is.
    (r"\b(hoe ?lang|hoelang|how long)\b.*\b(al|already|exist\w*|been)\b", r"\b(1[89]\d\d|20\d\d)\b"),
    # 'Op welke datum', 'welke dag': a day of a month ('Op 4 maart 2024').
    (r"\b(welke datum|welke dag|what date|which date|which day|on what day)\b", rf"\b\d{{1,2}}\s+{_MONTHS}\b"),
    # 'In welke stad': a place, named by its postcode or by a capitalised word inside a sentence.
    (r"\b(in welke (stad|plaats|gemeente)|welke (stad|plaats)|which (city|town)|what (city|town))\b",
     r"(?-i:\b\d{4}\s?[A-Z]{2}\s+[A-Z])|(?-i:(?<=[a-zà-ÿ,;:(] )[A-Z][a-zà-ÿ]{2,})"),
    (r"(?<!sinds )(?<!since )\b(wanneer|when)\b",
     rf"\b(1[89]\d\d|20\d\d)\b|\b{_AMOUNT}\s+(weken|maanden|jaar|dagen)\b|\b(sinds|vanaf|na afloop|zodra)\b"),
    # 'Hoeveel weken ...' wants a number of weeks; 'hoeveel wachtgeld' or 'hoe hoog' a level or a count, which a
    # number of months or years is not ('80 procent', not '3 maanden tot 2 jaar').
    (_UNIT_QUESTION, rf"\b{_AMOUNT}\s+{_TIME}\b"),
    (rf"^(?!.*{_UNIT_QUESTION})(?!.*{_PRICE_ASKED}).*"
     r"\b(hoeveel|hoe ?veel|hoe hoog|hoe groot|how many|how much|how high|welk aantal|uit hoeveel|hoe vaak"
     r"|how often)\b",
     rf"\b{_AMOUNT}\b(?!\s*(-\s*)?{_TIME}\b)"),
    # 'Wat kost ...', 'in euro's': a sum of money, which no other number answers
    (_PRICE_ASKED, r"€|\beuro\b|\bEUR\b"),
    (r"\b(welk artikel|welk wetsartikel|which article|waar in de (gemeente)?wet|in welke wet)\b", r"\bartikel\s+\d+"),
    # 'wie' wants a person or a body: a name of two or more capitalised words ('Axel Boomgaars', 'Jeroen van
    # Gool'), a capitalised word inside a sentence ('Avans', 'Tappan'), or an office ('het college', 'de raad').
    (r"\b(wie|who)\b", rf"{_NAME}|(?-i:(?<=[a-zà-ÿ,;:(] )[A-Z][a-zà-ÿ]{{2,}})|{_OFFICE}"),
)) + _CONTACT_KINDS
# What each of _ANSWER_KINDS asks for, by name: a heading that asks the same ('Hoe lang duurt het verlof?' for
# 'hoeveel weken ben ik met verlof?', 'Hoe hoog is de uitkering?' for 'hoeveel procent krijg ik?') stands over the
# sentences that answer.
_KIND_NAMES = ("duration", "share", "year", "year", "date", "place", "when", "duration", "amount", "price", "article",
               "who", "address", "email", "phone")
assert len(_KIND_NAMES) == len(_ANSWER_KINDS), "name each kind of answer"


@lru_cache(maxsize=1024)  # asked of the heading over every sentence of the passages: few headings, many sentences
def kinds_asked(text: str) -> frozenset[str]:
    """The kinds of answer a question (or a heading that asks one) asks for."""
    return frozenset(name for name, (asked, _) in zip(_KIND_NAMES, _ANSWER_KINDS) if asked.search(text))


def heading_asks_kind(kinds: frozenset[str], heading: str) -> bool:
    """Whether the heading is a question that asks for a kind of answer the question asks for."""
    # ('Wanneer kan een wethouder met verlof?' asks on what conditions, not at what moment: 'when' is no kind here)
    return bool(kinds) and heading.rstrip().endswith("?") and bool(kinds & (kinds_asked(heading) - {"when"}))


def _kind_words_removed(question: str) -> str:
    """The question without the words that ask for a kind of answer ('hoe lang', 'hoeveel', 'wie')."""
    for asked, _ in _ANSWER_KINDS:
        question = asked.sub(" ", question)
    return question


# A follow-up of this many words asks its own question: the kind of answer it wants (a number, a name) is its
# own, not that of the question before it ('En krijgt mijn vervanger hetzelfde salaris?' after 'Hoe lang ...').
_OWN_QUESTION_WORDS = 5


def kind_question(question: str, focus: str | None) -> str:
    """What decides the kind of answer asked for: a follow-up that asks its own question, else the whole."""
    return focus if focus and len(focus.split()) >= _OWN_QUESTION_WORDS else question


def holds_contact_asked(question: str, text: str) -> bool:
    """Whether the question asks for an address, e-mail address or telephone number and the text holds one."""
    return any(asked.search(question) and held.search(text) for asked, held in _CONTACT_KINDS)


def asks_kind(question: str) -> bool:
    """Whether the question asks for a duration, date, share, number, name, address or contact detail."""
    return any(asked.search(question) for asked, _ in _ANSWER_KINDS)


# The unit a 'hoeveel <unit>' question names: an amount of that unit answers it, not one of another ('Hoeveel
# dagen studieverlof?' is not answered by 'tussen zes en vier weken').
_UNIT_WORDS = (("dag", "dagen", "day", "days"), ("week", "weken", "weeks"), ("maand", "maanden", "month", "months"),
               ("jaar", "jaren", "year", "years"), ("uur", "uren", "hour", "hours"))
_UNITS = {word: "|".join(words) for words in _UNIT_WORDS for word in words}
_UNIT_ASKED = re.compile(_UNIT_QUESTION, re.I)


_TIME_WORD = re.compile(rf"\b{_TIME}\b", re.I)


def holds_kind_asked(question: str, sentence: str) -> bool:
    """Whether the question asks for a duration, date, share or number, and the sentence holds one; an amount of
    time only in the unit asked, when the question names one. What holds no amount of time answers a kind of its
    own ('80 procent' for 'welk percentage ..., en na hoeveel maanden ...?')."""
    unit = _UNIT_ASKED.search(question)
    wanted = re.compile(rf"\b({_UNITS[unit.group(3).lower()]})\b", re.I) if unit else None
    return any(wanted is None or not _TIME_WORD.search(held.group(0)) or wanted.search(held.group(0))
               for asked, kind in _ANSWER_KINDS if asked.search(question) for held in kind.finditer(sentence))


# 'Wat is een denksessie?', 'Waar staat VUCA voor?', 'Wat houdt het vangnet in?': the term whose definition is
# asked. A sentence that begins by defining it ('Een denksessie is een door De Argumentenfabriek ontwikkelde
# methode ...') holds the kind of answer asked for, as a number does for 'hoeveel'.
_DEFINITION_ASKED = re.compile(
    r"\b(?:wat (?:is|zijn|betekent|betekenen|bedoelen jullie met|bedoel je met)|what (?:is|are|does)|waar staat"
    r"|wat houdt|wat houden)\s+(?:(?:een|de|het|dat|die|dit|deze|eigenlijk|precies|a|an|the)\s+)*"
    r"(?P<term>\w[\w-]{2,}(?:\s+(?!(?:eigenlijk|precies|nou|dan|toch|voor|in|mean)\b)\w[\w-]{2,}){0,2})"
    r"\s*(?:eigenlijk|precies|nou|dan|toch|voor|in|mean)?\s*(?:[?.!,]|$)",
    re.IGNORECASE)


@lru_cache(maxsize=256)  # asked of every sentence of the passages: the question's terms are read once
def _definitions_asked(question: str) -> tuple[re.Pattern, ...]:
    """For each term whose definition the question asks, how a sentence that begins by defining it starts."""
    return tuple(re.compile(rf"(?:een|de|het|the|an?)?\s*{re.escape(asked.group('term'))}(?:s|en)?\s+"
                            rf"(?:(?:is|zijn|are) (?:een|de|het|a|an|the)|staat voor|staan voor|betekent|houdt in|"
                            rf"means|stands for)\b", re.IGNORECASE)
                 for asked in _DEFINITION_ASKED.finditer(question))


def defines_asked(question: str, sentence: str) -> bool:
    """Whether the question asks what a term is or means and the sentence begins by saying so."""
    return any(pattern.match(sentence) for pattern in _definitions_asked(question))


# What a heading contributes to the sentences under it. A list item is what its heading names (the
# items under "Don'ts" are the don'ts), so the heading counts in full; a paragraph only in part.
HEADING_WEIGHT = 0.5
ITEM_HEADING_WEIGHT = 1.0
# A heading names what was asked when the question's terms and the heading's words are the same.
HEADING_NAMES = 0.99
# In a follow-up, the share of a sentence's score that comes from the words just asked ("En wat zijn
# de don'ts?"); the rest comes from the whole conversation's question, which keeps it on topic.
FOCUS_SHARE = 0.7
# A sentence that holds the kind of answer asked for counts this much more under a heading that asks for that kind
# about the same subject (tuning set 1526 -> 1528 of 1739 at 0.5, none lost; at 1.0 it fell to 1524).
HEADING_KIND_BONUS = 0.5

# A word of a document's title names that document only when it is this rare (idf) among the indexed chunks:
# not the words the whole corpus shares ('wethouder', 'bestuur'), nor those of the largest document.
DOCUMENT_WORD_IDF = 1.4

# Our own rule summaries (manifest kind 'regel') restate the association's documents; a sentence of theirs this
# close in meaning (e5, query-side cosine) to a sentence of another document restates it.
SUMMARY_KINDS = frozenset({"regel"})
RESTATES = 0.93

_WORD = re.compile(r"\w+")
# A line of numbers and month names only: the date of a post in a list of posts ('6 okt', '2015 24 dec').
_BARE_DATE = re.compile(rf"^(?:(?:\d{{1,4}}|{_MONTHS}|(?:jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec)\.?)\s*)+$",
                        re.IGNORECASE)
_COUNT = re.compile(rf"\b(\d+|{NUMBER_WORDS})\b", re.IGNORECASE)

# How many sentences to quote, chosen by `wijzer fit` and kept with the ranker.
SELECTION_PARAMS = ("keep_ratio", "max_sentences", "sibling_ratio")

# The passage's own scores count beside its rank: a sentence of the passage that BM25 finds strongest, or that
# is closest in meaning, holds the fact more often (cross-validated on 491 questions in session 21: the best
# sentence held a key fact in 0.737 of them instead of 0.713, one of the best three in 0.908 instead of 0.886).
# A sentence that holds the key fact of a labelled question close to this one (assistant/asked.py) counts this much
# more, on the ranker's log scale (session 40, each part scored with its own part withheld: tuning set of 2,369
# 2058 -> 2075 at 1.0, 2077 at 0.6, 2073 at 2.5, with that ranking at fusion weight 2.0).
ASKED_BONUS = 0.6
FEATURES = ("lexical", "heading", "meaning", "number", "item", "rank", "question", "passage_bm25", "passage_dense")


@dataclass
class Candidate:
    """A sentence of a retrieved passage with what the ranker sees of it."""

    passage: int
    position: int
    sentence: Sentence
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    asked: float = 0.0  # whether it holds the key fact of a labelled question close to this one (assistant/asked.py)

    @property
    def text(self) -> str:
        return self.sentence.text

    @property
    def is_item(self) -> bool:
        return self.sentence.is_item


def _cover(weights: dict[str, float], words: set[str], above: set[str], is_item: bool) -> float:
    """The weighted share of the terms found in the sentence, or (counting less for a paragraph) in the
    heading above it."""
    heading_weight = ITEM_HEADING_WEIGHT if is_item else HEADING_WEIGHT
    found = sum(w if compound_match(t, words) else heading_weight * w if compound_match(t, above) else 0.0
                for t, w in weights.items())
    return found / (sum(weights.values()) or 1.0)


def _heading_fit(weights: dict[str, float], above: set[str], document: set[str] = frozenset()) -> float:
    """How well the heading names what is asked: the share of the question it covers, times the share of
    its own words that are asked about (the heading "Don'ts" fits "En de don'ts?" better than the title
    "Hulpkaart collegecrisis: do's en don'ts"). With `document`, the words of the document's title count
    as covered too ("Wat zijn de do's op de hulpkaart collegecrisis?" names the heading "Do's" of that card)."""
    if not above:
        return 0.0
    asked = sum(1 for w in above if any(compound_match(t, {w}) for t in weights))
    return coverage(weights, above | document) * asked / len(above)


# How many of what are asked for ('welke 4 waarden', 'de vier waarden'): a table with that many rows, whose label
# column names that noun ("Welke waarden hebben prioriteit?"), holds them, however the rest is worded.
_COUNTED = re.compile(rf"\b(\d+|{NUMBER_WORDS})\s+(\w+)", re.IGNORECASE)


def _counted(asked: str) -> list[tuple[int, str]]:
    """The counts the question asks for, each with the word counted: [(4, 'waarden')]."""
    out = []
    for number, noun in _COUNTED.findall(asked):
        n = int(number) if number.isdigit() else number_value(number)
        if n:
            out.append((n, noun))
    return out


# 'welke vier kerntaken', 'noem de drie pijlers': how many things are asked for, by a question word or a request.
_LIST_ASKED = re.compile(rf"\b(welke|wat (?:zijn|waren) de|noem|noemt|what (?:are|were) the|which|name)\s+"
                         rf"(de\s+|the\s+)?(?P<n>[2-9]|{NUMBER_WORDS})\s+\w+", re.IGNORECASE)
# Where the items of an enumeration in one sentence part: commas, semicolons and the last 'en'/'and'/'of'.
_ITEM_SEPARATOR = re.compile(r"\s*[,;]\s*(?:en\s+|and\s+)?|\s+(?:en|and|of|or)\s+")
# An item of an enumeration is a few words ('ondersteuning', 'belangen behartiging'), not a clause.
ITEM_WORDS = 4


def enumerates_asked(question: str, sentence: str) -> bool:
    """Whether the question asks for a number of things ('Welke vier kerntaken ...?') and the sentence lists just
    as many, each in a few words ('ondersteuning, ontwikkeling, belangen behartiging, onderzoek.')."""
    asked = _LIST_ASKED.search(question)
    if not asked:
        return False
    number = asked.group("n")
    n = int(number) if number.isdigit() else number_value(number.lower())
    # (a list between brackets names what one item is: 'Waterschapsbestuurders (dijkgraven, DB-leden en AB-leden)')
    listed = re.sub(r"\([^)]*\)", " ", sentence).strip().rstrip(".!?:")
    items = [item for item in _ITEM_SEPARATOR.split(listed) if item.strip()]
    return bool(n) and len(items) == n and all(len(item.split()) <= ITEM_WORDS for item in items)


def _naming_weights(lexicon: BM25Index, asked: str) -> dict[str, float]:
    """The question's terms that name what is asked: not how many are asked for ('Welke vier waarden ...', 'de
    drie pijlers'), which no heading says."""
    return lexicon.term_weights(_COUNT.sub(" ", asked))


def _document_words(lexicon: BM25Index, passage: Passage) -> set[str]:
    """The words that name a passage's document: those of its title and kind that are rare among the chunks
    ('presentatie', 'hulpkaart'), not the words every document uses ('wethouder')."""
    return {t for t in lexicon.tokenize(f"{passage.chunk.doc.title} {passage.chunk.doc.kind}")
            if lexicon.idf(t) >= DOCUMENT_WORD_IDF}


# What the asker already knows and sets aside ('welk ministerie naast BZK', 'welk ander ministerie dan BZK', 'which
# partners besides the VNG'): a name after 'naast', 'behalve', 'ander ... dan' or 'besides' is not what is asked,
# and a sentence naming only it does not answer.
_SET_ASIDE = re.compile(r"\b(naast|behalve|buiten|ander\w*(\s+\w+)?\s+dan|besides|except|other than|apart from)\s+"
                        r"(de |het |the )?([A-Z][\w&-]*)")


def candidates(question: str, passages: list[Passage], lexicon: BM25Index, focus: str | None = None,
               query_vector: np.ndarray | None = None, focus_vector: np.ndarray | None = None) -> list[Candidate]:
    """Every quotable sentence of the passages, with its features for the ranker. In a follow-up, closeness
    in meaning to the words just asked (`focus_vector`) counts as the focus's words do (FOCUS_SHARE)."""
    weights = lexicon.term_weights(_SET_ASIDE.sub(" ", question))
    focus_weights = lexicon.term_weights(focus or "")
    kind_asked = kind_question(question, focus)
    kinds = kinds_asked(kind_asked)
    # what the question asks about, without the words that ask for a kind ('hoe lang', 'hoeveel'): a heading that
    # asks the same kind answers only when it names this too ('Hoe lang duurt het verlof?' for the verlof)
    subject = lexicon.term_weights(_kind_words_removed(kind_asked)) if kinds else {}
    out: list[Candidate] = []
    strongest = max((p.bm25_score or 0.0 for p in passages), default=0.0) or 1.0
    for rank, passage in enumerate(passages):
        # A question may name the document ('volgens die presentatie', 'in de publicatie'): its title and kind
        # stand over every sentence of it, as a heading does; not the words every document uses ('wethouder').
        document = _document_words(lexicon, passage)
        for position, sentence in enumerate(split(passage.chunk.text, passage.chunk.section)):
            words = set(lexicon.tokenize(sentence.text))
            if sentence.text in lexicon.boilerplate and len(words & weights.keys()) < 2:
                # Says the same in many documents ('Laatst gecontroleerd: ...'): answers nothing, unless it is what
                # is asked ('wanneer is die hulpkaart voor het laatst gecontroleerd?').
                continue
            if instructs(sentence.text):
                continue  # a document that tries to instruct the assistant is not quoted as if it answered
            if _BARE_DATE.match(sentence.text):
                continue  # a date alone ('2015 24 dec' over a blog post's title) says nothing of what happened then
            above = set(lexicon.tokenize(f"{sentence.heading} {sentence.label}"))
            lexical = _cover(weights, words, above | document, sentence.is_item)
            heading = _heading_fit(weights, above)
            if focus_weights:
                lexical = (FOCUS_SHARE * _cover(focus_weights, words, above | document, sentence.is_item)
                           + (1 - FOCUS_SHARE) * lexical)
                heading = FOCUS_SHARE * _heading_fit(focus_weights, above) + (1 - FOCUS_SHARE) * heading
            vector = passage.sentence_vectors.get(position)
            if vector is not None and query_vector is not None:
                meaning = float(vector @ query_vector)
                if focus_vector is not None:
                    meaning = FOCUS_SHARE * float(vector @ focus_vector) + (1 - FOCUS_SHARE) * meaning
            else:  # no sentence vectors (WIJZER_EMBED_SENTENCES off): the passage's own closeness stands in
                meaning = passage.dense_similarity or 0.0
            out.append(Candidate(rank, position, sentence, asked=float(position in passage.asked), features={
                "lexical": lexical, "heading": heading, "meaning": meaning,
                "number": float(holds_kind_asked(kind_asked, sentence.text) or defines_asked(kind_asked, sentence.text)
                                or enumerates_asked(kind_asked, sentence.text))
                * (1.0 + HEADING_KIND_BONUS * (heading_asks_kind(kinds, sentence.heading)
                                                and _heading_fit(subject, above) > 0)),
                "item": float(sentence.is_item), "rank": 1.0 / (rank + 1), "question": float(sentence.is_question),
                "passage_bm25": (passage.bm25_score or 0.0) / strongest,
                "passage_dense": passage.dense_similarity or 0.0,
            }))
    return out


def _once(chosen: list[Candidate]) -> list[Candidate]:
    """The chosen sentences without words already quoted: the same heading in two chunks ('Vertrouwenspersoon' of
    the beleidsplan's list and of its table) says nothing the first did not."""
    seen: set[str] = set()
    kept = []
    for c in chosen:
        words = " ".join(_WORD.findall(c.text.lower()))
        if words not in seen:
            seen.add(words)
            kept.append(c)
    return kept


class ExtractiveGenerator:
    name = "extractive"

    def __init__(self, ranker: LogisticModel | None = None, max_sentences: int = 3, max_items: int = 6,
                 keep_ratio: float = 0.5, sibling_ratio: float = 0.5):
        self.ranker = ranker  # None: rank by shared words alone (how `wijzer fit` starts)
        # A further sentence must be at least this likely, relative to the best one, to hold the answer;
        # a list item beside a chosen one at least `sibling_ratio` as likely.
        self.keep_ratio = keep_ratio
        self.sibling_ratio = sibling_ratio
        self.max_sentences = max_sentences
        self.max_items = max_items

    @classmethod
    def fitted(cls, path: Path = RANKER_PATH) -> "ExtractiveGenerator":
        ranker = LogisticModel.load(path)
        return cls(ranker, **{k: v for k, v in ranker.params.items() if k in SELECTION_PARAMS})

    def score(self, candidate: Candidate) -> float:
        """A log-likelihood: differences between two sentences' scores are what count."""
        if self.ranker is None:
            return math.log(max(1e-6, candidate.features["lexical"] + 0.12 * candidate.features["rank"]))
        return self.ranker.logit(candidate.features) + ASKED_BONUS * candidate.asked

    def generate(self, question: str, passages: list[Passage], lexicon: BM25Index, focus: str | None = None,
                 query_vector: np.ndarray | None = None, focus_vector: np.ndarray | None = None,
                 part_vectors: dict[str, np.ndarray] | None = None) -> Draft:
        found = candidates(question, passages, lexicon, focus, query_vector, focus_vector)
        if not found:
            return Draft(text="")
        for c in found:
            c.score = self.score(c)
        scored = sorted(found, key=lambda c: c.score, reverse=True)
        best = scored[0].score
        good_enough = best + math.log(self.keep_ratio)
        chosen = [c for c in scored[: self.max_sentences] if c.score >= good_enough]
        chosen += self._best_per_part(focus or question, passages, lexicon, query_vector, found, chosen,
                                      part_vectors or {})
        named = self._named_list(focus or question, lexicon, passages, found, chosen)
        chosen += named
        chosen += self._table_labels(focus or question, lexicon, passages, found, chosen)
        # an item that only names what was asked ('VUCA' for 'Waar staat VUCA voor?') is the term whose
        # list beside it answers, as is an item of the list whose heading was asked for: all of that list
        # comes along, not only the items that score as well
        asked = {w.lower() for w in _WORD.findall(question)}
        naming = {id(c) for c in chosen if c.is_item and {w.lower() for w in _WORD.findall(c.text)} <= asked}
        naming |= {id(c) for c in named}
        chosen = self._with_list_items(chosen, found, best + math.log(self.sibling_ratio), naming)
        chosen += self._followers(scored[0], chosen, found)
        chosen += self._restated_sources(chosen, found, passages)
        chosen.sort(key=lambda c: (c.passage, c.position))
        draft = self._format(_once(chosen), passages)
        draft.support = max(c.features["lexical"] for c in chosen)
        draft.meaning = max(c.features["meaning"] for c in chosen)
        draft.confidence = best
        if asks_kind(kind_question(question, focus)):
            draft.kind = 1.0 if any(c.features["number"] for c in chosen) else -1.0
        return draft

    def write(self, question: str, passages: list[Passage], draft: Draft) -> Writing:
        return Writing.done(draft)

    @staticmethod
    def _named_list(asked: str, lexicon: BM25Index, passages: list[Passage], found: list[Candidate],
                    chosen: list[Candidate]) -> list[Candidate]:
        """When what was asked is exactly what a list's heading names, with its document's title at most
        ('En wat zijn de don'ts?', "Wat zijn de do's op de hulpkaart?"), the best item of that list: its other
        items come along with it (_with_list_items). What is asked may come with a clause that sets its scene
        ('Wat kun je beter niet doen als het in een college begint te rommelen?'): the heading names what is
        asked without it."""
        asked_as = [_naming_weights(lexicon, text) for text in dict.fromkeys((asked, asking_part(asked)))]
        documents = [_document_words(lexicon, p) for p in passages]
        named = [c for c in found if c.is_item and c.sentence.heading and not c.sentence.stacked
                 and any(weights and _heading_fit(weights, set(lexicon.tokenize(c.sentence.heading)),
                                                  documents[c.passage]) >= HEADING_NAMES for weights in asked_as)]
        if not named or any(c.is_item and c.sentence.heading == named[0].sentence.heading for c in chosen):
            return []
        return [max(named, key=lambda c: c.score)]

    @staticmethod
    def _table_labels(asked: str, lexicon: BM25Index, passages: list[Passage], found: list[Candidate],
                      chosen: list[Candidate]) -> list[Candidate]:
        """When what was asked is what a table's label column asks ('Welke waarden hebben prioriteit voor
        wethouders?' and the column "Welke waarden hebben prioriteit?" of the wethouders' table), its labels
        answer: the first item of each row, which is quoted under its label ('Lef: ...'). The table's place
        (its passage's section and document) may name the rest of the question; the best-scoring table wins.
        A table also answers when as many are asked for as it has rows, of what its label column names ('welke
        4 waarden zijn het belangrijkst?')."""
        weights = _naming_weights(lexicon, asked)
        counted = [(n, set(lexicon.tokenize(noun))) for n, noun in _counted(asked)]
        tables: dict[tuple[int, str], list[Candidate]] = {}
        for c in found:
            if c.is_item and c.sentence.label and " | " in c.sentence.heading:
                tables.setdefault((c.passage, c.sentence.heading), []).append(c)
        fitting = []
        for (passage, heading), rows in tables.items():
            chunk = passages[passage].chunk
            place = set(lexicon.tokenize(f"{chunk.doc.title} {chunk.doc.kind} {chunk.section}"))
            column = set(lexicon.tokenize(heading.split(" | ")[0]))
            labels = len({c.sentence.label for c in rows})
            named = _heading_fit(weights, column, place) >= HEADING_NAMES
            as_many = any(n == labels and any(compound_match(t, column) for t in noun) for n, noun in counted)
            if labels > 1 and (named or as_many):
                fitting.append(rows)
        if not fitting:
            return []
        rows = max(fitting, key=lambda group: max(c.score for c in group))
        firsts = {}
        for c in sorted(rows, key=lambda c: c.position):
            firsts.setdefault(c.sentence.label, c)
        return [c for c in firsts.values() if c not in chosen]

    def _best_per_part(self, asked: str, passages: list[Passage], lexicon: BM25Index, query_vector: np.ndarray | None,
                       found: list[Candidate], chosen: list[Candidate],
                       part_vectors: dict[str, np.ndarray]) -> list[Candidate]:
        """For a question that asks several things, the best sentence for each part not yet quoted: the part's
        words, kind of answer and meaning (its own embedding when retrieval made one) decide, the passages' ranks
        still count."""
        extra: list[Candidate] = []
        for part in question_parts(asked):
            own = candidates(part, passages, lexicon, None, part_vectors.get(part, query_vector))  # same order
            for c in own:
                c.score = self.score(c)
            best = max(range(len(own)), key=lambda i: own[i].score)
            if own[best].features["lexical"] > 0 and found[best] not in chosen and found[best] not in extra:
                extra.append(found[best])
        return extra

    @staticmethod
    def _restated_sources(chosen: list[Candidate], found: list[Candidate], passages: list[Passage]) -> list[Candidate]:
        """A rule summary of ours that restates another document ('De Wethoudersvereniging wil de deeltijdfactor
        ... afschaffen', from the beleidsplan) brings along the retrieved sentence of that document closest to
        it in meaning, when it is that close (RESTATES) and shares a word with the question: the member sees the
        association's own words and where they stand, not only our summary of them."""
        extra: list[Candidate] = []
        for c in chosen:
            vector = passages[c.passage].sentence_vectors.get(c.position)
            if passages[c.passage].chunk.doc.kind not in SUMMARY_KINDS or vector is None:
                continue
            sources = [(float(vector @ v), d) for d in found
                       if passages[d.passage].chunk.doc.kind not in SUMMARY_KINDS and d.features["lexical"] > 0
                       and (v := passages[d.passage].sentence_vectors.get(d.position)) is not None]
            if sources:
                similarity, source = max(sources, key=lambda pair: pair[0])
                if similarity >= RESTATES and source not in chosen and source not in extra:
                    extra.append(source)
        return extra

    @staticmethod
    def _followers(best: Candidate, chosen: list[Candidate], found: list[Candidate]) -> list[Candidate]:
        """Sentences right after chosen ones under the same heading, not quoted yet. After the best one, always: it
        goes on about what the best one named, and often holds what was asked ('Een wethouder moet in de gemeente
        wonen (ingezetenschap). De gemeenteraad kan ontheffing verlenen.'; until session 22 only one that pointed
        back came along; any next sentence carried 6 more of 847 questions' facts and lost none). After any other
        chosen one, and after the best one's follower, only when it points back ('Zij pleit voor (mantel)zorgverlof
        ... Deze vormen van verlof bestaan nu nog niet voor wethouders.'): it says what holds of what that one
        named."""
        at = {(c.passage, c.position): c for c in found}

        def after(c: Candidate) -> Candidate | None:
            nxt = at.get((c.passage, c.position + 1))
            if c.is_item or nxt is None or nxt.is_item or nxt.sentence.heading != c.sentence.heading:
                return None
            return nxt

        extra: list[Candidate] = []
        follower = after(best)
        if follower is not None and follower not in chosen:
            extra.append(follower)
        for c in [*chosen, *extra]:
            nxt = after(c)
            if nxt is not None and nxt not in chosen and nxt not in extra and POINTS_BACK.match(nxt.text):
                extra.append(nxt)
        return extra

    def _with_list_items(self, chosen: list[Candidate], found: list[Candidate], good_enough: float,
                         naming: set[int] = frozenset()) -> list[Candidate]:
        """A sentence that introduces a list ('We lobbyen onder meer voor:') brings its items along, a
        chosen list item brings the items beside it under the same heading that fit as well (all the
        don'ts, not the first two), and a title-page line the lines right beside it ('Jeroen van Gool',
        'Directeur Wethoudersvereniging')."""
        keep = list(chosen)

        def room(passage: int) -> bool:
            return len([k for k in keep if k.passage == passage and k.is_item and not k.sentence.stacked]) < self.max_items

        for sentence in list(chosen):
            if sentence.sentence.stacked:  # a title-page line: the name and the role beside it belong together
                for line in found:
                    if (line.passage == sentence.passage and line.sentence.stacked
                            and abs(line.position - sentence.position) == 1 and line not in keep):
                        keep.append(line)
            if sentence.text.endswith(":"):
                # the list it announces, up to max_items of its own: items quoted from other lists of the passage
                # do not take its room ('We lobbyen onder meer voor:' and its five items after three others)
                items = [c for c in found if c.passage == sentence.passage and c.position > sentence.position]
                for count, item in enumerate(items):
                    if not item.is_item or count >= self.max_items:
                        break
                    if item not in keep:
                        keep.append(item)
            elif sentence.is_item and sentence.sentence.heading and not sentence.sentence.stacked:
                # Of a labelled table ('Lef: ...', 'Gemeenschappelijkheid: ...') every row's first item comes
                # before a row's further items: with room for six, all four rows are named, not two rows whole.
                named = {k.sentence.label for k in keep if k.passage == sentence.passage}
                firsts: dict[str, Candidate] = {}
                for c in found:
                    if (c.passage == sentence.passage and c.sentence.label and c.sentence.label not in named
                            and c.sentence.heading == sentence.sentence.heading):
                        firsts.setdefault(c.sentence.label, c)
                for item in [*firsts.values(), *(c for c in found if c not in firsts.values())]:
                    if (item.passage == sentence.passage and item.is_item and not item.sentence.stacked
                            and item.sentence.heading == sentence.sentence.heading
                            and (item.score >= good_enough or id(sentence) in naming)
                            and item not in keep and room(sentence.passage)):
                        keep.append(item)
        return keep

    def _format(self, chosen: list[Candidate], passages: list[Passage]) -> Draft:
        numbers: dict[int, int] = {}
        quotes: dict[int, list[str]] = {}
        lines: list[str] = []
        paragraph: list[str] = []
        label = None
        for c in chosen:
            n = numbers.setdefault(c.passage, len(numbers) + 1)
            if c.is_item:
                if paragraph:
                    lines.append(" ".join(paragraph))
                    paragraph = []
                # An item of a labelled table row says what it is about by its label ('Lef: ...').
                text = f"{c.sentence.label}: {c.text}" if c.sentence.label and c.sentence.label != label else c.text
                label = c.sentence.label
                quotes.setdefault(c.passage, []).append(text)
                lines.append(f"- {text} [{n}]")
            else:
                quotes.setdefault(c.passage, []).append(c.text)
                paragraph.append(f"{c.text} [{n}]")
        if paragraph:
            lines.append(" ".join(paragraph))
        citations = []
        for index, n in sorted(numbers.items(), key=lambda item: item[1]):
            chunk = passages[index].chunk
            citations.append(Citation(
                n=n, document=chunk.doc.title, source=chunk.doc.source, page=chunk.page, section=chunk.section,
                quote=" … ".join(quotes[index]),
            ))
        return Draft(text="\n".join(lines), citations=citations)
