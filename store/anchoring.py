"""Keep annotations on the right words when an article's text changes.

An annotation stores its quote with a little context before and after (a TextQuoteSelector, as
Hypothesis does). When a re-imported file changes the text, every annotation is looked up again:
first where it was, then at each occurrence of its quote, choosing the one whose context matches
best and, among equals, the one nearest the old position. If the quote no longer occurs, the
annotation is orphaned: kept with its quote so the user can see what was lost, never moved to
different words.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Characters of context stored before and after a quote.
CONTEXT_CHARS = 32


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a quote sits in a text now; ``found`` is False for an orphan."""

    start: int
    end: int
    found: bool


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The prefix and suffix stored with a quote at [start, end)."""
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def reanchor(text: str, quote: str, prefix: str, suffix: str, old_start: int) -> Anchor:
    """Find ``quote`` in ``text``, preferring matching context, then the nearest position."""
    if not quote:
        return Anchor(old_start, old_start, False)
    if text[old_start : old_start + len(quote)] == quote:
        before, after = context(text, old_start, old_start + len(quote))
        if before == prefix and after == suffix:
            return Anchor(old_start, old_start + len(quote), True)
    best: tuple[int, int, int] | None = None  # (-context score, distance, start)
    position = text.find(quote)
    while position != -1:
        before, after = context(text, position, position + len(quote))
        score = _common_suffix(before, prefix) + _common_prefix(after, suffix)
        candidate = (-score, abs(position - old_start), position)
        if best is None or candidate < best:
            best = candidate
        position = text.find(quote, position + 1)
    if best is None:
        return Anchor(old_start, old_start + len(quote), False)
    return Anchor(best[2], best[2] + len(quote), True)
