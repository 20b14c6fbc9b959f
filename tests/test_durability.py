"""The store under stress: concurrent writers, kills mid-write, damaged files, old layouts."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import tinydb

from store import Store, StoreFileError
from store.maintenance import check, restore
from store.storage import SCHEMA_VERSION
from tests.conftest import ROOT, seeded_path

FIXTURES = Path(__file__).parent / "fixtures"

WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from store import Store
    store = Store.open({path!r})
    articles = store.articles()
    count, tag, compact_every = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    i = 0
    while count < 0 or i < count:
        article = articles[i % len(articles)]
        start = (i * 7) % (len(article.text) - 10)
        made = store.annotate(article.id, start, start + 5, labels=[tag], note=str(i))
        print(made.id, flush=True)
        i += 1
        if compact_every and i % compact_every == 0:
            store.compact()
    store.close()
    """
)


def writer(path: Path, count: int, tag: str, compact_every: int = 0) -> subprocess.Popen[str]:
    code = WRITER.format(root=str(ROOT), path=str(path))
    return subprocess.Popen(
        [sys.executable, "-c", code, str(count), tag, str(compact_every)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_lose_nothing(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    first, second = writer(path, 500, "one", compact_every=97), writer(path, 500, "two", compact_every=131)
    out_one, err_one = first.communicate(timeout=300)
    out_two, err_two = second.communicate(timeout=300)
    assert first.returncode == 0, err_one
    assert second.returncode == 0, err_two
    ids = set(out_one.split()) | set(out_two.split())
    assert len(ids) == 1000
    store = Store.open(path)
    saved = store.annotations()
    assert {a.id for a in saved} == ids
    assert sum(a.labels == ("one",) for a in saved) == 500 and sum(a.labels == ("two",) for a in saved) == 500
    store.close()
    with tinydb.TinyDB(path / "annotations.json") as db:  # closed: the journal is folded in
        assert len(db.table("annotations")) == 1000


def test_a_store_sees_another_process_changes_without_reopening(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    watcher = Store.open(path)
    assert watcher.annotations() == []
    child = writer(path, 3, "other")
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert watcher.refresh() is True
    assert {a.id for a in watcher.annotations()} == set(out.split())
    assert {a.author for a in watcher.annotations()} == {watcher.user}


def test_kill_at_random_moments_loses_no_reported_save(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    rng = random.Random(20)
    reported: set[str] = set()
    for round_number in range(20):
        child = writer(path, -1, f"round{round_number}", compact_every=rng.choice([3, 11, 40]))
        time.sleep(rng.uniform(0.4, 1.2))  # the child imports, opens, then saves in a loop
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        reported.update(line for line in out.split() if line.startswith("a"))
        store = Store.open(path)  # opens every time: no torn file, no lost journal line
        present = {a.id for a in store.annotations()}
        missing = reported - present
        assert not missing, f"round {round_number}: {len(missing)} reported saves lost"
        del store
    assert len(reported) > 100


def test_damaged_snapshot_gives_clear_error_and_is_untouched(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    snapshot = path / "articles.json"
    good = snapshot.read_bytes()
    for damage in (good[: len(good) // 2], b"\x00\xff garbage", b"[1, 2, 3]", b""):
        snapshot.write_bytes(damage)
        with pytest.raises(StoreFileError) as raised:
            Store.open(path)
        assert "articles.json" in str(raised.value) and "dossier store restore" in str(raised.value)
        assert snapshot.read_bytes() == damage


def test_torn_journal_tail_is_ignored_and_damage_inside_is_reported(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    store = Store.open(path)
    article = store.articles()[0]
    kept = store.annotate(article.id, 0, 5, note="kept")
    journal = path / "annotations.journal"
    with journal.open("ab") as handle:
        handle.write(b'[["annotations","99",{"id":"half')  # a write cut off by a kill
    reopened = Store.open(path)
    assert [a.id for a in reopened.annotations()] == [kept.id]
    later = reopened.annotate(article.id, 10, 15, note="after the torn line")
    assert {a.id for a in Store.open(path).annotations()} == {kept.id, later.id}
    lines = journal.read_bytes().split(b"\n")
    lines.insert(2, b"not json at all")
    journal.write_bytes(b"\n".join(lines))
    with pytest.raises(StoreFileError, match=r"annotations\.journal.*damaged"):
        Store.open(path)


def test_restore_puts_the_newest_good_backup_in_place(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    store = Store.open(path)
    article = store.articles()[0]
    first = store.annotate(article.id, 0, 5, note="before the backup")
    store.close()  # compaction: the new snapshot is also written as a backup
    store = Store.open(path)
    second = store.annotate(article.id, 10, 15, note="after")
    store.close()  # the newest backup holds both
    (path / "annotations.json").write_bytes(b'{"annotations": {"1": ')  # damaged in place
    assert [h.problem is not None for h in check(path)] == [False, True]
    lines = restore(path)
    assert lines[0].startswith("articles: fine") and "restored" in lines[1]
    restored = Store.open(path)
    assert {a.id for a in restored.annotations()} == {first.id, second.id}
    replaced = sorted((path / "backups").glob("replaced-*/annotations.json"))
    assert replaced and replaced[0].read_bytes() == b'{"annotations": {"1": '
    assert replaced[0].parent.stat().st_mode & 0o777 == 0o700


def test_store_written_by_the_first_version_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old"
    shutil.copytree(FIXTURES / "store_v1", path)
    original = (path / "annotations.json").read_bytes()
    assert json.loads(original)["_meta"]["1"]["schema_version"] == 1
    store = Store.open(path)
    assert len(store.articles()) == 5 and len(store.annotations()) == 3
    [entity] = store.entities()
    assert entity.name == "Sergey Shoigu" and entity.aliases == ("Sergei Shoigu",)
    assert len(store.mentions(entity.id)) == 2
    assert any(a.source == "PolitNavigator" for a in store.articles())
    assert json.loads((path / "annotations.json").read_bytes())["_meta"]["1"]["schema_version"] == SCHEMA_VERSION
    [kept] = (path / "backups").glob(f"annotations.before-v{SCHEMA_VERSION}.*.json")
    assert kept.read_bytes() == original
    store.annotate(store.articles()[0].id, 0, 4, note="new")
    assert len(Store.open(path).annotations()) == 4


def test_cli_store_commands(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tui", *args, "--store", str(path)], capture_output=True, text=True
        )

    assert "5 articles, 0 annotations" in cli("store", "check").stdout
    assert cli("store", "compact").returncode == 0
    (path / "articles.json").write_text("{broken")
    checked = cli("store", "check")
    assert checked.returncode == 2 and "not valid JSON" in checked.stdout
    assert "dossier store restore" in cli("import", str(ROOT / "seeds")).stderr
    restored = cli("store", "restore")
    assert restored.returncode == 0 and "articles: restored" in restored.stdout
    assert "5 articles" in cli("store", "check").stdout


def test_a_crashed_lock_holder_does_not_block_the_store(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    code = textwrap.dedent(
        f"""
        import sys, time
        from filelock import FileLock
        lock = FileLock({str(path / ".lock")!r})
        lock.acquire()
        print("locked", flush=True)
        time.sleep(60)
        """
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    store = Store.open(path)
    started = time.monotonic()
    store.annotate(store.articles()[0].id, 0, 4, note="after the crash")
    assert time.monotonic() - started < 2


async def test_the_app_shows_another_analysts_tags_within_seconds(tmp_path: Path) -> None:
    from tui.app import make_app

    path = seeded_path(tmp_path)
    mine = Store.open(path)
    app = make_app(mine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rows = app.main.query_one("#document-rows")
        child = writer(path, 3, "theirs")
        child.communicate(timeout=60)

        def tagged_rows() -> int:  # the child tags three articles once each
            return sum("1 tag" in rows.row_text(i) for i in range(rows.row_count))

        for _ in range(40):  # the app looks every two seconds
            await pilot.pause(0.1)
            if tagged_rows() == 3:
                break
        assert tagged_rows() == 3
        assert len(mine.annotations()) == 3


def test_private_by_default_and_shared_on_request(tmp_path: Path) -> None:
    from store.maintenance import share

    private = seeded_path(tmp_path)
    for path in [private, *private.rglob("*")]:
        expected = 0o700 if path.is_dir() else 0o600
        assert path.stat().st_mode & 0o7777 == expected, path
    share(private)
    store = Store.open(private)
    assert store.backend.file_mode == 0o660
    store.annotate(store.articles()[0].id, 0, 4, note="shared")
    store.close()  # writes new snapshots, journals and backups: all must stay open to the group
    for path in [private, *private.rglob("*")]:
        expected = 0o2770 if path.is_dir() else 0o660
        assert path.stat().st_mode & 0o7777 == expected, path
