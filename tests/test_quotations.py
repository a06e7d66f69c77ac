"""Every quotation of the article in the course is word for word (issue 14, part 3)."""

from pathlib import Path

import pytest

from mpcourse import quotations as Q

ROOT = Path(__file__).resolve().parents[1]
SENTENCES, HEADINGS = Q.load_article(ROOT)


def check(text):
    return [Q.mismatch(q, SENTENCES, HEADINGS) for q in Q.find_quotations(text)]


@pytest.mark.parametrize(
    "text",
    [
        '"stand up to pressure when possible while bending when necessary" (S21)',
        "S21 reads: 'His approach emphasizes pragmatism, suggesting allies must stand up to pressure when possible while bending when necessary.'",
        '"Stand up to pressure when possible while bending when necessary," (S21)',  # first letter, closing comma
        '"stand up to pressure ... when necessary" (S21)',  # omission
        '"[Carney\'s] approach emphasizes pragmatism" (S21)',  # insertion replaces a word
        '"Canada lives because of the United States. [...] next time you\'re going to make one of your statements" (S14)',
        "S14 quotes him: \u201cRemember that, Mark\u201d",  # curly marks
        '"Canada lives" and "Mark" (S12, S14)',  # a list of ids: any one of them
        'the section "Trump\'s Response and Assertions" (S11-S15)',  # a quoted heading
    ],
)
def test_word_for_word_quotations_pass(text):
    assert all(why is None for why in check(text))


@pytest.mark.parametrize(
    "text",
    [
        '"stand up to pressure when possible, bend when necessary" (S21)',  # main's misquote
        "S21 reads: 'allies should stand up to pressure'",  # a changed word
        '"Remember that Mark, the next time you make your statements" (S14)',  # another outlet's wording
        '"Canada exists because of the United States" (S14)',
        '"not exist" (S99)',  # an id the article does not have
        '"Mark" (S12, S21)',  # neither sentence has "Mark"
        '"stand up ... bend" (S21)',  # the article says "bending": a fragment is whole words
        '"Canada live" (S14)',  # a word cut short at the end
    ],
)
def test_misquotations_are_caught(text):
    problems = [why for why in check(text) if why]
    assert len(problems) == 1, (text, check(text))


def test_a_quotation_of_an_outlets_rendering_is_checked_against_that_row():
    ok = '"if you are not at the table, you are on the menu" (`C-DAV-04`)'
    drifted = '"if we are not at the table, we are on the menu" (`C-DAV-04`)'  # C-DAV-05's pronoun
    assert check(ok) == [None]
    assert check(drifted) == ['"if we are not at the table, we are on the menu" is not word for word in C-DAV-04']
    (q,) = Q.find_quotations('"Middle powers must act together" (`C-DAV-04`, `C-DAV-05`)')
    assert q.ids == ("C-DAV-04", "C-DAV-05")


@pytest.mark.parametrize(
    "text",
    [
        '"middle power" is a contested term',  # cites nothing
        'See S14. The word "said" is neutral.',  # an id in another sentence cites nothing
    ],
)
def test_quoted_text_that_cites_no_sentence_is_not_checked(text):
    assert Q.find_quotations(text) == []


def test_ranges_and_lists_of_ids_expand():
    (q,) = Q.find_quotations('"x y" (S06-S08, S20)')
    assert q.ids == ("S06", "S07", "S08", "S20")


def test_every_quotation_in_the_course_is_word_for_word():
    quotations, problems = Q.check_folder(ROOT)
    assert len(quotations) > 100, "the scan found too few quotations: has the citation style changed?"
    assert problems == [], "\n".join(f"{q.where}: {why}" for q, why in problems)


def test_a_quotation_of_a_speech_is_checked_against_the_speech_tables():
    assert check('"Remember that, Mark, the next time you make your statements" (TRUMP-P04-S08)') == [None]
    assert check('"Nostalgia is not a strategy" (`CARNEY-P04`)') == [None]
    (why,) = check('"next time you\'re going to make one of your statements" (TRUMP-P04-S08)')
    assert why and "TRUMP-P04-S08" in why
    (why,) = check('"not exist" (TRUMP-P09-S01)')
    assert why and "TRUMP-P09-S01" in why
