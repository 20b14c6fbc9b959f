"""``n`` / ``N``: where the next (or previous) hit of the last search is, from where the reader is.

The hits of a search are its articles, best first; within an article every place the query
matched counts (:meth:`store.Store.hit_spans`: words, designations, the tags a filter kept),
so ``n`` goes through the open article's hits in text order and then on to the next article
of the search that still has one. Kept apart from the screen that moves the reader there, so
the rule is tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tui.dialogs.search_dialog import SearchChoice

#: The places a search matched in an article, ``None`` when it was removed since.
Spans = Callable[[str], list[tuple[int, int]] | None]


@dataclass(frozen=True, slots=True)
class Hit:
    """A place to go: the article, and the span to select there."""

    article_id: str
    start: int
    end: int


def next_hit(
    found: SearchChoice,
    article_id: str | None,
    here: int,
    direction: int,
    count: int,
    spans_of: Spans,
) -> Hit | str:
    """The hit ``count`` hits ahead (``direction`` 1) or back (-1) of offset ``here``, or why none.

    Within the open article (``article_id``) a count goes that many hits on (the last one there
    at most); past its last hit, the next article of the search with a hit is opened at its
    first (or, going back, last). ``spans_of`` gives an article's hits in text order, ``None``
    when it was removed since the search (it is passed over).
    """
    spans = spans_of(article_id) if article_id is not None else None
    if article_id is not None and spans is not None:
        ahead = [span for span in spans if (span[0] > here if direction > 0 else span[0] < here)]
        if ahead:
            step = min(count, len(ahead))
            start, end = ahead[step - 1] if direction > 0 else ahead[-step]
            return Hit(article_id, start, end)
    ids = [hit.article_id for hit in found.hits]
    at = ids.index(article_id) if article_id is not None and article_id in ids else found.index
    for step in range(1, len(ids) + 1):
        index = at + step * direction
        if not 0 <= index < len(ids):
            break
        spans = spans_of(ids[index])
        if spans:
            start, end = spans[0] if direction > 0 else spans[-1]
            return Hit(ids[index], start, end)
    return "Last hit of the search." if direction > 0 else "First hit of the search."
