"""Answers that carry what was asked, on the real corpus: the fitted ranker and answerability model at work."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assistant.answerability import FEATURES as ANSWERABILITY_FEATURES
from assistant.answerability import MODEL_PATH, Answerability
from assistant.bm25 import BM25Index, Tokenizer
from assistant.fitted import LogisticModel
from assistant.generators.extractive import FEATURES as RANKER_FEATURES
from assistant.generators.extractive import RANKER_PATH, ExtractiveGenerator
from assistant.models import Chunk, DocumentInfo, Passage, Route
from assistant.service import Service
from tests.conftest import venv_bin


def test_the_fitted_models_in_the_repository_match_the_code():
    ranker = LogisticModel.load(RANKER_PATH)
    assert ranker.features == RANKER_FEATURES and 0 < ranker.params["keep_ratio"] <= 1
    model = Answerability.load(MODEL_PATH).model
    assert model.features == ANSWERABILITY_FEATURES and 0 < model.threshold < 1
    scores = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["scores"]
    assert scores["chosen"]["threshold"] == model.threshold and len(scores["curve"]) > 10


def test_the_answerability_threshold_follows_from_the_costs_of_the_two_mistakes():
    from eval.fit import choose_threshold

    curve = [{"threshold": t, "sent_away": s, "wrongly_answered": w}
             for t, s, w in ((0.5, 10, 20), (0.6, 12, 15), (0.65, 14, 13), (0.7, 16, 11), (0.8, 30, 5))]
    chosen = choose_threshold(curve, {"sent_away": 1.0, "wrong_answer": 2.0})  # answer from p = 2/3
    assert chosen["threshold"] == 0.65 and chosen["cost"] == 40 and chosen["least_cost"] == 38
    assert choose_threshold(curve, {"sent_away": 1.0, "wrong_answer": 1.0})["threshold"] == 0.5


def test_the_threshold_is_the_least_cost_on_the_parts_the_model_was_not_fitted_on():
    from eval.fit import HELD_OUT, THRESHOLD_PARTS, least_cost

    curve = [{"threshold": t, "sent_away": s, "wrongly_answered": w}
             for t, s, w in ((0.4, 20, 25), (0.45, 26, 21), (0.5, 28, 20), (0.6, 46, 17), (0.7, 65, 13))]
    chosen = least_cost(curve, {"sent_away": 1.0, "wrong_answer": 2.0})
    assert chosen["threshold"] == 0.45 and chosen["cost"] == 68  # 0.5 costs 68 as well: the lower one
    assert least_cost(curve, {"sent_away": 1.0, "wrong_answer": 4.0})["threshold"] == 0.5
    assert least_cost(curve, {"sent_away": 3.0, "wrong_answer": 1.0})["threshold"] == 0.4
    # chosen on parts held out of the fit, and never on the part still to be measured (the newest)
    newest = max((p for p in HELD_OUT["questions.yaml"] if p.startswith("heldout_users")),
                 key=lambda p: int(p.removeprefix("heldout_users")))
    assert set(THRESHOLD_PARTS) < HELD_OUT["questions.yaml"] and newest not in THRESHOLD_PARTS
    fitted = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert fitted["scores"]["fresh"]["parts"] == list(THRESHOLD_PARTS)
    assert fitted["threshold"] == fitted["scores"]["fresh"]["chosen"]["threshold"]


@pytest.mark.parametrize("question, fact", [
    ("Ik verwacht in maart een baby. Hoe lang mag ik dan met verlof?", "zestien weken"),
    ("Mijn termijn zit er bijna op. Hoeveel procent van mijn salaris krijg ik het eerste jaar?", "80 procent"),
    ("Hoeveel waarden telt de overzichtskaart van vakmanschap?", "negenendertig"),
])
def test_a_question_about_the_askers_own_situation_gets_the_fact_it_asks_for(service, question, fact):
    answer = service.ask(question)
    assert answer.route is Route.answer, answer.answer
    assert fact in answer.answer


def test_a_list_asked_for_comes_whole(service):
    answer = service.ask("Noem de pijlers van het beleidsplan 2025-2030")
    assert answer.route is Route.answer
    for pillar in ("Wethoudersland", "Een aantrekkelijk ambt", "Een toegesneden rechtspositie"):
        assert pillar in answer.answer


LOBBY = """## Belangenbehartiging

- Wij lobbyen in Den Haag voor wethouders.
- Wij lobbyen samen met andere verenigingen.
- Wij lobbyen ook bij de Tweede Kamer.
- Voor de rechtspositie lobbyen we onder meer voor:
 - eigentijdse verlofregelingen;
 - het afschaffen van de deeltijdfactor;
 - het afschaffen van het woonplaatsvereiste;
 - een werkklimaat met ruimte voor opleiding;
 - ondersteuning bij integriteitsbeschuldigingen."""


def test_an_announced_list_comes_whole_after_items_of_another_list():
    # Items quoted from the list before it do not take the room of the list that the best sentence announces.
    passages = [Passage(Chunk("c1", DocumentInfo(doc_id="plan", title="Beleidsplan", source="plan.md"), LOBBY,
                              None, 3, 0, "1"))]
    lexicon = BM25Index([LOBBY, "Het verlof van de wethouder."], Tokenizer())
    draft = ExtractiveGenerator().generate("waarvoor lobbyen jullie als het om de rechtspositie gaat?", passages,
                                           lexicon)
    assert "lobbyen we onder meer voor:" in draft.text
    for item in ("verlofregelingen", "deeltijdfactor", "woonplaatsvereiste", "werkklimaat", "integriteits"):
        assert item in draft.text, draft.text


def test_the_same_words_in_two_passages_are_quoted_once():
    # A heading that two chunks share ('Vertrouwenspersoon' above the list and above the table) is one line.
    text = "Vertrouwenspersoon\n\nDe vereniging biedt haar leden een vertrouwenspersoon voor een vertrouwelijk gesprek."
    doc = DocumentInfo(doc_id="plan", title="Beleidsplan", source="plan.md")
    passages = [Passage(Chunk(f"c{i}", doc, text, None, i, 0, str(i))) for i in (1, 2)]
    lexicon = BM25Index([text, "Het verlof van de wethouder."], Tokenizer())
    draft = ExtractiveGenerator().generate("biedt de vereniging een vertrouwenspersoon?", passages, lexicon)
    assert draft.text.count("vertrouwelijk gesprek") == 1, draft.text


def test_the_sentence_after_the_best_one_comes_along_when_it_holds_the_way_out(service):
    # The best sentence names the rule; the next one, which shares no word with the question, holds the answer.
    answer = service.ask("Wat moet een wethouder doen als hij niet in zijn gemeente woont?")
    assert answer.route is Route.answer, answer.answer
    assert "moet in de gemeente wonen" in answer.answer and "ontheffing verlenen" in answer.answer


def test_the_sentence_that_points_back_to_a_quoted_one_comes_along(service):
    # 'Zij pleit ... (mantel)zorg ...' is quoted though it is not the best sentence; the next one says that this
    # leave does not exist yet, which is the answer.
    answer = service.ask("Can I take care leave for my sick mother as an alderman?")
    assert answer.route is Route.answer, answer.answer
    assert "(mantel)zorg" in answer.answer and "bestaan nu nog niet voor wethouders" in answer.answer, answer.answer


def test_a_date_alone_over_a_posts_title_is_never_quoted():
    # A list of blog posts puts each post's date on a line of its own ('2015 24 dec'): quoted alone, it says
    # nothing of what happened then, and it stands above the title of the post it dates.
    text = ("## De gemeentesecretaris anno 2016\n\n- 2015 24 dec\n\n"
            "De Omgevingswet geeft het lokaal bestuur ruimte om zelf te kiezen.")
    passages = [Passage(Chunk("c1", DocumentInfo(doc_id="blog", title="Effectief bestuur", source="blog.md"), text,
                              None, 1, 0, "1"))]
    lexicon = BM25Index([text, "Het verlof van de wethouder."], Tokenizer())
    draft = ExtractiveGenerator.fitted().generate("wanneer verscheen dat stuk over de omgevingswet?", passages,
                                                  lexicon)
    assert "Omgevingswet" in draft.text and "24 dec" not in draft.text, draft.text


def test_a_list_named_by_its_heading_and_its_documents_title_comes_whole(service):
    answer = service.ask("Welke don'ts staan er op de hulpkaart collegecrisis?")
    assert answer.route is Route.answer, answer.answer
    for dont in ("heetst van de strijd", "vertrouwelijkheid van het collegeoverleg", "impulsief"):
        assert dont in answer.answer


@pytest.mark.parametrize("who, values", [
    ("burgemeesters", ("Lef", "Authenticiteit", "Verbondenheid", "Gezag")),
    ("griffiers", ("Lef", "Vertrouwen", "Dienstbaarheid", "Bekwaamheid")),
])
def test_a_tables_labels_answer_what_its_label_column_asks(service, who, values):
    # the labels stand in the chunk before the one retrieval ranks: the list's start comes along
    answer = service.ask(f"Welke waarden hebben prioriteit voor {who}?")
    assert answer.route is Route.answer, answer.answer
    for value in values:
        assert f"- {value}:" in answer.answer, answer.answer
    # how many are asked for, and the publication named, still ask for that column
    answer = service.ask(f"Welke vier waarden hebben volgens de publicatie over vakmanschap prioriteit voor {who}?")
    assert answer.route is Route.answer, answer.answer
    for value in values:
        assert f"- {value}:" in answer.answer, answer.answer


def test_every_row_of_a_table_is_named_before_a_rows_further_items(service):
    # asked in other words than the label column's ('het belangrijkst', not 'prioriteit'): the rows come along
    # with a chosen item of one of them, and each row's first item comes before the rest of any row
    answer = service.ask("welke 4 waarden zijn voor ons wethouders het belangrijkst?")
    assert answer.route is Route.answer, answer.answer
    for value in ("Lef", "Gemeenschappelijkheid", "Betrokkenheid", "Bekwaamheid"):
        assert f"- {value}:" in answer.answer, answer.answer


def test_the_sentence_that_defines_what_is_asked_is_quoted(service):
    answer = service.ask("tijdens hoeveel denksessies is het waardenboek gemaakt en wat is een denksessie precies?")
    assert answer.route is Route.answer, answer.answer
    assert "Een denksessie is een door De Argumentenfabriek ontwikkelde methode" in answer.answer, answer.answer


def test_our_summary_of_the_associations_position_brings_the_beleidsplan_along(service):
    answer = service.ask("Waarom is de vereniging tegen het maximum aantal wethouders?")
    assert answer.route is Route.answer, answer.answer
    documents = [c.document for c in answer.citations]
    assert any(d.startswith("Regelsamenvatting") for d in documents), documents
    assert any(d.startswith("Beleidsplan") for d in documents), documents


def test_a_source_list_or_a_boilerplate_line_is_never_quoted(service):
    answer = service.ask("Wie vervangt mij als ik met zwangerschapsverlof ga?")
    assert answer.route is Route.answer and "vervanger" in answer.answer
    for line in ("memorie van toelichting)", "Laatst gecontroleerd", "geen juridisch advies."):
        assert line not in answer.answer.split("_Dit is algemene informatie")[0]


def test_a_line_many_documents_share_is_quoted_when_it_is_what_was_asked(service):
    answer = service.ask("wanneer is die hulpkaart voor een collegecrisis voor het laatst gecheckt?")
    assert answer.route is Route.answer and "Laatst gecontroleerd: 29 november 2026" in answer.answer, answer.answer


def test_a_name_the_asker_sets_aside_does_not_pull_the_answer_towards_itself(service):
    answer = service.ask("welk ministerie naast BZK hielp mee aan de publicatie over vakmanschap?")
    assert answer.route is Route.answer and "Infrastructuur en Waterstaat" in answer.answer, answer.answer


def test_a_members_word_for_indexation_finds_it(service):
    answer = service.ask("groeit mijn wachtgeld mee met de loonstijging?")
    assert answer.route is Route.answer and "geïndexeerd" in answer.answer, answer.answer


def test_a_disclaimer_worded_slightly_differently_per_document_is_never_quoted(service):
    answer = service.ask("Ik lig in het ziekenhuis en kan zelf niks regelen. Mag iemand anders verlof voor mij aanvragen?")
    assert "Voor uw eigen situatie" not in answer.answer
    # worded otherwise at its start, alike at its end
    answer = service.ask("Wat staat er op de hulpkaart collegecrisis?")
    assert "geen wet, en geen juridisch advies" not in answer.answer


def _with_cuts(service: Service, answer_from: float, caveat_from: float) -> Service:
    """The same service with the answerability cuts moved (the fitted model's weights kept)."""
    model = dataclasses.replace(service.answerability.model, threshold=answer_from,
                                params={**service.answerability.model.params, "caveat_from": caveat_from})
    return Service(service.settings, service.index, service.router, service.generator, service.templates,
                   Answerability(model))


def test_when_unsure_the_bureau_comes_first_with_what_the_documents_say(service):
    """Between the fitted cuts the documents may answer: the wethouder is sent to the bureau, and shown the
    passages under a caveat; below them, nothing is shown. (The cuts are moved so that the question falls
    between them, or below both: where a refit puts a given question is the fit's business.)"""
    question = "Naar welk adres stuur ik een pakketje voor het bureau?"
    between = _with_cuts(service, answer_from=1.0, caveat_from=0.0).ask(question)
    assert between.route is Route.escalate and between.reason == "not_found" and between.contact is not None
    assert "Misschien helpt dit u verder" in between.answer and "[1]" in between.answer and between.citations
    assert between.answer.index("geen betrouwbaar antwoord") < between.answer.index("Misschien helpt")
    below = _with_cuts(service, answer_from=1.0, caveat_from=1.0).ask(question)
    assert below.reason == "not_found" and not below.citations and "Misschien helpt" not in below.answer


@pytest.mark.parametrize("question", ["Wordt mijn pensioenopbouw geregeld als ik met vakantie ga?",
                                      "Telt de vakantietoelage mee bij de berekening van mijn geld?"])
def test_a_question_in_the_documents_own_words_is_not_declined_as_out_of_scope(service, question):
    assert service.ask(question).route is not Route.decline


def test_a_question_that_quotes_the_documents_is_not_declined(service):
    # no domain word and no word but stop words in the quote: the quote itself is the documents' own, so the
    # question is not declined (whether the quoted passage answers it is the answerability model's to say)
    assert service.ask("'niet alles wat kan, mag' - wie zei dat ook alweer?").route is not Route.decline
    assert service.ask("'niet alles wat fietst, rijdt' - wie zei dat ook alweer?").route is Route.decline


def test_a_question_about_the_associations_own_affairs_goes_to_the_bureau_not_out_of_scope(service):
    # no domain word, far from the documents: but asked of the association ('jullie'), so the bureau answers it
    answer = service.ask("Wat kost een training bij jullie?")
    assert (answer.route, answer.reason) == (Route.escalate, "not_found") and answer.contact is not None
    assert service.ask("Hoeveel kost een ticket voor de Efteling?").route is Route.decline


@pytest.mark.parametrize("question, declined", [
    ("Krijg ik mijn vakantiegeld gewoon doorbetaald?", False),  # holiday pay: the terms of the office
    ("Hoeveel vakantiedagen krijg ik per jaar?", False),
    ("Wat is een leuke vakantiebestemming in Italië?", True),  # a holiday trip is not
])
def test_holiday_pay_is_the_offices_business_a_holiday_trip_is_not(service, question, declined):
    assert (service.ask(question).route is Route.decline) is declined


def test_a_typo_still_finds_what_it_meant(service):
    answer = service.ask("hoeveel leeden heeft de wethouders verenigng")
    assert answer.route is Route.answer and "1.100" in answer.answer


@pytest.mark.parametrize("question", ["Krijg ik als wethouder een auto van de zaak?",
                                      "Hoeveel vakantiedagen heeft een wethouder per jaar?",
                                      "Wat kost het lidmaatschap van de vereniging?"])
def test_a_question_no_document_answers_goes_to_the_bureau(service, question):
    """Never answered: the bureau comes first. Whether passages are shown under a caveat after it is the
    fitted cut's call (the cut itself is tested above): 'auto van de zaak' shares common words with the
    documents, and since the refit of session 20 it scores above the cut, so passages are shown under the caveat."""
    answer = service.ask(question)
    assert (answer.route, answer.reason) == (Route.escalate, "not_found") and answer.contact is not None
    if answer.citations:
        assert answer.answer.index("geen betrouwbaar antwoord") < answer.answer.index("Misschien helpt")


@pytest.mark.parametrize("question", [
    "Er staan nu mensen bij mijn huis te schreeuwen en ze gooien met dingen",
    "Er staat een groep voor mijn deur die op de ramen bonkt",
    "Ze gooien op dit moment stenen tegen mijn woning",
    "Iemand met een mes staat in mijn tuin",
    "There are people shouting outside my house right now",
    "Ik word op dit moment achtervolgd door een auto",
    "Net is er een steen door ons raam gegooid",
    "Er probeert iemand vannacht bij ons in te breken",
    "Er staat nu iemand bij mijn voordeur die zegt dat hij me iets aan zal doen",
    "Iemand belde net en zei dat hij me gaat vermoorden",
    "Er loopt een man met een pistool door het stadhuis",
    "Someone with a knife is waiting for me outside the town hall",
    "Op dit moment probeert een groep demonstranten het stadhuis binnen te dringen",
    "Er staat nu een woedende meute bij de ingang van het raadhuis",
    "Right now an angry crowd is trying to get in to the town hall",
    "Help, een vrouw met een bijl staat bij mijn auto",
    "Er staat een gewapende jongen bij de raadzaal",
    "Op dit moment lopen er drie gemaskerde mannen rond ons huis",
    "Er wachten nu twee onbekenden bij mijn voordeur",
    "There are masked men in my garden",
    # other weapons, other people, English without 'now', a break-in or a chase under way (session 24)
    "een gast met een hamer staat bij mijn voordeur te schreeuwen",
    "er staat een figuur met een koevoet aan mijn achterdeur te wrikken",
    "ze slaan mijn autoruiten in",
    "een groep jongeren scheldt me uit en bedreigt me bij de supermarkt",
    "een man bedreigt me met een schroevendraaier op het bordes van het stadhuis",
    "help, iemand probeert mijn huis binnen te komen",
    "a guy just threw a rock at my front door",
    "somebody broke my window, I think he is still in the garden",
    "there are people outside my house throwing eggs and I'm scared",
    "they are banging on my door and yelling my name",
    "I'm being chased by a man in a car",
    "he is holding a knife and standing at the gate",
    # a stone named in a compound, a windscreen, a pane, a window kicked in (session 28)
    "zojuist kwam er een tegel door mijn voorruit en de dader loopt hier nog rond",
    "er ligt net een kassei in onze woonkamer, door de ruit heen, ik hoor ze nog buiten",
    "iemand heeft net de ruit van onze achterdeur ingetrapt",
    # the attempt and the act apart, with who and where between them (session 32)
    "volgens mij probeert er op dit moment een onbekende het slot van onze voordeur open te breken",
    # fire as a weapon: torches, petrol (session 32)
    "er lopen twee jongens met een jerrycan benzine rond mijn huis",
    "a group of men with torches is gathering at the town hall",
    # shouting in the garden, hitting the windows, setting fire to the car, forcing a way in, on the way (session 36)
    "er staan boze mannen in mijn tuin en ze roepen dat ik naar buiten moet komen",
    "ik zit in mijn auto en een groep mensen slaat op de ramen",
    "ze hebben net mijn auto in brand gestoken, mijn gezin is binnen",
    "er zijn mensen in mijn huis binnengedrongen",
    "ze gooien eieren en stenen tegen mijn raam",
    "iemand belt me steeds en zegt dat hij onderweg is naar mijn huis",
    # followed on the way home, and still followed (session 47)
    "er rijdt al sinds het stadhuis een busje achter me aan en ik durf niet naar huis",
    "a car has been tailing me since the council meeting and it's still behind me",
])
def test_danger_now_leads_with_112_however_it_is_worded(service, question):
    answer = service.ask(question)
    assert answer.route is Route.escalate and answer.urgent
    assert "112" in answer.answer.splitlines()[0] and answer.contact is not None


@pytest.mark.parametrize("question", [
    "Wat moet ik nu doen als wethouder na de verkiezingen?",
    "Mag ik in mijn huis werken als wethouder?",
    "Hoe gooi ik het over een andere boeg in het college?",
    "Er is nu een groep boze inwoners die een petitie tegen de parkeerregels heeft aangeboden",
    "Ze schelden me uit op twitter, moet ik aangifte doen?",  # a threat, not danger where the asker is
    "Wat doe ik als iemand een steen door mijn ruit gooit?",
    "Who decides on a broken window at the town hall?",
    "De raad probeert via een motie van wantrouwen mijn vertrek te forceren",  # forcing, but no door or window
    "de pers zit achter me aan sinds het rapport, wat moet ik doen?",  # hounded, not followed on the road
    "mijn auto staat achter het gemeentehuis, mag ik daar parkeren?",
])
def test_ordinary_questions_with_now_or_house_are_not_urgent(service, question):
    assert not service.ask(question).urgent


@pytest.mark.parametrize("question", [
    "Ze schelden me uit op twitter, moet ik aangifte doen?",
    "ik krijg al weken dreigbrieven thuis, wat moet ik doen?",
    "iemand heeft een kogel op mijn deurmat gelegd",
])
def test_every_threat_leads_with_112_even_when_the_danger_is_not_known_to_be_now(service, question):
    # danger now is not always worded so that the router knows it: a threat's first line asks about it, and the chat
    # page's contact panel has the tel:112 link
    from assistant.ui import ChatUI

    answer = service.ask(question)
    assert answer.route is Route.escalate and answer.reason == "threat", (answer.route, answer.reason)
    assert answer.answer.splitlines()[0] == service.templates.render("safety_112").strip(), answer.answer
    assert 'href="tel:112"' in ChatUI(service.settings, lambda: service, lambda: None).render(answer)


def test_an_answer_that_is_no_threat_has_no_112_link(service):
    from assistant.ui import ChatUI

    answer = service.ask("Ik word beschuldigd van belangenverstrengeling, wat moet ik doen?")
    assert answer.reason == "integrity" and not answer.urgent
    assert 'href="tel:112"' not in ChatUI(service.settings, lambda: service, lambda: None).render(answer)


def test_just_outside_is_a_place_not_a_moment(service):
    # 'net buiten de gemeente' says where, not 'just now': a question about the residence rule, not a crisis
    answer = service.ask("ik woon net buiten de gemeente, kan de raad me toch benoemen?")
    assert answer.route is Route.answer and "ontheffing" in answer.answer, answer.answer
    assert service.ask("ik ben net bedreigd door een man bij het stadhuis").route is Route.escalate


@pytest.mark.parametrize("question, route, reason", [
    # a forecast of who holds an office next, an opinion on a party, a sum for the asker's own household
    ("wie wordt de volgende premier denk je?", Route.decline, "out_of_scope"),
    ("vind jij dat de BBB goed bestuurt?", Route.decline, "out_of_scope"),
    ("kun je mijn huurtoeslag voor me uitrekenen?", Route.decline, "out_of_scope"),
    # knowing where the children go to school is intimidation, however anonymous the letters
    ("ik krijg sinds vorige week anonieme brieven dat ze weten op welke school mijn kinderen zitten",
     Route.escalate, "threat"),
    # a single question about the rules, in the first person and telling no story of its own, is answered
    ("krijg ik bij een integriteitsonderzoek de kans om te reageren op wat er gezegd wordt?", Route.answer, "answer"),
    ("mag ik als het college klapt iets over ons collegeoverleg naar buiten brengen?", Route.answer, "answer"),
    # while a story of one's own is still a person's matter
    ("krijg ik hulp als ik word bedreigd?", Route.escalate, "threat"),
])
def test_forecasts_and_opinions_are_declined_intimidation_escalated_rule_questions_answered(service, question, route, reason):
    answer = service.ask(question)
    assert (answer.route, answer.reason) == (route, reason), answer.answer


def _at(service: Service, hour: int) -> Service:
    clock = lambda: datetime(2026, 11, 29, hour, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))  # noqa: E731
    return Service(service.settings, service.index, service.router, service.generator, service.templates,
                   service.answerability, clock=clock)


def test_at_night_an_escalation_says_what_is_reachable_at_night(service):
    night = service.templates.render("night")
    question = "Ik word al weken bedreigd via sociale media"
    assert night in _at(service, 23).ask(question).answer
    assert night in _at(service, 3).ask(question).answer
    assert night not in _at(service, 14).ask(question).answer
    assert night in _at(service, 14).ask("Het is midden in de nacht en ik word met de dood bedreigd").answer
    assert night not in _at(service, 23).ask("Hoeveel leden heeft de Wethoudersvereniging?").answer


def test_wijzer_fit_refits_both_models_and_says_what_they_score(data_copy, tmp_path):
    out = tmp_path / "fitted"
    # The timeout only stops a hang: the fit takes 7 to 14 minutes on this machine, by its load.
    result = subprocess.run([venv_bin("wijzer"), "fit", "--out", str(out)], capture_output=True, text=True,
                            timeout=2400, env={**os.environ, "WIJZER_DATA_DIR": str(data_copy)})
    assert result.returncode == 0, result.stderr
    assert "chosen threshold" in result.stdout and "best sentence holds a key fact" in result.stdout
    model = LogisticModel.load(out / MODEL_PATH.name)
    assert model.features == ANSWERABILITY_FEATURES and 0 < model.threshold < 1
    assert LogisticModel.load(out / RANKER_PATH.name).params["keep_ratio"] > 0


def test_the_section_whose_heading_asks_what_was_asked_is_quoted(service):
    # both 'tussen zes en vier weken voor de bevallingsdatum' and 'zestien weken nadat het is ingegaan' hold weeks;
    # the second stands under 'Hoe lang duurt het verlof?', which asks what 'hoeveel weken' asks
    answer = service.ask("hoeveel weken zit ik in totaal thuis met bevallingsverlof als wethouder")
    assert answer.route is Route.answer and "zestien weken" in answer.answer, answer.answer
