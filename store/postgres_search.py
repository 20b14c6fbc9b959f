"""Full-text search on the server: the folder store's words, in PostgreSQL's ``tsvector``.

The server's own parsers split and stem words by a language's rules; the folder store matches
case- and accent-folded words (:func:`store.search_index.fold`). For both stores to answer a
query alike, the words are made here, in Python, by the same tokenizer and fold, and handed to
the server ready made: a ``tsvector`` literal per article (its text's words; those also in the
title at weight A, so a hit on the subject ranks higher) and a ``tsquery`` literal per query.
The server then only matches lexemes (with a GIN index) and ranks; the few hits shown are
located in their text by the same code the folder store uses
(:func:`store.search_index.first_match`).

PostgreSQL limits a lexeme's positions to 16,383 and keeps 256 per lexeme, and a ``tsvector``
to 1 MB: in an article longer than 16,383 words, a quoted phrase past that point is not found
(its words still are).
"""

from __future__ import annotations

from store.search_index import WORD, Group, SearchIndex, fold

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


def vector_literal(title: str | None, text: str) -> str:
    """The ``tsvector`` literal of an article: its text's folded words with their positions.

    As in the folder store, only the text is searched; a word of the text that is also a word
    of the title is weighted A, so a hit on the article's subject ranks higher. (Written for
    speed: an import makes one per article, and this is most of a server import's own time. An
    ASCII text is lowered whole, which folds each of its words as :func:`fold` would and splits
    it in the same places; any other text folds each distinct word once.)
    """
    in_title = {fold(word) for word in WORD.findall(title or "")}
    if text.isascii():
        terms = WORD.findall(text.lower())
    else:
        words = WORD.findall(text)
        folded = {word: fold(word) for word in set(words)}
        terms = list(map(folded.__getitem__, words))
    positions: dict[str, list[int]] = {}
    for number, term in enumerate(terms, start=1):
        kept = positions.get(term)
        if kept is None:
            positions[term] = [number]
        else:
            kept.append(number)
    parts: list[str] = []
    add = parts.append
    for term, numbers in positions.items():
        if len(term) * 4 > MAX_LEXEME_BYTES and not _usable(term):
            continue
        quoted = _quote(term) if "'" in term or "\\" in term else f"'{term}'"
        weight = "A" if term in in_title else ""
        if len(numbers) == 1:
            add(f"{quoted}:{min(numbers[0], MAX_POSITION)}{weight}")
            continue
        if len(numbers) > MAX_POSITIONS_PER_LEXEME:
            numbers = numbers[:MAX_POSITIONS_PER_LEXEME]
        if numbers[-1] > MAX_POSITION:
            numbers = [min(n, MAX_POSITION) for n in numbers]
        add(f"{quoted}:{(weight + ',').join(map(str, numbers))}{weight}")
    literal = " ".join(parts)
    if len(literal) > MAX_VECTOR_CHARS:
        # A huge text: the words without their positions (phrases in it are then not found).
        literal = " ".join(_quote(term) for term in positions if _usable(term))[:MAX_VECTOR_CHARS]
        literal = literal[: literal.rfind("' '") + 1] if len(literal) == MAX_VECTOR_CHARS else literal
    return literal


def query_groups(query: str) -> list[Group]:
    """The query's parts as the folder store reads them (words, phrases, a prefix last word)."""
    return [group for group in SearchIndex.parse(query) if all(_usable(term.lstrip("*")) for term in group)]


def query_literal(groups: list[Group]) -> str:
    """The ``tsquery`` literal that asks for every part: ``'a' & 'b' <-> 'c' & 'pre':*``."""
    parts = []
    for group in groups:
        if len(group) == 1 and group[0].startswith("*"):
            parts.append(f"{_quote(group[0][1:])}:*")
        elif len(group) == 1:
            parts.append(_quote(group[0]))
        else:
            parts.append("(" + " <-> ".join(_quote(term) for term in group) + ")")
    return " & ".join(parts)
