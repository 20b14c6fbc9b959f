"""Cross-references: what links articles to each other through the entities they mention.

Read-only questions answered from the in-memory indexes (no backend call), fast enough for
the app to ask on every cursor move.
"""

from __future__ import annotations

import math
from collections import defaultdict

from store import textunits
from store.changes import ANNOTATIONS
from store.indexes import Indexes
from store.models import Article, Mention


def article_entities(indexes: Indexes, article_id: str) -> dict[str, int]:
    """Entity id → number of live mentions in the article (orphans and rejected left out)."""
    docs = indexes.docs[ANNOTATIONS]
    counts: dict[str, int] = defaultdict(int)
    for key in indexes.by_article.get(article_id, ()):
        doc = docs[key]
        entity_id = doc.get("entity_id")
        if entity_id and not doc.get("orphaned") and doc.get("status") != "rejected":
            counts[entity_id] += 1
    return dict(counts)


def related(indexes: Indexes, article_id: str, limit: int = 10) -> list[tuple[Article, float]]:
    """Articles sharing entities with this one, best first.

    Each shared entity adds its inverse document frequency, so sharing a rare entity (a named
    treaty) counts for more than sharing a ubiquitous one (Russia).
    """
    docs = indexes.docs[ANNOTATIONS]
    total = max(len(indexes.articles), 1)
    scores: dict[str, float] = defaultdict(float)
    for entity_id in article_entities(indexes, article_id):
        others = {docs[key]["article_id"] for key in indexes.by_entity.get(entity_id, ())}
        weight = math.log(1 + total / max(len(others), 1))
        for other in others:
            if other != article_id and other in indexes.articles:
                scores[other] += weight
    # Ordered by the score to nine decimals: sums of the same weights in another order tie.
    ranked = sorted(scores.items(), key=lambda item: (-round(item[1], 9), item[0]))[:limit]
    return [(indexes.articles[key], round(score, 4)) for key, score in ranked]


def _visible_mentions(indexes: Indexes, entity_id: str, exclude_article: str | None) -> list[str]:
    docs = indexes.docs[ANNOTATIONS]
    return [
        key
        for key in indexes.by_entity.get(entity_id, ())
        if docs[key]["article_id"] != exclude_article and not docs[key].get("orphaned")
    ]


def mention_contexts(
    indexes: Indexes, entity_id: str, *, exclude_article: str | None = None, limit: int | None = None
) -> list[Mention]:
    """Mentions of the entity with the sentence each sits in, newest articles first.

    With ``limit``, only the first ``limit`` mentions get their sentence looked up, so a list
    of an entity with thousands of mentions costs what the screen can show.
    """
    docs = indexes.docs[ANNOTATIONS]
    rank = indexes.article_rank()
    keys = [k for k in _visible_mentions(indexes, entity_id, exclude_article) if docs[k]["article_id"] in rank]
    keys.sort(key=lambda k: (rank[docs[k]["article_id"]], docs[k]["start"]))
    result: list[Mention] = []
    for key in keys[:limit]:
        annotation = indexes.annotation(key)
        article = indexes.articles[annotation.article_id]
        start, end = textunits.sentence_at(article.text, annotation.start)
        result.append(Mention(annotation, article, article.text[start:end], start))
    return result


def mention_count(indexes: Indexes, entity_id: str, *, exclude_article: str | None = None) -> int:
    """How many annotations link to the entity.

    With ``exclude_article``: those outside it and not orphaned, as :func:`mention_contexts` lists.
    """
    if exclude_article is None:
        return len(indexes.by_entity.get(entity_id, ()))
    return len(_visible_mentions(indexes, entity_id, exclude_article))
