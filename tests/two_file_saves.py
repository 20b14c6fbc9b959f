"""Two-file saves for the attack tests: an export that adds an article with its tags, and a
writer killed between its two journal lines."""

from __future__ import annotations

from pathlib import Path

from store import Store, seed_if_empty


def _seeded(path: Path) -> Store:
    store = Store.open(path)
    seed_if_empty(store)
    return store


def export_with_new_article(tmp_path: Path) -> dict:
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


def both_journals_current(store: Store) -> None:
    store.annotate(store.articles()[0].id, 0, 4, note="makes both journals current")
    store.set_metadata(store.articles()[0].id, title="Both journals current")


def kill_writer_after_articles_line(tmp_path: Path, path: Path, data: dict) -> None:
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
