"""Domain records handed out by the store.

Every record is a frozen dataclass built from a copy of the stored document, so callers (the
app, the CLI, users' scripts) can keep, compare and print them without any risk of mutating the
database behind the store's back (mutating a TinyDB search result corrupts its query cache:
tinydb issue #516). ``to_dict`` gives the plain-JSON form the CLI and exports print.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from store.sanitize import neutralize
from store.stated_dates import PartialDate

#: Entity types offered by default; users may add their own (any upper-case word).
ENTITY_TYPES: tuple[str, ...] = (
    "PERSON",
    "ORG",
    "PLACE",
    "EQUIPMENT",
    "DOCUMENT",
    "EVENT",
    "DATE",
    "MONEY",
)

#: Review states of an annotation (suggestions come from later entity-suggestion work).
STATUSES: tuple[str, ...] = ("accepted", "suggested", "rejected")
#: What one tag may say of another (:mod:`store.linking`).
LINK_KINDS: tuple[str, ...] = ("agrees", "contradicts", "same event")
#: The status of a suggestion the analyst turned down (kept so that it stays turned down).
REJECTED = "rejected"

#: Article fields the user may correct; corrections survive a re-import.
EDITABLE_FIELDS: tuple[str, ...] = ("title", "source", "author", "published", "url")


def _plain(value: Any) -> Any:
    """Turn dataclass field values into JSON-friendly values."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Article:
    """One cleaned article.

    ``text`` is the cleaned body: paragraphs separated by one blank line. All annotation
    offsets are character offsets into this string. It is made safe for the terminal
    (:func:`store.sanitize.neutralize`) on first use rather than when the store opens: a
    10,000-article corpus is listed by title long before most texts are read.
    """

    id: str
    title: str | None
    source: str | None
    author: str | None
    published: date | None
    url: str | None
    stored_text: str = field(repr=False)
    origin: str = ""
    language: str | None = None
    imported: str = ""

    @functools.cached_property
    def text(self) -> str:
        """The body, every character a terminal would obey shown as U+FFFD (same length)."""
        return neutralize(self.stored_text)

    @property
    def display_title(self) -> str:
        """The title, or the file name when the text states none (never invented)."""
        if self.title:
            return self.title
        if self.origin:
            return self.origin.rsplit("/", 1)[-1]
        return self.id

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form for the CLI and exports (``text`` as shown, never the stored form)."""
        data = {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self) if f.name != "stored_text"}
        return {**data, "text": self.text}


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation, place, weapon system, treaty... that mentions link to."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    note: str = ""

    def names(self) -> tuple[str, ...]:
        """The canonical name followed by every alias."""
        return (self.name, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form for the CLI and exports."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


@dataclass(frozen=True, slots=True)
class Annotation:
    """A span of an article: an entity mention (``entity_id`` set) or a passage (labels, note).

    ``quote`` with ``prefix``/``suffix`` is a TextQuoteSelector: it lets the store re-anchor the
    annotation when the article text changes. ``orphaned`` is set when the quoted words are no
    longer in the text; such annotations are kept, never silently moved or dropped.
    """

    id: str
    article_id: str
    start: int
    end: int
    quote: str
    entity_id: str | None = None
    labels: tuple[str, ...] = ()
    note: str = ""
    status: str = "accepted"
    author: str = ""
    created: str = ""
    updated: str = ""
    prefix: str = ""
    suffix: str = ""
    orphaned: bool = False

    @property
    def kind(self) -> str:
        """``"entity"`` for an entity mention, ``"passage"`` otherwise."""
        return "entity" if self.entity_id else "passage"

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form for the CLI and exports."""
        data = {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}
        data["kind"] = self.kind
        return data


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: where in which article, with the sentence around it to show.

    ``snippet`` is that sentence on one line (clipped around the hit when it is long);
    ``highlight`` is where the hit is in it (``(0, 0)``: nothing to highlight).
    """

    article_id: str
    start: int
    end: int
    snippet: str
    score: float
    highlight: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class ConcordanceLine:
    """One line of a concordance (keyword in context): a mention with the text either side.

    ``left`` and ``right`` are on one line (spaces for line breaks), ``left`` ending where the
    match starts and ``right`` starting where it ends. ``annotation_id`` is the tag at that place
    (``""``: the text names the entity there, untagged); ``published`` is the article's date.
    """

    article_id: str
    start: int
    end: int
    left: str
    match: str
    right: str
    annotation_id: str = ""
    published: date | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """Two tags an analyst linked: they agree, contradict, or tell of the same event.

    ``first`` and ``second`` are the two tags' ids, the lesser first (a link has no direction).
    """

    first: str
    second: str
    kind: str
    note: str = ""
    author: str = ""
    created: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form for the CLI and exports."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """A place on a timeline: an article's publication date, or a date its text states.

    ``kind`` is ``"published"`` or ``"stated"``; a stated date has its place in the text
    (``start``/``end``, ``text`` as written), the sentence it is in, and the tag it was found
    near (``annotation_id``, ``""`` for a name said untagged or a search hit). ``date`` is as
    precise as stated (:class:`~store.stated_dates.PartialDate`); ``until`` ends a range.
    """

    date: PartialDate
    kind: str
    article_id: str
    start: int | None = None
    end: int | None = None
    text: str = ""
    until: PartialDate | None = None
    sentence: str = ""
    annotation_id: str = ""
    relative: bool = False


@dataclass(frozen=True, slots=True)
class Cooccurrence:
    """An entity seen with another: in how many articles, and in how many sentences, both occur."""

    entity: Entity
    articles: int
    sentences: int


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A span the store proposes as an entity's mention; nothing is saved until it is accepted.

    ``source`` says why: ``known`` (a name or alias of the entity ``entity_id``), ``pattern``
    (a shape such as an equipment designation), ``gazetteer`` (a place in a shipped list) or
    ``model``. ``name`` is the proposed canonical name (the entity's, for a known one).
    """

    article_id: str
    start: int
    end: int
    quote: str
    entity_type: str
    name: str
    source: str
    entity_id: str | None = None
    #: Only part of a known name was found (a person's surname alone): a weaker proposal.
    partial: bool = False


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention with the sentence it appears in, for cross-reference lists."""

    annotation: Annotation
    article: Article
    sentence: str
    sentence_start: int


@dataclass(frozen=True, slots=True)
class Unanchored:
    """An imported annotation that did not find its words in the stored article.

    ``source`` says where it came from (``file.ann#T3``, ``export.jsonl#<id>``), ``quote`` what
    it quoted, ``reason`` why it did not anchor. Listed so the analyst sees every one of them:
    one kept as an orphan is still in the store (``kept``), one whose article is not here is not.
    """

    source: str
    quote: str
    reason: str
    kept: bool = False


@dataclass(slots=True)
class ImportReport:
    """What an import did, file by file: the CLI prints it and the app summarises it."""

    added: list[tuple[str, str]] = field(default_factory=list)
    updated: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    orphaned: int = 0
    cancelled: bool = False
    #: Why the import stopped before the end (a batch could not be saved), or "".
    stopped: str = ""
    tags_added: int = 0
    entities_added: int = 0
    #: Links between tags a merged export added, and those it holds otherwise than this store
    #: (kept as they are here, each also listed in ``skipped`` with both kinds).
    links_added: int = 0
    links_kept: int = 0
    #: Files of annotations (exports, JSON Lines, W3C, brat) read whole, whatever they added.
    annotation_files_read: int = 0
    #: Each imported annotation that did not anchor on its article's text, and why.
    not_anchored: list[Unanchored] = field(default_factory=list)

    def absorb(self, other: ImportReport) -> None:
        """Add what ``other`` did to this report: its lists and its counts (one report for one run).

        Derived from the fields, so a count added to the report later is carried too; whether
        the run was cancelled or stopped is this report's own.
        """
        for item in dataclasses.fields(self):
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            if isinstance(mine, list):
                mine.extend(theirs)
            elif isinstance(mine, int) and not isinstance(mine, bool):
                setattr(self, item.name, mine + theirs)

    @property
    def read_count(self) -> int:
        """Files that were read successfully (added, updated, already present or duplicates)."""
        return (
            len(self.added)
            + len(self.updated)
            + len(self.unchanged)
            + len(self.duplicates)
            + self.annotation_files_read
        )

    def summary(self) -> str:
        """One line for status bars and notifications."""
        parts = [f"{len(self.added)} added"]
        if self.updated:
            parts.append(f"{len(self.updated)} updated")
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} unchanged")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicates")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.entities_added:
            parts.append(f"{self.entities_added} entities added")
        if self.tags_added:
            parts.append(f"{self.tags_added} annotations added")
        if self.orphaned:
            parts.append(f"{self.orphaned} annotations orphaned")
        absent = sum(not u.kept for u in self.not_anchored)
        if absent:
            parts.append(f"{absent} annotations not imported (their article is not here)")
        if self.links_added:
            parts.append(f"{self.links_added} links added")
        if self.links_kept:
            parts.append(f"{self.links_kept} links kept as they are here (the export says otherwise)")
        summary = ", ".join(parts)
        if self.stopped:
            return f"stopped: {self.stopped} Saved before that: {summary}. Run the same import again to go on."
        return f"cancelled: {summary} before stopping" if self.cancelled else summary
