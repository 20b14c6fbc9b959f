"""What a planner reads of a store on PostgreSQL: the records as this analyst last saw them.

A planner must start from the records as this analyst last saw them, as the folder store's
planners start from its memory: that is what lets the write path tell "Bob changed the note
you are changing" from "you are changing Bob's note". So these lookups answer as of the last
changeset this store took in: a record another analyst changed since then is answered with its
state before their change (the log keeps it). Inside the write lock, everything has been taken
in, and they answer with what is stored.

Split from :mod:`store.postgres_view`, whose other questions (lists, search, cross-references)
show the current state and never look back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from store import codec
from store.changes import ANNOTATIONS, ARTICLES, Doc
from store.postgres_questions import QuestionConnections
from store.postgres_schema import statement
from store.storage import StoreFileError

#: What a damaged record on the server says to do.
SERVER_HINT = "Restore the store from a pg_dump backup (pg_restore), or ask its administrator."


class LastSeenLookups(QuestionConnections):
    """Lookups by id, name and origin, as last seen (see the module docstring).

    ``location(table)`` names where a table lives (for a damaged record's message); ``seen()``
    is the last changeset this store took in.
    """

    location: Callable[[str], str]
    seen: Callable[[], int]

    def _checked(self, table: str, doc: Any) -> Doc:
        problem = codec.problem(table, doc)
        if problem is not None:
            raise StoreFileError(Path(self.location(table)), f"table {table!r} holds {problem}", SERVER_HINT)
        return doc

    def _unseen(self) -> dict[tuple[str, str], Doc | None]:
        """Each record others changed since the last look → its state before their first change.

        The log keeps an article's old text only in the change that replaced it: an article
        whose first unseen change kept its text (corrected details) takes the text from the
        first unseen change that replaced it, if one did.
        """
        rows = self._rows("SELECT changes FROM {s}.changesets WHERE seq > %s ORDER BY seq", (self.seen(),))
        earliest: dict[tuple[str, str], Doc | None] = {}
        for (changes,) in rows:
            for table, key, before, _after in changes:
                if (table, key) not in earliest:
                    earliest[(table, key)] = before
                    continue
                first = earliest[(table, key)]
                if table == ARTICLES and first is not None and "text" not in first and before and "text" in before:
                    earliest[(table, key)] = {**first, "text": before["text"]}
        return earliest

    def _lookup(self, template: str, params: tuple[Any, ...], table: str = ANNOTATIONS) -> tuple[Any, bool]:
        """A lookup's answer and whether others logged changes since the last look, in one round trip.

        Planners and the write path make several lookups per record (an import or a batch of
        tags makes thousands): the log is read only when it holds something unseen, which is
        rare, instead of once more per lookup.
        """
        query = statement(
            f"SELECT ({template}), EXISTS (SELECT 1 FROM {{s}}.changesets WHERE seq > %s)", self.schema, t=table
        )
        row = self._run("conn", query, (*params, self.seen()))[0]
        return row[0], bool(row[1])

    def doc(self, table: str, key: str) -> Doc | None:
        """Read from the server as last seen (never cached: the write path must see the stored record)."""
        found, others = self._lookup("SELECT doc FROM {s}.{t} WHERE id = %s", (key,), table)
        current = self._checked(table, found) if found is not None else None
        return self._as_seen(table, key, current, self._unseen() if others else {})

    def docs_of(self, table: str, keys: Iterable[str]) -> dict[str, Doc]:
        """Many records as last seen, in one round trip (two when others changed something since)."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        found, others = self._lookup(
            "SELECT coalesce(jsonb_agg(doc), '[]'::jsonb) FROM {s}.{t} WHERE id = ANY(%s)", (wanted,), table
        )
        current = {doc["id"]: self._checked(table, doc) for doc in found}
        if others:
            unseen = self._unseen()
            for key in wanted:
                if (table, key) in unseen:
                    doc = self._as_seen(table, key, current.get(key), unseen)
                    current.pop(key, None)
                    if doc is not None:
                        current[key] = doc
        return current

    def _as_seen(
        self, table: str, key: str, current: Doc | None, unseen: dict[tuple[str, str], Doc | None]
    ) -> Doc | None:
        """A record as this store last saw it: as stored, or as it was before others' unseen changes."""
        if (table, key) not in unseen:
            return current
        before = unseen[(table, key)]
        if before is not None and table == ARTICLES and "text" not in before:
            # The log keeps an article's old text only where it changed: otherwise it is the
            # stored one.
            before = {**before, "text": (current or {}).get("text", "")}
        return self._checked(table, before) if before is not None else None

    def has(self, table: str, key: str) -> bool:
        """An index lookup (as last seen)."""
        return self.doc(table, key) is not None if table != ARTICLES else self._has_article(key)

    def _has_article(self, key: str) -> bool:
        stored, others = self._lookup("SELECT EXISTS (SELECT 1 FROM {s}.articles WHERE id = %s)", (key,))
        unseen = self._unseen() if others else {}
        return stored if (ARTICLES, key) not in unseen else unseen[(ARTICLES, key)] is not None

    def entity_key(self, name: str) -> str | None:
        """A canonical name first, then an alias; the lowest id among equals."""
        if "\x00" in name:
            return None  # no stored name holds a NUL (names are sanitised), nor may a statement
        rows = self._rows(
            "SELECT entity_id FROM {s}.entity_names WHERE name_key = %s ORDER BY canonical DESC, entity_id LIMIT 1",
            (codec.name_key(name),),
        )
        return rows[0][0] if rows else None

    def entity_keys(self, names: Iterable[str]) -> dict[str, str]:
        """One round trip for a batch of names; the same choice as :meth:`entity_key` for each."""
        by_key: dict[str, list[str]] = {}
        for name in names:
            if "\x00" not in name:
                by_key.setdefault(codec.name_key(name), []).append(name)
        if not by_key:
            return {}
        rows = self._rows(
            "SELECT DISTINCT ON (name_key) name_key, entity_id FROM {s}.entity_names WHERE name_key = ANY(%s)"
            " ORDER BY name_key, canonical DESC, entity_id",
            (list(by_key),),
        )
        return {name: entity_id for key, entity_id in rows for name in by_key[key]}

    def article_key_for_origin(self, origin: str) -> str | None:
        """An index lookup; the lowest id among equals chosen here.

        Not ``ORDER BY id LIMIT 1`` on the server: without statistics (a store being filled by
        its first import, before any ANALYZE) the planner walks the whole primary key for it,
        a scan per imported file.
        """
        rows = self._rows("SELECT id FROM {s}.articles WHERE origin = %s", (origin,))
        return min(row[0] for row in rows) if rows else None

    def article_keys_for_origins(self, origins: Iterable[str]) -> dict[str, str]:
        """One round trip for a batch of files; the lowest id among equals, as one file's lookup."""
        found: dict[str, str] = {}
        for origin, key in self._rows(
            "SELECT origin, id FROM {s}.articles WHERE origin = ANY(%s)", (list(dict.fromkeys(origins)),)
        ):
            if origin not in found or key < found[origin]:
                found[origin] = key
        return found

    def annotation_keys(self, article_id: str) -> set[str]:
        """An index lookup (as last seen)."""
        keys, others = self._lookup("SELECT array(SELECT id FROM {s}.annotations WHERE article_id = %s)", (article_id,))
        return self._seen_keys(set(keys), "article_id", article_id) if others else set(keys)

    def mention_keys(self, entity_id: str) -> set[str]:
        """An index lookup (as last seen)."""
        keys, others = self._lookup("SELECT array(SELECT id FROM {s}.annotations WHERE entity_id = %s)", (entity_id,))
        return self._seen_keys(set(keys), "entity_id", entity_id) if others else set(keys)

    def _seen_keys(self, stored: set[str], field: str, value: str) -> set[str]:
        """Annotation ids as last seen: others' unseen additions out, their unseen deletions back."""
        for (table, key), before in self._unseen().items():
            if table == ANNOTATIONS:
                stored.discard(key)
                if before is not None and before.get(field) == value:
                    stored.add(key)
        return stored
