"""Fuzzy matching of typed text against names, for pickers and palette commands.

Analysts type fragments ("shoi", "csto", "mi35"): a candidate matches when the folded query's
characters appear in order in the folded name. Contiguous runs, word starts and a match at the
very beginning score higher, so ``csto`` ranks ``CSTO`` above ``Collective Security Treaty
Organization``, and an exact name beats everything.
"""

from __future__ import annotations

from store.search_index import fold


def squash(text: str) -> str:
    """``text`` folded (case and accents), with only letters, digits and spaces kept."""
    return "".join(ch for ch in fold(text) if ch.isalnum() or ch == " ")


def fuzzy_score(query: str, candidate: str) -> float | None:
    """Score ``candidate`` for ``query`` (higher is better), or ``None`` if it does not match."""
    q = squash(query).replace(" ", "")
    c = squash(candidate)
    if not q:
        return 0.0
    if c.replace(" ", "") == q:
        return 1000.0
    score = 0.0
    position = 0
    previous = -2
    for ch in q:
        found = c.find(ch, position)
        if found == -1:
            return None
        if found == previous + 1:
            score += 5
        if found == 0 or c[found - 1] == " ":
            score += 8
        score += 1
        previous = found
        position = found + 1
    if c.startswith(q):
        score += 50
    elif q in c:
        score += 25
    return score - 0.05 * len(c)


def best_name(query: str, names: tuple[str, ...]) -> tuple[float, str] | None:
    """The best-scoring of several names (a canonical name and its aliases)."""
    best: tuple[float, str] | None = None
    for name in names:
        score = fuzzy_score(query, name)
        if score is not None and (best is None or score > best[0]):
            best = (score, name)
    return best


def words_score(query: str, haystack: str, *, folded: bool = False) -> float | None:
    """Score for list filters: every word of ``query`` must occur in ``haystack`` (folded).

    Stricter than :func:`fuzzy_score`, as a list filter should be: ``trea`` keeps the
    articles about a treaty, not every title with a t, r, e and a in order. Words found at the
    start of a word of the haystack, and early in it, score higher. ``folded``: the haystack is
    already :func:`squash`-ed (a backend keeps it so).
    """
    words = squash(query).split()
    target = " " + (haystack if folded else squash(haystack))
    if not words:
        return 0.0
    score = 0.0
    for word in words:
        at = target.find(" " + word)
        if at != -1:
            score += 10 - min(at, 400) / 100
            continue
        at = target.find(word)
        if at == -1:
            return None
        score += 5 - min(at, 400) / 100
    return score
