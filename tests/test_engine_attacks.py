"""A hostile review of the engine: two analysts, crashes and planted files against its promises.

"Nobody overwrites anybody", "nothing saved is lost", and memory and disk never disagree. Each
test here is one attack; those the engine withstood at the time of writing stay as guards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from store import ConflictError, Store, StoreFileError, seed_if_empty
from tests.conftest import article_with, span_of

Pair = tuple[Store, Store]


@pytest.fixture
def analysts(open_store: Callable[[], Store]) -> Iterator[Pair]:
    """Alice and Bob on one seeded store of each backend."""
    alice = open_store()
    seed_if_empty(alice)
    bob = open_store()
    alice.user, bob.user = "alice", "bob"
    yield alice, bob
    bob.close()
    alice.close()


def _seeded(path: Path) -> Store:
    store = Store.open(path)
    seed_if_empty(store)
    return store


def _tag(store: Store, words: str, **kwargs: object):
    article = article_with(store, words)
    start, end = span_of(article, words)
    return store.annotate(article.id, start, end, **kwargs)  # type: ignore[arg-type]


def _read(path: Path) -> dict:
    return orjson.loads(path.read_bytes())


def _write(path: Path, data: dict) -> None:
    path.write_bytes(orjson.dumps(data))


# ---------------------------------------------------------------------- duplicate document ids


def test_a_duplicate_deleted_by_one_analyst_is_not_brought_back_by_the_others_compaction(tmp_path: Path) -> None:
    """A snapshot holds one record at two TinyDB ids; Alice deletes it, Bob compacts: gone for good."""
    path = tmp_path / "store"
    store = _seeded(path)
    tag = _tag(store, "Sergei Shoigu", note="original")
    store.close()  # folds the journal into annotations.json
    snapshot = path / "annotations.json"
    data = _read(snapshot)
    table = data["annotations"]
    [doc_id] = [d for d, doc in table.items() if doc["id"] == tag.id]
    table[str(max(int(d) for d in table) + 1)] = {**table[doc_id], "note": "duplicate"}
    _write(snapshot, data)

    alice, bob = Store.open(path), Store.open(path)
    alice.user, bob.user = "alice", "bob"
    alice.remove_annotation(tag.id)
    bob.refresh()
    assert all(a.id != tag.id for a in bob.annotations())
    bob.compact()
    bob.close()
    alice.close()
    reopened = Store.open(path)
    assert all(a.id != tag.id for a in reopened.annotations()), "a deleted tag came back"
    reopened.close()
