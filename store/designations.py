"""Military designations as search terms: ``Mi-35`` finds Mi-35, Mi-35M, Mi35 and Ми-35.

A designation is a short run of letters, an optional hyphen, a number and an optional suffix
(``Mi-35M``, ``Su-30SM``, ``S-400``, ``T-72B3``, ``Tu-22M3``). The word tokenizer splits it
(``mi``, ``35m``), writers vary the hyphen and the script, and an analyst asking for the Mi-35
means the whole family. So besides its words, the full-text index keeps for each designation
two keys: the *base* (letters transliterated to Latin and lower-cased, then the number:
``~mi35``) and, when there is a suffix, the *full* key (``~mi35m``). A query token of the same
shape asks for the base key when it has no suffix (the family) and the full key when it has one
(that variant). Keys start with ``~``, which no word of the tokenizer contains, so they never
meet a word.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

#: Letters (Latin, Cyrillic, any script), an optional hyphen, a number, an optional suffix of
#: letters then digits. Not inside a longer word or number on either side.
#: Hyphens as writers type them: ASCII, Unicode's hyphen and non-breaking hyphen, figure and en
#: dashes, minus, fullwidth (a word processor turns Mi-35 into Mi‑35).
HYPHENS = "\\-\u2010\u2011\u2012\u2013\u2212\uff0d"
_SHAPE = rf"([^\W\d_]{{1,5}})([{HYPHENS}]?)(\d{{1,4}})([^\W\d_]{{0,4}}\d{{0,2}})"
_IN_TEXT = re.compile(rf"(?<![\w{HYPHENS}])" + _SHAPE + r"(?![\w])")
_WHOLE = re.compile(_SHAPE)
#: What marks a designation key apart from the words of the index.
MARK = "~"


@lru_cache(maxsize=20_000)
def _latin(letters: str) -> str:
    """Letters in Latin lower case (Ми → mi; Су → su): rigour's transliteration, ASCII kept as is."""
    if letters.isascii():
        return letters.lower()
    from rigour.text import ascii_text

    return ascii_text(unicodedata.normalize("NFKC", letters)).lower()


def _keys(letters: str, number: str, suffix: str) -> tuple[str, str | None]:
    """The base key and (with a suffix) the full key of one designation (digits of any script as ASCII)."""
    base = MARK + _latin(letters) + _ascii_digits(number)
    return base, (base + _latin(suffix) if suffix else None)


def _ascii_digits(number: str) -> str:
    """``３５`` → ``35``: a number written in fullwidth (or any script's) digits, as ASCII digits."""
    return number if number.isascii() else "".join(str(unicodedata.digit(ch)) for ch in number)


def _plain(letters: str, suffix: str) -> bool:
    """Whether the letters are letters (not ¹ or ½, which the pattern's class lets through)."""
    return letters.isalpha() and (not suffix or suffix.rstrip("0123456789０１２３４５６７８９").isalpha())


def designations_in(text: str) -> Iterator[tuple[int, int, str, str | None]]:
    """Each designation of ``text``: start, end, base key, full key (``None`` without a suffix)."""
    for found in _IN_TEXT.finditer(text):
        letters, _, number, suffix = found.groups()
        if not _plain(letters, suffix):
            continue  # a "letter" that is a number or a mark of another kind (¹, ½)
        base, full = _keys(letters, number, suffix)
        yield found.start(), found.end(), base, full


def designation_counts(text: str) -> Counter[str]:
    """Key → occurrences in ``text`` (base and full keys alike), for the index."""
    counts: Counter[str] = Counter()
    for _, _, base, full in designations_in(text):
        counts[base] += 1
        if full is not None:
            counts[full] += 1
    return counts


def query_key(token: str) -> str | None:
    """The key a query token asks for, if the token is a designation: the family without a suffix.

    ``Mi-35`` → ``~mi35`` (Mi-35, Mi-35M, Mi35, Ми-35); ``Mi-35M`` → ``~mi35m``; ``S400`` →
    ``~s400``. A token of letters only or digits only is not one (``None``).
    """
    found = _WHOLE.fullmatch(token)
    if found is None:
        return None
    letters, _, number, suffix = found.groups()
    if not _plain(letters, suffix):
        return None
    base, full = _keys(letters, number, suffix)
    return full or base


def spans_of(text: str, keys: set[str], prefixes: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """Where ``text`` holds a designation with one of ``keys`` (or a key starting with one of ``prefixes``).

    One pass over the text's designations, each looked up among those asked: a query may OR
    hundreds of them (``Mi-1 OR … OR Mi-500``).
    """
    found = []
    for start, end, base, full in designations_in(text):
        held = (base,) if full is None else (base, full)
        if any(key in keys for key in held) or (prefixes and any(key.startswith(prefixes) for key in held)):
            found.append((start, end))
    return found
