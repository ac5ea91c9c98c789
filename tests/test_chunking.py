"""Cleaning and chunking: extraction noise removed, headings kept with their text, lists kept whole."""

from __future__ import annotations

from ingest.chunking import chunk, structure
from ingest.cleaning import blocks
from ingest.loaders import Page


def test_html_list_markup_in_a_table_becomes_items():
    row = 'Lef\t<ul style="list-style-type: none">• Neem moeilijke besluiten.• Toon durf.</ul>'
    assert blocks(row) == [["Lef:", "- Neem moeilijke besluiten.", "- Toon durf."]]


def test_slide_fragments_are_dropped_only_when_asked():
    text = "KINDEREN\nWILLEN\nLEREN;\n\nDe vereniging helpt wethouders bij hun ontwikkeling."
    assert len(blocks(text, drop_fragments=True)) == 1
    assert len(blocks(text, drop_fragments=False)) == 2


def test_emphasis_and_page_numbers_are_removed():
    assert blocks("**Belangrijk** is *dit*.\n\n12\n\nNog een zin.") == [["Belangrijk is dit."], ["Nog een zin."]]


def test_hyphenated_word_across_blocks_is_joined():
    assert blocks("zoals soepelere verlofregelingen en maat-\n\nregelen voor veiligheid.") == [
        ["zoals soepelere verlofregelingen en maatregelen voor veiligheid."]
    ]


def test_chunks_know_their_section_and_page():
    pages = [Page("# Verlof\n\nHet verlof duurt zestien weken.", 1), Page("## Vervanging\n\nDe raad benoemt een vervanger.", 2)]
    chunks = chunk(structure(pages), limit=1200, min_chars=10)
    assert [(c.section, c.page) for c in chunks] == [("Verlof", 1), ("Verlof › Vervanging", 2)]


def test_a_list_stays_in_one_chunk():
    items = "\n".join(f"- punt nummer {i} van de lijst met lobbypunten" for i in range(12))
    text = "Inleiding\n\n" + "Een zin over iets anders. " * 30 + "\n\nWe lobbyen voor:\n" + items
    chunks = chunk(structure([Page(text)]), limit=800)
    holding = [c for c in chunks if "punt nummer 0" in c.text]
    assert len(holding) == 1 and "punt nummer 11" in holding[0].text
    assert all(len(c.text) <= 800 for c in chunks)


def test_a_sentence_cut_by_a_page_break_is_joined():
    assert blocks("hun verantwoordelijkheden toenamen, waarin\n\nde politieke verhoudingen veranderden.") == [
        ["hun verantwoordelijkheden toenamen, waarin de politieke verhoudingen veranderden."]
    ]


def test_a_list_interrupted_by_a_blank_line_stays_one_list():
    text = "Het plan kent drie pijlers, te weten:\n- 1 Wethoudersland – bekendheid\n\n- 2 Een aantrekkelijk ambt\n- 3 Rechtspositie"
    assert blocks(text) == [["Het plan kent drie pijlers, te weten:", "- 1 Wethoudersland – bekendheid",
                             "- 2 Een aantrekkelijk ambt", "- 3 Rechtspositie"]]


def test_a_slide_of_glossed_terms_and_their_acronym_is_kept():
    text = ("**VOLATILITY**\n(VLUCHTIGHEID)\n?\n\n**UNCERTAINTY**\n(ONZEKERHEID)\n\n**VUCA**\n\n"
            "**COMPLEXITY**\n(COMPLEXITEIT)\n\n**AMBIGUITY**\n(ONDUIDELIJKHEID)\n\nMEER\n\nBOZ")
    # one list (not five headings); 'MEER' and 'BOZ' are scattered words: no glossed terms spell them
    assert blocks(text, drop_fragments=True) == [["- VOLATILITY (VLUCHTIGHEID) ?", "- UNCERTAINTY (ONZEKERHEID)", "- VUCA",
                                                  "- COMPLEXITY (COMPLEXITEIT)", "- AMBIGUITY (ONDUIDELIJKHEID)"]]


def test_a_slides_row_of_key_words_in_bold_is_kept_as_one_sentence():
    slide = ("**Jeroen van Gool**\n\nDirecteur\n\n**ondersteuning**\n\n**ontwikkeling**\n\n**belangen  \nbehartiging**"
             "\n\n**onderzoek**\n\nD om\n\n*moeilijk*")
    assert blocks(slide, drop_fragments=True) == [
        ["Jeroen van Gool"], ["Directeur"], ["ondersteuning, ontwikkeling, belangen behartiging, onderzoek."]]
    # two bold words in a row are no such row: scattered captions, dropped as before
    assert blocks("Directeur\n\n**MEER**\n\n**WERKDRUK**", drop_fragments=True) == [["Directeur"]]
