"""Related articles on a store on PostgreSQL: the folder store's scores, without scoring everything.

Split from :mod:`store.postgres_view`, which reads the articles these functions choose: how to
find the best few without scoring every article that shares a busy entity is an idea of its
own. The functions ask the server through a ``rows(template, params)`` callable (the view's
lookups connection), so they hold no state.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

#: Related articles: entities shared by at most this many articles in all are scored first.
RELATED_CANDIDATES = 2000

#: Runs a statement template (``{s}`` for the schema) with its parameters; answers the rows.
Rows = Callable[[str, Any], list[tuple[Any, ...]]]


def related_keys(rows: Rows, article_id: str, total: int, limit: int) -> list[tuple[str, float]]:
    """The ``limit`` best related (id, score), as :func:`store.xrefs.related` scores them.

    Each shared entity adds ``log(1 + articles / its articles)``.
    An entity in a quarter of the corpus is shared with thousands of articles, and scoring
    them all is what makes this slow; yet they can only add a little. So the articles
    sharing the article's rarer entities are scored first (with every entity they share);
    if the ``limit``-th best of them scores more than all the busy entities together could
    give an article sharing none of the rare ones, that is the answer. Otherwise (few
    candidates, or close scores), everything is scored on the server.

    ``total`` is the number of articles (at least 1). :data:`RELATED_CANDIDATES` is read at
    each call (tests change it).
    """
    frequencies = rows(  # each entity's articles, as kept by store.postgres_entity_articles
        "WITH mine AS (SELECT DISTINCT entity_id FROM {s}.annotations"
        "   WHERE article_id = %s AND live AND entity_id IS NOT NULL)"
        " SELECT m.entity_id, coalesce(c.articles, 0) FROM mine m LEFT JOIN {s}.entity_articles c USING (entity_id)"
        " ORDER BY 2, 1",
        (article_id,),
    )
    if not frequencies:
        return []
    weights = {entity: math.log(1 + total / max(int(df), 1)) for entity, df in frequencies}
    rare: list[str] = []
    reach = 0
    for entity, df in frequencies:
        if rare and reach + int(df) > RELATED_CANDIDATES:
            break
        rare.append(entity)
        reach += int(df)
    busy = [entity for entity, _ in frequencies[len(rare) :]]
    ranked = _related_from_rare(rows, article_id, weights, rare, busy, limit)
    if ranked is None:
        ranked = _related_on_server(rows, article_id, total, limit)
    return ranked


def _related_from_rare(
    rows: Rows, article_id: str, weights: dict[str, float], rare: list[str], busy: list[str], limit: int
) -> list[tuple[str, float]] | None:
    """The best ``limit`` among articles sharing a rare entity, if provably the best of all."""
    # One statement: the articles (still stored) sharing a rare entity, and every one of the
    # article's entities each of them shares.
    pairs = rows(
        "WITH candidates AS (SELECT DISTINCT n.article_id FROM {s}.annotations n"
        "   WHERE n.entity_id = ANY(%(rare)s) AND n.article_id <> %(a)s"
        "   AND EXISTS (SELECT 1 FROM {s}.articles x WHERE x.id = n.article_id))"
        " SELECT DISTINCT n.entity_id, n.article_id FROM {s}.annotations n JOIN candidates USING (article_id)"
        " WHERE n.entity_id = ANY(%(mine)s)",
        {"rare": rare, "a": article_id, "mine": rare + busy},
    )
    scores: dict[str, float] = {}
    for entity, other in pairs:
        scores[other] = scores.get(other, 0.0) + weights[entity]
    ranked = sorted(scores.items(), key=lambda item: (-round(item[1], 9), item[0]))[:limit]
    if not busy:
        return ranked  # every article sharing an entity was scored
    beyond = sum(weights[entity] for entity in busy)  # the most an article not scored can have
    if len(ranked) == limit and round(ranked[-1][1], 9) > round(beyond, 9):
        return ranked
    return None


def _existing(rows: Rows, ranked: list[tuple[str, float]], limit: int) -> list[tuple[str, float]]:
    """The first ``limit`` of ``ranked`` whose article exists (a tag may outlive its article).

    The best ``3 * limit`` are checked first; all of them only when too few of those exist.
    """
    for size in (3 * limit, len(ranked)):
        keys = [key for key, _ in ranked[:size]]
        stored = {row[0] for row in rows("SELECT id FROM {s}.articles WHERE id = ANY(%s)", (keys,))}
        kept = [(key, score) for key, score in ranked[:size] if key in stored]
        if len(kept) >= limit or size >= len(ranked):
            break
    return kept[:limit]


def _related_on_server(rows: Rows, article_id: str, total: int, limit: int) -> list[tuple[str, float]]:
    """Every article sharing an entity, scored on the server; the best few, in the same order."""
    scored = rows(
        "WITH mine AS (SELECT DISTINCT entity_id FROM {s}.annotations"
        "   WHERE article_id = %(a)s AND live AND entity_id IS NOT NULL),"
        " pairs AS (SELECT DISTINCT n.entity_id, n.article_id FROM {s}.annotations n JOIN mine USING (entity_id)),"
        " weights AS (SELECT entity_id, ln(1 + %(total)s::float8 / count(*)) AS w FROM pairs GROUP BY entity_id)"
        " SELECT p.article_id, sum(w.w) FROM pairs p JOIN weights w USING (entity_id)"
        " WHERE p.article_id <> %(a)s"
        " GROUP BY p.article_id ORDER BY round(sum(w.w)::numeric, 9) DESC, p.article_id",
        {"a": article_id, "total": total},
    )
    return _existing(rows, [(key, float(score)) for key, score in scored], limit)
