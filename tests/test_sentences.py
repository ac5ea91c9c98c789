"""The quotable sentences of a chunk, and the word-level helpers answers are chosen with."""

from __future__ import annotations

from assistant.language import NUMBER
from assistant.sentences import split


def test_headings_questions_and_fragments_are_not_quotable_but_rhetorical_questions_are_marked():
    text = "## Over ons\nDe vereniging telt ruim 1.100 leden. Kort.\nMaar wat zijn de rode draden in de 344 akkoorden?"
    sentences = split(text)
    assert [s.text for s in sentences] == ["De vereniging telt ruim 1.100 leden.",
                                           "Maar wat zijn de rode draden in de 344 akkoorden?"]
    assert [s.is_question for s in sentences] == [False, True]
    assert sentences[0].heading == "Over ons"


def test_a_source_list_is_never_quotable_even_when_the_chunk_starts_inside_it():
    assert split("## Bronnen\n- Gemeentewet, artikel 45 (ingevoegd bij Wet van 6 juli 2011).") == []
    assert split("- Kamerstuk 32 209, nr. 3 (memorie van toelichting).", section="Verlof › Bronnen") == []


def test_a_table_header_heads_its_rows_and_a_label_its_items():
    text = ("Welke waarden hebben prioriteit? | Wat kunnen wethouders doen?\nLef:\n"
            "- Deins niet terug voor moeilijke beslissingen.\nBetrokkenheid:\n- Toon dat je begaan bent met ambtenaren.")
    sentences = split(text)
    assert [(s.label, s.is_item) for s in sentences] == [("Lef", True), ("Betrokkenheid", True)]
    assert all(s.heading.startswith("Welke waarden hebben prioriteit?") for s in sentences)


def test_number_words_count_as_numbers_but_the_article_does_not():
    for text in ("negenendertig waarden", "zestien weken", "twee termijnen", "80 procent", "de helft"):
        assert NUMBER.search(text), text
    assert not NUMBER.search("een boek over de vereniging")


def test_a_stack_of_headings_without_text_is_quoted_as_items():
    text = ("## Axel Boomgaars\n## Voorzitter Wethoudersvereniging\n## Jeroen van Gool\n## Directeur Wethoudersvereniging\n"
            "## Beleidsplan 2025-2030\nNederland staat wereldwijd bekend als een van de best bestuurde landen.")
    found = split(text, "Voorwoord")
    assert [s.text for s in found if s.is_item] == ["Axel Boomgaars", "Voorzitter Wethoudersvereniging",
                                                   "Jeroen van Gool", "Directeur Wethoudersvereniging"]
    assert found[-1].heading == "Beleidsplan 2025-2030" and not found[-1].is_item
    assert all(s.heading == "Voorwoord" and s.stacked for s in found if s.is_item)


def test_a_full_stop_inside_a_quoted_title_does_not_end_the_sentence_but_an_elision_opens_nothing():
    cited = "² Bron: 'Een onverwacht beeld. Vrouwen als wethouders', de vereniging met Meer Vrouwen in de Politiek, 2024"
    assert [s.text for s in split(cited)] == [cited]
    night = "Het team is 's nachts bereikbaar. Bel dan het nummer op de kaart van het bureau."
    assert len(split(night)) == 2


def test_a_blank_line_under_a_label_is_passed_over():
    # a label with a blank line before its value (as a text may be written before it is chunked) split without error
    sentences = split("Afleveradres:\n\nSchelpkade 60, 2514 KB Den Haag")
    assert [(s.text, s.label) for s in sentences] == [("Schelpkade 60, 2514 KB Den Haag", "Afleveradres")]
