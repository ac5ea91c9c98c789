"""eval/overlap.py: a new part's question that repeats an earlier one, in wording or as the same fact in other
words, is found; a question about another fact of the same document is not."""

from __future__ import annotations

from eval.overlap import Asked, corpus_texts, overlaps

EARLIER = [
    Asked("In welk overleg praat de vereniging met het Rijk over de rechtspositie van wethouders?", "external",
          ("(?i)ORDPA|Overleg Rechtspositie",)),
    Asked("Hoe lang duurt het zwangerschapsverlof van een wethouder?", "questions.yaml:tuning",
          ("(?i)zestien weken",)),
    Asked("Iemand staat nu met een mes voor mijn deur", "questions.yaml:tuning", ("112",)),
]


def test_a_question_asked_again_in_other_words_or_words_is_found_and_another_fact_is_not(e5):
    texts = corpus_texts()
    new = [
        Asked("Met wie overleggen jullie bij het Rijk over onze rechtspositie, hoe heet dat overleg?", "new",
              ("(?i)ORDPA|Overleg Rechtspositie",)),  # the same fact in other words
        Asked("Hoe lang duurt het zwangerschapsverlof van een wethouder eigenlijk?", "new",
              ("(?i)zestien weken",)),  # nearly the same words
        Asked("Wanneer gaat mijn zwangerschapsverlof in?", "new", ("(?i)zes en vier weken",)),  # another fact
        Asked("Er gooit nu iemand stenen door mijn ruit", "new", ("112",)),  # 112 names no one fact
    ]
    found = {question: (earlier.q, how) for question, earlier, how, _ in overlaps(new, EARLIER, e5.embed_query, texts)}
    assert found[new[0].q] == (EARLIER[0].q, "same fact")
    assert found[new[1].q] == (EARLIER[1].q, "wording")
    assert new[2].q not in found and new[3].q not in found
