"""Benchmarks of entity suggestions and unlinked mentions (run on demand, not by pytest).

    .venv/bin/python tests/benchmarks/bench_suggestions.py [--size 10000] [--entities 1000]
        [--url postgresql://postgres@127.0.0.1:5432/test] [--repeat 15]

Builds a corpus of ``--size`` articles from ``../shared/corpora/bbc`` (as ``bench_store.py``
builds it), imports it into a folder store and, with ``--url``, a PostgreSQL store (schema
``bench_suggest``), and makes ``--entities`` PERSON entities from the corpus's most frequent
capitalised word pairs ("Tony Blair", "Gordon Brown": real names, so their mentions cluster),
each tagged once. Then, as medians:

* ``suggestions(article)`` for one article of 5,000 words (BBC texts put together), every
  entity's names looked for (target < 50 ms);
* ``unlinked_mentions(entity)`` over the corpus for a busy entity, a middling one and a rare one
  (target < 200 ms at 10,000 articles);
* beside them, plain TinyDB: the articles in one TinyDB file and the entity's name searched with
  a regular expression in every text (what a naive store would do; exact spelling only).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_store import BBC, build_corpus, median_ms, timed  # noqa: E402

from store import Store  # noqa: E402

_PAIR = re.compile(r"\b([A-Z][a-z]{2,}) ([A-Z][a-z]{2,})\b")


def frequent_pairs(store: Store, count: int) -> list[tuple[str, str, int, int]]:
    """The ``count`` most frequent capitalised pairs: (name, article id, start, end) of a first mention."""
    counts: Counter[str] = Counter()
    first: dict[str, tuple[str, int, int]] = {}
    for article in store.articles():
        for match in _PAIR.finditer(article.text):
            name = match.group()
            counts[name] += 1
            first.setdefault(name, (article.id, match.start(), match.end()))
    return [(name, *first[name]) for name, _ in counts.most_common(count)]


def long_article(folder: Path, words: int = 5000) -> Path:
    """One article of ``words`` words made of BBC texts, written into ``folder``."""
    texts: list[str] = []
    total = 0
    for path in sorted(BBC.rglob("*.txt")):
        if path.name == "README.TXT":
            continue
        body = path.read_text(errors="replace").split("\n", 1)[-1]
        texts.append(body)
        total += len(body.split())
        if total >= words:
            break
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "long.txt"
    target.write_text("A long report\n\n" + "\n\n".join(texts))
    return target


def measure(store: Store, entities: list[tuple[str, str, int, int]], long_id: str, repeat: int) -> dict[str, float]:
    """The figures of one store."""
    items = [{"article_id": a, "start": s, "end": e, "entity": n, "entity_type": "PERSON"} for n, a, s, e in entities]
    tagged = store.annotate_many(items, label="benchmark entities")
    ids = {store.annotation(t.id).quote: t.entity_id for t in tagged}
    figures: dict[str, float] = {}
    store.suggestions(long_id)  # the finder of every name is built once
    figures["suggestions, 5,000-word article (ms)"] = median_ms(timed(lambda: store.suggestions(long_id), repeat))
    picks = {"busy": entities[0][0], "middling": entities[len(entities) // 10][0], "rare": entities[-1][0]}
    for label, name in picks.items():
        entity_id = ids.get(name)
        if entity_id is None:
            continue
        store.unlinked_mentions(entity_id)
        found = len(store.unlinked_mentions(entity_id))
        figures[f"unlinked mentions, {label} '{name}' ({found} found) (ms)"] = median_ms(
            timed(lambda entity_id=entity_id: store.unlinked_mentions(entity_id), repeat)
        )
    return figures


def plain_tinydb(store: Store, names: list[str], folder: Path, repeat: int) -> dict[str, float]:
    """A naive store: the articles in one TinyDB file, a name's exact spelling searched in every text."""
    from tinydb import TinyDB

    db = TinyDB(folder / "plain.json")
    db.insert_multiple({"id": a.id, "text": a.text} for a in store.articles())
    figures: dict[str, float] = {}
    for name in names:

        def scan(name: str = name) -> int:
            pattern = re.compile(rf"\b{re.escape(name)}\b")
            return sum(len(pattern.findall(doc["text"])) for doc in TinyDB(folder / "plain.json").all())

        figures[f"plain TinyDB scan for '{name}' (ms)"] = median_ms(timed(scan, max(repeat // 3, 3)))
    db.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--url", default=None, help="a PostgreSQL URL: measure a server store too")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dossier-bench-suggest-"))
    try:
        corpus = work / "corpus"
        build_corpus(args.size, corpus)
        long_path = long_article(work / "long")
        results: dict[str, dict[str, float]] = {}
        stores: list[tuple[str, Store]] = [("folder", Store.open(work / "store"))]
        if args.url:
            from store.postgres_backend import PostgresBackend

            backend = PostgresBackend(args.url, schema="bench_suggest")
            backend.drop()
            backend.close()
            stores.append(("postgres", Store(PostgresBackend(args.url, schema="bench_suggest"))))
        for kind, store in stores:
            start = time.perf_counter()
            store.import_paths([corpus, long_path])
            print(f"{kind}: imported {args.size} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
            long_id = next(a.id for a in store.articles() if a.title == "A long report")
            entities = frequent_pairs(store, args.entities)
            results[kind] = measure(store, entities, long_id, args.repeat)
            if kind == "folder":
                picks = [entities[0][0], entities[len(entities) // 10][0], entities[-1][0]]
                results["plain TinyDB"] = plain_tinydb(store, picks, work, args.repeat)
            store.close()
        print(f"# Suggestions and unlinked mentions, {args.size:,} BBC articles, {args.entities:,} entities\n")
        for kind, figures in results.items():
            print(f"## {kind}")
            for name, value in figures.items():
                print(f"- {name}: {value:.1f}")
            print()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
