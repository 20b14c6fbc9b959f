"""Benchmarks of the exchange formats (issue #11) at 1,000 and 10,000 articles (run on demand).

    .venv/bin/python tests/benchmarks/bench_exchange.py [--sizes 1000 10000] [--backends folder postgres]
        [--postgres URL]

Builds a corpus from ``../shared/corpora/bbc`` (as ``bench_store.py`` does), imports it into a
folder store and, with ``--postgres`` (or ``$DOSSIER_TEST_POSTGRES``), into a server store in a
schema of its own (dropped afterwards), tags 10 capitalised words per article, then for each
format times an export of the whole store and an import of that file into a second store
holding the same articles and no tags (every tag re-anchored by quote and context), and checks
that every tag came back. Side by side: plain TinyDB writing the same tags as one JSON file
(``TinyDB.insert_multiple`` into a fresh file) and reading them back (``all()``), which does no
re-anchoring and no checks: the floor of what a JSON dump costs.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from store import Store
from store.exchange.reading import import_annotations
from store.exchange.writing import export_to
from tests.benchmarks.bench_store import BBC, build_corpus, tag_items
from tests.benchmarks.bench_xrefs import open_store as server_store

FORMATS = {"json": "export.json", "jsonl": "export.jsonl", "csv": "export.csv", "brat": "brat", "w3c": "export.jsonld"}


def open_store(backend: str, folder: Path, url: str | None) -> tuple[Store, Callable[[], None]]:
    """A new store (a folder, or a fresh schema on the server, as ``bench_xrefs`` makes one) and what removes it."""
    if backend == "folder":
        return Store.open(folder), lambda: shutil.rmtree(folder, ignore_errors=True)
    return server_store(backend, folder, 0, url)


def seconds(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def plain_tinydb(tags: list[dict], workdir: Path) -> dict[str, float]:
    """The same tags written to, and read from, one TinyDB JSON file."""
    from tinydb import TinyDB

    path = workdir / "plain.json"
    path.unlink(missing_ok=True)
    db = TinyDB(path)
    written, _ = seconds(lambda: db.table("annotations").insert_multiple(tags))
    db.close()
    db = TinyDB(path)
    read, rows = seconds(lambda: db.table("annotations").all())
    db.close()
    assert len(rows) == len(tags)  # type: ignore[arg-type]
    return {"plain TinyDB: write tags (s)": written, "plain TinyDB: read tags (s)": read}


def run(size: int, backend: str, workdir: Path, url: str | None) -> dict[str, float]:
    rng = random.Random(size)
    corpus = workdir / f"corpus{size}"
    if not corpus.exists():
        build_corpus(size, corpus)
    store, drop = open_store(backend, workdir / f"tagged{size}", url)
    figures: dict[str, float] = {}
    try:
        store.import_paths([corpus])
        store.annotate_many(tag_items(store, 10, rng), label="benchmark tags")
        tags = len(store.annotations())
        figures["articles"], figures["tags"] = float(len(store)), float(tags)
        for fmt, name in FORMATS.items():
            out = workdir / f"{size}-{backend}-{name}"
            took, _ = seconds(lambda fmt=fmt, out=out: export_to(store, fmt, out))
            figures[f"{fmt}: export (s)"] = took
            if fmt == "csv":
                continue  # CSV is written for spreadsheets: it is not read back
            bare, drop_bare = open_store(backend, workdir / f"bare{size}-{fmt}", url)
            try:
                bare.import_paths([corpus])
                took, report = seconds(lambda bare=bare, out=out: import_annotations(bare, out))
                figures[f"{fmt}: import, re-anchored (s)"] = took
                back = len(bare.annotations())
                if back != tags:
                    print(f"!! {fmt}: {back} of {tags} tags came back ({report.summary()})", flush=True)
            finally:
                bare.close()
                drop_bare()
        if backend == "folder":
            rows = [a.to_dict() for a in store.annotations()]
            figures.update(plain_tinydb(rows, workdir))
        return figures
    finally:
        store.close()
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--backends", nargs="+", default=["folder", "postgres"], choices=["folder", "postgres"])
    parser.add_argument("--postgres", default=os.environ.get("DOSSIER_TEST_POSTGRES"))
    args = parser.parse_args()
    if not BBC.is_dir():
        sys.exit(f"needs the BBC corpus at {BBC}")
    backends = [b for b in args.backends if b == "folder" or args.postgres]
    workdir = Path(tempfile.mkdtemp(prefix="dossier-bench-exchange-"))
    results: dict[tuple[int, str], dict[str, float]] = {}
    try:
        for size in args.sizes:
            for backend in backends:
                print(f"== {size} articles, {backend}", flush=True)
                results[(size, backend)] = run(size, backend, workdir, args.postgres)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    names = list(dict.fromkeys(name for figures in results.values() for name in figures))
    columns = list(results)
    print(f"{'':36}" + "".join(f"{f'{s} {b}':>18}" for s, b in columns))
    for name in names:
        cells = "".join(f"{results[c].get(name, float('nan')):>18,.2f}" for c in columns)
        print(f"{name:36}{cells}")


if __name__ == "__main__":
    main()
