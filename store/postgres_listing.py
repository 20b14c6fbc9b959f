"""The document list of a store on PostgreSQL, read from the server a page at a time.

Split from :mod:`store.postgres_view`, whose connections it asks through: the view answers
questions, this keeps the list's pages, length and positions for one filter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from store.fuzzy import squash
from store.listing import ArticleListing, ArticleRow
from store.postgres_schema import not_rejected

if TYPE_CHECKING:
    from store.postgres_view import PostgresView

#: Rows of the document list fetched at a time.
PAGE = 100


class PostgresListing(ArticleListing):
    """The document list read from the server a page at a time (see :mod:`store.listing`).

    Unfiltered, rows come in the order of the ``articles_order`` index, a page after the one
    before it (keyset) or, for a jump, by offset. Filtered, the server applies the folder
    store's rule and score (:func:`store.fuzzy.words_score`) with ``LIKE`` over the folded
    text, and the rows matching are ordered by score. Its length and each position are one
    statement each, asked for when needed.
    """

    def __init__(self, view: PostgresView, query: str, with_counts: bool) -> None:
        self.view = view
        self.query = query
        self.words = squash(query).split()
        self.with_counts = with_counts
        self.total = view.count()
        self._pages: dict[int, list[ArticleRow]] = {}
        self._length: int | None = None if self.words else self.total

    def _filter(self) -> tuple[str, list[Any], str, list[Any]]:
        """The filter as SQL: every word in the folded text (``WHERE``), scored as words_score does.

        Returns the condition and its parameters, then the score and its parameters.
        """
        if not self.words:
            return "TRUE", [], "0", []
        where = " AND ".join(["a.haystack LIKE %s"] * len(self.words))
        term = (
            "(CASE WHEN strpos(' ' || a.haystack, %s) > 0"
            " THEN 10 - least(strpos(' ' || a.haystack, %s) - 1, 400) / 100.0"
            " ELSE 5 - least(strpos(' ' || a.haystack, %s) - 1, 400) / 100.0 END)"
        )
        score_params: list[Any] = []
        for word in self.words:
            score_params += [f" {word}", f" {word}", word]
        score = "round(" + " + ".join([term] * len(self.words)) + ", 6)"
        return where, [f"%{word}%" for word in self.words], score, score_params

    def __len__(self) -> int:
        if self._length is None:
            where, params, _, _ = self._filter()
            rows = self.view._latest("filter_conn", f"SELECT count(*) FROM {{s}}.articles a WHERE {where}", params)
            self._length = int(rows[0][0])
        return self._length

    def rows(self, start: int, stop: int) -> list[ArticleRow]:
        """The pages that hold those rows, read when first needed."""
        stop = min(stop, len(self))
        start = max(start, 0)
        if start >= stop:
            return []
        found: list[ArticleRow] = []
        for page in range(start // PAGE, (stop - 1) // PAGE + 1):
            found.extend(self._page(page))
        first = (start // PAGE) * PAGE
        return found[start - first : stop - first]

    def _page(self, page: int) -> list[ArticleRow]:
        if page in self._pages:
            return self._pages[page]
        tags = (
            f"(SELECT count(*) FROM {{s}}.annotations n WHERE n.article_id = a.id AND {not_rejected('n')})"
            if self.with_counts
            else "0"
        )
        columns = f"a.id, a.display_title, a.source, a.author, a.published, {tags}"
        where, params, score, score_params = self._filter()
        previous = self._pages.get(page - 1)
        if not self.words and previous:
            last = previous[-1]
            rows = self.view._rows(
                f"SELECT {columns} FROM {{s}}.articles a WHERE (a.sort_day, a.display_title, a.id) >"
                " (SELECT sort_day, display_title, id FROM {s}.articles WHERE id = %s)"
                " ORDER BY a.sort_day, a.display_title, a.id LIMIT %s",
                (last.id, PAGE),
            )
        else:
            rows = self.view._rows(
                f"SELECT {columns} FROM {{s}}.articles a WHERE {where}"
                f" ORDER BY {score + ' DESC, ' if self.words else ''}a.sort_day, a.display_title, a.id"
                " OFFSET %s LIMIT %s",
                [*params, *score_params, page * PAGE, PAGE],
            )
        self._pages[page] = [ArticleRow(*row) for row in rows]
        return self._pages[page]

    def index_of(self, article_id: str) -> int | None:
        """Counted on the server: the rows before it, in the listing's order."""
        if not self.words:
            rows = self.view._rows(
                "SELECT (SELECT count(*) FROM {s}.articles a WHERE (a.sort_day, a.display_title, a.id)"
                " < (me.sort_day, me.display_title, me.id)) FROM {s}.articles me WHERE me.id = %s",
                [article_id],
            )
            return int(rows[0][0]) if rows else None
        where, params, score, score_params = self._filter()
        rows = self.view._rows(
            f"WITH ranked AS (SELECT a.id, {score} AS score, a.sort_day, a.display_title FROM {{s}}.articles a"
            f" WHERE {where}), me AS (SELECT * FROM ranked WHERE id = %s)"
            " SELECT (SELECT count(*) FROM ranked r WHERE (-r.score, r.sort_day, r.display_title, r.id)"
            " < (-me.score, me.sort_day, me.display_title, me.id)) FROM me",
            [*score_params, *params, article_id],
        )
        return int(rows[0][0]) if rows else None
