"""A folder store whose files this user may not write opens read-only in the app.

The files' permissions decide, as the OS sees them for the user running Dossier. Root may
write any file whatever its mode, so as root the app runs as the user ``nobody`` (``setpriv``)
on a store root made and left readable; as anyone else the store is chmodded read-only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import SaveError, Store, seed_if_empty
from tests.conftest import ROOT, article_with, span_of
from tests.read_only_app import check_read_only_app

IS_ROOT = os.geteuid() == 0
AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def readable_store() -> Iterator[Path]:
    """A tagged store that others may read (in a folder they can reach) but not write."""
    holder = Path(tempfile.mkdtemp(prefix="dossier-read-only-"))
    path = holder / "store"
    try:
        store = Store.open(path)
        seed_if_empty(store)
        article = article_with(store, "Sergei Shoigu's visit")
        store.annotate(article.id, *span_of(article, "Sergei Shoigu"), entity="Sergey Shoigu", entity_type="PERSON")
        store.close()
        holder.chmod(0o755)
        for item in [path, *path.rglob("*")]:
            item.chmod(0o555 if item.is_dir() else 0o444)
        yield path
    finally:
        for item in [path, *path.rglob("*")] if path.exists() else []:
            item.chmod(0o755 if item.is_dir() else 0o644)
        shutil.rmtree(holder)


def snapshot(path: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in path.rglob("*")}


def test_a_writable_store_is_not_read_only(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    assert not store.read_only and not Store.in_memory().read_only
    store.close()


@pytest.mark.skipif(IS_ROOT, reason="root may write any file: the test below runs the app as nobody instead")
async def test_a_folder_store_with_read_only_files_opens_read_only(readable_store: Path) -> None:
    before = snapshot(readable_store)
    store = Store.open(readable_store)
    try:
        await check_read_only_app(store)
        with pytest.raises(SaveError, match="read-only for you"):
            store.annotate(store.articles()[0].id, 0, 4, note="refused by the OS")
    finally:
        store.close()
    assert snapshot(readable_store) == before


@pytest.mark.skipif(
    not IS_ROOT or shutil.which("setpriv") is None, reason="acting as another Unix user needs root and setpriv"
)
def test_a_folder_store_another_user_may_only_read_opens_read_only_for_them(readable_store: Path) -> None:
    before = snapshot(readable_store)
    done = subprocess.run(
        [*AS_NOBODY, sys.executable, "-m", "tests.read_only_app", str(readable_store)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "HOME": "/nonexistent", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]
    assert snapshot(readable_store) == before
