"""The search language: words, "phrases", designations, filters, AND / OR / NOT and parentheses.

One parser for every store and for the app and the CLI alike; what a query *means* is this
module's tree, and each store answers the tree (:mod:`store.query_memory` from the in-memory
indexes, :mod:`store.query_sql` on the server).

Written as an analyst types it::

    shoigu treaty                    both words (AND is implied between terms)
    "military-technical cooperation" the words in a row
    Mi-35                            the designation and its variants: Mi-35M, Mi35, Ми-35
    treat*                           words starting so
    entity:"Sergey Shoigu"           tagged with that entity (its name or any alias)
    type:EQUIPMENT  label:claim  status:suggested  note:"check date"
    source:eurasianet  author:kucera  after:2016  before:2017-11-29
    (csto OR odkb) AND NOT uzbekistan    -uzbekistan is NOT uzbekistan

Operators are upper case (``and``, ``or`` and ``not`` in lower case are words). A query that
cannot be read raises :class:`QueryError` saying where (its ``position``, counted in
characters from 0), so the search box can show it; it never raises anything else.

The cost of a query depends on what it asks, not on how it is written: a term written twice is
asked once (2,000 repeated words are one), ``NOT NOT x`` is ``x``, nested groups of one kind
are flattened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from store.designations import query_key
from store.models import STATUSES
from store.search_index import tokenize

#: The filters, with what each value is, for the error that lists them.
FILTERS: dict[str, str] = {
    "entity": "an entity's name or alias",
    "type": "an entity type",
    "label": "a passage label",
    "source": "words of the source",
    "author": "words of the author",
    "before": "published before a date",
    "after": "published after a date",
    "status": "a tag status",
    "note": "words of a note",
}
#: Deeper nesting than this is refused (it asks nothing a flatter query cannot).
MAX_DEPTH = 64
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


class QueryError(ValueError):
    """A query that cannot be read: the message says what and where (``position``, from 0)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.reason = message
        self.position = position


# ---------------------------------------------------------------------- the tree


@dataclass(frozen=True, slots=True)
class Words:
    """Folded words in a row: one word, or a phrase; ``prefix``: the last word may go on."""

    terms: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Designation:
    """A designation key (:mod:`store.designations`); ``prefix``: keys starting so (typing)."""

    key: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Filter:
    """``field:value``; dates as the first and last day they cover."""

    field: str
    value: str
    first: date | None = None
    last: date | None = None


@dataclass(frozen=True, slots=True)
class And:
    """Every part."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Any part."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """Not the part (``NOT x``, ``-x``)."""

    part: Node


Node = Words | Designation | Filter | And | Or | Not
#: A query's text leaves: what is looked up in the full-text index.
TextLeaf = Words | Designation


def leaves(node: Node, *, negated: bool = False) -> list[Words | Designation | Filter]:
    """The leaves that count for a match's rank and place: those not under a NOT.

    ``negated``: every leaf, those under a NOT too.
    """
    if isinstance(node, And | Or):
        return [leaf for part in node.parts for leaf in leaves(part, negated=negated)]
    if isinstance(node, Not):
        return leaves(node.part, negated=True) if negated else []
    return [node]


# ---------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "term"
    at: int
    text: str = ""
    quoted: bool = False
    field: str = ""  # for a filter: its name; text is then its value


_OPERATORS = {"AND", "OR", "NOT"}
_SPECIAL = '()"'


def _lex(query: str) -> list[_Token]:
    """The query's tokens, left to right; an unclosed quote is an error."""
    tokens: list[_Token] = []
    at, size = 0, len(query)
    while at < size:
        ch = query[at]
        if ch.isspace():
            at += 1
        elif ch in "()":
            tokens.append(_Token(ch, at))
            at += 1
        elif ch == '"':
            text, at_end = _quoted(query, at)
            tokens.append(_Token("term", at, text, quoted=True))
            at = at_end
        elif ch == "-" and at + 1 < size and not query[at + 1].isspace() and query[at + 1] != "-":
            tokens.append(_Token("NOT", at, "-"))
            at += 1
        else:
            start = at
            while at < size and not query[at].isspace() and query[at] not in _SPECIAL:
                at += 1
            word = query[start:at]
            name, colon, value = word.partition(":")
            if colon and name.isalpha():
                tokens.append(_filter_token(query, start, name, value, at))
                if not value and at < size and query[at] == '"':
                    quoted, at = _quoted(query, at)
                    tokens[-1] = _Token("term", start, quoted, quoted=True, field=tokens[-1].field)
            elif word in _OPERATORS:
                tokens.append(_Token(word, start, word))
            else:
                tokens.append(_Token("term", start, word))
    return tokens


def _quoted(query: str, at: int) -> tuple[str, int]:
    """The text of the quotes opening at ``at`` and where reading goes on."""
    end = query.find('"', at + 1)
    if end == -1:
        raise QueryError('this " is not closed: add the closing "', at)
    return query[at + 1 : end], end + 1


def _filter_token(query: str, start: int, name: str, value: str, at: int) -> _Token:
    """``name:value``, or an error naming the filters when ``name`` is not one."""
    field = name.lower()
    if field not in FILTERS:
        known = ", ".join(f"{f}:" for f in FILTERS)
        raise QueryError(f"no filter “{name}:” (filters: {known}; quote it to search the words)", start)
    return _Token("term", start, value, field=field)


class _Parser:
    """Recursive descent over the tokens: or ← and (OR and)*; and ← unary ([AND] unary)*."""

    def __init__(self, query: str, tokens: list[_Token], typing: bool) -> None:
        self.query = query
        self.tokens = tokens
        self.at = 0
        self.depth = 0
        self.typing = typing

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def parse(self) -> Node | None:
        node = self.or_expr()
        token = self.peek()
        if token is not None:  # only a ")" stops an or_expr before the end
            raise QueryError("this ) closes no (", token.at)
        return node

    def or_expr(self) -> Node | None:
        parts = [self.and_expr()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.at += 1
            if self._ends_here():
                raise QueryError("OR needs a term after it", token.at)
            parts.append(self.and_expr())
        return _group(Or, [p for p in parts if p is not None])

    def and_expr(self) -> Node | None:
        parts: list[Node | None] = []
        start = self.peek()
        if start is not None and start.kind in ("AND", "OR"):
            raise QueryError(f"{start.kind} needs a term before it", start.at)
        while (token := self.peek()) is not None and token.kind not in (")", "OR"):
            if token.kind == "AND":
                self.at += 1
                following = self.peek()
                if following is None or following.kind in (")", "AND", "OR"):
                    raise QueryError("AND needs a term after it", token.at)
                continue
            parts.append(self.unary())
        return _group(And, [p for p in parts if p is not None])

    def unary(self) -> Node | None:
        negations = 0
        while (token := self.peek()) is not None and token.kind == "NOT":
            negations += 1
            self.at += 1
            if self._ends_here():
                raise QueryError(f"{token.text} needs a term after it", token.at)
        node = self.primary()
        if node is None or negations % 2 == 0:
            return node
        return node.part if isinstance(node, Not) else Not(node)

    def primary(self) -> Node | None:
        token = self.tokens[self.at]
        self.at += 1
        if token.kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(f"more than {MAX_DEPTH} parentheses inside each other", token.at)
            if (inner := self.peek()) is not None and inner.kind == ")":
                raise QueryError("nothing between ( and )", token.at)
            node = self.or_expr()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise QueryError("this ( is not closed: add a )", token.at)
            self.at += 1
            self.depth -= 1
            return node
        if token.kind in ("AND", "OR"):
            raise QueryError(f"{token.kind} needs a term before it", token.at)
        if token.field:
            return _filter(token)
        last = self.typing and self.at == len(self.tokens) and not self.query[-1:].isspace()
        return _text(token, last)

    def _ends_here(self) -> bool:
        token = self.peek()
        return token is None or token.kind == ")"


def _group(kind: type[And] | type[Or], parts: list[Node]) -> Node | None:
    """``kind`` of the parts, each once, nested groups of the same kind flattened."""
    flat: dict[Node, None] = {}
    for part in parts:
        for inner in part.parts if isinstance(part, kind) else (part,):
            flat[inner] = None
    if not flat:
        return None
    if len(flat) == 1:
        return next(iter(flat))
    return kind(tuple(flat))


def _text(token: _Token, last: bool) -> Node | None:
    """A bare or quoted term: a designation, a word, a phrase (or nothing: no word in it)."""
    raw = token.text
    if not token.quoted:
        prefix = raw.endswith("*") and len(raw) > 1
        key = query_key(raw.rstrip("*"))
        if key is not None:
            return Designation(key, prefix or last)
        terms = tuple(term for term, _, _ in tokenize(raw))
        if not terms:
            return None
        return Words(terms, (prefix or last) and len(terms) == 1)
    terms = tuple(term for term, _, _ in tokenize(raw))
    return Words(terms) if terms else None


def _filter(token: _Token) -> Filter:
    """A filter's value checked: present, a date where one is asked, a known status."""
    field, value = token.field, " ".join(token.text.split())
    if not value:
        raise QueryError(f'{field}: needs a value ({FILTERS[field]}): {field}:word or {field}:"two words"', token.at)
    if field in ("before", "after"):
        first, last = _date_range(value, token.at, field)
        return Filter(field, value, first, last)
    if field == "status":
        status = value.lower()
        if status not in STATUSES:
            raise QueryError(f"status: is one of {', '.join(STATUSES)}, not “{value}”", token.at)
        return Filter(field, status)
    if field == "type":
        return Filter(field, value.upper())
    return Filter(field, value)


def _date_range(value: str, at: int, field: str) -> tuple[date, date]:
    """The first and last day of ``2017``, ``2017-11`` or ``2017-11-29``."""
    found = _DATE.fullmatch(value)
    example = f"{field}:2017, {field}:2017-11 or {field}:2017-11-29"
    if found is None:
        raise QueryError(f"{field}: needs a date: {example}", at)
    year, month, day = (int(part) if part else None for part in found.groups())
    assert year is not None
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
            return date(year, month, 1), date.fromordinal(following.toordinal() - 1)
        return date(year, month, day), date(year, month, day)
    except ValueError:
        raise QueryError(f"{field}: “{value}” is not a date ({example})", at) from None


def parse_query(query: str, *, typing: bool = False) -> Node | None:
    """The tree of ``query`` (``None``: it asks nothing, e.g. only spaces or punctuation).

    ``typing``: the query is being typed, so its last bare word also matches as the start of a
    word (results appear while the user types; ``treat`` finds "treaty").

    Raises:
        QueryError: the query cannot be read (the message says where).
    """
    return _Parser(query, _lex(query), typing).parse()
