import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import SEEDS


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=cwd, timeout=60)


def test_import_reports_each_file_and_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "cp1251.txt").write_bytes(
        "Заголовок\n\nМинистр обороны России Сергей Шойгу провёл переговоры в Ташкенте.".encode("cp1251")
    )
    store = tmp_path / "store"
    result = run("import", str(SEEDS), str(tmp_path), "--store", str(store))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("imported ") == 6
    assert "empty.txt: empty file" in out
    assert "image.txt: binary file (a PNG image)" in out
    assert "6 added, 2 skipped" in out
    again = run("--store", str(store), "import", str(SEEDS))
    assert again.returncode == 0 and "0 added, 5 unchanged" in again.stdout


def test_import_exits_non_zero_when_nothing_could_be_read(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("import", str(tmp_path / "empty.txt"), "--store", str(tmp_path / "s"))
    assert result.returncode == 1 and "empty.txt: empty file" in result.stdout


def test_a_path_that_does_not_exist_fails_the_import_after_the_others_are_read(tmp_path: Path) -> None:
    result = run("import", str(SEEDS), str(tmp_path / "missing.txt"), "--store", str(tmp_path / "s"))
    assert result.returncode == 2 and "missing.txt: no such file or folder" in result.stdout
    assert result.stderr.endswith("missing.txt\n") and result.stderr.startswith("dossier: no such file or folder")
    assert "5 added" in result.stdout  # what could be read was imported: nothing is lost by a typo


def test_corrupt_store_exits_with_clear_message(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "articles.json").write_text("{not json")
    result = run("import", str(SEEDS), "--store", str(store))
    assert result.returncode == 2
    assert "articles.json" in result.stderr and "not valid JSON" in result.stderr
    assert (store / "articles.json").read_text() == "{not json"


def test_ctrl_c_stops_an_import_and_keeps_what_was_read(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(20000):
        (corpus / f"{i:05d}.txt").write_text(f"Title {i}\n\nArticle number {i} says something new.\n", encoding="utf-8")
    store = tmp_path / "store"
    child = subprocess.Popen(
        [sys.executable, "-m", "tui", "import", str(corpus), "--store", str(store)],
        stdout=subprocess.PIPE,
        text=True,
    )
    journal = store / "articles.journal"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (journal.exists() and journal.stat().st_size > 1000):
        time.sleep(0.05)  # until the first batch is saved: the import is under way
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=60)
    assert child.returncode == 130, out
    assert "cancelled:" in out
    imported = out.count("imported ")
    assert 0 < imported < 20000
    from store import Store

    assert len(Store.open(store).articles()) == imported


def test_export_and_import_through_the_cli(tmp_path: Path) -> None:
    import json

    from store import Store

    source = tmp_path / "source"
    store = Store.open(source)
    store.import_paths([SEEDS])
    article = next(a for a in store.articles() if "CSTO" in a.text)
    start = article.text.index("CSTO")
    store.annotate(article.id, start, start + 4, entity="CSTO", entity_type="ORG")
    store.close()
    out = tmp_path / "export.json"
    assert run("export", "-o", str(out), "--store", str(source)).returncode == 0
    data = json.loads(out.read_text())
    assert data["format"] == "dossier-export" and len(data["articles"]) == 5 and len(data["annotations"]) == 1
    (tmp_path / "other.json").write_text('{"not": "an export"}')
    result = run("import", str(out), str(tmp_path / "other.json"), "--store", str(tmp_path / "copy"))
    assert result.returncode == 0, result.stderr
    assert "5 added, 1 skipped, 1 entities added, 1 annotations added" in result.stdout
    assert "other.json: JSON that is neither a Dossier export nor W3C Web Annotations" in result.stdout
    copy = Store.open(tmp_path / "copy")
    [mention] = copy.annotations()
    assert mention.quote == "CSTO" and copy.entity(mention.entity_id).name == "CSTO"
    one = run("export", "--article", article.id, "--store", str(source))
    assert json.loads(one.stdout)["articles"][0]["id"] == article.id


def test_sharing_with_a_group_that_does_not_exist_is_a_message(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run("import", str(SEEDS), "--store", str(store)).returncode == 0
    done = run("store", "share", "--group", "no-such-group-\x1b[2J", "--store", str(store))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "no group" in done.stderr and "\x1b" not in done.stderr
    assert store.stat().st_mode & 0o777 == 0o700  # nothing was opened to anyone
