"""The article list as the app shows it: rows in order, filtered, read a screenful at a time.

A store on a server may hold 200,000 articles; the app must never hold them all to show the
first twenty. :class:`ArticleListing` is a read-only sequence of :class:`ArticleRow` (what a row
of the document list shows, never the text) that a backend may fill lazily: the folder store
keeps its sorted articles in memory and slices them; the PostgreSQL store asks the server for
the rows a screen needs (:mod:`store.postgres_view`). Both order the rows the same way and
filter with the same rule, which the store's test suite checks on every backend.

Order: newest publication first, undated articles last, then by title (code point order),
then by id. A filter keeps the articles whose title, source, author or date contain every word
typed (:func:`store.fuzzy.words_score`), best first, then in that order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import overload

from store.fuzzy import squash, words_score
from store.models import Article


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One row of the document list: what it shows, without the article's text."""

    id: str
    display_title: str
    source: str | None
    author: str | None
    published: date | None
    tags: int = 0

    @classmethod
    def of(cls, article: Article, tags: int) -> ArticleRow:
        """The row of an article record with its number of tags."""
        return cls(article.id, article.display_title, article.source, article.author, article.published, tags)


def haystack(title: str, source: str | None, author: str | None, published: date | None) -> str:
    """What a list filter looks in, folded (see :func:`store.fuzzy.squash`)."""
    parts = (title, source, author, published.isoformat() if published else None)
    return squash(" ".join(part for part in parts if part))


def sort_key(article: Article) -> tuple[bool, int, str, str]:
    """The list's order (see the module docstring)."""
    published = article.published
    return (published is None, -(published.toordinal() if published else 0), article.display_title, article.id)


class ArticleListing(Sequence[ArticleRow], ABC):
    """Rows of the document list in order, optionally filtered; indexable and sliceable.

    A listing is a snapshot taken when it was asked for: a change saved later shows in the next
    listing (the app asks for a new one when the store tells it something changed).
    """

    #: The filter the rows were chosen by ("" for all articles).
    query: str
    #: Number of articles in the store (shown as "12/3000" beside a filter).
    total: int

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def rows(self, start: int, stop: int) -> list[ArticleRow]:
        """The rows from ``start`` to ``stop`` (clipped to the listing)."""

    @abstractmethod
    def index_of(self, article_id: str) -> int | None:
        """Where an article is in the listing, or ``None`` when it is not listed."""

    @overload
    def __getitem__(self, index: int) -> ArticleRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[ArticleRow]: ...

    def __getitem__(self, index: int | slice) -> ArticleRow | list[ArticleRow]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return self.rows(min(start, stop), max(start, stop))[::step] if step > 0 else list(self)[index]
            return self.rows(start, stop)
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("listing index out of range")
        return self.rows(index, index + 1)[0]


class MemoryListing(ArticleListing):
    """A listing of articles held in memory (the folder and in-memory stores)."""

    def __init__(self, ordered: Sequence[Article], counts: dict[str, int], query: str = "") -> None:
        self.query = query
        self.total = len(ordered)
        self._counts = counts
        if query.strip():
            scored = []
            for rank, article in enumerate(ordered):
                text = haystack(article.display_title, article.source, article.author, article.published)
                score = words_score(query, text, folded=True)
                if score is not None:  # rounded as the server rounds it: equal scores tie
                    scored.append((-round(score, 6), rank, article))
            scored.sort(key=lambda item: item[:2])
            self._articles: Sequence[Article] = [article for _, _, article in scored]
        else:
            self._articles = ordered
        self._positions: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._articles)

    def rows(self, start: int, stop: int) -> list[ArticleRow]:
        """Rows made from the records in that slice, with their tag counts."""
        return [ArticleRow.of(a, self._counts.get(a.id, 0)) for a in self._articles[max(start, 0) : max(stop, 0)]]

    def index_of(self, article_id: str) -> int | None:
        """Looked up in a table of positions, made on the first call."""
        if self._positions is None:
            self._positions = {article.id: index for index, article in enumerate(self._articles)}
        return self._positions.get(article_id)
