"""Links between two passages (or mentions): they agree, they contradict, they tell of the same event.

An analyst comparing sources says so of two tags: "the treaty was signed on 29 November 2016"
*contradicts* "… on 29 November 2017". A link is kept in both tags' documents (``links``: the
other tag's id → its kind, note, author and time), so it travels with them in exports, is
undone as one change, and two analysts' links merge as any fields do: links to different tags
both stay; the same pair given two kinds at once is a conflict, told as any other. Deleting a
tag takes its links with it (:func:`unlinked_from`). A link whose other tag is gone (an
export merged without it) is not listed.
"""

from __future__ import annotations

from store.changes import ANNOTATIONS, Change, Changeset, Doc
from store.codec import now
from store.models import LINK_KINDS
from store.sanitize import sanitize_text
from store.view import View


def plan_link(view: View, first: str, second: str, kind: str, note: str, author: str) -> Changeset:
    """Link two tags (a link between them already is replaced: its kind and note are the new ones)."""
    if kind not in LINK_KINDS:
        raise ValueError(f"a link is one of: {', '.join(LINK_KINDS)} (not {kind!r})")
    if first == second:
        raise ValueError("a tag cannot be linked to itself")
    docs = {key: view.doc(ANNOTATIONS, key) for key in (first, second)}
    for key, doc in docs.items():
        if doc is None:
            raise KeyError(f"no tag with id {key}")
    link = {"kind": kind, "note": sanitize_text(note).strip(), "author": author, "created": now()}
    changes = []
    for key, other in ((first, second), (second, first)):
        before = docs[key]
        assert before is not None
        held = (before.get("links") or {}).get(other, {})
        if held.get("kind") == kind and held.get("note") == link["note"]:
            continue
        changes.append(Change(ANNOTATIONS, key, before, with_link(before, other, link)))
    quote = str(docs[first]["quote"])[:30]  # type: ignore[index]
    return Changeset(f"link {quote!r} ({kind})", tuple(changes))


def plan_unlink(view: View, first: str, second: str) -> Changeset:
    """Take the link between two tags away (nothing to do when there is none)."""
    pairs = ((first, second), (second, first))
    return Changeset("unlink", tuple(change for key, other in pairs if (change := _unlinking(view, key, other))))


def unlinked_from(view: View, removed: Doc) -> list[Change]:
    """The changes that take a removed tag out of the links of the tags it was linked to."""
    return [change for other in removed.get("links") or {} if (change := _unlinking(view, other, removed["id"]))]


def with_link(doc: Doc, other: str, link: Doc) -> Doc:
    """A tag's document linked (again) to ``other``."""
    return {**doc, "links": {**(doc.get("links") or {}), other: link}}


def _unlinking(view: View, key: str, other: str) -> Change | None:
    """The change that takes ``other`` out of tag ``key``'s links (``None``: no such link)."""
    before = view.doc(ANNOTATIONS, key)
    if before is None or other not in (before.get("links") or {}):
        return None
    links = {k: v for k, v in before["links"].items() if k != other}
    return Change(ANNOTATIONS, key, before, {**before, "links": links})
