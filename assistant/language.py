"""Word-level language helpers: where a Dutch sentence ends, English or Dutch, typo distance."""

from __future__ import annotations

import re
from functools import lru_cache

# A sentence ends at . ! or ? followed by white space and a capital, a digit or an opening quote.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9À-Ý‘'\"(])")

# Dutch adjective and verb endings ('langdurige', 'adviseert', 'bereikbaar'), and a weak past participle
# ('verhoogd', 'betaald', 'geanalyseerd'; not a noun in -eid such as 'beleid'): such a word says how
# something is or what is done, not what is asked about.
DESCRIBING_WORD = re.compile(r"(ige|ig|lijke|lijk|eert|eren|isch|ische|baar|bare)$"
                             r"|^(ge|ver|her|be|ont)\w{3,}(?<!ei)[dt]$")

_ENGLISH = {"the", "is", "are", "an", "of", "for", "how", "what", "which", "who", "does", "do", "can", "my", "i",
            "to", "with", "when", "where", "why", "should", "about", "offer", "long", "much", "many"}
_DUTCH = {"de", "het", "een", "is", "van", "voor", "hoe", "wat", "welke", "wie", "ik", "mijn", "kan", "mag", "moet",
          "bij", "als", "er", "niet", "wordt", "word", "zijn", "heeft", "hebben", "ook", "nog", "dat", "die"}


# Numbers written as words count as numbers ('negenendertig waarden', 'zestien weken', 'één jaar'); 'een' does not.
_UNITS = "twee|drie|vier|vijf|zes|zeven|acht|negen"
NUMBER_WORDS = (
    r"elf|twaalf|dertien|veertien|vijftien|zestien|zeventien|achttien|negentien|tien|honderd|duizend|miljoen"
    rf"|(?:(?:een|{_UNITS})en)?(?:twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig)|{_UNITS}|één"
)
NUMBER = re.compile(rf"\d|\b({NUMBER_WORDS}|helft|kwart|procent)\b", re.IGNORECASE)


# The words a question uses for a document, alone or at the end of a compound ('waardenstuk', 'vng-presentatie').
DOCUMENT_NOUNS = "stuk document publicatie rapport blog presentatie tekst boekje brochure notitie paper slides website"


def compound_match(term: str, words: set[str]) -> bool:
    """A (stemmed) term is found among words as a word or as part of a Dutch compound, either way
    ('verlof' in 'zwangerschapsverlof'; 'bevallingsverlof' asked, 'bevalling' written)."""
    if term in words:
        return True
    return len(term) >= 5 and any(
        w.endswith(term) or w.startswith(term) or (len(w) >= 5 and (term.startswith(w) or term.endswith(w)))
        for w in words
    )


def coverage(weights: dict[str, float], words: set[str]) -> float:
    """The weighted share of the terms (term -> weight) found among the words."""
    found = sum(w for t, w in weights.items() if compound_match(t, words))
    return found / (sum(weights.values()) or 1.0)


def is_english(text: str) -> bool:
    words = re.findall(r"[a-z']+", text.lower())
    english = sum(w in _ENGLISH for w in words)
    dutch = sum(w in _DUTCH for w in words)
    return english >= 2 and english > dutch


# How often a word must occur, on wordfreq's Zipf scale (3: once per million words), in Dutch or English text
# to be a word of its own rather than a typo: 'moeder', 'klacht' and 'betaald' are not typos of the corpus's
# 'hoeder', 'kracht' and 'bepaald'; 'verenigng' (0) and 'wachtgelt' (0) are.
COMMON_WORD_ZIPF = 3.0


@lru_cache(maxsize=1 << 14)
def is_common_word(word: str) -> bool:
    """Whether a word is a common word of Dutch or English (wordfreq's lists, shipped in its package)."""
    from wordfreq import zipf_frequency

    return max(zipf_frequency(word, "nl"), zipf_frequency(word, "en")) >= COMMON_WORD_ZIPF


def within_one_edit(a: str, b: str, swaps: bool = True) -> bool:
    """True when a and b differ by at most one substitution, insertion or deletion, or (with `swaps`)
    one swap of neighbouring letters."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        swapped = (swaps and len(diff) == 2 and diff[1] == diff[0] + 1
                   and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
        return len(diff) <= 1 or swapped
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


# A question that asks two things ('Hoe lang duurt mijn verlof en loopt mijn salaris door?') is split where
# the second starts: after a question mark or a semicolon, or at 'en'/'and' before a question word or a verb
# that opens a question. Each part is searched for, and gets its own best sentence.
_OPENS_QUESTION = (r"wie|wat|wanneer|waar|waarom|hoe|hoeveel|hoelang|welk|welke|vanaf|sinds|mag|mogen|moet|moeten|"
                   r"kan|kun|kunnen|krijg|krijgt|krijgen|loopt|lopen|is|zijn|wordt|word|worden|heb|heeft|hebben|"
                   r"geldt|gelden|blijft|blijf|telt|tellen|who|what|when|where|why|how|which|does|do|are|can|will")
_PARTS = re.compile(rf"\?\s+|;\s+|,?\s+(?:en|and|maar|but)\s+(?=(?:{_OPENS_QUESTION})\b)", re.IGNORECASE)


# A clause that sets the scene of a question rather than asking it ('als ik in coma lig', 'omdat mijn moeder ziek
# is'), up to a comma or the end: a conjunction and the clause's subject ('als wethouder' is no such clause), not a
# question word at the start ('Wanneer begint ...?').
_SUBJECT = (r"(ik|je|jij|u|we|wij|ze|zij|hij|het|er|de|een|mijn|m'n|onze|ons|iemand|jullie"
            r"|i|you|they|he|she|it|my|the|a)")
_SCENE = re.compile(rf"(?<=\w)\s*,?\s+\b((als|wanneer|nu|sinds|if|when|since|after|before)\s+{_SUBJECT}\b"
                    r"|(omdat|want|terwijl|nadat|voordat|doordat|zodat|because|while)\b)[^,?]*", re.IGNORECASE)


# Where one sentence of a question ends and the next begins.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


def asking_part(question: str) -> str:
    """What a question asks, without the story told before it and the clauses that set its scene:
    'Ik lig in het ziekenhuis. Mag de burgemeester verlof voor mij aanvragen als ik in coma lig?' asks
    'Mag de burgemeester verlof voor mij aanvragen'."""
    sentences = [s for s in _SENTENCE_BREAK.split(question.strip()) if s]
    asking = next((s for s in reversed(sentences) if s.endswith("?")), sentences[-1] if sentences else "")
    return _SCENE.sub("", asking)


# A part asks when it ends in a question mark or opens as a question or a request does ('En hoe lang ...', 'Noem
# ook ...'); a part that only tells ('... draaiende moesten houden? ik denk aan de coronatijd', 'Ik ben zwanger en
# wanneer begint mijn verlof?') is the story around a question, not a second one.
_ASKS = re.compile(rf"^\s*((en|and|maar|but|of|or)\s+)?({_OPENS_QUESTION}|noem|geef|leg|vertel|could|should|would|did"
                   rf"|has|have|was|were|name|give|tell|explain|list)\b", re.IGNORECASE)


def question_parts(question: str) -> list[str]:
    """The questions a question asks, when it asks more than one; else []."""
    pieces, start = [], 0
    for separator in _PARTS.finditer(question):
        pieces.append((question[start:separator.start()], separator.group(0).startswith("?")))
        start = separator.end()
    pieces.append((question[start:], question.rstrip().endswith("?")))
    parts = [piece.strip(" ,?") for piece, marked in pieces
             if marked or _ASKS.match(_SENTENCE_BREAK.split(piece.strip())[-1])]
    parts = [part for part in parts if len(part.split()) >= 3]
    return parts if len(parts) >= 2 else []


# A phrase put between quotes ('"niet alles wat kan, mag" - wie zei dat?'): at least three words, so that the
# apostrophe of "do's" or "m'n" never opens one.
_QUOTED = re.compile(r"(?:^|(?<=[\s(:]))['‘\"“]([^'’\"”]+?)['’\"”](?=[\s,.?!:;)-]|$)")


def quoted_phrases(question: str) -> list[str]:
    """The phrases of three words or more that a question quotes."""
    return [m.group(1).strip() for m in _QUOTED.finditer(question) if len(re.findall(r"\w+", m.group(1))) >= 3]


def phrase_key(text: str) -> str:
    """A text's words only, lower-cased and joined by single spaces: where a quoted phrase is looked up."""
    return " ".join(re.findall(r"\w+", text.lower()))
