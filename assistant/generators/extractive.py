"""The extractive generator: the sentences of the retrieved passages that best answer the question,
quoted word for word with [n] markers. It needs no language model and invents nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.bm25 import BM25Index
from assistant.generators import Draft
from assistant.language import SENTENCE_END
from assistant.models import Citation, Passage

# Questions that ask for a number or a date are best answered by a sentence that holds one.
_ASKS_NUMBER = re.compile(r"^\s*(hoeveel|hoe ?veel|wanneer|in welk jaar|sinds wanneer|hoe lang|hoe hoog|how many|how much|when)\b", re.I)
_DIGIT = re.compile(r"\d")


def _matches(term: str, words: set[str]) -> bool:
    """A question term is found in a sentence as a word or as part of a Dutch compound, either way
    ('verlof' in 'zwangerschapsverlof'; 'bevallingsverlof' asked, 'bevalling' written)."""
    if term in words:
        return True
    return len(term) >= 5 and any(
        w.endswith(term) or w.startswith(term) or (len(w) >= 5 and (term.startswith(w) or term.endswith(w)))
        for w in words
    )


@dataclass
class _Sentence:
    passage: int
    position: int
    text: str
    is_item: bool
    heading: str
    cover: float = 0.0


# What a heading contributes to the sentences under it. A list item is what its heading names (the
# items under "Don'ts" are the don'ts), so the heading counts in full; a paragraph only in part.
HEADING_WEIGHT = 0.5
ITEM_HEADING_WEIGHT = 1.0
# In a follow-up, the share of a sentence's score that comes from the words just asked ("En wat zijn
# de don'ts?"); the rest comes from the whole conversation's question, which keeps it on topic.
FOCUS_SHARE = 0.7


def _cover(weights: dict[str, float], words: set[str], above: set[str], is_item: bool) -> float:
    """The weighted share of the terms found in the sentence, or in the heading above it."""
    heading_weight = ITEM_HEADING_WEIGHT if is_item else HEADING_WEIGHT
    found = sum(w if _matches(t, words) else heading_weight * w if _matches(t, above) else 0.0
                for t, w in weights.items())
    return found / (sum(weights.values()) or 1.0)


def sentences(text: str) -> list[tuple[str, bool, str]]:
    """(sentence, is list item, the heading it stands under) in reading order; headings themselves
    and fragments of a few words are left out."""
    out: list[tuple[str, bool, str]] = []
    heading = ""
    for line in text.split("\n"):
        line = line.strip()
        if line.startswith("#"):
            heading = line.lstrip("#").strip()  # a heading names a passage; it does not answer
            continue
        if line.startswith("- "):
            out.append((line[2:], True, heading))
            continue
        for sentence in SENTENCE_END.split(line):
            if sentence.endswith("?"):
                continue  # a question in the text (a heading, a table header) answers nothing
            words = len(sentence.split())
            if (words >= 4 and (sentence[-1] in ".!?:)’'\"" or len(sentence) > 80)) or (
                words >= 2 and ":" in sentence and _DIGIT.search(sentence)  # 'Telefoon: 070 221 07 70'
            ):
                out.append((sentence, False, heading))
    return out


class ExtractiveGenerator:
    name = "extractive"

    def __init__(self, max_sentences: int = 3, max_items: int = 6, rank_prior: float = 0.12, keep_ratio: float = 0.6):
        self.keep_ratio = keep_ratio  # a further sentence must cover this share of what the best one covers
        self.max_sentences = max_sentences
        self.max_items = max_items
        self.rank_prior = rank_prior

    def generate(self, question: str, passages: list[Passage], lexicon: BM25Index, focus: str | None = None) -> Draft:
        weights = {t: lexicon.idf(t) for t in set(lexicon.tokenize(question))}
        focus_weights = {t: lexicon.idf(t) for t in set(lexicon.tokenize(focus or ""))}
        number_bonus = 0.2 if _ASKS_NUMBER.search(question) else 0.0
        candidates: list[_Sentence] = []
        for rank, passage in enumerate(passages):
            for position, (text, is_item, heading) in enumerate(sentences(passage.chunk.text)):
                words = set(lexicon.tokenize(text))
                above = set(lexicon.tokenize(heading))
                cover = _cover(weights, words, above, is_item)
                if focus_weights:
                    cover = FOCUS_SHARE * _cover(focus_weights, words, above, is_item) + (1 - FOCUS_SHARE) * cover
                if cover and number_bonus and _DIGIT.search(text):
                    cover = min(1.0, cover + number_bonus)
                candidates.append(_Sentence(rank, position, text, is_item, heading, cover))
        if not candidates:
            return Draft(text="")

        scored = sorted(candidates, key=lambda s: s.cover + self.rank_prior / (s.passage + 1), reverse=True)
        best = scored[0].cover
        chosen = [s for s in scored[: self.max_sentences] if s.cover > 0 and s.cover >= self.keep_ratio * best]
        if not chosen:  # no shared words: trust the ranking and quote the top passage's opening
            chosen = [s for s in candidates if s.passage == 0][:2]
        chosen = self._with_list_items(chosen, candidates, self.keep_ratio * best)
        support = max((s.cover for s in chosen), default=0.0)
        chosen.sort(key=lambda s: (s.passage, s.position))
        return self._format(chosen, passages, support)

    def _with_list_items(self, chosen: list[_Sentence], candidates: list[_Sentence], good_enough: float) -> list[_Sentence]:
        """A sentence that introduces a list ('We lobbyen onder meer voor:') brings its items along, and
        a chosen list item brings the items beside it under the same heading that fit as well (all the
        don'ts, not the first two)."""
        keep = list(chosen)

        def room(passage: int) -> bool:
            return len([k for k in keep if k.passage == passage and k.is_item]) < self.max_items

        for sentence in chosen:
            if sentence.text.endswith(":"):
                items = [c for c in candidates if c.passage == sentence.passage and c.position > sentence.position]
                for item in items:
                    if not item.is_item or not room(sentence.passage):
                        break
                    if item not in keep:
                        keep.append(item)
            elif sentence.is_item and sentence.heading:
                for item in candidates:
                    if (item.passage == sentence.passage and item.is_item and item.heading == sentence.heading
                            and item.cover >= good_enough and item not in keep and room(sentence.passage)):
                        keep.append(item)
        return keep

    def _format(self, chosen: list[_Sentence], passages: list[Passage], support: float) -> Draft:
        numbers: dict[int, int] = {}
        quotes: dict[int, list[str]] = {}
        lines: list[str] = []
        paragraph: list[str] = []
        for sentence in chosen:
            n = numbers.setdefault(sentence.passage, len(numbers) + 1)
            quotes.setdefault(sentence.passage, []).append(sentence.text)
            if sentence.is_item:
                if paragraph:
                    lines.append(" ".join(paragraph))
                    paragraph = []
                lines.append(f"- {sentence.text} [{n}]")
            else:
                paragraph.append(f"{sentence.text} [{n}]")
        if paragraph:
            lines.append(" ".join(paragraph))
        citations = []
        for index, n in sorted(numbers.items(), key=lambda item: item[1]):
            chunk = passages[index].chunk
            citations.append(Citation(
                n=n, document=chunk.doc.title, source=chunk.doc.source, page=chunk.page, section=chunk.section,
                quote=" … ".join(quotes[index]),
            ))
        return Draft(text="\n".join(lines), citations=citations, support=support)
