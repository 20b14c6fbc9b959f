"""What every store does alike with a query: read its filters, place its hit, quote its sentence.

The stores find the matching articles their own way (:mod:`store.query_memory`,
:mod:`store.query_sql`); the rules here are shared so both answer alike: which entities a
filter names, which tags and articles a filter keeps, where in an article the hit is, and the
sentence shown for it.

Text filters (``source:``, ``author:``, ``note:``) keep a record when each of their words occurs
in it, upper and lower case alike (as the server's ``lower`` compares: accents count).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from store.designations import spans_of
from store.models import Article, Entity
from store.query_language import Designation, Filter, Words
from store.search_index import Group, folded_words
from store.text_matches import all_matches, first_match
from store.textunits import sentence_at

#: Filters answered from the tags (the others from the articles' details).
TAG_FILTERS = frozenset({"entity", "type", "label", "status", "note"})
#: Tag filters that name entities.
ENTITY_FILTERS = frozenset({"entity", "type"})
#: How long the sentence shown for a hit may be (longer ones are clipped around the hit).
SNIPPET_WIDTH = 160
_SPACES = re.compile(r"\s+")


def filter_words(leaf: Filter) -> list[str]:
    """The words a text filter asks for, lower-cased."""
    return leaf.value.lower().split()


def entity_ids(leaf: Filter, entity_key: Any, entities: Iterable[Entity]) -> set[str]:
    """The entities an ``entity:`` or ``type:`` filter names.

    ``entity:`` names the entity with that name or alias (compared as names are); failing
    that, each entity with a name or alias whose words start with the value's words, in order
    (``entity:shoigu`` → Sergey Shoigu, ``entity:"s shoi"`` too). ``entity_key`` is the view's
    exact lookup, asked first so that a known name costs no scan.
    """
    if leaf.field == "type":
        return {entity.id for entity in entities if entity.type.upper() == leaf.value}
    exact = entity_key(leaf.value)
    if exact is not None:
        return {exact}
    wanted = folded_words(leaf.value)
    if not wanted:
        return set()
    return {
        entity.id for entity in entities if any(_starts_in_order(wanted, folded_words(name)) for name in entity.names())
    }


def _starts_in_order(wanted: Sequence[str], words: Sequence[str]) -> bool:
    """Whether each wanted word starts some word of ``words``, in order."""
    at = 0
    for word in wanted:
        while at < len(words) and not words[at].startswith(word):
            at += 1
        if at == len(words):
            return False
        at += 1
    return True


def tag_matches(leaf: Filter, doc: Mapping[str, Any], entities: set[str] | None) -> bool:
    """Whether a tag (an annotation's stored document) is one a tag filter asks for.

    Orphaned tags (their text is gone) match nothing; rejected suggestions only ``status:rejected``.
    """
    if doc.get("orphaned"):
        return False
    status = doc.get("status") or "accepted"
    if leaf.field == "status":
        return status == leaf.value
    if status == "rejected":
        return False
    if leaf.field in ENTITY_FILTERS:
        return entities is not None and doc.get("entity_id") in entities
    if leaf.field == "label":
        wanted = leaf.value.lower()
        return any(str(label).lower() == wanted for label in doc.get("labels", ()))
    note = str(doc.get("note") or "").lower()
    return all(word in note for word in filter_words(leaf))


def article_matches(leaf: Filter, article: Article) -> bool:
    """Whether an article's details are what ``source:``, ``author:``, ``before:`` or ``after:`` ask."""
    if leaf.field in ("before", "after"):
        if article.published is None:
            return False
        assert leaf.first is not None and leaf.last is not None
        return article.published < leaf.first if leaf.field == "before" else article.published > leaf.last
    value = str((article.source if leaf.field == "source" else article.author) or "").lower()
    return all(word in value for word in filter_words(leaf))


def group_of(leaf: Words) -> Group:
    """A words leaf as :mod:`store.search_index` locates it (``*word`` for a prefix)."""
    if leaf.prefix and len(leaf.terms) == 1:
        return ("*" + leaf.terms[0],)
    return leaf.terms


def locate(
    text: str, leaves: Sequence[Words | Designation | Filter], tag_spans: Iterable[tuple[int, int]]
) -> tuple[int, int]:
    """Where the hit is: the earliest place any positive part of the query matched.

    ``tag_spans`` are the spans of the article's tags that a tag filter kept. ``(0, 0)`` when
    nothing can be pointed at (a query of dates or of NOTs only).
    """
    found = [span for span in tag_spans if span[1] > span[0]]
    groups = [group_of(leaf) for leaf in leaves if isinstance(leaf, Words)]
    if groups:
        span = first_match(text, groups)
        if span[1] > span[0]:
            found.append(span)
    designations = _designation_spans(text, [leaf for leaf in leaves if isinstance(leaf, Designation)])
    found += designations[:1]
    return min(found, key=lambda span: (span[0], -span[1])) if found else (0, 0)


def all_spans(
    text: str, leaves: Sequence[Words | Designation | Filter], tag_spans: Iterable[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Every place in ``text`` a positive part of the query matched, in text order (for ``n`` / ``N``).

    A span that starts inside an earlier one is left out (as :func:`store.text_matches.all_matches`).
    """
    found = [span for span in tag_spans if span[1] > span[0]]
    groups = [group_of(leaf) for leaf in leaves if isinstance(leaf, Words)]
    if groups:
        found += all_matches(text, groups)
    found += _designation_spans(text, [leaf for leaf in leaves if isinstance(leaf, Designation)])
    kept: list[tuple[int, int]] = []
    for start, end in sorted(set(found), key=lambda span: (span[0], -span[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def _designation_spans(text: str, asked: Sequence[Designation]) -> list[tuple[int, int]]:
    """Where ``text`` holds any of the designations asked, in text order (one pass over the text)."""
    if not asked:
        return []
    exact = {leaf.key for leaf in asked if not leaf.prefix}
    return spans_of(text, exact, tuple(leaf.key for leaf in asked if leaf.prefix))


def sentence_snippet(text: str, start: int, end: int, width: int = SNIPPET_WIDTH) -> tuple[str, tuple[int, int]]:
    """The sentence around a hit on one line, and where the hit is in it.

    A sentence longer than ``width`` is clipped around the hit, ``…`` marking what is left out.
    """
    if not text:
        return "", (0, 0)
    first, last = sentence_at(text, start)
    first, last = min(first, start), max(last, end)
    end = min(end, start + width)
    left = max(first, start - width // 3)
    right = min(last, max(end, left + width))
    before = _SPACES.sub(" ", text[left:start]).lstrip()
    hit = _SPACES.sub(" ", text[start:end])
    after = _SPACES.sub(" ", text[end:right]).rstrip()
    if left > first:
        before = "…" + before
    if right < last:
        after += "…"
    return before + hit + after, (len(before), len(before) + len(hit))
