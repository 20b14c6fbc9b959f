"""Round-2 attacks: changesets across files, the store thread, the search dialog, lazy text.

Each test is one attack; a fixed break keeps its test, an unfixed one is a strict xfail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Store, seed_if_empty
from store.journal import Journal


def _seeded(path: Path) -> Store:
    store = Store.open(path)
    seed_if_empty(store)
    return store


def _export_with_new_article(tmp_path: Path) -> dict:
    from store.export import export_data

    source = _seeded(tmp_path / "source")
    article = source.articles()[0]
    source.annotate(article.id, 0, 5, entity="Somebody", entity_type="PERSON")
    data = export_data(source)
    source.close()
    data["articles"] = [data["articles"][0]]
    data["articles"][0]["id"] = "new-article"
    data["articles"][0]["text"] += " More text."
    for annotation in data["annotations"]:
        annotation["article_id"], annotation["id"] = "new-article", "new-" + annotation["id"]
    return data


def _both_journals_current(store: Store) -> None:
    store.annotate(store.articles()[0].id, 0, 4, note="makes both journals current")
    store.set_metadata(store.articles()[0].id, title="Both journals current")


def _sees_merge(store: Store) -> tuple[bool, bool]:
    return (
        "new-article" in {a.id for a in store.articles()},
        any(a.id.startswith("new-") for a in store.annotations()),
    )


def _open_during_second_append(monkeypatch: pytest.MonkeyPatch, opener) -> list:
    """Run ``opener()`` right after the second journal line of a two-file changeset is written,
    while ``.pending`` still names it (the writer then finishes normally)."""
    opened: list = []
    real = Journal.append

    def append(self: Journal, changes, meta=None) -> None:
        real(self, changes, meta)
        if meta and meta.get("cs") and self.path.name == "annotations.journal" and not opened:
            assert (self.path.parent / ".pending").exists()
            opened.append(opener())

    monkeypatch.setattr(Journal, "append", append)
    return opened


@pytest.mark.parametrize("defer", [False, True])
def test_a_reader_opened_while_a_changeset_is_pending_sees_it_once_it_is_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, defer: bool
) -> None:
    """Bob opens the store while Alice's merge is between its last line and removing .pending.

    Bob skips the unfinished lines (right), but Alice then finishes normally: Bob must show the
    merge at his next look, not miss it until he reopens.
    """
    path = tmp_path / "store"
    data = _export_with_new_article(tmp_path)
    alice = _seeded(path)
    _both_journals_current(alice)
    opened = _open_during_second_append(monkeypatch, lambda: Store.open(path, defer_annotations=defer))
    alice.merge_export(data)
    monkeypatch.undo()
    (bob,) = opened
    assert not (path / ".pending").exists()
    bob.finish_loading()
    bob.refresh()
    assert _sees_merge(bob) == (True, True), "a finished changeset is missed until the store is reopened"
    fresh = Store.open(path)
    assert _sees_merge(fresh) == (True, True)


def test_a_deferred_reader_finishing_its_load_while_a_changeset_is_pending_sees_it_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob's articles were read before Alice's merge; his tags are read while it is pending."""
    path = tmp_path / "store"
    data = _export_with_new_article(tmp_path)
    alice = _seeded(path)
    _both_journals_current(alice)
    bob = Store.open(path, defer_annotations=True)
    opened = _open_during_second_append(monkeypatch, lambda: bob.finish_loading() or bob)
    alice.merge_export(data)
    monkeypatch.undo()
    assert opened == [bob]
    bob.refresh()
    assert _sees_merge(bob) == (True, True), "the merged tags are missed until the store is reopened"


def _kill_writer_after_articles_line(tmp_path: Path, path: Path, data: dict) -> None:
    """A real process merges ``data`` and is killed -9 right after its first journal line."""
    import signal
    import subprocess
    import sys
    import textwrap

    import orjson

    from tests.conftest import ROOT

    (tmp_path / "export.json").write_bytes(orjson.dumps(data))
    code = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        import orjson
        from store import Store
        from store.journal import Journal
        real = Journal.append
        def append(self, changes, meta=None):
            if self.path.name == "annotations.journal":
                os.kill(os.getpid(), signal.SIGKILL)
            return real(self, changes, meta)
        Journal.append = append
        store = Store.open({str(path)!r})
        store.merge_export(orjson.loads(open({str(tmp_path / "export.json")!r}, "rb").read()))
        """
    )
    writer = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert writer.returncode == -signal.SIGKILL


def _read_only(store_or_backend) -> None:
    """Make a backend behave as one whose user may not open the lock file (a read-only store)."""
    import errno

    backend = getattr(store_or_backend, "backend", store_or_backend)

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(backend.directory / ".lock"))

    backend._lock.acquire = refused


@pytest.mark.parametrize("when", ["poll", "open"])
def test_a_read_only_reader_never_shows_half_of_a_changeset_whose_writer_died(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """Bob (read-only) finds no .pending, then Alice writes it and her first line and is killed.

    Bob read the journal after she wrote that line: he must not show the article of a merge
    whose tags were never written (no one but a writer will ever take the line back).
    """
    path = tmp_path / "store"
    data = _export_with_new_article(tmp_path)
    alice = _seeded(path)
    _both_journals_current(alice)
    alice.close()
    real = Journal.read_new
    raced: list[bool] = []

    def read_new(self: Journal):
        if self.path.name == "articles.journal" and not raced:
            raced.append(True)
            _kill_writer_after_articles_line(tmp_path, path, data)  # just before Bob reads it
        return real(self)

    if when == "poll":
        bob = Store.open(path)
        _read_only(bob)
        monkeypatch.setattr(Journal, "read_new", read_new)
        bob.refresh()
    else:
        monkeypatch.setattr(Journal, "read_new", read_new)
        bob = Store.open(path)
        _read_only(bob)
    monkeypatch.undo()
    assert raced and (path / ".pending").exists()
    bob.refresh()  # skipped while .pending exists: what Bob shows now, he shows until someone writes
    assert _sees_merge(bob) == (False, False), "half of a changeset that was never saved is shown"
