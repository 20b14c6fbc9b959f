"""Where in an article's text a query's words are: the first place (a hit), and every place (``n``).

The full-text index (:mod:`store.search_index`) says which articles hold the words; these
functions find them again in the few texts shown, by the same rules (words and prefixes on
folded words, phrases on runs of them), without positions kept in the index.
"""

from __future__ import annotations

from collections import deque

from store.search_index import _TOKEN, Group, fold


def first_match(text: str, groups: list[Group]) -> tuple[int, int]:
    """The earliest place in ``text`` where any part of the query occurs.

    Phrases are matched on the article's folded words, as the index matched them; words,
    prefixes and phrases are found in one pass that stops as soon as nothing later could start
    earlier (a hit is usually near the top: a search shows 50, each located here). On a tie the
    part written first wins.
    """
    best: tuple[int, int, int, int] | None = None  # start, query order, start, end
    phrases = [(order, g) for order, g in enumerate(groups) if len(g) > 1]
    words = {g[0]: order for order, g in enumerate(groups) if len(g) == 1 and not g[0].startswith("*")}
    prefixes = [(g[0][1:], order) for order, g in enumerate(groups) if g[0].startswith("*")]
    longest = max((len(group) for _, group in phrases), default=1)
    # The last ``longest`` words: (folded, start, end). A match ending at the newest one starts
    # no earlier than the oldest one.
    window: deque[tuple[str, int, int]] = deque(maxlen=longest)
    for token in _TOKEN.finditer(text):
        term = fold(token.group())
        window.append((term, token.start(), token.end()))
        if best is not None and window[0][1] > best[0]:
            break
        orders = [words[term]] if term in words else []
        orders += [order for prefix, order in prefixes if term.startswith(prefix)]
        if orders:
            found = (token.start(), min(orders), *token.span())
            best = found if best is None or found < best else best
        for order, group in phrases:
            size = len(group)
            if (
                group[-1] == term
                and len(window) >= size
                and all(window[len(window) - size + index][0] == word for index, word in enumerate(group))
            ):
                start = window[len(window) - size][1]
                found = (start, order, start, token.end())
                best = found if best is None or found < best else best
    return (best[2], best[3]) if best else (0, 0)


def all_matches(text: str, groups: list[Group]) -> list[tuple[int, int]]:
    """Every place in ``text`` where a part of the query occurs, in text order (for n / N).

    The same rules as :func:`first_match` (words and prefixes on folded words, phrases on runs
    of them); a hit that starts inside an earlier one is left out.
    """
    phrases = [g for g in groups if len(g) > 1]
    words = {g[0] for g in groups if len(g) == 1 and not g[0].startswith("*")}
    prefixes = [g[0][1:] for g in groups if g[0].startswith("*")]
    longest = max((len(group) for group in phrases), default=1)
    window: deque[tuple[str, int, int]] = deque(maxlen=longest)
    found: list[tuple[int, int]] = []
    for token in _TOKEN.finditer(text):
        term = fold(token.group())
        window.append((term, token.start(), token.end()))
        if term in words or any(term.startswith(prefix) for prefix in prefixes):
            found.append(token.span())
        for group in phrases:
            size = len(group)
            if (
                group[-1] == term
                and len(window) >= size
                and all(window[len(window) - size + index][0] == word for index, word in enumerate(group))
            ):
                found.append((window[len(window) - size][1], token.end()))
    kept: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda span: (span[0], -span[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def snippet(text: str, start: int, end: int, width: int = 120) -> str:
    """About ``width`` characters around a hit, on one line, with … where the text goes on."""
    left = max(0, start - width // 3)
    right = min(len(text), end + width - (start - left))
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")
