"""Checks of a rebased changeset against the whole store, before it is saved.

Rebasing (:mod:`store.merging`) makes each record right on its own; these checks keep records
right with each other, when another analyst's work changed what a change relies on: a tag must
quote the text of its article as it now is, and an entity must not be deleted while tags point
at it.
"""

from __future__ import annotations

from collections.abc import Callable

from store import codec
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, Change, Conflict, Doc
from store.merging import Lookup, describe


def spans_off_text(changes: list[Change], article_text: Callable[[str], str | None], current: Lookup) -> list[Conflict]:
    """Conflicts for tags placed on text their article no longer has.

    A tag planned on an article that another analyst has since re-imported (its text changed)
    would be saved at offsets that now quote other words. Only tags created or moved by
    ``changes`` are checked (a note edited on a tag is not the place to find a stale span), and
    articles changed in the same changeset count in their new state.
    """
    # The articles of the changeset as they will be; a text is made only when a tag needs it,
    # once (an import saves thousands of articles and, most often, not one tag).
    articles: dict[str, Doc | None] = {c.key: c.after for c in changes if c.table == ARTICLES}
    texts: dict[str, str | None] = {}

    def text_of(article_id: str) -> str | None:
        if article_id not in articles:
            return article_text(article_id)
        if article_id not in texts:
            changed = articles[article_id]
            texts[article_id] = codec.article_record(changed).text if changed is not None else None
        return texts[article_id]

    conflicts: list[Conflict] = []
    for change in changes:
        after = change.after
        if change.table != ANNOTATIONS or after is None or after.get("orphaned"):
            continue
        before = change.before or {}
        if change.before is not None and all(before.get(f) == after.get(f) for f in ("start", "end", "quote")):
            continue
        article_id = after["article_id"]
        text = text_of(article_id)
        if text is not None and text[after["start"] : after["end"]] == after["quote"]:
            continue
        article: Doc = current(ARTICLES, article_id) or {}
        reason = "deleted" if text is None else "changed"
        conflicts.append(
            Conflict(
                ARTICLES,
                article_id,
                reason,
                fields=("text",) if text is not None else (),
                by=str(article.get("updated_by", "")),
                at=str(article.get("updated", "")),
                what=f"the text of article “{str(article.get('title') or article_id)[:30]}”",
            )
        )
    return conflicts


def entities_in_use(changes: list[Change], mentions: Callable[[str], set[str]], current: Lookup) -> list[Conflict]:
    """Conflicts for deleted entities that tags outside ``changes`` still point at.

    Undoing the tag that created an entity deletes the entity too; if another analyst has
    tagged a mention of it since, deleting it would leave their tag pointing at nothing.
    ``mentions`` gives the stored tags of an entity.
    """
    after = {c.key: c.after for c in changes if c.table == ANNOTATIONS}
    conflicts: list[Conflict] = []
    for change in changes:
        if change.table != ENTITIES or change.after is not None:
            continue
        users = {k for k in mentions(change.key) if k not in after}
        users |= {k for k, doc in after.items() if doc is not None and doc.get("entity_id") == change.key}
        if users:
            doc = current(ANNOTATIONS, min(users)) or after.get(min(users)) or {}
            who = str(doc.get("updated_by") or doc.get("author") or "")
            conflicts.append(
                Conflict(ENTITIES, change.key, "used", by=who, at=str(doc.get("updated", "")), what=describe(change))
            )
    return conflicts
