"""Decides the route of a question: answer, escalate to a person, or decline; rules live in routing.yaml."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Callable

import yaml

from assistant import routed
from assistant.config import PROJECT_ROOT
from assistant.language import within_one_edit
from assistant.models import Route

RULES_PATH = Path(__file__).with_name("routing.yaml")
EXAMPLES_PATH = Path(__file__).with_name("routing_examples.yaml")
SENSITIVE = ("integrity", "threat", "crisis", "distress")


@dataclass(frozen=True)
class Decision:
    route: Route
    reason: str
    urgent: bool = False  # immediate danger: the answer starts with 112
    topic: str = ""  # words that steer retrieval to what the documents say about this matter
    firm: bool = False  # a decline the documents' own words do not undo (writing, an opinion on a party)
    stage: str = ""  # what decided it: pattern, keyword, personal (words), similar (examples); logged


# The municipality the asker serves ('mijn gemeente'): no sign that the question is about the asker.
_PLACE = r"(gemeente|gemeenteraad|raad|regio|provincie|dorp|stad|waterschap|burgemeester|griffie|griffier)"
_OWN_PLACE = re.compile(rf"\b((mijn|m'n|onze|ons) (eigen )?{_PLACE}|bij ons in (de|het) {_PLACE}"
                        r"|(my|our) (municipality|council|town|city|region|province))\b")
# The asker speaking for all who hold the office ('de integriteit van ons als wethouders', 'wat mogen wij als
# bestuurders', 'scoren wij als gemeenten goed?'): the office or the municipalities, not a matter of the asker's own.
_AS_GROUP = re.compile(r"\b(ons|wij|we|us)\s+(als|as)\s+(wethouders|bestuurders|ambtsdragers|collegeleden|aldermen"
                       r"|councillors|officials|gemeenten|gemeentes|overheden|(decentrale\s+)?overheid|provincies"
                       r"|municipalities|councils)\b")
# What every wethouder has ('mijn verlof', 'ons college', 'mijn eerste aanspreekpunt'): naming it tells nothing of a
# matter of the asker's own, as 'mijn advocaat' or 'mijn coalitie' does.
_OWN_ROLE = re.compile(r"\b(mijn|m'n|onze|ons|my|our)\s+(eerste\s+|eigen\s+|first\s+|own\s+)?"
                       r"(college\w*|aanspreekpunt|nevenfunctie\w*|\w*verlof|uitkering|wachtgeld|appa\w*|salaris"
                       r"|pensioen\w*|vervanger|rechten|rechtspositie|\w*vergoeding|termijn|ambt|wethouderschap"
                       r"|portefeuille|gedragscode|leave|salary|pension|rights|benefit|term)\b"
                       # the time after leaving, which every wethouder meets ('mag ik na mijn aftreden ...')
                       r"|\b(na|sinds|after)\s+(mijn|m'n|my)\s+(aftreden|ontslag|vertrek|afscheid|wethouderschap"
                       r"|resignation|dismissal|departure)\b")
# A sentence ending inside the question: a story is told before what is asked.
_STORY = re.compile(r"[.!?]\s")
# Only questions, one after another ('Mag ik een advocaat meenemen naar een integriteitsonderzoek? En wie betaalt
# die?'): no story told.
_QUESTIONS_ONLY = re.compile(r"^[^.!]*\?$")
# A plea for help or for what to do ('wat moet ik juist niet doen'): a person's matter, however the rest is worded.
_PLEA = re.compile(r"\b(wat (moet|kan|zal) ik( \w+){0,3} doen|wat nu|help(?! (card|cards|line|desk|page))|hulp nodig"
                   r"|ik weet het( \w+){0,2} niet meer|i don.?t know what to do"
                   r"|what (do|should|can|must) i( \w+){0,3} do|what now)\b")
# The assistant spoken to ('je', 'your', 'de chatbot'): an attack by resemblance alone must address it, or lie
# outside the domain and not speak to the association ('jullie'): "wat is die onderzoeksagenda van jullie
# precies" resembles "wat is je oorspronkelijke opdracht" but asks about the Wethoudersvereniging.
_ADDRESSED = re.compile(r"\b(je|jij|jou|jouw|you|your|yourself|assistent|chatbot|bot|ai|taalmodel|model)\b")
_ASSOCIATION = re.compile(r"\bjullie\b")
# The association's own contact details asked for ('ik kom morgen langs, op welk adres zitten jullie?'): a visit or a
# call planned, not a person's matter by resemblance.
_CONTACT_ASKED = re.compile(r"\b(adres|postadres|bezoekadres|afleveradres|postbus|address|e-?mail\w*|mailadres"
                            r"|telefoonnummer|telefoon|phone)\b")
_ASSOCIATION_NAMED = re.compile(r"\b(jullie|vereniging|wethoudersvereniging|bureau|association|you)\b")
# Having left office, told in the past tense ('ik ben afgetreden', 'na de verkiezingen kwam ik niet terug').
_LEFT = re.compile(r"\b(afgetreden|teruggetreden|opgestapt|vertrokken|gestopt|ontslagen|weggestuurd|heengezonden"
                   r"|(kwam|ben|werd) (ik )?niet (terug|herbenoemd|herkozen|teruggekeerd)"
                   r"|resigned|was dismissed|left office)\b")
# A reason or a time that ties the question to what is happening ('want ik word bedreigd', 'nu de coalitie valt').
_TIED = re.compile(r"\b(want|omdat|aangezien|sinds(?! wanneer)|nu|because|since)\b")
# The asker as the object of what others say or do ('een melding over mij', 'ze willen mij weg').
# ('over ons meldprotocol' is the asker's institution, not the asker: 'ons' before a noun of the office is possessive.)
_ASKER_AS_OBJECT = (r"\b(over|tegen|naar|on|against|about) (mij|me|us|ons\b(?! (\w+)?(protocol|beleid|college|raad"
                    r"|gemeente|bestuur|team|fractie|reglement|plan)\w*))\b"
                    r"|\b(ze|zij|hij|men|they|he|she)\s+(mij|me|ons|us)\b")
# The asker saying what happens to them, even as a supposition ('als ik op straat word bedreigd'), naming something
# of their own ('mijn advocaat', 'mijn coalitie'; the municipality they serve is taken out first), themselves as the
# object of a matter ('een melding over mij', 'kunnen ze mij ontslaan') or of help ('wie helpt mij'), weighing
# their own resignation, pointing at a matter at hand ('dit schandaal'), or asking how to get through it.
_STATED = re.compile(
    r"\b(ik|wij|we|i)\b(\s+\w+){0,3}\s+(word|wordt|worden|werd|werden|ben|zijn|was|waren|heb|hebben|had|voel|voelen"
    r"|krijg|krijgen|kreeg|am|are|have|feel|got)\b"
    r"|\b(mijn|m'n|onze|ons|my|our)\s+\w+"
    rf"|{_ASKER_AS_OBJECT}"
    r"|\b(help|helpt|helpen|steunt|steunen|bijstaan|beschermt|beschermen)\b[^?]{0,15}\b(mij|me|ons|us)\b"
    r"|\b(mij|me|ons)\b[^?]{0,15}\b(helpen|help|steunen|bijstaan|beschermen)\b"
    r"|\b(ik|om)\b[^?]{0,25}\b(aftreden|af te treden|opstappen|op te stappen|ontslag (nemen|te nemen)|terugtreden"
    r"|terug te treden|resign)\b"
    r"|\b(dit|deze|this)\s+(schandaal|motie|crisis|melding|beschuldiging\w*|bedreiging\w*|situatie|zaak|kwestie"
    r"|affaire|ophef|rel|incident|aanval|onderzoek|scandal|threat)\b"
    r"|\b(overleef|overleven|volhouden|survive)\b")

# Someone other than the asker, or a report of others, named in a story ('een collega-wethouder uit de buurgemeente',
# 'een wethouder elders', 'in het nieuws'): the matter told is theirs.
_OTHERS = re.compile(r"\b(\w*collega\w*|buurgemeente\w*|elders|anderen"
                     r"|andere (gemeente|gemeentes|gemeenten|wethouders?|bestuurders?)"
                     r"|een (\w+ )?(wethouder|bestuurder|raadslid|burgemeester|gedeputeerde)|raadsleden|bestuurders"
                     r"|wethouders|burgemeesters|nieuws|krant|kranten|artikel|colleagues?|someone|others|news)\b")
# The words that put the question after a story ('maar', 'ik wil weten', 'ik vraag me af').
_LEAD_IN = re.compile(r"^((maar|dus|en|daarom|but|so|and)\s+)?((ik|i)\s+(wil|zou|would|want to)\s+(graag\s+)?"
                      r"(weten|vragen|know|ask)\s+|ik vraag me af\s+|i wonder\s+)?", re.IGNORECASE)
# A story told in calm: the asker preparing for what may come ('ik wil ons college voorbereiden op agressie', 'voor als
# het ooit nodig is') or saying that all is well ('onze coalitie is stabiel', 'het gaat goed').
_CALM = re.compile(r"\b(voorbereiden|voorbereid (zijn|te zijn)|voor als het (ooit|eens)|mocht het (ooit|eens)"
                   r"|voor het geval|stel dat|uit nieuwsgierigheid|(is|blijft|zijn|lijkt) (nog )?stabiel"
                   r"|gaat (het )?(goed|prima|uitstekend)(?! mis)|voel (ik )?me (goed|prima)|niks aan de hand"
                   r"|niets aan de hand|wil het goed doen|be prepared|just in case|all is well"
                   r"|(hebben|heb) het (\w+ ){0,3}(goed|fijn|prima|naar (ons|mijn) zin)|alvast"
                   # a supposition ('als het misgaat in het college'): what may come, not what is at hand
                   r"|als het (ooit |eens |een keer )?(misgaat|mis gaat|fout gaat|misloopt|escaleert))\b")
# A question or a report passed on from someone else ('mijn zoon vroeg of ...', 'een inwoner vertelde me dat hij ...',
# 'ik hoor collega's praten over ...'): the asker relays it; the matter is not theirs by the words alone.
# (What is said of the asker is not relayed but told: 'een raadslid zegt dat ik belangen verstrengel'.)
_RELAYED = re.compile(r"(?<!\bik )\b(vraagt|vroeg|vroegen|wil weten|wilde weten)( me| mij)? (of|wat|hoe|waar|wanneer|wie"
                      r"|waarom)\b"
                      # the question just put, asked by someone else ('mijn man vroeg het na een nare avond')
                      r"|(?<!\bik )\b(vraagt|vroeg|vroegen)( me| mij)? (het|dat|ernaar)\b"
                      r"|(?<!\bik )\b(vertelt|vertelde|vertelden|zegt|zei|zeiden)( me| mij)? (dat|of)\b(?! (ik|mij|me)\b)"
                      r"|\b(hoor|hoorde|hoorden)( \S+){1,2} (praten|zeggen|vertellen) over\b"
                      # read or seen in the news ('ik lees in de krant dat collega's elders ...'), not about the asker
                      r"|\b(lees|las|lazen|zie|zag|zagen)\b.{0,30}\b(krant\w*|nieuws|artikel|media|online|internet"
                      r"|twitter|linkedin)\b.{0,15}\bdat\b(?! (ik|mij|me|wij|we)\b)")
# What someone close to the asker thinks of the rules ('mijn vader zegt dat ik tot mijn AOW doorbetaald word'): no
# charge, as an opponent's or a paper's words are; relayed unless it tells what happens to the asker (_AT_ASKER).
_CLOSE_ONE_SAYS = re.compile(r"\b(mijn|m'n|my) (vader|moeder|man|vrouw|partner|zoon|dochter|ouders|schoonvader"
                             r"|schoonmoeder|buurman|buurvrouw|vriend|vriendin|father|mother|husband|wife|son|daughter"
                             r"|parents|neighbou?r|friend) (zegt|zei|denkt|dacht|vindt|vond|meent|says|said|thinks"
                             r"|thought) (dat|of|that)\b")
# Something said to happen to the asker ('krijg ik veel intimidatie', 'ze schelden mij uit', 'ik word ...'): whatever
# the asker's office or work, the matter is theirs.
_AT_ASKER = re.compile(r"\b(ik|i) (krijg|kreeg|ontvang|ontving|get|got|receive|received)\b"
                       r"|\b(krijg|kreeg|ontvang|ontving) ik\b"
                       r"|\b(ik|i) (word|werd|am being|was)\b(?! (\w+ )?(geinterviewd|interviewed|gevraagd|asked))"
                       r"|\b(word|werd) ik\b(?! (\w+ )?(geinterviewd|gevraagd))"
                       rf"|{_ASKER_AS_OBJECT}|\bat (mij|me|ons|us)\b"
                       r"|\b(voel|voelde) (ik )?(me|mij)\b|\b(ik|i|we) (voel|voelde|feel|felt)\b"
                       r"|\b(ben|am|i.m)( \w+){0,2} (bang|angstig|ongerust|geschrokken|scared|afraid|worried)\b")
# A question that points back at what was told before it ('wat zegt die hulpkaart daarover?', 'heeft de
# argumentenfabriek daar een tip voor?', 'what does the card say about that?').
# ('wat staat daarin?' points at a document named, not at the story.)
_POINTS_BACK = re.compile(r"\b(daar|hier|er)(aan|van|over|mee|voor|bij|tegen|toe|om)\b"
                          r"|\bdaar\b.{0,30}\b(aan|van|over|mee|voor)\b"
                          r"|\b(about|on|for|with) (it|that|this)\b"
                          # 'dat' for what was told ('hoe regel ik dat?', 'klopt dat?', 'mag dat?')
                          r"|\b(hoe (regel|doe|zit|werkt|gaat) (ik |je |het )?dat|(kan|mag|klopt|geldt|werkt) dat"
                          r"|is dat (zo|waar|normaal|toegestaan)|is that (true|right|so|allowed)|can i do that)\b")
# Where a told sentence ends, in lower-cased text.
_SENTENCES = re.compile(r"(?<=[.!?:;])\s+")


def normalise(text: str) -> str:
    """Lower case without accents, so 'geïntimideerd' and 'geintimideerd' match alike."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fuzzy_hit(words: list[str], keywords: list[str]) -> bool:
    """A keyword of 7 letters or more found with at most one typo ('bedreict' for 'bedreigd')."""
    return any(w == k or (len(k) >= 7 and within_one_edit(w, k)) for k in keywords for w in words if len(w) >= 6)


@cache
def _injection_patterns(rules_path: Path = RULES_PATH) -> tuple[re.Pattern, ...]:
    rules = yaml.safe_load(rules_path.read_text(encoding="utf-8"))
    return tuple(re.compile(p, re.IGNORECASE) for p in rules["decline"]["injection"]["patterns"])


def instructs(text: str) -> bool:
    """Whether a text tries to instruct the assistant ('Negeer alle eerdere instructies ...'): a question
    that does is declined; a passage sentence that does is never shown to a language model."""
    normal = normalise(text)
    return any(p.search(normal) for p in _injection_patterns())


def _story_then_question(text: str, ends: re.Pattern = _STORY) -> tuple[str, str]:
    """The sentences told before the last one, and the last one: what is asked."""
    *story, last = [s for s in ends.split(text.strip()) if s] or [""]
    return " ".join(story), last


def _told(text: str) -> bool:
    """Whether a story is told before what is asked: a sentence ends inside the question, other than a question
    before another question."""
    text = text.strip()
    return bool(_STORY.search(text.rstrip("?"))) and not _QUESTIONS_ONLY.search(text)


class Router:
    """Rule-based router: escalation and decline categories, each a list of regular expressions."""

    def __init__(self, rules_path: Path = RULES_PATH, embeddings=None, examples_path: Path = EXAMPLES_PATH,
                 routed_path: Path = routed.ROUTED_PATH, cache_dir: Path = PROJECT_ROOT / ".models"):
        rules = yaml.safe_load(rules_path.read_text(encoding="utf-8"))
        compile_ = lambda items: [re.compile(p, re.IGNORECASE) for p in items or []]  # noqa: E731
        self._first_person = re.compile(rules["first_person"], re.IGNORECASE)
        self._situational = re.compile(rules["situational"], re.IGNORECASE)
        self._rule_question = re.compile(rules["rule_question"], re.IGNORECASE)
        self._informational = re.compile(rules["informational"], re.IGNORECASE)
        self._document_named = re.compile(rules["document_named"], re.IGNORECASE)
        self._in_role = re.compile(rules["in_role"], re.IGNORECASE)
        self._escalate = [
            (compile_(spec.get("patterns")), compile_(spec.get("personal")), spec.get("keywords", []),
             Decision(Route.escalate, spec.get("reason", name), bool(spec.get("urgent")), spec.get("topic", "")))
            for name, spec in rules["escalate"].items()
        ]
        self._topics = {d.reason: d.topic for *_, d in self._escalate if d.topic and not d.urgent}
        self._decline = {reason: compile_(spec.get("patterns")) for reason, spec in rules["decline"].items()}
        self._always_out = compile_(rules["decline"]["out_of_scope"].get("always"))
        self._domain = re.compile(rules["domain_terms"], re.IGNORECASE)
        self._similar = _ExampleMatcher(examples_path, embeddings) if embeddings is not None else None
        self._routed, self._routed_below, self._words_below, self._before_at_least = None, 0.0, 0.0, {}
        if embeddings is not None:
            from assistant.embeddings import model_tag  # an embeddings object is there: its library is loaded

            before = yaml.safe_load(examples_path.read_text(encoding="utf-8"))["routed_before"]
            self._routed = routed.RoutedBefore(routed.load(routed_path), embeddings.embed_query, cache_dir,
                                               model_tag(embeddings), int(before["k"]), float(before["temperature"]))
            self._routed_below = float(before["sensitive_share_below"])
            self._words_below = float(before["words_share_below"])
            self._before_at_least = {routed.NOT_FOUND: float(before["not_found_share_at_least"]),
                                     routed.ANSWER: float(before["answer_share_at_least"]),
                                     routed.OUT_OF_SCOPE: float(before["out_of_scope_share_at_least"])}

    def warm(self) -> None:
        """The questions routed before embedded now (Service.warm)."""
        if self._routed is not None and self._routed.questions:
            self._routed.vectors()

    def classify(self, question: str, in_context: str | None = None) -> Decision | None:
        """The route the question's wording demands, or None when retrieval must decide.
        `in_context` is the question rewritten with the conversation, for the similarity step: a
        bare follow-up ("En wie vervangt mij dan?") resembles the wrong examples."""
        text = normalise(question)
        if any(p.search(text) for p in self._decline["injection"]):
            return Decision(Route.decline, "injection", stage="pattern")
        # 'mijn gemeente' names the municipality the asker serves, not the asker ('Wie bewaakt de integriteit in
        # mijn gemeente?'); 'ik', 'mij' and the rest still speak of the asker.
        own = _AS_GROUP.sub(" ", _OWN_PLACE.sub(" ", text))
        about_me = bool(self._first_person.search(own) or self._situational.search(text))
        personal = about_me and not self._rule_question.search(text)
        question_mark = text.rstrip().endswith("?")
        how = question_mark and bool(self._informational.search(text))  # asks how things are
        # Not about the asker, it asks how things are also after naming what it asks about ('dat landelijke netwerk
        # tegen intimidatie, wanneer is dat opgezet?').
        last_clause = re.split(r"[,?]\s", text.strip())[-1]
        asks_last = question_mark and bool(self._informational.search(last_clause))
        general = not about_me and (how or (asks_last and not _told(text)))
        # A story of others (a colleague threatened elsewhere, a scandal in the news) told without the asker in it,
        # then a question of how things are: the matter told is not the asker's.
        general = general or self._told_of_others(text)
        # A single question about the rules, asked in the first person but telling nothing of the asker ('Mag ik
        # een advocaat meenemen bij een integriteitsonderzoek?'), asks how things work, as the general one does.
        # (Never distress: a question about one's own burn-out is a person's matter however it is put.)
        # So is one that sets the scene first and asks how things are last ('onze griffie wil een agressieprotocol,
        # welk gemeenteblad kunnen we als voorbeeld nemen?').
        scene = _OWN_PLACE.sub(" ", text.strip()[: -len(last_clause)] if last_clause else "")
        rules_only = ((how or (asks_last and not self._first_person.search(scene)))
                      and about_me and self._rule_shaped(own))
        words = re.findall(r"\w+", text)
        # Strong evidence (patterns, keywords) of any category beats weak evidence (personal words) of an
        # earlier one: "ik slaap nauwelijks sinds de crisis" is distress before it is a college crisis.
        candidates = [entry for entry in self._escalate
                      if entry[3].urgent or not (general or (rules_only and entry[3].reason != "distress"))]
        # Having left told, then a question about the rules after it ('de coalitie is vorig jaar geklapt en ik ben
        # weggestuurd; tot wanneer loopt mijn uitkering?'): the rules answer it, whether the crisis words are strong
        # evidence or resemblance (see after_leaving below). A plea keeps it a person's matter.
        left_then_rules = bool(self._rule_question.search(text) and _LEFT.search(text)) and not _PLEA.search(text)
        # Speaking from the office or the work ('ik heb intimidatie in mijn portefeuille'): a keyword names its subject.
        in_role = self._acting_in_role(text)
        # How much of the closest labelled questions' votes went to a person: asked once, by the weak evidence here
        # and the resemblance below. Weak evidence (a keyword, personal words) outside distress and danger gives way
        # when nearly all of them were answered (`words_share_below` in routing_examples.yaml).
        share = cache(lambda: self._routed.sensitive_share(in_context or question) if self._routed else None)

        def gives_way(decision: Decision) -> bool:
            return (not decision.urgent and decision.reason != "distress"
                    and self._answered_before(text, share, self._words_below))

        for always, _, keywords, decision in candidates:
            if decision.reason == "crisis" and left_then_rules:
                continue
            if any(p.search(text) for p in always):
                return replace(decision, stage="pattern")
            if _fuzzy_hit(words, keywords) and not in_role and not gives_way(decision):
                return replace(decision, stage="keyword")
        # Told in calm and then asked how things are: the weak evidence (personal words, resemblance) does not make it
        # a person's matter; strong evidence (patterns above) still does.
        # So is a question of what a document says, asked with no word of the moment and no plea, and one asked from
        # the office or the work.
        calm = self._told_in_calm(text) or self._asks_documents(text) or in_role
        # Relayed from someone else, likewise, except for distress: a worried partner's words are a person's matter.
        relayed = (bool(_RELAYED.search(text) or (_CLOSE_ONE_SAYS.search(text) and not _AT_ASKER.search(text)))
                   and not _PLEA.search(text))
        for _, when_personal, _, decision in candidates if personal and not calm else []:
            if (any(p.search(text) for p in when_personal) and not (relayed and decision.reason != "distress")
                    and not gives_way(decision)):
                return replace(decision, stage="personal")
        if any(p.search(text) for p in self._always_out):
            return Decision(Route.decline, "out_of_scope", firm=True, stage="pattern")
        if any(p.search(text) for p in self._decline["out_of_scope"]) and not self.in_domain(question):
            return Decision(Route.decline, "out_of_scope", stage="pattern")
        # A single question about the rules ('Blijft wat ik met de vertrouwenspersoon bespreek geheim?') is not a
        # person's matter by resemblance alone; a story before it, words of the moment ('nu', 'gisteren') or a
        # plea ('wat moet ik doen?') make it one. Members often leave out the question mark: a question word at the
        # start asks as well ('wat is jullie postadres, ik wil iets opsturen').
        shaped = question_mark or bool(self._informational.search(text))
        asks = (shaped and not _told(text)
                and not self._situational.search(text) and not _PLEA.search(text))
        if self._similar is not None and not general and not calm:
            label = self._similar.label(in_context or question)
            visiting = bool(_CONTACT_ASKED.search(text) and _ASSOCIATION_NAMED.search(text))
            # Having left told, then a question about the rules after it ('Ik ben afgetreden omdat mijn partij uit
            # de coalitie stapte. Heb ik recht op een uitkering?'): the rules answer it, as they do for the crisis
            # words (see rule_question in routing.yaml), or by a resemblance to an integrity matter (a side job after
            # leaving is no nevenfunctie to report). A crisis still at hand ('de raad wil mij wegsturen') or a
            # plea stays a person's matter.
            after_leaving = label in ("crisis", "integrity") and left_then_rules
            weak = relayed and label != "distress"
            if (label in SENSITIVE and about_me and not asks and not visiting and not after_leaving and not weak
                    and not self._answered_before(text, share, self._routed_below)):
                return Decision(Route.escalate, label, topic=self._topics.get(label, ""), stage="similar")
            # A question to the association ('wat kost een leergang bij jullie?') is about its own affairs, for the
            # bureau when the documents do not answer: neither an attack nor out of scope by resemblance alone.
            outside = not (self.in_domain(question) or _ASSOCIATION.search(text))
            # (Outside the domain, an attack must not be the asker telling of themselves: 'ik lig 's nachts te malen
            # en word er gek van' resembles a jailbreak's wording, not its intent.)
            attack = label == "injection" and (_ADDRESSED.search(text) or (outside and not self._first_person.search(own)))
            if attack or (label == "out_of_scope" and outside):
                return Decision(Route.decline, label, stage="similar")
        return None

    def _answered_before(self, text: str, share: Callable[[], float | None], below: float) -> bool:
        """Whether nearly all of the labelled questions closest to this one were answered (`share()`, their share
        that went to a person, below `below`: `sensitive_share_below` or `words_share_below` in
        routing_examples.yaml), told with no word of the moment and no plea: then a resemblance to a few hand-written
        examples, or weak evidence, does not make it a person's matter."""
        if self._routed is None or self._situational.search(text) or _PLEA.search(text):
            return False
        value = share()
        return value is not None and value < below

    def asked_before_as(self, question: str) -> str | None:
        """How the labelled questions closest to this one were routed, when they agree: 'not_found' when most of the
        votes went to questions the documents do not answer (a salary in euros, a course's price), 'out_of_scope'
        when most went to questions outside the assistant's scope and none to a person's matter, told with no word of
        the moment and no plea (a speech, a series to watch); 'answer' when nearly all went to questions the documents
        answered. Shares in routing_examples.yaml (`routed_before`)."""
        if self._routed is None:
            return None
        shares = self._routed.shares(question)
        if shares.get(routed.NOT_FOUND, 0.0) >= self._before_at_least[routed.NOT_FOUND]:
            return routed.NOT_FOUND
        if shares.get(routed.ANSWER, 0.0) >= self._before_at_least[routed.ANSWER]:
            return routed.ANSWER
        text = normalise(question)
        person = sum(shares.get(label, 0.0) for label in SENSITIVE)
        if (shares.get(routed.OUT_OF_SCOPE, 0.0) >= self._before_at_least[routed.OUT_OF_SCOPE]
                and person < self._routed_below and not self._situational.search(text) and not _PLEA.search(text)):
            return routed.OUT_OF_SCOPE
        return None

    def _told_of_others(self, text: str) -> bool:
        """Whether sentences naming others and not the asker come first ('Vorige week werd een collega uit de
        buurgemeente lastiggevallen.'), then one question of how things are that tells nothing of the asker."""
        story, last = _story_then_question(text, _SENTENCES)
        if not _OTHERS.search(story) or self._first_person.search(_AS_GROUP.sub(" ", _OWN_PLACE.sub(" ", story))):
            return False
        asked = _LEAD_IN.sub("", last)
        return bool(self._informational.search(asked)) and self._rule_shaped(asked)

    def _told_in_calm(self, text: str) -> bool:
        """Whether a story told in calm ('Onze coalitie is stabiel, maar ik wil weten wat er in een crisis gebeurt.')
        comes first, with no plea, then one question of how things are."""
        story, last = _story_then_question(text)
        return (bool(_CALM.search(story)) and not _PLEA.search(text)
                and bool(self._informational.search(last)) and not _TIED.search(last))

    def _acting_in_role(self, text: str) -> bool:
        """Whether the asker speaks from their office or their work ('als voorzitter van de auditcommissie', 'voor een
        folder', 'ik geef een training over bedreigingen'), with no plea."""
        return bool(self._in_role.search(text)) and not _PLEA.search(text) and not _AT_ASKER.search(text)

    def _asks_documents(self, text: str) -> bool:
        """Whether the question asks what a document says ('staat er in dat waardenrapport iets over ...?', 'wat
        moet ik volgens de hulpkaart in de gaten houden?'), with no word of the moment, no plea, and no story of the
        asker told before it ('ik kan het niet meer aan. wat zegt het beleidsplan?' stays a person's matter)."""
        story, last = _story_then_question(text, _SENTENCES)
        # asked, not told: 'ik overweeg af te treden na het rapport van de rekenkamer' names a report, asks nothing
        asks = last.rstrip().endswith("?") or bool(self._informational.search(last))
        return (asks and bool(self._document_named.search(text)) and not self._situational.search(text)
                and not _PLEA.search(text) and not self._first_person.search(_OWN_PLACE.sub(" ", story)))

    def asked(self, question: str) -> str | None:
        """The question put after a story ('Vorige week werd een collega bedreigd. Wat doet het ondersteuningsteam?'
        gives 'Wat doet het ondersteuningsteam?'), or None when no story is told before it, or when the question
        points back at the story ('wat zegt die hulpkaart daarover?'): then the story is what it asks about."""
        story, last = _story_then_question(question)
        asked = _LEAD_IN.sub("", last, count=1) if story else ""
        normal = normalise(asked)
        if _POINTS_BACK.search(normal):
            return None
        return asked if asked and (asked.endswith("?") or self._informational.search(normal)) else None

    def _rule_shaped(self, text: str) -> bool:
        """One question that tells no story: no sentence before it, no word of the moment, no plea, no reason or
        time tying it to now, and nothing said of what happens to the asker."""
        return not (_told(text) or self._situational.search(text) or _PLEA.search(text)
                    or _TIED.search(text) or _STATED.search(_OWN_ROLE.sub(" ", text)))

    def personal(self, question: str) -> bool:
        """Whether the question speaks of the asker's own situation."""
        return bool(self._first_person.search(normalise(question)))

    def to_association(self, question: str) -> bool:
        """Whether the question speaks to the association ('jullie'): about its own affairs."""
        return bool(_ASSOCIATION.search(normalise(question)))

    def in_domain(self, question: str) -> bool:
        return bool(self._domain.search(normalise(question)))


class _ExampleMatcher:
    """Nearest labelled examples by embedding similarity; examples and thresholds in routing_examples.yaml."""

    def __init__(self, path: Path, embeddings):
        import numpy as np

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self._k = int(data["k"])
        self._temperature = float(data["temperature"])
        self._min = data["min_similarity"]
        self._labels = [label for label, texts in data["examples"].items() for _ in texts]
        texts = [text for texts in data["examples"].values() for text in texts]
        # Both sides are questions, so both are embedded as queries.
        self._matrix = np.array([embeddings.embed_query(t) for t in texts], dtype="float32")
        self._embeddings = embeddings

    def label(self, question: str) -> str | None:
        """The label its nearest examples agree on, if the nearest of them is close enough; else None.
        Each of the k nearest votes with weight exp((sim - top) / temperature): e5 similarities all lie
        between about 0.8 and 0.95, so a plain sum would be a head count that ignores how close each is."""
        import numpy as np

        sims = self._matrix @ np.asarray(self._embeddings.embed_query(question), dtype="float32")
        nearest = np.argsort(-sims)[: self._k]
        top = float(sims[nearest[0]])
        votes: dict[str, float] = {}
        for i in nearest:
            weight = float(np.exp((float(sims[i]) - top) / self._temperature))
            votes[self._labels[i]] = votes.get(self._labels[i], 0.0) + weight
        label = max(votes, key=votes.get)
        best = max(float(sims[i]) for i in nearest if self._labels[i] == label)
        needed = self._min.get("sensitive" if label in SENSITIVE else label)
        return label if needed is not None and best >= needed else None
