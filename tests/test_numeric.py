"""The one numeric-input rule (middlepowers.numeric): digits, trimming and separators per language."""

from __future__ import annotations

import unicodedata

import pytest

from middlepowers import checks, numeric
from middlepowers.numeric import parse_number


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("\u0662\u0667", "en", 27.0),  # Arabic-Indic: the kernel and the site disagreed (issue 26)
        ("\uff12\uff17", "en", 27.0),  # full-width
        ("27\ufeff", "en", 27.0),  # a byte-order mark: the kernel said "not a number" (issue 26)
        ("\u200f\u0662\u0667\u200f", "en", 27.0),  # right-to-left marks around Arabic digits
        ("\u00a027\u3000", "en", 27.0),
        ("1,000", "en", 1000.0),
        ("1,000.5", "en", 1000.5),
        ("\u22121,000", "en", -1000.0),
        ("1_000", "en", 1000.0),
        ("1,5", "fr", 1.5),
        ("1.5", "fr", 1.5),
        ("1,000", "fr", 1.0),
        ("1 000", "fr", 1000.0),
        ("1\xa0000", "fr", 1000.0),
        ("1\u202f000", "fr", 1000.0),
        ("1\u2009000\u2009000,25", "fr", 1000000.25),
        ("\u0661\u202f\u0660\u0660\u0660,\u0665", "fr", 1000.5),
        ("2,5e3", "fr", 2500.0),
    ],
)
def test_what_a_number_is(text, lang, value):
    assert parse_number(text, lang) == (value, "")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("1,5", "en"),  # could be meant either way in English
        ("1,00", "en"),
        ("1 000", "en"),
        ("1\xa0000", "en"),
        ("1 00", "fr"),
        ("1,5,0", "fr"),
        ("1 000e3", "fr"),
        ("2\u200b7", "en"),  # invisible characters are trimmed at the ends only
        ("27\x1f", "en"),  # Python's str.strip() removes U+001F; the rule does not (not White_Space)
        ("\u00b2", "en"),  # superscript two: a digit, but not a decimal digit
        ("\u2167", "en"),
        ("1__000", "en"),
    ],
)
def test_what_is_not(text, lang):
    value, reason = parse_number(text, lang)
    assert value is None and "is not a number" in reason


def test_the_digits_are_unicode_14s_decimal_digits():
    zeros = {c for c in range(0x110000) if unicodedata.category(chr(c)) == "Nd" and unicodedata.decimal(chr(c)) == 0}
    if unicodedata.unidata_version == "14.0.0":
        assert set(numeric.DIGIT_ZEROS) == zeros
    else:  # a newer Python knows more digits; the rule keeps its own list, so the site agrees with it
        assert set(numeric.DIGIT_ZEROS) <= zeros
    for zero in numeric.DIGIT_ZEROS:
        assert [unicodedata.decimal(chr(zero + n)) for n in range(10)] == list(range(10))


def test_every_white_space_character_is_trimmed():
    # Unicode's White_Space property: the characters str.isspace() accepts, less the four ASCII
    # information separators U+001C-U+001F (controls, which nobody types)
    white = {chr(c) for c in range(0x110000) if chr(c).isspace()} - set("\x1c\x1d\x1e\x1f")
    assert white <= set(numeric.TRIM)
    for ch in numeric.TRIM:
        assert parse_number(ch + "27" + ch) == (27.0, "")
        assert parse_number(ch * 3)[1] == numeric.EMPTY


def test_the_message_shows_invisible_characters():
    assert numeric.shown("2\u200b7") == "'2\\u200b7'"
    assert numeric.shown("it's") == '"it\'s"'
    assert numeric.shown("a\xa0b\tc") == "'a\\xa0b\\tc'"
    assert numeric.shown("x" * 50) == repr("x" * 40)


def test_plain_numbers_and_odd_values():
    assert parse_number(5) == (5.0, "")
    assert parse_number(True)[0] is None
    assert parse_number(None)[1] == numeric.EMPTY
    assert parse_number(10**400)[1] == numeric.TOO_LARGE
    with pytest.raises(ValueError, match="lang"):
        parse_number("1", "de")


def test_the_kernels_checker_uses_the_rule():
    assert checks.parse_number is numeric.parse_number


def test_every_drawn_case_gets_a_verdict():
    drawn = numeric.cases(27)
    assert len(drawn) >= 400
    fixed = {text for label, _, text in drawn if label.startswith("fixed:")}
    assert fixed == {"\u0662\u0667", "\uff12\uff17", "27\ufeff"}  # the failures of issue 26 stay as they are
    for _, lang, text in drawn:
        value, reason = parse_number(text, lang)
        assert (value is None) != (reason == "")
