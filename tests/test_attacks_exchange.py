"""The exchange formats attacked the way the world would: other tools' files, hostile records, odd texts.

Each test here broke something before its fix: a file another tool wrote (brat's own annotation
tool, the Hypothesis API), a hand-made export naming what is not there, a text with Windows line
ends and tabs. The promise each one keeps is in its name.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson

from store import Store
from store.exchange.reading import import_annotations

ROOT = Path(__file__).resolve().parent.parent


def dossier(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The real command, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=180, cwd=cwd)


def first_article(store: Store):
    return min(store.articles(), key=lambda a: a.id)


# ---------------------------------------------------------------------- a hand-made Dossier export


def test_a_tag_naming_an_entity_that_is_nowhere_is_kept_as_a_passage_and_reported(
    any_seeded: Store, tmp_path: Path
) -> None:
    """An export whose tag names an entity neither in the file nor in the store plants no dangling id.

    Before: the tag was stored with ``entity_id: "ghost"``, and ``dossier show`` of its article
    died with a ``KeyError`` traceback. Now the tag comes in as a passage (its words, note and
    labels kept) and the report says which entity was missing.
    """
    article = first_article(any_seeded)
    path = tmp_path / "hand-made.json"
    tag = {"article_id": article.id, "start": 0, "end": 5, "quote": article.text[:5], "note": "keep me"}
    path.write_bytes(
        orjson.dumps(
            {
                "format": "dossier-export",
                "entities": [{"id": "blank", "name": " \n\t "}],
                "annotations": [
                    {**tag, "id": "t-ghost", "entity_id": "ghost"},
                    {**tag, "id": "t-blank", "entity_id": "blank", "labels": ["x"]},
                ],
            }
        )
    )
    report = import_annotations(any_seeded, path)
    stored = {a.id: a for a in any_seeded.annotations()}
    assert stored["t-ghost"].entity_id is None and stored["t-ghost"].note == "keep me"
    assert stored["t-blank"].entity_id is None and stored["t-blank"].labels == ("x",)
    known = {e.id for e in any_seeded.entities()}
    assert all(a.entity_id in known for a in stored.values() if a.entity_id)
    assert not any(not e.name.strip() for e in any_seeded.entities())
    reasons = " ".join(why for _, why in report.skipped)
    assert "ghost" in reasons and "blank" in reasons


def test_dossier_show_after_importing_a_tag_of_a_missing_entity_prints_no_traceback(tmp_path: Path) -> None:
    store_path = tmp_path / "st"
    assert dossier("import", str(ROOT / "seeds"), "--store", str(store_path)).returncode == 0
    store = Store.open(store_path)
    article = first_article(store)
    store.close()
    path = tmp_path / "ghost.json"
    tag = {"id": "t1", "article_id": article.id, "start": 0, "end": 5, "quote": article.text[:5]}
    path.write_text(json.dumps({"format": "dossier-export", "annotations": [{**tag, "entity_id": "ghost"}]}))
    imported = dossier("import", str(path), "--store", str(store_path))
    assert imported.returncode == 0, imported.stderr
    assert "ghost" in imported.stdout
    shown = dossier("show", article.id, "--store", str(store_path))
    assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stderr
    assert article.text[:5] in shown.stdout
