import subprocess
import sys
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
    result = run("import", str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt"), "--store", str(tmp_path / "s"))
    assert result.returncode == 1
    assert "missing.txt: no such file or folder" in result.stdout


def test_corrupt_store_exits_with_clear_message(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "articles.json").write_text("{not json")
    result = run("import", str(SEEDS), "--store", str(store))
    assert result.returncode == 2
    assert "articles.json" in result.stderr and "not valid JSON" in result.stderr
    assert (store / "articles.json").read_text() == "{not json"
