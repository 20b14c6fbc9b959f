"""Benchmarks of the store and the app at 1,000 and 10,000 articles (run on demand).

    .venv/bin/python tests/benchmarks/bench_store.py [--sizes 1000 10000] [--repeat N]

Builds corpora from ``../shared/corpora/bbc`` (its 2,225 articles repeated with a small change
so each copy is a distinct article), imports them, adds 10 entity mentions per article (capitalised
words of the article, so mentions cluster on real names), then measures, as medians over
repeated runs, what a user waits for. The same annotation save is measured against plain TinyDB
(default JSONStorage, articles and annotations in one file, as a naive store would have them),
and the ratio is printed. Figures go to stdout as a table.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from store import Store  # noqa: E402

BBC = ROOT.parent / "shared" / "corpora" / "bbc"
_NAME = re.compile(r"\b[A-Z][a-z]{3,}\b")
TYPES = ("PERSON", "ORG", "PLACE", "EQUIPMENT", "DOCUMENT")


def build_corpus(size: int, folder: Path) -> None:
    """Write ``size`` distinct article files made from the BBC corpus."""
    sources = sorted(BBC.rglob("*.txt"))
    sources = [p for p in sources if p.name != "README.TXT"]
    folder.mkdir(parents=True)
    for index in range(size):
        source = sources[index % len(sources)]
        copy = index // len(sources)
        raw = source.read_bytes()
        if copy:
            title, _, body = raw.partition(b"\n")
            raw = title + f" (copy {copy})".encode() + b"\n" + body + f"\n\nCopy {copy} of this report.\n".encode()
        (folder / f"{index:05d}.txt").write_bytes(raw)


def tag_items(store: Store, per_article: int, rng: random.Random) -> list[dict]:
    """Ten mentions per article, of capitalised words, each linked to an entity of that name."""
    items = []
    types: dict[str, str] = {}
    for article in store.articles():
        matches = list(_NAME.finditer(article.text))
        rng.shuffle(matches)
        for match in matches[:per_article]:
            name = match.group()
            kind = types.setdefault(name, TYPES[len(types) % len(TYPES)])
            span = {"article_id": article.id, "start": match.start(), "end": match.end()}
            items.append({**span, "entity": name, "entity_type": kind})
    return items


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


async def app_figures(store_path: Path, repeat: int) -> tuple[float, float]:
    """First screen (headless, in-process: store opened as the app opens it, until the article
    list is drawn) and article switch (open another article and draw it)."""
    from tui.app import make_app

    first: list[float] = []
    switch: list[float] = []
    for _ in range(max(repeat // 5, 3)):
        start = time.perf_counter()
        store = Store.open(store_path, defer_annotations=True)
        app = make_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            rows = app.main.query_one("#document-rows")
            while not rows.row_count:  # until the article list is drawn
                await pilot.pause(0.005)
            first.append(time.perf_counter() - start)
            await pilot.pause(3)  # annotations read and search index built, as a user would find them
            articles = store.articles()
            for article in articles[: repeat * 2 : 2]:
                t0 = time.perf_counter()
                app.main.open_article(article.id)
                await pilot.pause()
                switch.append(time.perf_counter() - t0)
        store.close()
    return median_ms(first), median_ms(switch)


# ru_maxrss survives exec on Linux (a child forked from this big process would report its size),
# so the probe reads the high-water mark of its own address space from /proc instead.
RSS_PROBE = """
import sys
sys.path.insert(0, {root!r})
from store import Store
store = Store.open({path!r})
store.search_index()
store.search("prime minister")
for article in store.articles()[:200]:
    store.annotations(article.id)
with open("/proc/self/status") as status:
    print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024)
"""


def fresh_process_rss(store_path: Path) -> float:
    """Peak memory (MB) of a new process that opens the store fully and builds the search index."""
    import subprocess

    code = RSS_PROBE.format(root=str(ROOT), path=str(store_path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def plain_tinydb_save(articles: list, annotations: list[dict], folder: Path, repeat: int) -> float:
    """The same annotation save with plain TinyDB (default JSONStorage, one file)."""
    from tinydb import TinyDB

    path = folder / "plain.json"
    with TinyDB(path) as db:
        db.table("articles").insert_multiple({"id": a.id, "title": a.title, "text": a.text} for a in articles)
        db.table("annotations").insert_multiple(annotations)
    samples = []
    with TinyDB(path) as db:
        table = db.table("annotations")
        for i in range(repeat):
            start = time.perf_counter()
            table.insert({**annotations[i], "id": f"plain{i}"})
            samples.append(time.perf_counter() - start)
    return median_ms(samples)


def run(size: int, repeat: int, workdir: Path) -> dict[str, float]:
    rng = random.Random(size)
    corpus = workdir / f"corpus{size}"
    store_path = workdir / f"store{size}"
    build_corpus(size, corpus)
    figures: dict[str, float] = {}

    store = Store.open(store_path)
    start = time.perf_counter()
    report = store.import_paths([corpus])
    elapsed = time.perf_counter() - start
    figures["import (articles/s)"] = len(report.added) / elapsed
    items = tag_items(store, 10, rng)
    start = time.perf_counter()
    store.annotate_many(items, label="benchmark tags")
    figures["bulk tag build (s)"] = time.perf_counter() - start
    figures["annotations"] = len(store.annotations())
    store.close()

    figures["open store, corpus only (ms)"] = median_ms(
        timed(lambda: Store.open(store_path, defer_annotations=True), max(repeat // 5, 3))
    )
    figures["open store, everything (ms)"] = median_ms(timed(lambda: Store.open(store_path), max(repeat // 5, 3)))
    figures["build search index (ms)"] = median_ms(timed(lambda: Store.open(store_path).search_index(), 3))
    store = Store.open(store_path)
    articles = store.articles()
    picks = [rng.choice(articles) for _ in range(repeat)]

    def save_one(article=None) -> None:
        article = picks[len(save_samples) % len(picks)]
        match = _NAME.search(article.text)
        assert match is not None
        store.annotate(article.id, match.start(), match.end(), entity=match.group(), entity_type="PERSON")

    save_samples: list[float] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        save_one()
        save_samples.append(time.perf_counter() - t0)
    figures["annotation save (ms)"] = median_ms(save_samples)

    queries = ["election", "prime minister", '"world cup"', "mobile phone", "oil prices", "Blair", "film award"]
    figures["search (ms)"] = median_ms(
        [s for q in queries for s in timed(lambda q=q: store.search(q), max(repeat // len(queries), 2))]
    )
    figures["search, 2,000-word query (ms)"] = median_ms(timed(lambda: store.search("the " * 2000), 5))
    figures["related (ms)"] = median_ms([timed(lambda a=a: store.related(a.id), 1)[0] for a in picks])
    entities = sorted(store.entities(), key=lambda e: -store.mention_count(e.id))
    busy = entities[: max(len(entities) // 100, 5)]
    figures["mentions of an entity (ms)"] = median_ms([timed(lambda e=e: store.mentions(e.id), 1)[0] for e in busy])
    figures["mention contexts, busiest entity, 50 shown (ms)"] = median_ms(
        timed(lambda: store.mention_contexts(entities[0].id, limit=50), 3)
    )
    store.close()

    first, switch = asyncio.run(app_figures(store_path, repeat))
    figures["first screen, headless app (ms)"] = first
    figures["article switch in app (ms)"] = switch
    figures["RSS, fresh process, all loaded (MB)"] = fresh_process_rss(store_path)

    store = Store.open(store_path)
    annotation_docs = [a.to_dict() for a in store.annotations()]
    figures["plain TinyDB annotation save (ms)"] = plain_tinydb_save(
        store.articles(), annotation_docs, workdir, max(repeat // 10, 3)
    )
    store.close()
    plain = figures["plain TinyDB annotation save (ms)"]
    figures["plain / ours (save ratio)"] = plain / figures["annotation save (ms)"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if not BBC.is_dir():
        sys.exit(f"needs the BBC corpus at {BBC}")
    workdir = Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    try:
        results = {size: run(size, args.repeat, workdir) for size in args.sizes}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    names = list(next(iter(results.values())))
    width = max(len(n) for n in names)
    print(f"{'measure':<{width}}  " + "  ".join(f"{size:>10,}" for size in results))
    for name in names:
        print(f"{name:<{width}}  " + "  ".join(f"{results[size][name]:>10.1f}" for size in results))


if __name__ == "__main__":
    main()
