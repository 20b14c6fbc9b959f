"""The corpus's words by sound: which spellings of a name's word occur anywhere in the corpus.

Finding an entity's unlinked mentions across a corpus starts here: a name's words are reduced
to their sound keys (:func:`store.known_names.word_key`), and this index gives the corpus's
words with those keys (Shoigu → shoigu, shoygu, шойгу). The full-text index then gives the
articles that hold them, and only those articles are read. A folder store keeps this index in
memory beside its full-text index and brings it up to date with the words that index has
taken in since; a server store keeps a table of its own (:mod:`store.postgres_vocabulary`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from store.known_names import word_key
from store.search_index import LONGEST_WORD, folded_words


def text_words(text: str) -> set[str]:
    """The distinct words of a text as the full-text index keeps them (folded), long runs left out."""
    words = set(folded_words(text))
    return {word for word in words if len(word) <= LONGEST_WORD}


class SoundIndex:
    """Sound key → the corpus words (folded, as the full-text index keeps them) with that key."""

    def __init__(self) -> None:
        self._by_key: dict[str, set[str]] = defaultdict(set)
        #: How many of the full-text index's words (in its order) are in here.
        self.taken = 0

    def take(self, words: Iterable[str]) -> None:
        """Add words the full-text index took in after the ones already here."""
        for word in words:
            self._by_key[word_key(word)].add(word)
            self.taken += 1

    def words(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """Key → the words with that key (keys no word has are left out)."""
        return {key: set(self._by_key[key]) for key in keys if key in self._by_key}
