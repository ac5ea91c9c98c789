"""Lexical retrieval: BM25 over Dutch-stemmed tokens (bm25s with PyStemmer)."""

from __future__ import annotations

import math
import re
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH

from assistant.language import DESCRIBING_WORD, is_common_word, within_one_edit

# A word may hold an apostrophe: "do's" and "don'ts" are words of their own, not "do" and "don".
_TOKEN = re.compile(r"\w+(?:'\w+)*", re.UNICODE)
# Question words carry no content; the corpus is Dutch, but members also ask in English.
_EXTRA_STOP = {"wat", "hoe", "waar", "wie", "wiens", "welk", "welke", "waarom", "wanneer", "hoeveel", "kan", "ik", "je", "jij",
               "mijn", "m'n", "z'n", "zo'n", "mag", "moet",
               # and the words a question is built with ('Vanaf wanneer moet ik gaan solliciteren?', 'Kun je ...')
               "vanaf", "sinds", "gaan", "ga", "gaat", "kun", "kunt", "hebt", "word",
               # ("Welke don'ts staan er op de hulpkaart?", "Wat staat er in het beleidsplan over ...?")
               "staan", "staat", "stond", "stonden",
               # the verbs that frame what is asked, saying, naming, meaning, writing or happening ('Wat zegt het
               # beleidsplan over ...?', 'Wie heeft die publicatie geschreven?', 'Hoe heet het overleg ...?', 'Wat
               # gebeurt er met mijn uitkering?'): rare in the documents, they would weigh most and name nothing
               "zegt", "zeggen", "zei", "zeiden", "gezegd", "noemt", "noemen", "noemde", "noemden", "genoemd",
               "bedoelt", "bedoelen", "bedoeld", "bedoelde", "betekent", "betekenen", "betekende", "heet", "heten",
               "heette", "verstaan", "verstaat", "schrijft", "schrijven", "schreef", "schreven", "geschreven",
               "gebeurt", "gebeuren", "gebeurde", "gebeurd",
               # pronouns and verbs the stemmer's list lacks ('wat is het telefoonnummer van jullie'): no document
               # writes 'jullie', so it would count as a word the corpus lacks
               "jullie", "jou", "jouw", "hen", "onze", "wij", "we", "allemaal", "even", "waarvoor", "waarmee",
               "zoals", "doe", "willen", "moeten", "mogen", "zullen", "volgens"}
# The words members add when they write as they talk ('Waarom is de vereniging eigenlijk opgericht?', 'Moet ik
# nu meteen solliciteren?'): they name nothing that is asked about, yet, rare in the documents, they would weigh most.
_FILLERS = {"eigenlijk", "meteen", "gewoon", "nou", "trouwens", "precies", "ongeveer", "zomaar", "echt", "wel",
            "straks", "ooit", "soms", "nooit", "alsnog", "inmiddels", "wellicht", "misschien", "graag", "weer",
            "hoor", "joh", "erg", "heel", "nogal", "hetzelfde", "dezelfde", "binnenkort", "tegenwoordig", "ermee",
            "daarmee", "hierover", "daarover", "erover", "alvast", "bedankt", "dank", "hallo", "hoi", "beste",
            "overal", "vandaan", "ergens", "nergens", "allerlei", "tegelijk", "zelfs", "ofzo", "enzo", "enzovoort",
            "zoiets", "bijna", "überhaupt", "uberhaupt", "sowieso", "eventueel", "toevallig",
            # reflexive pronouns ('voor mezelf', 'jullie noemen jezelf'): they point at the asker or the association
            "mezelf", "mijzelf", "jezelf", "jijzelf", "zichzelf", "onszelf", "uzelf", "hemzelf", "haarzelf",
            "henzelf",
            # interjections ('ik was maar 2 maanden wethouder haha, krijg ik dan nog iets?')
            "haha", "hahaha", "hihi", "lol", "pff", "pfff", "hmm", "tja", "oke", "oké", "okay", "jeetje", "oei"}
# Pronominal adverbs ('daaraan', 'hierover', 'waarin', 'ervoor'): they point at what was said, they name nothing.
_POINTING = {f"{head}{tail}" for head in ("daar", "hier", "waar", "er")
             for tail in ("aan", "van", "over", "mee", "voor", "in", "op", "bij", "door", "na", "uit", "tegen", "toe",
                          "onder", "om", "naar", "achter", "tussen", "langs", "vandaan")}
# English function words: an English question would otherwise be weighed by 'my', 'when' and 'same', which no
# Dutch document holds, instead of by what it asks about.
_ENGLISH_STOP = {"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no",
                 "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this",
                 "to", "was", "will", "with", "what", "how", "which", "who", "whom", "when", "where", "why", "do",
                 "does", "did", "can", "could", "should", "would", "may", "might", "must", "have", "has", "had", "get",
                 "gets", "got", "my", "me", "i'm", "im", "i've", "i'd", "we", "our", "us", "you", "your", "he",
                 "she", "his", "her", "him", "its", "same", "most", "much", "many", "any", "some", "also", "about",
                 "from", "after", "before", "during", "while", "just", "really", "actually", "please", "than",
                 "so", "too", "very", "here", "take", "make", "there's", "what's", "am", "been", "being", "out", "up"}


# A word whose stem at most TYPO_RARE texts hold may still be a typo: corrected when TYPO_MARGIN times as many texts
# hold its neighbour's stem.
TYPO_RARE = 2
TYPO_MARGIN = 5

_ACRONYM = re.compile(r"\b[A-Z]{3,}\b")
# 'Wat houdt dat in?', 'wat houdt het vangnet precies in': the verb frames what is asked, as 'betekent' does (a stop
# word); elsewhere 'houdt' says something ('houdt contact', 'houdt rekening met'), so only in this frame it drops.
_FRAMING = re.compile(r"\b(houdt|houden)\b(?=.*\bin\b\W*$)", re.IGNORECASE)
# Endings of inflected Dutch words, to tell an unknown form of a known word from a typo.
_ENDINGS = ("t", "d", "e", "s", "en", "de", "te", "er", "ers", "ende")
# The first part of a separable verb ('opstappen', 'aftreden'): a compound's head though no word on its own.
_PARTICLES = ("op", "af", "aan", "in", "uit", "mee", "door", "over", "toe", "terug", "weg", "bij", "na", "om",
              "neer", "voor", "achter", "samen", "vast", "los")
# A compound's parts may be joined by a linking -s- or -e(n)- ('zwangerschapsverlof', 'ledenaantal').
_LINKS = ("", "s", "e", "en")
# How many words before a particle its verb may stand ('Treden zoveel wethouders af').
REJOIN_SPAN = 4
# A particle that ends its clause: before a punctuation mark, the end, or a conjunction ('... af of worden ...').
_CLAUSE_END_PARTICLE = re.compile(rf"\b({'|'.join(_PARTICLES)})(?=\s*([.,;:!?)]|$)|\s+(of|en|maar|want|dat|omdat)\b)")


# Plurals the stemmer does not bring back to their singular ('raadsleden' -> 'raadsleed', not 'raadslid'; 'steden'
# -> 'steed'): a question about a 'raadslid' then finds the documents' 'raadsleden'. Not the words that only end
# alike ('geleden', 'verleden', 'overleden').
_IRREGULAR = (("leden", "lid"), ("steden", "stad"))
_ALIKE = ("geleden", "verleden", "overleden", "bekleden", "gleden", "bestreden", "getreden", "overschreden", "besteden")
# The participles of strong verbs, whose stem the stemmer keeps apart from the verb's ('geholpen' -> 'holp', 'helpt'
# -> 'help'): each as written without 'ge-', with its infinitive. They are found after 'ge-' and a separable particle
# ('opgenomen'), or after an inseparable prefix ('ontslagen', 'verkozen', 'besloten').
_STRONG = {"holpen": "helpen", "sproken": "spreken", "kregen": "krijgen", "nomen": "nemen", "bleven": "blijven",
           "schreven": "schrijven", "geven": "geven", "lezen": "lezen", "vonden": "vinden", "bonden": "binden",
           "dwongen": "dwingen", "wonnen": "winnen", "kozen": "kiezen", "boden": "bieden", "sloten": "sluiten",
           "noten": "genieten", "dacht": "denken", "bracht": "brengen", "zocht": "zoeken", "kocht": "kopen",
           "wezen": "wijzen", "reden": "rijden", "streden": "strijden", "stegen": "stijgen", "zwegen": "zwijgen",
           "keken": "kijken", "storven": "sterven", "worven": "werven", "worpen": "werpen", "golden": "gelden",
           "houden": "houden", "lopen": "lopen", "roepen": "roepen", "vallen": "vallen", "hangen": "hangen",
           "vangen": "vangen", "laten": "laten", "gaan": "gaan", "staan": "staan", "daan": "doen", "zien": "zien",
           "slagen": "slaan", "dragen": "dragen", "vraagd": "vragen", "trokken": "trekken",
           "wogen": "wegen", "vochten": "vechten"}
_SEPARABLE = ("", "op", "af", "aan", "in", "uit", "mee", "door", "over", "toe", "terug", "weg", "bij", "na", "om",
              "neer", "voor", "achter", "samen", "vast", "los", "vrij", "tegen", "vooruit")
_INSEPARABLE = ("be", "ver", "ont", "her", "er")


@lru_cache(maxsize=1 << 16)  # called for every word tokenized; the same words come back all the time
def _base_form(word: str) -> str:
    """The form whose stem the documents and the questions share: a singular for an irregular plural, an
    infinitive for a strong verb's participle ('geholpen' -> 'helpen', 'ontslagen' -> 'ontslaan')."""
    for plural, singular in _IRREGULAR:
        if word.endswith(plural) and not word.endswith(_ALIKE):
            return word[: -len(plural)] + singular
    for core, infinitive in _STRONG.items():
        if word.endswith(core) and len(word) > len(core):
            head = word[: -len(core)]
            if head.endswith("ge") and head[:-2] in _SEPARABLE:
                return head[:-2] + infinitive
            if head in _INSEPARABLE:
                return head + infinitive
    return word


# Ordinals, which the stemmer makes cardinals ('zesde' -> 'zes', 'vierde' -> 'vier', 'derde' -> 'der'): 'mag er een
# zesde wethouder bij?' does not ask about 'tussen zes en vier weken'. They are kept as they are.
_ORDINALS = frozenset(("derde vierde vijfde zesde zevende achtste negende tiende elfde twaalfde dertiende veertiende "
                       "vijftiende zestiende zeventiende achttiende negentiende twintigste").split())


class Tokenizer:
    """Lower-cased word tokens without stop words, stemmed with the Snowball Dutch stemmer (not ordinals)."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("dutch")
        self._stop = set(STOPWORDS_DUTCH) | _EXTRA_STOP | _FILLERS | _POINTING | _ENGLISH_STOP

    def __call__(self, text: str) -> list[str]:
        return self.stem(self.words(text))

    def stem(self, words: list[str]) -> list[str]:
        stems = self._stemmer.stemWords([_base_form(w) for w in words])
        return [w if w in _ORDINALS else s for w, s in zip(words, stems)]

    def words(self, text: str) -> list[str]:
        """The lower-cased words that count, before stemming."""
        return self.content(self.raw(text))

    @staticmethod
    def raw(text: str) -> list[str]:
        """Every lower-cased word, stop words included."""
        return _TOKEN.findall(text.lower())

    def content(self, words: list[str]) -> list[str]:
        """The words that count: no stop words, no single letters."""
        return [w for w in words if w not in self._stop and (len(w) > 1 or w.isdigit())]


class BM25Index:
    """An in-memory BM25 index over a fixed list of texts, rebuilt when the documents change."""

    def __init__(self, texts: list[str], tokenizer: Tokenizer, boilerplate: frozenset[str] = frozenset(),
                 glossary: dict[str, list[str]] | None = None):
        self._tokenize = tokenizer
        self.boilerplate = boilerplate  # sentences that stand in several documents alike
        self._glossary = glossary or {}  # a member's word -> the words the documents use for it
        # A member's phrase (a key of several words, 'niet doen') -> the documents' words, matched on whole words.
        self._phrases = [(re.compile(rf"\b{re.escape(key)}\b"), words)
                         for key, words in self._glossary.items() if " " in key]
        # Both scan the whole vocabulary; a question's words are looked up several times while it is answered.
        self.compound_parts = lru_cache(maxsize=4096)(self._compound_parts)
        self._in_compound = lru_cache(maxsize=4096)(self._scan_in_compound)
        self.derived = lru_cache(maxsize=4096)(self._derived)
        self.neighbour = lru_cache(maxsize=4096)(self._neighbour)
        self._by_length: dict[int, list[tuple[int, str]]] | None = None  # the texts' words by length, for typos
        self._size = len(texts)
        self._model = bm25s.BM25(k1=1.2, b=0.75)
        self._words: dict[str, int] = {}  # every word as written (stop words too), with how often it occurs
        raw = [tokenizer.raw(text) for text in texts]
        for words in raw:
            for word in words:
                self._words[word] = self._words.get(word, 0) + 1
        # The verbs with a particle that the texts write whole somewhere ('afgetreden'): where they split one
        # ('Treden zoveel wethouders af ...'), the whole verb is indexed beside its parts.
        self._joinable = set(tokenizer.stem([w for w in self._words if w.startswith(_PARTICLES) and len(w) >= 7]))
        tokenized = [(tokenizer.stem(tokenizer.content(words)) + self._rejoined(text)) or ["_"]
                     for text, words in zip(texts, raw)]
        self._df: dict[str, int] = {}
        for tokens in tokenized:
            for token in set(tokens):
                self._df[token] = self._df.get(token, 0) + 1
        if texts:
            self._model.index(tokenized, show_progress=False)

    def idf(self, token: str) -> float:
        """How rare a stemmed token is in the indexed texts (unknown tokens count as rare)."""
        return float(np.log(1 + (self._size + 1) / (self._df.get(token, 0) + 0.5)))

    def tokenize(self, text: str) -> list[str]:
        return self._tokenize(text) + self._rejoined(text)

    def _rejoined(self, text: str) -> list[str]:
        """The verbs a clause splits from their particle ('Treden zoveel wethouders af of ...' -> 'aftreden'), as
        stems, where the texts also write that verb whole: a particle that ends its clause, joined with one of the
        REJOIN_SPAN words before it in that clause ('van grote waarde is voor de samenleving' joins nothing)."""
        out = []
        text = text.lower()
        for match in _CLAUSE_END_PARTICLE.finditer(text):
            clause = re.split(r"[.,;:!?()]", text[:match.start()])[-1]
            for verb in self._tokenize.raw(clause)[-REJOIN_SPAN:]:
                if len(verb) >= 4 and verb not in _PARTICLES:
                    stem = self._tokenize.stem([match.group(1) + verb])[0]
                    if stem in self._joinable and stem not in out:
                        out.append(stem)
        return out

    def _known_stem(self, word: str) -> str | None:
        """The corpus's stem of a word: its own, or that of the word without a Dutch ending ('vervangt'
        -> 'vervang'); None when the corpus knows neither."""
        stem = self._tokenize.stem([word])[0]
        if stem in self._df:
            return stem
        if word in _ORDINALS:  # not the cardinal without its ending ('zesde' is not 'zes')
            return None
        return next((word[: -len(end)] for end in _ENDINGS if word.endswith(end) and word[: -len(end)] in self._df), None)

    def _scan_in_compound(self, term: str) -> bool:
        """Whether a stemmed term the texts lack begins or ends with a word of theirs of five letters or more,
        or ends one ('zwangerschapsverlof' begins with 'zwangerschap')."""
        return any(term.endswith(w) or term.startswith(w) or w.endswith(term) for w in self._df if len(w) >= 5)

    def _derived(self, word: str) -> str | None:
        """The commonest word of the texts that shares the word's root: a common beginning of at least
        seven letters and two thirds of the word ('solliciteren' asked, 'sollicitatieplicht' written; 'zwanger' asked,
        'zwangerschap' written). None when the texts have no such word."""
        if len(word) < 6:
            return None
        need = max(7, math.ceil(0.65 * len(word)))
        root = word[:need]
        near = [w for w in self._words if w.startswith(root) and not w.isdigit()]
        if not near and len(word) >= 9:  # a typo in the root ('soliciteren' asked, 'sollicitatieplicht' written)
            near = [w for w in self._words if len(w) >= need and not w.isdigit()
                    and any(within_one_edit(word[:n], w[:need], swaps=True) for n in (need - 1, need, need + 1))]
        return max(near, key=lambda w: (self._words[w], w)) if near else None

    def _part_strength(self, part: str) -> int:
        """2: a word of the texts on its own; 1: the end of a longer word ('adres' in 'bezoekadres'); 0: neither."""
        if len(part) < 4:
            return 0
        if part in self._words or self._known_stem(part) is not None:
            return 2
        return int(any(len(w) >= len(part) + 3 and w.endswith(part) for w in self._words))

    def _compound_parts(self, word: str) -> tuple[str, str] | None:
        """A word the texts lack, split into two parts they have ('postadres' -> 'post', 'adres';
        'opstappen' -> 'op', 'stappen'; 'zwangerschapsverlof' -> 'zwangerschap', 'verlof'); a split whose
        second part is a word on its own is preferred. None when no split works."""
        found: list[tuple[int, tuple[str, str]]] = []
        for i in range(2, len(word) - 3):
            head, tail = word[:i], word[i:]
            for link in _LINKS:
                if link and not head.endswith(link):
                    continue
                stem = head[: len(head) - len(link)] if link else head
                if stem in _PARTICLES or (len(stem) >= 4 and stem in self._words):
                    strength = self._part_strength(tail)
                    if strength == 2:
                        return stem, tail
                    if strength:
                        found.append((strength, (stem, tail)))
        return found[0][1] if found else None

    def _neighbour(self, word: str) -> str | None:
        """The commonest word of the texts one typo away from the word, if any. Only words of about its length
        whose first letters could be its own after one edit are compared letter by letter."""
        if self._by_length is None:
            self._by_length = {}
            for i, w in enumerate(self._words):
                self._by_length.setdefault(len(w), []).append((i, w))
        near = [(i, w) for n in (len(word) - 1, len(word), len(word) + 1) for i, w in self._by_length.get(n, ())
                if (w[:1] == word[:1] or w[1:2] in (word[1:2], word[:1]) or w[:1] == word[1:2])
                and within_one_edit(word, w)]
        # the commonest; of equally common ones the first in the texts
        return max(near, key=lambda pair: (self._words[pair[1]], -pair[0]))[1] if near else None

    def _glossed(self, word: str) -> list[str]:
        """The documents' words for a member's word ('leave', 'club'), also in the possessive ("the aldermen's
        badge"), the plural ('valkuilen') and the diminutive ('pakketje', 'clubje')."""
        for ending in ("", "'s", "je", "tje", "en", "s"):
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                found = self._glossary.get(word[:len(word) - len(ending)])
                if found:
                    return found
        return []

    def query_terms(self, text: str) -> list[str]:
        """The stemmed terms of a question as the corpus knows them: an inflected form mapped to the corpus's
        stem ('vervangt' -> 'vervang'), a word the corpus lacks by the documents' words of the glossary
        ('leave' -> 'verlof', 'club' -> 'vereniging'), and a word the corpus lacks in every form replaced by the
        commonest corpus word one typo away ('verenigng' asked, 'vereniging' written), so a typo still finds what
        it meant, or else by the commonest corpus word of the same root ('solliciteren' asked, 'sollicitatieplicht'
        written)."""
        terms = []
        text = " ".join(self._tokenize.raw(_FRAMING.sub(" ", text)))
        # A phrase of members ('beter niet doen'): the documents' word ("don'ts") for it, in place of its words.
        # Overlapping phrases ('beter niet' in 'beter niet doen') each count, once.
        covered = [False] * len(text)
        for phrase, words in self._phrases:
            for match in phrase.finditer(text):
                covered[match.start():match.end()] = [True] * (match.end() - match.start())
                terms += [t for t in self._tokenize(" ".join(words)) if t not in terms]
        text = "".join(" " if gone else c for c, gone in zip(text, covered))
        for word in self._tokenize.content(self._tokenize.raw(text)):
            known = self._known_stem(word)
            glossed = self._glossed(word) if word not in self._words else []
            if glossed:  # a word of members, not of the documents: the documents' words
                terms += self._tokenize(" ".join(glossed))
                continue
            rare = known is None or self._df.get(known, 0) <= TYPO_RARE
            if rare and word not in self._words and len(word) >= 5 and not is_common_word(word):
                best = self.neighbour(word)
                # the corrected word may be a stop word ('hoevel' -> 'hoeveel'): then it drops out
                corrected = self._tokenize.content([best]) if best is not None else []
                # A typo, also when its stem happens to be that of rarer words ('leeden' stems as 'geleden' and
                # 'leed' do; the documents write 'leden' far more often): corrected to the common neighbour.
                if best is not None and (known is None or self._df.get(self._tokenize.stem(corrected or [best])[0], 0)
                                         >= TYPO_MARGIN * self._df.get(known, 0)):
                    terms += self._tokenize.stem(corrected)
                    continue
            stem = self._tokenize.stem([word])[0]
            unrelated = known is None and not self._in_compound(stem)
            parts = self.compound_parts(word) if unrelated else None
            # Also a verb the texts write without its particle ('uitonderhandelen', 'onderhandelen' written): as
            # written it matches nothing. (Not a compound noun of two words of theirs, 'zwangerschapsverlof': split,
            # its common half 'verlof' outweighs what is asked, 'Wie vervangt mij als ik met zwangerschapsverlof ga?')
            if known is None and not parts and (split := self.compound_parts(word)) and split[0] in _PARTICLES:
                parts = split
            if parts:  # a compound the texts do not write, of short words they do: searched as its parts
                terms += self._tokenize.stem(self._tokenize.content(parts))
                continue
            derived = self.derived(word) if unrelated else None
            if derived:  # another form of the same root ('solliciteren' asked, 'sollicitatieplicht' written)
                terms += self._tokenize.stem([derived])
                continue
            terms.append(known or stem)
        return terms

    def term_weights(self, text: str) -> dict[str, float]:
        """The question's terms (as query_terms gives them), each weighted by how rare it is."""
        return {t: self.idf(t) for t in set(self.query_terms(text))}

    def knows_acronym(self, text: str) -> bool:
        """Whether the text names an acronym the indexed texts use ('VUCA', 'ORDPA'): domain vocabulary."""
        return any(self._df.get(t, 0) > 0 for t in self._tokenize.stem([a.lower() for a in _ACRONYM.findall(text)]))

    def knows_long_word(self, text: str, min_len: int = 10) -> bool:
        """Whether the text uses a long word as the indexed texts write it, in any form ('onkreukbaarheid',
        'woonplaatsvereiste'; 'regio-ambassadeur' asked, 'regio-ambassadeurs' written): a question in the
        documents' own vocabulary is not out of scope. An adjective or verb form ('makkelijke') names nothing
        of the documents' own."""
        return any(len(w) >= min_len and not DESCRIBING_WORD.search(w)
                   and (w in self._words or self._known_stem(w) is not None)
                   for w in self._tokenize.words(text))

    def unknown_terms(self, text: str, min_len: int = 6) -> list[str]:
        """Content words of the text that occur nowhere in the indexed texts, not even as part of a
        compound: a sign that the documents do not speak of what is asked ('contributie'). Adjectives
        and verb forms ('langdurige', 'adviseert') do not count: they do not name what is asked about."""
        vocab = self._df.keys()
        unknown = []
        words = self._tokenize.words(text)
        for word, term in zip(words, self._tokenize(text)):
            if len(term) < min_len or term in self._df or DESCRIBING_WORD.search(word):
                continue
            if self._glossed(word):
                continue  # a member's word whose words the documents use ('aldermen': 'wethouders')
            if self._in_compound(term):
                continue  # part of a compound ('mantelzorgverlof', 'telefoonnummer')
            if not is_common_word(word) and any(within_one_edit(term, w, swaps=False)
                                                for w in vocab if abs(len(w) - len(term)) <= 1):
                continue  # a typo of a known word
            if self.compound_parts(word):
                continue  # a compound of known words ('postadres', 'opstappen')
            if self.derived(word):
                continue  # another form of a known root ('zwanger', 'zwangerschap')
            unknown.append(term)
        return unknown

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(position in the indexed list, score) of the best `k` texts with a score above zero."""
        tokens = [t for t in self.query_terms(query) if t in self._model.vocab_dict] if self._size else []
        if not tokens:
            return []
        scores = self._model.get_scores(tokens)
        order = np.argsort(-scores)[: min(k, self._size)]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]
