"""Holds a language model's answer to the passages it was given.

The model sees each passage as its quotable sentences (assistant.sentences.split), numbered [1], [2], ...;
a sentence of a passage that tries to instruct the model is left out before the model sees it, so it can
neither steer the answer nor support one. After generation every sentence of the answer is checked:

- markers that point to no passage are removed, and a sentence left without a marker is dropped;
- every number (digits or number words), month and name in it must occur in a passage it cites;
- a sentence that denies what the passage sentence it rests on states (or the other way round) is dropped;
- the content words of the sentence must be found in the passages it cites, at least WIJZER_LLM_MIN_SUPPORT
  of them (measured on eval/grounding.yaml by `python -m eval.grounding`: how many true sentences it drops, how many
  invented ones it lets through).

What is left is the answer, its markers renumbered in the order the citations are listed; each citation
quotes, word for word, the sentences of its passage that the answer's sentences rest on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.bm25 import Tokenizer
from assistant.language import NUMBER_WORDS, compound_match
from assistant.models import Citation, Passage
from assistant.routing import instructs
from assistant.sentences import Sentence, split

_MARKER = re.compile(r"\s*\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
# Where a sentence of the answer ends: after . ! or ? and any markers, before white space and a capital.
_END = re.compile(r"[.!?](?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])*(?=\s+[A-Z0-9À-Ý\"'(‘])")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORD = re.compile(rf"\b({NUMBER_WORDS})\b", re.IGNORECASE)
_MONTH = re.compile(r"\b(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\b",
                    re.IGNORECASE)
# A capitalised word inside a sentence is a name ('Wethoudersvereniging', 'Boomgaars', 'VUCA'); the polite
# 'U' and 'Uw' are not.
_NAME = re.compile(r"(?<=[\s(\"'‘])([A-Z][\w'-]+)")
_NOT_NAMES = {"U", "Uw", "Ik", "Dit", "De", "Het", "Een"}
_NEGATION = re.compile(r"\b(niet|geen|nooit|niets|niemand|noch|not|no|never)\b", re.IGNORECASE)
# Words that say little about what a sentence claims, and that a fluent answer uses where the passage has
# another word ('duurt' where it says 'eindigt'): they do not count towards support.
_LIGHT = {"duurt", "duren", "dag", "dagen", "krijgt", "krijgen", "komt", "komen", "kiest", "kiezen", "telt", "tellen",
          "geeft", "geven", "gaat", "gaan", "staat", "staan", "maakt", "maken", "zegt", "zeggen", "daarmee", "daarbij",
          "dus", "echter", "alleen", "wel", "zelf"}
# The model says that the passages do not answer the question.
SAYS_NOT_FOUND = re.compile(r"\b(staat niet in de (documenten|passages|bronnen)|niet in de (documenten|passages) (staat|vermeld))"
                            r"|\b(documenten|passages) (geven|bevatten) geen (antwoord|informatie)", re.IGNORECASE)

_UNITS = {"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9}
_TEENS = {"tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
          "zeventien": 17, "achttien": 18, "negentien": 19, "honderd": 100, "duizend": 1000, "miljoen": 1_000_000}
_TENS = {"twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80,
         "negentig": 90}


def number_value(word: str) -> int | None:
    """The value of a Dutch number word ('negenendertig' -> 39), or None."""
    word = word.lower()
    if word in _UNITS:
        return _UNITS[word]
    if word in _TEENS:
        return _TEENS[word]
    for tens, value in _TENS.items():
        if word.endswith(tens):
            unit = word[: -len(tens)]
            if not unit:
                return value
            if unit.endswith("en") and unit[:-2] in _UNITS:
                return value + _UNITS[unit[:-2]]
    return None


def numbers(text: str) -> set[str]:
    """Every number in the text as digits: '1.200' and '1200' alike, 'zestien' as '16'."""
    found = {m.group().replace(".", "").replace(",", ".").rstrip(".") for m in _DIGITS.finditer(text)}
    for m in _NUMBER_WORD.finditer(text):
        value = number_value(m.group())
        if value is not None:
            found.add(str(value))
    return found


def _negated(text: str) -> bool:
    """Whether the text denies rather than states: an odd number of negations ('niet ... niet' states)."""
    return len(_NEGATION.findall(text)) % 2 == 1


@dataclass
class Source:
    """A passage as the model is shown it: number, the passage, and its sentences that may be quoted."""

    n: int
    passage: Passage
    sentences: list[Sentence]

    def text(self) -> str:
        lines: list[str] = []
        for s in self.sentences:
            if s.is_item:
                lines.append(f"- {s.text}")
            elif lines and not lines[-1].startswith("- "):
                lines[-1] += " " + s.text
            else:
                lines.append(s.text)
        return "\n".join(lines)


def sources(passages: list[Passage]) -> list[Source]:
    """The passages numbered for the model, without the sentences that try to instruct it."""
    out = []
    for passage in passages:
        kept = [s for s in split(passage.chunk.text, passage.chunk.section) if not instructs(s.text)]
        if kept:
            out.append(Source(len(out) + 1, passage, kept))
    return out


@dataclass
class Claim:
    """A sentence of the answer, with the passages it cites and why it was dropped (None: kept)."""

    text: str
    cites: list[int]  # numbers of the sources it cites
    item: bool = False
    new_line: bool = False
    dropped: str | None = None  # 'uncited', 'fact', 'unsupported', 'negation', 'not_found'
    rests_on: list[tuple[int, str]] = field(default_factory=list)  # (source, sentence) it rests on


@dataclass
class Verdict:
    text: str  # the answer with its kept sentences, markers renumbered
    citations: list[Citation]
    claims: list[Claim]
    says_not_found: bool  # the model said the passages do not answer

    @property
    def kept(self) -> list[Claim]:
        return [c for c in self.claims if c.dropped is None]

    @property
    def dropped(self) -> list[Claim]:
        return [c for c in self.claims if c.dropped is not None]


def claims(answer: str) -> list[Claim]:
    """The answer's sentences, each with the passage numbers its markers give (unknown ones too)."""
    out: list[Claim] = []
    for line in answer.splitlines():
        if not line.strip():
            continue
        item = bool(_BULLET.match(line))
        body = _BULLET.sub("", line).strip()
        start, pieces = 0, []
        for m in _END.finditer(body):
            pieces.append(body[start:m.end()])
            start = m.end()
        pieces.append(body[start:])
        first = True
        for piece in (p.strip() for p in pieces):
            if not piece:
                continue
            cites = [int(n) for m in _MARKER.finditer(piece) for n in re.split(r"[,;]", m.group(1))]
            text = _MARKER.sub("", piece).strip()
            text = re.sub(r"\s+([.!?,;:])", r"\1", text)
            if text:
                out.append(Claim(text, list(dict.fromkeys(cites)), item=item, new_line=first))
                first = False
    return out


class Grounding:
    """Checks an answer against the sources it was written from."""

    def __init__(self, min_support: float, tokenizer: Tokenizer | None = None):
        self.min_support = min_support
        self.tokenize = tokenizer or Tokenizer()

    def support(self, sentence: str, texts: list[str]) -> float:
        """The share of the sentence's content words found in the texts (as words or inside compounds)."""
        terms = set(self.tokenize.stem([w for w in self.tokenize.words(sentence) if w not in _LIGHT]))
        if not terms:
            return 0.0
        words = {w for text in texts for w in self.tokenize(text)}
        return sum(compound_match(t, words) for t in terms) / len(terms)

    def missing_facts(self, sentence: str, texts: list[str]) -> list[str]:
        """The numbers, months and names in the sentence that none of the texts holds."""
        joined = " ".join(texts)
        missing = sorted(numbers(sentence) - numbers(joined))
        lower = joined.lower()
        missing += [m.group() for m in _MONTH.finditer(sentence) if m.group().lower() not in lower]
        missing += [name for name in _NAME.findall(sentence)
                    if name not in _NOT_NAMES and name.lower() not in lower]
        return missing

    def check(self, answer: str, found: list[Source]) -> Verdict:
        by_n = {s.n: s for s in found}
        all_claims = claims(answer)
        says_not_found = False
        for claim in all_claims:
            claim.cites = [n for n in claim.cites if n in by_n]  # a marker to no passage goes
            if SAYS_NOT_FOUND.search(claim.text):
                claim.dropped, says_not_found = "not_found", True
            elif not claim.cites:
                claim.dropped = "uncited"
            else:
                texts = [self._context(by_n[n]) for n in claim.cites]
                if self.missing_facts(claim.text, texts):
                    claim.dropped = "fact"
                elif self.support(claim.text, texts) < self.min_support:
                    claim.dropped = "unsupported"
                else:
                    claim.rests_on = [(n, self._best_sentence(claim.text, by_n[n])) for n in claim.cites]
                    if not any(_negated(claim.text) == _negated(quote) for _, quote in claim.rests_on):
                        claim.dropped = "negation"  # the same words, the opposite meaning
        return self._verdict(all_claims, by_n, says_not_found)

    @staticmethod
    def _context(source: Source) -> str:
        """What a citation of the source vouches for: its sentences, and the document's title and headings."""
        chunk = source.passage.chunk
        return "\n".join([chunk.doc.title, chunk.section or "", source.text()])

    def _best_sentence(self, claim: str, source: Source) -> str:
        """The sentence of the source that shares most words with the claim: the quote that backs it."""
        terms = set(self.tokenize(claim))
        return max(source.sentences, key=lambda s: len(terms & set(self.tokenize(s.text)))).text

    @staticmethod
    def _verdict(all_claims: list[Claim], by_n: dict[int, Source], says_not_found: bool) -> Verdict:
        order: dict[int, int] = {}  # source number -> citation number, in order of first use
        quotes: dict[int, list[str]] = {}
        lines: list[str] = []
        for claim in (c for c in all_claims if c.dropped is None):
            for source, sentence in claim.rests_on:
                order.setdefault(source, len(order) + 1)
                if sentence not in quotes.setdefault(source, []):
                    quotes[source].append(sentence)
            marks = "".join(f"[{order[n]}]" for n in claim.cites)
            text = f"{claim.text} {marks}"
            if claim.item:
                lines.append(f"- {text}")
            elif claim.new_line or not lines or lines[-1].startswith("- "):
                lines.append(text)
            else:
                lines[-1] += " " + text
        citations = []
        for source, n in order.items():
            chunk = by_n[source].passage.chunk
            citations.append(Citation(n=n, document=chunk.doc.title, source=chunk.doc.source, page=chunk.page,
                                      section=chunk.section, quote=" … ".join(quotes[source])))
        return Verdict("\n".join(lines), citations, all_claims, says_not_found)
