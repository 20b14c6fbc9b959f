"""The corpus's words by sound, on the server: the table :mod:`store.vocabulary` is for a folder store.

An entity's unlinked mentions (:mod:`store.unlinked`) start from the corpus words that sound
like its name's words. A server store keeps every distinct word of its articles (folded, as the
search vectors hold them) with its sound key (:func:`store.known_names.word_key`, computed in
Python, as the server has no Metaphone of rigour's) in ``vocabulary``, indexed by sound.

Words are added as articles are written, under the store's lock. A writing process remembers
the words it knows the table holds, so after the first batch of an import only the few words
new to the corpus are sent (an import's cost barely moves); a word some other process added
meanwhile is skipped by the server. Words of deleted articles stay: they find no article.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg

from store.designations import MARK
from store.known_names import word_key
from store.postgres_schema import statement


class VocabularyWriter:
    """Adds the words of written articles to the table; one per writing connection."""

    def __init__(self) -> None:
        #: Words this process knows the table holds (read at the first write).
        self._known: set[str] | None = None

    def forget(self) -> None:
        """Read the table again at the next write (after a failed save: what was sent may be undone)."""
        self._known = None

    def add(self, conn: psycopg.Connection[Any], schema: str, words: Iterable[str]) -> None:
        """Add the words not yet in the table, with their sound keys (in the caller's transaction)."""
        if self._known is None:
            self._known = {row[0] for row in conn.execute(statement("SELECT word FROM {s}.vocabulary", schema))}
        new = sorted(set(words) - self._known)
        if not new:
            return
        conn.execute(
            statement(
                "INSERT INTO {s}.vocabulary SELECT * FROM unnest(%s::text[], %s::text[]) ON CONFLICT DO NOTHING", schema
            ),
            (new, [word_key(word) for word in new]),
        )
        self._known.update(new)


def fill(conn: psycopg.Connection[Any], schema: str) -> int:
    """Put every word of the stored search vectors in the table (a store made before it); how many.

    Designation keys (``~mi35``, :mod:`store.designations`) are no words: they are left out.
    """
    words = [
        row[0]
        for row in conn.execute(
            statement("SELECT DISTINCT w FROM {s}.article_words, unnest(tsvector_to_array(search)) w", schema)
        )
        if not row[0].startswith(MARK)
    ]
    VocabularyWriter().add(conn, schema, words)
    return len(words)


def words_with_keys(rows: list[tuple[Any, ...]]) -> dict[str, set[str]]:
    """Key → words, from ``(sound, word)`` rows."""
    found: dict[str, set[str]] = {}
    for sound, word in rows:
        found.setdefault(sound, set()).add(word)
    return found
