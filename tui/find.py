"""``n`` / ``N``: where the next (or previous) hit of the last search is, from where the reader is.

The hits of a search are its articles, best first; within an article every place its words
match counts (:func:`store.search_index.all_matches`), so ``n`` goes through the open article's
hits in text order and then on to the next article of the search that still has one. Kept
apart from the screen that moves the reader there, so the rule is tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from store.search_index import SearchIndex, all_matches
from tui.dialogs.search_dialog import SearchChoice


@dataclass(frozen=True, slots=True)
class Hit:
    """A place to go: the article, and the span to select there."""

    article_id: str
    start: int
    end: int


def next_hit(
    found: SearchChoice,
    article_id: str | None,
    text: str | None,
    here: int,
    direction: int,
    count: int,
    text_of: Callable[[str], str | None],
) -> Hit | str:
    """The hit ``count`` hits ahead (``direction`` 1) or back (-1) of offset ``here``, or why none.

    Within the open article (``article_id`` with its ``text``) a count goes that many hits on
    (the last one there at most); past its last hit, the next article of the search with a hit
    is opened at its first (or, going back, last). ``text_of`` reads an article's text, ``None``
    when it was removed since the search (it is passed over).
    """
    groups = SearchIndex.parse(found.query)
    if article_id is not None and text is not None:
        spans = all_matches(text, groups)
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
        other = text_of(ids[index])
        if other is None:
            continue
        spans = all_matches(other, groups)
        if spans:
            start, end = spans[0] if direction > 0 else spans[-1]
            return Hit(ids[index], start, end)
    return "Last hit of the search." if direction > 0 else "First hit of the search."
