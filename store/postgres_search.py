"""Full-text search on the server: the folder store's words, in PostgreSQL's ``tsvector``.

The server's own parsers split and stem words by a language's rules; the folder store matches
case- and accent-folded words (:func:`store.search_index.fold`). For both stores to answer a
query alike, the words are made here, in Python, by the same tokenizer and fold, and handed to
the server ready made: a ``tsvector`` literal per article (its text's words; those also in the
title at weight A, so a hit on the subject ranks higher) and a ``tsquery`` literal per query.
The server then only matches lexemes (with a GIN index) and ranks; the few hits shown are
located in their text by the same code the folder store uses
(:func:`store.text_matches.first_match`).

PostgreSQL limits a lexeme's positions to 16,383 and keeps 256 per lexeme, and a ``tsvector``
to 1 MB: in an article longer than 16,383 words, a quoted phrase past that point is not found
(its words still are).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from store.designations import designation_counts
from store.search_index import LONGEST_WORD, folded_words

_DIGIT = re.compile(r"\d")

#: The last position PostgreSQL keeps; later words are stored at it.
MAX_POSITION = 16383
#: Positions PostgreSQL keeps per lexeme.
MAX_POSITIONS_PER_LEXEME = 256
#: A lexeme longer than this (in UTF-8 bytes) is refused by the server: such "words" are dropped.
MAX_LEXEME_BYTES = 2046
#: Leave room under the server's 1 MB limit for a ``tsvector``.
MAX_VECTOR_CHARS = 800_000


def lexeme_literal(word: str) -> str:
    """A word as a lexeme of a ``tsquery`` literal (quoted, never read as an operator)."""
    return _quote(word)


def _quote(lexeme: str) -> str:
    """A lexeme as a quoted literal: quotes doubled, backslashes escaped."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _usable(term: str) -> bool:
    return len(term) > 0 and (len(term) * 4 <= MAX_LEXEME_BYTES or len(term.encode()) <= MAX_LEXEME_BYTES)


#: Position ``i + 1`` as the literal writes it (capped at :data:`MAX_POSITION`), made once: an
#: import writes millions of positions, each of which was a ``str`` call and a ``min``.
_POSITIONS = [str(min(number, MAX_POSITION)) for number in range(1, MAX_POSITION + 1)]


def _escaped(lexeme: str) -> str:
    """A lexeme's text inside its quotes (see :func:`_quote`)."""
    return lexeme.replace("\\", "\\\\").replace("'", "''")


def vector_literal(title: str | None, text: str) -> str:
    """The ``tsvector`` literal of an article (see :func:`vector_and_words`)."""
    return vector_and_words(title, text)[0]


def vector_and_words(title: str | None, text: str) -> tuple[str, set[str]]:
    """The ``tsvector`` literal of an article: its text's folded words with their positions.

    With it, the text's distinct folded words as :func:`store.vocabulary.text_words` gives them
    (an import adds them to the vocabulary: folded once for both).

    As in the folder store, only the text is searched; a word of the text that is also a word
    of the title is weighted A, so a hit on the article's subject ranks higher. Each lexeme is
    written ``'word':1,5,9`` (``'word':1A,5A,9A`` when weighted), in the order the words first
    occur.

    Written for speed (an import makes one per article, and this was most of the saving
    process's own time): the words come from :func:`folded_words`; each position is a string
    made once (:data:`_POSITIONS`) and kept as such; and the rare cases (a word of the title,
    more than :data:`MAX_POSITIONS_PER_LEXEME` of a word, a word too long for the server, a
    quote in a word) are dealt with apart, so that the literal of an ordinary article is joined
    in one pass without a Python step per lexeme.
    """
    terms = folded_words(text)
    numbers = _POSITIONS
    if len(terms) > MAX_POSITION:  # the server keeps later words at the last position
        numbers = _POSITIONS + _POSITIONS[-1:] * (len(terms) - MAX_POSITION)
    positions: dict[str, list[str]] = {}
    get = positions.get
    for number, term in zip(numbers, terms, strict=False):  # numbers has as many or more
        kept = get(term)
        if kept is None:
            positions[term] = [number]
        else:
            kept.append(number)
    if not positions:
        return "", set()
    if len(terms) - len(positions) >= MAX_POSITIONS_PER_LEXEME:  # else no word occurs more often
        for kept in positions.values():
            del kept[MAX_POSITIONS_PER_LEXEME:]
    if title:
        for term in set(folded_words(title)).intersection(positions):
            positions[term] = [number + "A" for number in positions[term]]
    lexemes: Iterable[str] = positions
    longest = len(max(positions, key=len))
    words = set(positions) if longest <= LONGEST_WORD else {term for term in positions if len(term) <= LONGEST_WORD}
    if longest * 4 > MAX_LEXEME_BYTES:
        lexemes = [term for term in positions if len(term) * 4 <= MAX_LEXEME_BYTES or _usable(term)]
        if not lexemes:
            return "", words
        lists: Iterable[list[str]] = map(positions.__getitem__, lexemes)
    else:
        lists = positions.values()
    written = "".join(lexemes)
    if "'" in written or "\\" in written:  # never from a word of the tokenizer, but cheap to be sure
        lexemes = list(map(_escaped, lexemes))
    literal = "'" + " '".join(map("':".join, zip(lexemes, map(",".join, lists), strict=True)))
    if len(literal) > MAX_VECTOR_CHARS:
        # A huge text: the words without their positions (phrases in it are then not found).
        literal = " ".join(_quote(term) for term in positions if _usable(term))[:MAX_VECTOR_CHARS]
        literal = literal[: literal.rfind("' '") + 1] if len(literal) == MAX_VECTOR_CHARS else literal
    return literal + designation_lexemes(text), words


def designation_lexemes(text: str) -> str:
    """The designation keys of ``text`` (:mod:`store.designations`) as lexemes without positions.

    Appended to the words' literal (``" '~mi35' '~mi35m'"``; empty when there are none): a
    query asks for a key alone, never in a phrase, so no position is needed.
    """
    if not _DIGIT.search(text):
        return ""
    return "".join(" " + _quote(key) for key in designation_counts(text) if _usable(key))
