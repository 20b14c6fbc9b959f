"""Concordance lines (keyword in context): where an entity, a label or a query occurs, aligned.

An entity's lines are its tags and the places the text names it untagged: each of its names
(canonical and aliases) found as whole words, upper and lower case alike, where no tag says it
is something else (another entity's mention, or a suggestion the analyst rejected). The
articles that may name it are found with the full-text index, so only those are read.

Sorting is the concordancer's: by article (the document list's order), by date, by the words
just left of the match (read right to left, as AntConc sorts ``1L 2L 3L``) or just right of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from store.models import Article, ConcordanceLine, Entity
from store.search_index import WORD, fold

#: Characters of context kept on each side of a match (a line at 80 columns shows less).
CONTEXT = 60
#: A match longer than this (a passage) is cut, ``…`` marking the cut.
LONGEST_MATCH = 60
_SPACES = re.compile(r"\s+")
SORTS = ("article", "date", "left", "right")


def _word_char(ch: str) -> bool:
    """Whether ``ch`` is a word character of the regular expressions (a letter, a digit, ``_``)."""
    return ch.isalnum() or ch == "_"


class NamePattern:
    """Each of an entity's names as whole words, any case, any spacing or punctuation between words.

    Case is ignored the fast way where it can be: an ASCII text is lowered (offsets unchanged)
    and searched for the lowered names, which the regular expression engine finds by their
    letters; other texts use :data:`re.IGNORECASE`.
    """

    def __init__(self, names: list[list[str]]) -> None:
        self._any_case = re.compile(self._body(names), re.IGNORECASE)
        lowered = [[word.lower() for word in words] for words in names]
        ascii_names = all(word.isascii() for words in names for word in words)
        self._lowered = re.compile(self._body(lowered)) if ascii_names else None

    @staticmethod
    def _body(names: list[list[str]]) -> str:
        # No look-behind in front: it keeps the engine from jumping to the names' letters (33
        # times slower); the character before a match is looked at in :meth:`spans` instead.
        alternatives = [r"\W{1,3}".join(map(re.escape, words)) for words in names]
        return r"(?:" + "|".join(alternatives) + r")(?!\w)"

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the text says one of the names (not inside a longer word)."""
        if self._lowered is not None and text.isascii():
            found = self._lowered.finditer(text.lower())
        else:
            found = self._any_case.finditer(text)
        return [m.span() for m in found if not (m.start() and _word_char(text[m.start() - 1]))]


def name_pattern(entity: Entity) -> NamePattern | None:
    """The entity's names as :class:`NamePattern` (``None``: no name has a word)."""
    names = [words for name in sorted(set(entity.names()), key=len, reverse=True) if (words := WORD.findall(name))]
    return NamePattern(names) if names else None


def name_groups(entity: Entity) -> list[list[set[str]]]:
    """The entity's names as the full-text index finds articles: each name's words, any name."""
    groups = []
    for name in set(entity.names()):
        words = [{fold(word)} for word in WORD.findall(name)]
        if words:
            groups.append(words)
    return groups


def entity_lines(
    articles: Sequence[Article],
    entity_id: str,
    tags: dict[str, list[tuple[str, int, int]]],
    pattern: NamePattern | None,
    decided: dict[str, list[tuple[int, int]]],
) -> list[ConcordanceLine]:
    """The entity's lines in these articles: its live tags, and its names where nothing else is tagged.

    ``tags``: article id → the entity's live tags there (id, start, end); ``decided``: article
    id → the spans of every entity mention and rejected suggestion there (a name inside one is
    not this entity's).
    """
    lines = []
    for article in articles:
        text = article.text
        own = tags.get(article.id, [])
        taken = [(start, end) for _, start, end in own]
        for key, start, end in own:
            lines.append(line(article, start, end, key))
        if pattern is None:
            continue
        blocked = taken + decided.get(article.id, [])
        for start, end in pattern.spans(text):
            if not any(start < b_end and b_start < end for b_start, b_end in blocked):
                lines.append(line(article, start, end))
    return lines


def line(article: Article, start: int, end: int, annotation_id: str = "") -> ConcordanceLine:
    """One line: the match and :data:`CONTEXT` characters of text either side, on one line."""
    text = article.text
    left = _SPACES.sub(" ", text[max(0, start - 2 * CONTEXT) : start])[-CONTEXT:]
    right = _SPACES.sub(" ", text[end : end + 2 * CONTEXT])[:CONTEXT]
    match = _SPACES.sub(" ", text[start:end])
    if len(match) > LONGEST_MATCH:
        match = match[: LONGEST_MATCH - 1] + "…"
    return ConcordanceLine(article.id, start, end, left, match, right, annotation_id, article.published)


def sort_lines(lines: Iterable[ConcordanceLine], by: str, order: dict[str, int]) -> list[ConcordanceLine]:
    """Lines sorted ``by`` one of :data:`SORTS`; ``order`` is each article's place in the document list.

    Ties keep the list's order, then the place in the text, so a sort is stable and repeatable.
    """
    last = len(order)

    def place(item: ConcordanceLine) -> tuple[int, int]:
        return order.get(item.article_id, last), item.start

    if by == "date":
        return sorted(lines, key=lambda item: (item.published is None, item.published or date.min, place(item)))
    if by == "left":
        return sorted(lines, key=lambda item: (_words(item.left)[::-1], place(item)))
    if by == "right":
        return sorted(lines, key=lambda item: (_words(item.right), place(item)))
    if by != "article":
        raise ValueError(f"sort by one of {', '.join(SORTS)}, not {by!r}")
    return sorted(lines, key=place)


def _words(text: str) -> list[str]:
    return [fold(word) for word in WORD.findall(text)]
