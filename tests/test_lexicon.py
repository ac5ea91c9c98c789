"""How a question's words are weighed against the documents' words: what members write is not what the
documents write (filler words, English, other forms of a root), and what kind of number a question asks for."""

from __future__ import annotations

import pytest
import yaml

from assistant.bm25 import BM25Index, Tokenizer
from assistant.generators.extractive import (asks_kind, enumerates_asked, heading_asks_kind, holds_contact_asked,
                                            holds_kind_asked, kind_question, kinds_asked)
from assistant.index import GLOSSARY
from assistant.language import asking_part, question_parts

TEXTS = [
    "Drie maanden na uw vertrek begint de sollicitatieplicht, met een re-integratieplan.",
    "Het eerste jaar bedraagt de uitkering 80 procent van het laatst verdiende salaris, daarna 70 procent.",
    "De Wethoudersvereniging werd opgericht in 2004 om de belangen van wethouders te behartigen.",
    "Een zwangerschaps- en bevallingsverlof duurt ten minste zestien weken.",
]


@pytest.fixture(scope="module")
def lexicon() -> BM25Index:
    return BM25Index(TEXTS, Tokenizer(), glossary={"salary": ["salaris"], "leave": ["verlof"]})


def test_filler_words_of_spoken_dutch_weigh_nothing(lexicon):
    plain = lexicon.term_weights("Waarom is de vereniging opgericht?")
    assert lexicon.term_weights("Waarom is de vereniging nou eigenlijk opgericht?") == plain
    assert lexicon.term_weights("Moet ik nu meteen gewoon solliciteren?") == lexicon.term_weights("Moet ik solliciteren?")
    assert lexicon.term_weights("tja, moet ik solliciteren haha?") == lexicon.term_weights("Moet ik solliciteren?")


def test_colloquial_tails_and_the_verbs_that_frame_a_question_weigh_nothing(lexicon):
    plain = lexicon.term_weights("moet ik dan een plan maken?")
    assert lexicon.term_weights("moet ik dan een plan maken ofzo?") == plain
    assert lexicon.term_weights("Wie heeft die publicatie geschreven?") == lexicon.term_weights("Wie publicatie?")
    assert lexicon.term_weights("Wat zegt het beleidsplan over de werkdruk?") == lexicon.term_weights(
        "het beleidsplan over de werkdruk")
    assert lexicon.term_weights("Hoe heet dat overleg?") == lexicon.term_weights("dat overleg")
    assert lexicon.term_weights("Wat gebeurt er met mijn uitkering?") == lexicon.term_weights("mijn uitkering")
    # 'houdt ... in' asks what something means, as 'betekent' does; elsewhere 'houdt' says something
    assert lexicon.term_weights("Wat houdt die sollicitatieplicht precies in?") == lexicon.term_weights(
        "die sollicitatieplicht")
    assert "houdt" in lexicon.term_weights("Wie houdt de sollicitatieplicht bij?")


def test_a_verb_written_with_a_particle_the_documents_leave_off_is_searched_as_their_verb():
    lexicon = BM25Index(["Wethouders kunnen niet individueel onderhandelen over hun arbeidsvoorwaarden."],
                        Tokenizer())
    assert "onderhandel" in lexicon.query_terms("Kan ik een hoger salaris uitonderhandelen?")
    assert lexicon.search("Kan ik een hoger salaris uitonderhandelen?", 1)
    # a compound noun of two of their words stays whole: its common half would outweigh what is asked
    lexicon = BM25Index(["Het verlof van de wethouder.", "Bij zwangerschap en bevalling."], Tokenizer())
    assert "verlof" not in lexicon.query_terms("Wie vervangt mij als ik met zwangerschapsverlof ga?")


def test_speaking_to_the_association_is_no_word_the_documents_lack(lexicon):
    # no document writes 'jullie': addressing the association must not look like asking what it never wrote of
    assert lexicon.unknown_terms("Wanneer zijn jullie opgericht?") == []
    assert lexicon.term_weights("Wanneer zijn jullie opgericht?") == lexicon.term_weights("Wanneer opgericht?")


def test_a_participle_an_adverb_or_a_known_english_word_is_no_word_the_documents_lack(lexicon):
    assert lexicon.unknown_terms("Wordt mijn uitkering elk jaar verhoogd?") == []
    assert lexicon.unknown_terms("Mag ik overal wonen?") == []
    assert lexicon.unknown_terms("What is my salary?") == []
    assert lexicon.unknown_terms("Hoe hoog is de contributie?") != []  # a noun no document uses still is


def test_a_long_word_of_the_documents_in_another_form_is_their_vocabulary(lexicon):
    # the documents write 'Wethoudersvereniging'; another form is still their word
    assert lexicon.knows_long_word("Geldt die sollicitatieplicht ook voor mij?")  # as written
    assert lexicon.knows_long_word("Zijn er meer wethoudersverenigingen?")
    assert not lexicon.knows_long_word("Hoe maak ik een draaitabel in spreadsheetprogramma's?")


def test_an_adjective_the_documents_use_is_not_their_vocabulary():
    lexicon = BM25Index(["Een makkelijke regeling voor de wethoudersvereniging."], Tokenizer())
    assert lexicon.knows_long_word("Wat doet de wethoudersvereniging?")
    assert not lexicon.knows_long_word("kun je een recept geven voor een makkelijke lasagne?")


def test_an_english_question_is_weighed_by_what_it_asks_about(lexicon):
    weights = lexicon.term_weights("What happens to my salary when I am on leave?")
    assert {"salaris", "verlof"} <= set(weights)
    assert not {"my", "when", "am", "on", "what"} & set(weights)


def test_a_members_word_the_documents_lack_is_searched_as_theirs():
    # the glossary's colloquial Dutch: 'club' is written nowhere, 'vereniging' is
    glossary = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    members = BM25Index(TEXTS + ["De vereniging werd opgericht in 2004."], Tokenizer(), glossary=glossary)
    assert members.search("Hoe lang bestaat jullie club al?", k=1)[0][0] == len(TEXTS)
    assert members.unknown_terms("Hoe lang bestaat jullie club al?") == []
    # its plural and diminutive too, even where the stemmer makes a word of the documents of it ('pakketje': 'pak')
    assert members.query_terms("clubje") == members.query_terms("club")
    assert members.query_terms("pakketje") == members.query_terms("pakket") == members.query_terms("afleveradres")
    # a word the documents write keeps its own meaning: 'uitkering' is not looked up
    glossed = BM25Index(TEXTS, Tokenizer(), glossary={"uitkering": ["salaris"]})
    assert "salaris" not in glossed.query_terms("Hoe hoog is de uitkering?")


def test_another_form_of_a_root_finds_the_word_the_documents_use(lexicon):
    # 'solliciteren' is written nowhere; 'sollicitatieplicht' is, and shares its root.
    assert lexicon.search("Moet ik solliciteren?", k=1)[0][0] == 0
    # a typo in the root as well ('sollisiteren'): still that word
    assert lexicon.search("Wanneer moet ik gaan sollisiteren?", k=1)[0][0] == 0
    assert lexicon.unknown_terms("Ik ben zwanger") == []
    assert lexicon.search("Ik ben zwanger", k=1)[0][0] == 3


def test_a_word_of_no_known_root_stays_unknown(lexicon):
    assert lexicon.search("Wat kost de contributie?", k=1) == []
    assert lexicon.unknown_terms("Wat kost de contributie?") != []


@pytest.mark.parametrize("question, sentence, holds", [
    ("Hoe hoog is het wachtgeld?", "Het eerste jaar bedraagt de uitkering 80 procent.", True),
    ("Hoe hoog is het wachtgeld?", "korter dan 3 maanden: 6 maanden uitkering;", False),
    ("Hoeveel wachtgeld krijg ik in het tweede jaar?", "daarna 70 procent", True),
    ("Hoeveel wachtgeld krijg ik in het tweede jaar?", "3 maanden tot 2 jaar: 2 jaar uitkering;", False),
    ("Hoeveel weken verlof krijg ik?", "Het verlof duurt zestien weken.", True),
    ("Hoeveel weken verlof krijg ik?", "De uitkering is 80 procent.", False),
    ("Hoeveel dagen studieverlof krijg ik?", "tussen zes en vier weken voor de bevalling", False),  # not the unit asked
    # two things asked: the unit of the one does not bar the share the other asks for
    ("Welk percentage krijg ik, en na hoeveel maanden moet ik solliciteren?",
     "Het eerste jaar bedraagt de uitkering 80 procent.", True),
    ("Welk percentage krijg ik, en na hoeveel maanden moet ik solliciteren?", "De uitkering duurt 2 jaar.", False),
    ("Sinds wanneer bestaat de vereniging?", "In de twintig jaar dat de vereniging bestaat", False),  # a year asked
    ("Sinds wanneer bestaat de vereniging?", "De vereniging werd opgericht in 2004.", True),
    ("Vanaf wanneer moet ik solliciteren?", "Drie maanden na uw vertrek begint de sollicitatieplicht.", True),
    ("How many weeks of leave do I get?", "Het verlof eindigt zestien weken nadat het is ingegaan.", True),
    ("Hoeveel leden heeft de vereniging?", "De vereniging heeft ruim 1.100 leden.", True),
    ("Hoeveel kost een opleiding bij de vereniging?", "Er zijn 12 opleidingen per jaar.", False),
    ("Wat kost het lidmaatschap?", "Het lidmaatschap kost 250 euro per jaar.", True),
    ("Hoe hoog is de vergoeding in euro's?", "De onkostenvergoeding wordt gehalveerd.", False),
    ("Wie schreef de publicatie?", "Toekomstbestendig decentraal bestuur", False),  # a name is capitalised
    ("Wie schreef de publicatie?", "Dries Bartelink en Daan van den Berg", True),
    ("Wie beslist over mijn verlof?", "Het college verleent het verlof op verzoek.", True),
    ("Met wie deed de vereniging het onderzoek?", "Het onderzoek werd gedaan met Avans.", True),
    ("Wat is het bezoekadres?", "De vereniging bestaat sinds 2004 en groeit.", False),
    ("Wat is het bezoekadres?", "Nassaulaan 12, 2514 JS Den Haag", True),
    ("Hoe lang bestaat de vereniging al?", "De vereniging werd opgericht in 2004.", True),  # when it began
    ("Hoe lang duurt het verlof?", "Sinds de wet van 2011 kan een wethouder verlof nemen.", False),
    ("Op welke datum was het gesprek?", "Op 4 maart 2024 gingen we met hem in gesprek.", True),
    ("Op welke datum was het gesprek?", "In 2024 gingen we met hem in gesprek.", False),  # a day asked
    ("In welke stad zit het adviesbureau?", "Het bureau zit in Eindhoven.", True),
    ("In welke stad zit het adviesbureau?", "Het bureau is onafhankelijk.", False),
    ("Waar in de wet staat het verlof?", "De regeling staat in artikel 45 van de Gemeentewet.", True),
    ("Waar in de wet staat het verlof?", "Het verlof is niet verplicht.", False),
    # how often is a count ('maximaal twee termijnen'), not a length of time
    ("Hoe vaak kan ik worden herbenoemd?", "Bestuursleden kunnen maximaal twee termijnen aanblijven.", True),
    ("Hoe vaak kan ik worden herbenoemd?", "Een termijn duurt vier jaar.", False),
])
def test_how_much_is_not_answered_by_how_long(question, sentence, holds):
    assert holds_kind_asked(question, sentence) is holds


@pytest.mark.parametrize("question, sentence, holds", [
    ("Welke vier kerntaken heeft de vereniging?", "ondersteuning, ontwikkeling, belangen behartiging, onderzoek.",
     True),
    ("wat waren de 4 taken op die dia?", "ondersteuning, ontwikkeling, belangen behartiging, onderzoek.", True),
    ("noem de drie pijlers", "Verbinden, versterken en vertegenwoordigen.", True),
    # as many asked as listed, or none asked
    ("Welke drie kerntaken heeft de vereniging?", "ondersteuning, ontwikkeling, belangen behartiging, onderzoek.",
     False),
    ("Wat doet de vereniging?", "ondersteuning, ontwikkeling, belangen behartiging, onderzoek.", False),
    # clauses are no items, and a list between brackets names one item
    ("welke drie vragen horen erbij?", "Waterschapsbestuurders (dijkgraven, DB-leden en AB-leden)", False),
    ("welke twee dingen doet het team?", "Het team luistert naar wat er speelt en het adviseert over de volgende stap.",
     False),
])
def test_a_sentence_that_lists_as_many_as_asked_holds_what_is_asked(question, sentence, holds):
    assert enumerates_asked(question, sentence) is holds


@pytest.mark.parametrize("question, parts", [
    ("Hoe lang duurt het ziekteverlof en wat gebeurt er met mijn onkostenvergoeding?",
     ["Hoe lang duurt het ziekteverlof", "wat gebeurt er met mijn onkostenvergoeding"]),
    ("Wat is wachtgeld? En hoe lang krijg ik het?", ["Wat is wachtgeld", "En hoe lang krijg ik het"]),
    ("Kan ik ontheffing krijgen, en wie beslist daarover?", ["Kan ik ontheffing krijgen", "wie beslist daarover"]),
    ("Wat is het verschil tussen de arenacultuur en de debatcultuur?", []),
    ("Ik ben 58 en wethouder sinds 2014. Tot wanneer loopt mijn uitkering?", []),
    # what is told around a question is no second question
    ("Welke crises noemt het beleidsplan? Ik denk aan de coronatijd", []),
    ("Ik ben zwanger en wanneer begint mijn verlof? En krijg ik dan salaris?",
     ["wanneer begint mijn verlof", "En krijg ik dan salaris"]),
    ("hoe lang duurt mijn verlof. en wat krijg ik betaald", ["hoe lang duurt mijn verlof.", "wat krijg ik betaald"]),
    ("Ik denk aan het bestuur. Hoeveel zetels heeft het, en moet je zittend wethouder zijn?",
     ["Ik denk aan het bestuur. Hoeveel zetels heeft het", "moet je zittend wethouder zijn"]),
])
def test_a_question_that_asks_two_things_is_split_where_the_second_starts(question, parts):
    assert question_parts(question) == parts


def test_a_follow_up_that_asks_its_own_question_asks_its_own_kind_of_answer():
    asked = "Hoe lang duurt het zwangerschapsverlof? En krijgt mijn vervanger dezelfde vergoedingen?"
    focus = "En krijgt mijn vervanger dezelfde vergoedingen?"
    assert asks_kind(asked) and not asks_kind(kind_question(asked, focus))
    short = "Hoe lang duurt het zwangerschapsverlof? En bij ziekte?"
    assert asks_kind(kind_question(short, "En bij ziekte?"))  # too short to ask its own: the kind carries over


def test_a_typo_is_corrected_but_a_common_word_one_letter_away_is_not(lexicon):
    # 'solicitatieplicht' is no word: it means 'sollicitatieplicht'; 'moeder' is a word, not a typo of 'hoeder'
    hoeder = BM25Index(TEXTS + ["De burgemeester is de hoeder van de integriteit."], Tokenizer())
    assert (hoeder.term_weights("Wanneer begint de solicitatieplicht?")
            == hoeder.term_weights("Wanneer begint de sollicitatieplicht?"))
    assert "hoeder" not in hoeder.term_weights("Mijn moeder is ziek")
    assert hoeder.unknown_terms("Mijn moeder is ziek") != []


def test_words_that_point_back_name_nothing(lexicon):
    assert (lexicon.term_weights("En wat kan de vereniging daaraan doen?")
            == lexicon.term_weights("En wat kan de vereniging doen?"))


def test_an_english_possessive_is_looked_up_as_its_word(lexicon):
    # "the aldermen's salary" asks about 'wethouders' and 'salaris', as "the salary of aldermen" does
    glossary = BM25Index(TEXTS, Tokenizer(), glossary={"salary": ["salaris"], "aldermen": ["wethouders"]})
    weights = glossary.term_weights("What is the aldermen's salary?")
    assert set(weights) == set(glossary.term_weights("What is the salary of aldermen?"))
    assert glossary.unknown_terms("What is the aldermen's salary?") == []


@pytest.mark.parametrize("question, asked", [
    ("Ik lig in het ziekenhuis. Mag de burgemeester verlof voor mij aanvragen als ik in coma lig?",
     "Mag de burgemeester verlof voor mij aanvragen?"),
    ("Krijg ik als wethouder een vergoeding voor kinderopvang?",  # 'als wethouder' sets no scene
     "Krijg ik als wethouder een vergoeding voor kinderopvang?"),
    ("Kan ik zorgverlof opnemen omdat mijn vader ziek is?", "Kan ik zorgverlof opnemen?"),
    ("Wanneer begint de sollicitatieplicht?", "Wanneer begint de sollicitatieplicht?"),
])
def test_what_a_question_asks_is_told_from_the_story_and_scene_around_it(question, asked):
    assert asking_part(question) == asked


def test_a_contact_detail_asked_for_and_held_is_told_apart_from_any_number():
    assert holds_contact_asked("Wat is het postadres van de vereniging?", "Post: Postbus 30435, 2500 GK Den Haag")
    assert holds_contact_asked("wat is het telefoonnummer van jullie", "Telefoon: 070 221 07 70")
    assert not holds_contact_asked("Hoeveel wethouders telt Utrecht?", "ongeveer 1.100 leden van de 1.400 wethouders")
    assert not holds_contact_asked("Wat is het postadres?", "De vereniging is opgericht in 2004.")


def test_a_plural_or_participle_the_stemmer_keeps_apart_is_searched_as_its_base_form():
    tokens = Tokenizer()
    assert tokens("raadsleden") == tokens("raadslid") and tokens("Statenleden") == tokens("Statenlid")
    assert tokens("steden") == tokens("stad")
    # words that only end alike keep their own stem
    assert tokens("drie weken geleden") != tokens("drie weken gelid")
    assert tokens("tijd besteden") != tokens("tijd bestad")
    # and the participle of a strong verb is searched as the verb, with its particle or prefix
    assert tokens("geholpen") == tokens("helpt") and tokens("gesproken") == tokens("spreken")
    assert tokens("opgenomen") == tokens("opnemen") and tokens("ontslagen") == tokens("ontslaan")
    assert tokens("bezocht") == tokens("bezoeken") and tokens("reden") != tokens("rijden")
    dualism = BM25Index(TEXTS + ["In 2002 werd het dualisme ingevoerd, waardoor wethouders en raadsleden niet "
                                 "langer de functies konden combineren."], Tokenizer())
    assert dualism.search("Mag een raadslid ook wethouder zijn?", k=1)[0][0] == 4


def test_a_word_for_the_document_asked_about_is_no_word_the_passages_lack(lexicon):
    import numpy as np

    from assistant.answerability import features
    from assistant.generators import Draft
    from assistant.models import Chunk, DocumentInfo, Passage
    from assistant.retrieval import Retrieval

    document = DocumentInfo("waarden", "Waarden van bestuurlijk vakmanschap", "waarden.txt", kind="publicatie")
    chunk = Chunk("c1", document, TEXTS[2], None, None, 0, "v1")
    found = Retrieval([Passage(chunk=chunk)], best_dense=0.9, query_vector=np.zeros(3))

    def missing(question: str) -> float:
        return features(question, found, Draft(text=TEXTS[2]), lexicon, False)["missing_asked"]

    # 'waardenstuk' and 'blog' say where the answer stands, not what is asked
    assert missing("Wanneer werd de Wethoudersvereniging opgericht volgens dat waardenstuk?") == 0.0
    assert missing("Wanneer werd de Wethoudersvereniging opgericht volgens die blog?") == 0.0
    # a word that is asked about and that the passage lacks still counts
    assert missing("Wanneer werd de Wethoudersvereniging in Utrecht opgericht?") > 0.0


@pytest.mark.parametrize("question, missing", [
    ("Hoeveel wethouders zijn er vorig jaar bedreigd?", True),  # a time relative to today: no document says it
    ("who is currently chairing the association?", True),
    ("Hoeveel wethouders traden af in 2025?", True),  # a year the passages lack
    ("Hoeveel wethouders vertrokken tussen 2018 en 2022 tussentijds?", False),  # years the passage holds
    ("Hoeveel wethouders vertrokken er tussentijds?", False),
    # a time in the story told before what is asked dates the asker's own matter
    ("bij ons stemde vorig jaar maar 48 procent. is dat laag vergeleken met het land?", False),
    ("ik ben in 2025 begonnen. hoeveel wethouders traden af in 2024?", True),
])
def test_a_time_the_passages_cannot_speak_of_is_told(question, missing):
    from assistant.answerability import when_missing

    passage = "Tussen 2018 en 2022 vertrok 38 procent van de raadsleden en 47 procent van de wethouders tussentijds."
    assert when_missing(question, passage) is missing


@pytest.mark.parametrize("question, phrases", [
    ("'niet alles wat kan, mag' - wie zei dat ook alweer?", ["niet alles wat kan, mag"]),
    ("Van wie is ‘het werd een boeiend gesprek’?", ["het werd een boeiend gesprek"]),
    ('Wat bedoelt het beleidsplan met "een toegesneden rechtspositie"?', ["een toegesneden rechtspositie"]),
    # an apostrophe inside a word opens no quote, and two words are no phrase
    ("Wat zijn de do's en don'ts van zo'n crisis?", []),
    ('Wat bedoelen jullie met "Nederland, Wethoudersland"?', []),
])
def test_a_phrase_between_quotes_is_told_apart(question, phrases):
    from assistant.language import quoted_phrases

    assert quoted_phrases(question) == phrases


def test_a_reflexive_pronoun_names_nothing(lexicon):
    assert lexicon.term_weights("Mag ik over een hoger salaris voor mezelf onderhandelen?") == lexicon.term_weights(
        "Mag ik over een hoger salaris onderhandelen?")


def test_a_typo_whose_stem_rarer_words_share_is_still_corrected():
    texts = ["De vereniging telt 1.100 leden.", "De leden kiezen het bestuur.", "Het bestuur telt negen leden.",
             "Leden krijgen korting.", "Nieuwe leden zijn welkom.", "Dat was lang geleden."]
    members = BM25Index(texts, Tokenizer())
    # 'leeden' stems as 'geleden' does; five texts hold 'leden', one 'geleden'
    assert members.query_terms("Hoeveel leeden zijn er?") == members.query_terms("Hoeveel leden zijn er?")
    # a word of the documents in another form is no typo
    assert members.query_terms("Hoeveel lid zijn er?") == members.query_terms("Hoeveel leden zijn er?")


@pytest.mark.parametrize("question, heading, asks", [
    ("hoeveel weken ben ik met bevallingsverlof thuis?", "Hoe lang duurt het verlof?", True),
    ("hoeveel procent van mijn salaris krijg ik?", "Hoe hoog is de uitkering?", True),
    ("wie let er op de integriteit?", "Wie bewaakt de integriteit in de gemeente?", True),
    ("hoeveel weken ben ik met bevallingsverlof thuis?", "Hoe hoog is de uitkering?", False),  # another kind
    ("hoeveel weken ben ik met bevallingsverlof thuis?", "Verlof bij ziekte", False),  # a heading that asks nothing
    # 'Wanneer kan een wethouder met verlof?' asks on what conditions, not when
    ("ik ben net bevallen, wanneer houdt mijn verlof op?", "Wanneer kan een wethouder met verlof?", False),
])
def test_a_heading_that_asks_the_kind_of_answer_asked_for_is_told(question, heading, asks):
    assert heading_asks_kind(kinds_asked(question), heading) is asks


def test_a_verb_a_clause_splits_from_its_particle_is_indexed_whole_where_the_texts_write_it_whole():
    texts = ["Treden zoveel wethouders af of worden zij ontslagen, dan neemt de burgemeester het over.",
             "Een wethouder die is afgetreden, krijgt een uitkering.",
             "Het ambt is van grote waarde voor de samenleving.", "De voorwaarde is helder."]
    lexicon = BM25Index(texts, Tokenizer())
    assert "aftreed" in lexicon.tokenize(texts[0])
    assert {i for i, score in lexicon.search("Wat als ze aftreden?", 4) if score > 0} >= {0, 1}
    # 'voor' here is a preposition inside its clause, not a particle that ends it
    assert "voorwaar" in lexicon.tokenize(texts[3]) and "voorwaar" not in lexicon.tokenize(texts[2])


def test_an_ordinal_is_not_its_cardinal():
    """'zesde' (sixth) is not 'zes' (six): the stemmer would make it one, in the texts and in a question."""
    assert Tokenizer()("de zesde wethouder, de derde termijn") == ["zesde", "wethouder", "derde", "termijn"]
    lexicon = BM25Index(["Het verlof gaat in tussen zes en vier weken voor de bevalling.",
                         "De raad kan een extra wethouder benoemen."], Tokenizer())
    assert "zes" not in lexicon.term_weights("mag er een zesde wethouder bij?")
    assert lexicon.term_weights("zes weken").keys() >= {"zes"}
