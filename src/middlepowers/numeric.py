"""The one numeric-input rule: what a typed answer to a numeric question means.

The kernel's checker (:func:`middlepowers.checks.check_numeric`) calls
:func:`parse_number`; the website's grader (``tools/mpcourse/static/mpcheck.js``)
follows the same steps with the same tables, which the site build writes from
:func:`rule_data`. ``tests/site`` feeds both the cases :func:`cases` draws
from this rule and fails on any difference.

The rule, in order:

1. **Trim** every character of :data:`TRIM` from both ends: Unicode's
   White_Space characters (tab, line breaks, the no-break, thin and
   ideographic spaces, ...) and the invisible format characters that copying
   from a web page or a right-to-left keyboard brings along (zero-width
   space and joiners, the left-to-right and right-to-left marks, the word
   joiner, the byte-order mark U+FEFF). A student cannot see them, so they
   cannot mean anything. Inside a number they are not allowed (but see 3).
   Control characters that are not White_Space (U+001C-U+001F) are not
   trimmed: nobody types them, and they make the answer "not a number".
2. **Digits**: every Unicode decimal digit counts, with its value (``٢٧``,
   ``２７`` and ``27`` are all twenty-seven). Why not ASCII only: an Arabic
   keyboard types Arabic-Indic digits and a Japanese or Chinese input method
   full-width ones, and such a student means a number. Which characters are
   digits is fixed here (:data:`DIGIT_ZEROS`, the decimal digits of Unicode
   14.0), not read from the running Python or browser, so the verdict does
   not change with their Unicode version. The minus sign U+2212 is a minus.
3. **Separators**, per language:

   * English (``lang="en"``, the default): ``.`` is the decimal point and a
     comma groups thousands in threes (``1,000`` is a thousand; ``1,5`` is
     not a number, because it could be meant either way). Digits may also
     be grouped with single underscores, as Python writes them (``1_000``).
   * French (``lang="fr"``): ``,`` is the decimal mark (``1,5`` is one and a
     half); ``.`` is accepted too, as calculators and Python print it.
     Thousands are grouped in threes by a space: U+0020, the no-break space
     U+00A0, the narrow no-break space U+202F, the thin space U+2009 or the
     figure space U+2007 (:data:`FRENCH_GROUP`). A comma never groups.

   An exponent (``2e3``) is allowed where there is no grouping.
4. ``nan`` and numbers too large for a float (``1e999``, ``inf``) get their
   own message; anything else is "not a number", quoting what was typed.

The value of an accepted answer is the nearest float to the decimal number
written (Python's ``float`` and JavaScript's ``Number`` both round correctly,
so the kernel and the page get the same value).
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["LANGS", "TRIM", "DIGIT_ZEROS", "FRENCH_GROUP", "parse_number", "shown", "rule_data"]

#: The languages the rule knows (English is the default).
LANGS = ("en", "fr")

#: Unicode's White_Space property (PropList.txt, unchanged since Unicode 6.3).
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
#: Invisible format characters, trimmed like white space: Mongolian vowel separator, zero-width
#: space, non-joiner and joiner, left-to-right and right-to-left marks, Arabic letter mark,
#: word joiner, byte-order mark (zero-width no-break space).
INVISIBLE = "\u180e\u200b\u200c\u200d\u200e\u200f\u061c\u2060\ufeff"
#: What is trimmed from both ends of an answer.
TRIM = WHITE_SPACE + INVISIBLE

#: The code point of the digit zero of every run of decimal digits (Unicode 14.0, category Nd):
#: each run is the ten digits 0-9 in order.
DIGIT_ZEROS = (
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0,
    0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0,
    0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE,
    0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
)  # fmt: skip
_DIGITS = {chr(zero + n): str(n) for zero in DIGIT_ZEROS for n in range(10)}
#: Read as "-".
MINUS = "\u2212"
#: The spaces that group thousands in French.
FRENCH_GROUP = " \xa0\u2007\u2009\u202f"

# After step 2 (ASCII digits; French group spaces made " "): the grammar, ASCII only.
_DIGITPART = r"[0-9](?:_?[0-9])*"
_EXPONENT = rf"(?:[eE][+-]?{_DIGITPART})?"
_GRAMMAR = {
    "en": (
        re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?"),
        re.compile(rf"[+-]?(?:{_DIGITPART}(?:\.(?:{_DIGITPART})?)?|\.{_DIGITPART}){_EXPONENT}"),
    ),
    "fr": (
        re.compile(r"[+-]?[0-9]{1,3}(?: [0-9]{3})+(?:[,.][0-9]*)?"),
        re.compile(rf"[+-]?(?:{_DIGITPART}(?:[,.](?:{_DIGITPART})?)?|[,.]{_DIGITPART}){_EXPONENT}"),
    ),
}
_SPECIAL = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE | re.ASCII)

EMPTY = "The box is empty: type a number, then press Check."
NOT_A_NUMBER = "{shown} is not a number: type digits only, e.g. 27 (no words or units)."
NAN = "'nan' is not a number we can check: type an ordinary number."
TOO_LARGE = "That number is too large (or infinite) to check: type an ordinary number."
NOT_TYPED = "Please type a number."


def shown(text: str, limit: int = 40) -> str:
    """The first ``limit`` characters of ``text`` in quotes, as the messages show them.

    Like Python's ``repr`` of a string (the same choice of quotes, ``\\n``,
    ``\\t``, ``\\\\``), with every character that cannot be seen written as
    an escape (``\\xa0``, ``\\u200b``): control characters, the white space
    and invisible characters above, and lone surrogates. The site's
    ``pyRepr`` follows this line by line.
    """
    chars = list(text)[:limit]
    quote = '"' if "'" in chars and '"' not in chars else "'"
    out = []
    for ch in chars:
        cp = ord(ch)
        if ch in "\\" + quote:
            out.append("\\" + ch)
        elif ch in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif ch == " ":
            out.append(ch)
        elif cp < 0x20 or 0x7F <= cp < 0xA0 or ch in TRIM or 0xD800 <= cp < 0xE000:
            out.append(f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}")
        else:
            out.append(ch)
    return quote + "".join(out) + quote


def _canonical(s: str, lang: str) -> str | None:
    """``s`` (trimmed) as an ASCII number Python and JavaScript both read, or None."""
    mapped = "".join(
        _DIGITS.get(ch) or ("-" if ch == MINUS else " " if lang == "fr" and ch in FRENCH_GROUP else ch) for ch in s
    )
    grouped, plain = _GRAMMAR[lang]
    if grouped.fullmatch(mapped):
        return mapped.replace("," if lang == "en" else " ", "").replace(",", ".")
    if plain.fullmatch(mapped):
        return mapped.replace("_", "").replace(",", ".")
    return None


def parse_number(text: Any, lang: str = "en") -> tuple[float | None, str]:
    """Turn what a student typed into a finite float, or ``(None, friendly reason)``.

    ``text`` is what the box holds (a str; ``None`` is an empty box); a Python
    int or float is taken as it is. ``lang`` chooses the separators (module
    docstring): ``"en"`` (default) or ``"fr"``.
    """
    if lang not in _GRAMMAR:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}")
    if isinstance(text, bool):
        return None, NOT_TYPED
    if isinstance(text, (int, float)):
        value = float(text) if not isinstance(text, int) or abs(text) < 1e308 else math.inf
    else:
        s = str(text if text is not None else "").strip(TRIM)
        if not s:
            return None, EMPTY
        number = _canonical(s, lang)
        if number is not None:
            value = float(number)
        elif _SPECIAL.fullmatch(s.replace(MINUS, "-")):
            value = math.nan if "nan" in s.lower() else math.inf
        else:
            return None, NOT_A_NUMBER.format(shown=shown(s))
    if math.isnan(value):
        return None, NAN
    if math.isinf(value):
        return None, TOO_LARGE
    return value, ""


def rule_data() -> dict:
    """The rule's tables for the website's grader (``window.MP_NUMERIC``): one definition, two readers."""
    return {
        "trim": TRIM,
        "digitZeros": list(DIGIT_ZEROS),
        "grammar": {lang: [pattern.pattern for pattern in patterns] for lang, patterns in _GRAMMAR.items()},
        "special": _SPECIAL.pattern,
        "minus": MINUS,
        "frenchGroup": FRENCH_GROUP,
        "messages": {"empty": EMPTY, "notANumber": NOT_A_NUMBER, "nan": NAN, "tooLarge": TOO_LARGE},
    }


def cases(answer: float = 27.0) -> list[tuple[str, str, str]]:
    """``(label, lang, text)``: answers drawn from the rule, for the tests that hold the site to it.

    For ``answer`` (a whole number below 1,000 reads best): the answer in every
    script's digits; every White_Space, invisible and nearly-white character
    before, after and inside it; each language's separators, right and wrong;
    and the odd things people type. The labels say what each case tries.
    """
    whole = str(int(answer)) if float(answer).is_integer() else repr(float(answer))
    near_white = "\x1c\x1d\x1e\x1f\u200a\u2800\u3164\u115f\uffa0\u00ad\u034f"  # white-looking, not all trimmed
    out: list[tuple[str, str, str]] = []
    for lang in LANGS:
        for zero in DIGIT_ZEROS:
            out.append((f"digits from U+{zero:04X}", lang, "".join(_script(c, zero) for c in whole)))
        out.append(("mixed scripts", lang, "".join(_script(c, DIGIT_ZEROS[i % 3]) for i, c in enumerate(whole))))
        for ch in dict.fromkeys(TRIM + near_white):
            code = f"U+{ord(ch):04X}"
            out += [(f"{code} before", lang, ch + whole), (f"{code} after", lang, whole + ch)]
            out.append((f"{code} inside", lang, whole[:1] + ch + whole[1:] if len(whole) > 1 else whole + ch + "0"))
    out += [
        ("fixed: Arabic-Indic digits (issue 26)", "en", "\u0662\u0667"),
        ("fixed: full-width digits (issue 26)", "en", "\uff12\uff17"),
        ("fixed: a trailing byte-order mark (issue 26)", "en", "27\ufeff"),
        ("a thousand, English", "en", "1,000"),
        ("a thousand and a half, English", "en", "1,000.5"),
        ("one and a half, comma, English", "en", "1,5"),
        ("bad grouping, English", "en", "1,00"),
        ("space grouping, English", "en", "1 000"),
        ("Arabic-Indic thousand, English", "en", "\u0661,\u0660\u0660\u0660"),
        ("one and a half, French", "fr", "1,5"),
        ("one and a half with a point, French", "fr", "1.5"),
        ("a thousand, French comma", "fr", "1,000"),
        ("a thousand, space", "fr", "1 000"),
        ("a thousand, no-break space", "fr", "1\xa0000"),
        ("a thousand, narrow no-break space", "fr", "1\u202f000"),
        ("a million and a half, French", "fr", "1\u202f000\u202f000,5"),
        ("bad grouping, French", "fr", "1 00"),
        ("two decimal marks, French", "fr", "1,5,0"),
        ("grouping with an exponent, French", "fr", "1 000e3"),
        ("exponent, French", "fr", "2,5e3"),
        ("underscore", "en", "1_000"),
        ("double underscore", "en", "1__000"),
        ("exponent", "en", "2.5e3"),
        ("minus sign", "en", "\u221227"),
        ("minus sign, French", "fr", "\u22121,5"),
        ("plus", "en", "+27"),
        ("point first", "en", ".5"),
        ("point last", "en", "5."),
        ("just a point", "en", "."),
        ("just a minus", "en", "-"),
        ("nan", "en", "nan"),
        ("minus infinity", "en", "\u2212inf"),
        ("Infinity", "fr", "Infinity"),
        ("too large", "en", "1e999"),
        ("very long", "en", "9" * 400),
        ("words", "en", "about twenty"),
        ("quote in text", "en", "it's 5"),
        ("both quotes", "en", 'it\'s "5"'),
        ("backslash", "en", "5\\"),
        ("control character", "en", "5\x00"),
        ("emoji and long", "en", "\U0001f600" * 50),
        ("lone surrogate", "en", "5\ud800"),
        ("superscript two", "en", "\u00b2"),
        ("Roman numeral", "en", "\u2167"),
        ("only white space", "fr", "\u3000\ufeff \u202f"),
    ]
    return out


def _script(ch: str, zero: int) -> str:
    return chr(zero + int(ch)) if ch.isdigit() else ch
