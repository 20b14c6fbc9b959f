"""Amounts of money: "$1.5 billion", "£20m", "US$300,000", "15 billion rubles", "EUR 5 million".

An amount is a number (with thousands separators and decimals) and maybe a magnitude
("million", "bn", "m"), marked as money by a currency sign or ISO 4217 code before it, or by a
currency code or word after it ("15 billion rubles", "1.4 billion US dollars"). The codes and
words come from pycountry's ISO 4217 table (the last word of each currency's English name:
"Russian Ruble" → "ruble", "Uzbekistan Sum" → "sum"), plus the spellings English news also uses
("rouble", "yuan", "cents"). Codes of funds and metals (the "X…" codes) are left out.

Currency words that are also ordinary English words ("real", "won", "mark", "sum", "rand",
"sol", "gold") count only after a magnitude: "15 billion sum" is money, "the 15 sum" is not.

The name is the amount as written, its spaces collapsed.
"""

from __future__ import annotations

import functools
import re

import pycountry

from store.spans import TakenSpans
from store.suggest.candidates import Candidate
from store.suggest.lexicon import fold, words

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MAGNITUDE = r"(?:\s?(?:thousand|million|billion|trillion|bn|mn|mln|tn|trn|m|k)\b)"
_SIGNS = r"(?:[A-Z]{1,2})?[$£€¥₽₹₴₺₩]"
_AMBIGUOUS_WORDS = words("real won mark sum rand sol gold silver unit")
_EXTRA_WORDS = ("rouble", "yuan", "cent", "sterling", "dollar", "euro", "pound")


@functools.cache
def _currency_terms() -> tuple[frozenset[str], frozenset[str]]:
    """(ISO codes, lower-case currency words with their plurals) from pycountry."""
    codes: set[str] = set()
    words: set[str] = set(_EXTRA_WORDS)
    for currency in pycountry.currencies:
        if currency.alpha_3.startswith("X") or "(" in currency.name:
            continue
        codes.add(currency.alpha_3)
        words.add(currency.name.split()[-1].lower())
    words |= {w + "s" for w in words if not w.endswith("s")}
    return frozenset(codes), frozenset(words)


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    codes, words = _currency_terms()
    code = r"(?:" + "|".join(sorted(codes)) + r")"
    word = r"(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")"
    before = re.compile(
        r"(?<![\w$£€¥])(?:" + _SIGNS + r"\s?|" + code + r"\s)(?:" + _NUMBER + r")" + _MAGNITUDE + r"?(?![\w]|[.,]\d)"
    )
    after = re.compile(
        r"(?<![\w.,$£€¥])(?:"
        + _NUMBER
        + r")(?P<magnitude>"
        + _MAGNITUDE
        + r")?\s(?:(?:US|U\.S\.|[A-Z][a-z]+)\s)?(?:(?P<word>"
        + word
        + r")|"
        + code
        + r")(?![\w])"
    )
    return before, after


def money(text: str) -> list[Candidate]:
    """MONEY candidates (see the module docstring)."""
    folded = fold(text)
    before, after = _patterns()
    found: list[Candidate] = []
    covered = TakenSpans()
    for pattern in (before, after):
        for m in pattern.finditer(folded):
            start, end = m.span()
            if not covered.free(start, end):
                continue
            if pattern is after:
                word = (m.group("word") or "").lower()
                if word.rstrip("s") in _AMBIGUOUS_WORDS and not m.group("magnitude"):
                    continue
            covered.take(start, end)
            found.append(Candidate(start, end, "MONEY", " ".join(text[start:end].split()), "pattern", "money"))
    return found
