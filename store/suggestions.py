"""What the store proposes to tag in an article, from every source, minus what is decided.

Suggestions are computed when asked, never stored: a proposal is not the analyst's work and
counts nowhere until accepted (then it is an ordinary tag). A rejected one is kept as an
annotation with status ``rejected`` and no entity (:meth:`store.view.View.rejections`), so it
moves with the text on a re-import and is not proposed again.

Sources, each a function of the text: known names (every entity's names and aliases in any
spelling the matcher accepts, :mod:`store.known_names`) and the text's own shapes (patterns and
gazetteers, :data:`TEXT_SOURCES`). Where two overlap, a known name wins (it links to an entity
the analyst made), then the longer span.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from store.known_names import NameFinder
from store.models import Annotation, Article, Entity, Suggestion
from store.spans import TakenSpans

if TYPE_CHECKING:
    from store.suggest.candidates import Candidate


def _text_proposals(text: str) -> list[Candidate]:
    """Patterns and gazetteers (:mod:`store.suggest`: loaded, with its gazetteer, when first asked)."""
    from store.suggest import suggest as text_suggestions

    return text_suggestions(text)


#: Sources that read only the text (patterns, gazetteers): each returns its candidates.
TEXT_SOURCES: list[Callable[[str], Iterable[Candidate]]] = [_text_proposals]


class KnownNames:
    """The finder of every entity's names, rebuilt only when the entities change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fingerprint: frozenset[tuple[str, str, str, tuple[str, ...]]] | None = None
        self._finder = NameFinder([])

    def finder(self, entities: list[Entity]) -> NameFinder:
        """A finder for these entities (the one already built if they have not changed)."""
        fingerprint = frozenset((e.id, e.name, e.type, e.aliases) for e in entities)
        with self._lock:
            if fingerprint != self._fingerprint:
                self._finder = NameFinder(entities)
                self._fingerprint = fingerprint
            return self._finder


def suggest(
    article: Article,
    entities: list[Entity],
    annotations: list[Annotation],
    rejections: list[Annotation],
    known: KnownNames,
    text_sources: list[Callable[[str], Iterable[Candidate]]] | None = None,
    within: tuple[int, int] | None = None,
) -> list[Suggestion]:
    """The article's suggestions in text order: none over a tag of an entity or a rejected span.

    A passage (an annotation without an entity) may span names: it hides no suggestion.
    ``within`` reads only that stretch of the text (widened to whole words): a reader of a
    very long article asks for the part around its cursor.
    """
    by_id = {entity.id: entity for entity in entities}
    offset, text = _stretch(article.text, within)
    found: list[tuple[int, Suggestion]] = []
    for hit in known.finder(entities).find(text):
        start, end = hit.start + offset, hit.end + offset
        found.append((0, suggestion_of(article, start, end, by_id[hit.entity_id], hit.partial)))
    for source in TEXT_SOURCES if text_sources is None else text_sources:
        for shifted in source(text):
            proposal = replace(shifted, start=shifted.start + offset, end=shifted.end + offset)
            if offset <= proposal.start < proposal.end <= offset + len(text):
                found.append(
                    (
                        1,
                        _suggestion(
                            article, proposal.start, proposal.end, proposal.entity_type, proposal.name, proposal.source
                        ),
                    )
                )
    decided = [(a.start, a.end) for a in annotations if a.entity_id] + [(a.start, a.end) for a in rejections]
    taken = TakenSpans(decided)
    ranked = sorted(found, key=lambda item: (item[0], item[1].start - item[1].end, item[1].start))
    chosen = [suggestion for _rank, suggestion in ranked if taken.take(suggestion.start, suggestion.end)]
    return sorted(chosen, key=lambda s: (s.start, s.end))


def _stretch(text: str, within: tuple[int, int] | None) -> tuple[int, str]:
    """Where the stretch asked for starts, and its text: ``within`` widened to whole words."""
    if within is None:
        return 0, text
    start, end = max(within[0], 0), min(within[1], len(text))
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, text[start:end]


def suggestion_of(article: Article, start: int, end: int, entity: Entity, partial: bool = False) -> Suggestion:
    """A known name's suggestion: the span, linked to the entity it names."""
    return _suggestion(article, start, end, entity.type, entity.name, "known", entity.id, partial)


def _suggestion(
    article: Article,
    start: int,
    end: int,
    entity_type: str,
    name: str,
    source: str,
    entity_id: str | None = None,
    partial: bool = False,
) -> Suggestion:
    return Suggestion(article.id, start, end, article.text[start:end], entity_type, name, source, entity_id, partial)
