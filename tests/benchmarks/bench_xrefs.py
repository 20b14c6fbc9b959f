"""Benchmarks of the cross-reference questions (issue #10) at 10,000 articles (run on demand).

    .venv/bin/python tests/benchmarks/bench_xrefs.py [--sizes 10000] [--backends folder postgres]
        [--postgres URL] [--repeat N]

Builds a corpus from ``../shared/corpora/bbc`` (as ``bench_store.py`` does), imports it into a
folder store and, with ``--postgres`` (or ``$DOSSIER_TEST_POSTGRES``), into a server store in a
schema of its own (dropped afterwards); tags 10 capitalised words per article, then every
place of a name the corpus says 1,000 to 1,600 times, so that one entity has about 1,000
mentions. Then measures, as
medians, what an analyst waits for: a search over varied queries of the query language, the
concordance of that entity, related articles, the timeline of the whole corpus, and the
2,000-word query. The same search and concordance are timed against plain TinyDB (articles and
annotations in one JSON file, searched with ``Query().search`` and a scan), side by side.

Targets (issue #10): search < 30 ms median, concordance of 1,000 mentions < 100 ms, related
< 30 ms, timeline of the whole corpus < 200 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from store import Store  # noqa: E402
from tests.benchmarks.bench_store import BBC, build_corpus, median_ms, tag_items, timed  # noqa: E402

#: A capitalised word after a lower-case word: a name said mid-sentence.
_MID_NAME = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{3,})\b")
QUERIES = [
    "election",
    "prime minister",
    '"world cup"',
    "mobile phone",
    "oil OR gas",
    "Blair NOT Brown",
    "(film OR music) award",
    "champion*",
    "G8",
    "Xbox",
    "chancellor budget tax",
    '"chief executive" shares',
    "entity:Blair",
    "type:PERSON minister",
    "label:claim",
    "-government economy",
    "broadband AND (price OR cost)",
    "Arsenal Chelsea",
]


def busy_entity(store: Store, rng: random.Random) -> tuple[str, int]:
    """An entity of about 1,000 mentions: a name said 1,000 to 1,600 times, tagged wherever it is said.

    Chosen among the names the corpus capitalises mid-sentence (a name, not a sentence's first
    word), so that its concordance is its tags, as an analyst's busy entity would be.
    """
    said: Counter[str] = Counter()
    places: dict[str, list[dict[str, object]]] = {}
    for article in store.articles():
        for found in _MID_NAME.finditer(article.text):
            name = found.group(1)
            said[name] += 1
            places.setdefault(name, []).append({"article_id": article.id, "start": found.start(1), "end": found.end(1)})
    name = next(word for word, count in said.most_common() if count <= 1600)
    entity = store.find_entity(name)
    kind = entity.type if entity is not None else "PERSON"
    tagged = {(a.article_id, a.start) for a in store.mentions(entity.id)} if entity is not None else set()
    items = [
        {**p, "entity": name, "entity_type": kind} for p in places[name] if (p["article_id"], p["start"]) not in tagged
    ]
    store.annotate_many(items, label="benchmark: a busy entity")
    found_entity = store.find_entity(name)
    assert found_entity is not None
    return found_entity.id, store.mention_count(found_entity.id)


def plain_tinydb(store: Store, folder: Path, entity_id: str, repeat: int) -> dict[str, float]:
    """The same search and concordance with plain TinyDB (one JSON file, default storage)."""
    from tinydb import Query, TinyDB

    path = folder / "plain.json"
    path.unlink(missing_ok=True)
    with TinyDB(path) as db:
        db.table("articles").insert_multiple({"id": a.id, "title": a.title, "text": a.text} for a in store.articles())
        db.table("annotations").insert_multiple(a.to_dict() for a in store.annotations())
    figures = {}
    with TinyDB(path) as db:
        articles, annotations = db.table("articles"), db.table("annotations")
        words = [w for q in QUERIES if (w := re.sub(r"[^\w ]", " ", q).split()) and ":" not in q]

        def search(terms: list[str]) -> list[object]:
            patterns = [re.compile(rf"\b{re.escape(t)}\b", re.I) for t in terms]
            return articles.search(Query().text.test(lambda text: all(p.search(text) for p in patterns)))

        figures["plain TinyDB search (ms)"] = median_ms(
            [s for terms in words for s in timed(lambda t=terms: search(t), max(repeat // len(words), 1))]
        )

        def concordance() -> list[str]:
            texts = {doc["id"]: doc["text"] for doc in articles.all()}
            lines = []
            for tag in annotations.search(Query().entity_id == entity_id):
                text = texts[tag["article_id"]]
                lines.append(text[max(0, tag["start"] - 60) : tag["end"] + 60])
            return lines

        figures["plain TinyDB concordance (ms)"] = median_ms(timed(concordance, 3))
    return figures


def measure(store: Store, entity_id: str, repeat: int, rng: random.Random) -> dict[str, float]:
    figures: dict[str, float] = {}
    store.search_index()
    for query in QUERIES:
        store.search(query)  # warm each (a server caches term rarity)
    per_query = {q: median_ms(timed(lambda q=q: store.search(q), max(repeat // 6, 3))) for q in QUERIES}
    figures["search, varied queries, median (ms)"] = statistics.median(per_query.values())
    figures["search, slowest query (ms)"] = max(per_query.values())
    print("   slowest:", sorted(per_query.items(), key=lambda kv: -kv[1])[:3], flush=True)
    figures["search, 2,000-word query (ms)"] = median_ms(timed(lambda: store.search("the " * 2000), 5))
    lines = store.concordance(entity_id=entity_id)
    figures["concordance lines"] = len(lines)
    figures["concordance, busy entity (ms)"] = median_ms(timed(lambda: store.concordance(entity_id=entity_id), 5))
    figures["concordance, a query (ms)"] = median_ms(timed(lambda: store.concordance(query="Blair"), 5))
    picks = [a.id for a in rng.sample(store.articles(), 30)]
    figures["related (ms)"] = median_ms([timed(lambda a=a: store.related(a), 1)[0] for a in picks])
    figures["timeline, whole corpus (ms)"] = median_ms(timed(store.timeline, 5))
    figures["timeline, busy entity (ms)"] = median_ms(timed(lambda: store.timeline(entity_id=entity_id), 3))
    figures["cooccurrence, busy entity (ms)"] = median_ms(timed(lambda: store.cooccurrence(entity_id), 3))
    return figures


def open_store(backend: str, workdir: Path, size: int, url: str | None) -> tuple[Store, Callable[[], None]]:
    if backend == "folder":
        return Store.open(workdir / f"store{size}"), lambda: None
    assert url is not None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    store = Store.open(url, schema=schema)

    def drop() -> None:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    return store, drop


def run(size: int, backend: str, repeat: int, workdir: Path, url: str | None) -> dict[str, float]:
    rng = random.Random(size)
    corpus = workdir / f"corpus{size}"
    if not corpus.exists():
        build_corpus(size, corpus)
    store, drop = open_store(backend, workdir, size, url)
    try:
        store.import_paths([corpus])
        store.annotate_many(tag_items(store, 10, rng), label="benchmark tags")
        treaty_like = [a for a in store.articles() if "claim" in a.text][:200]
        store.annotate_many(
            [
                {
                    "article_id": a.id,
                    "start": a.text.index("claim"),
                    "end": a.text.index("claim") + 5,
                    "labels": ["claim"],
                }
                for a in treaty_like
            ],
            label="benchmark passages",
        )
        entity_id, mentions = busy_entity(store, rng)
        figures = {"articles": float(len(store)), "busy entity mentions": float(mentions)}
        figures.update(measure(store, entity_id, repeat, rng))
        if backend == "folder":
            figures.update(plain_tinydb(store, workdir, entity_id, repeat))
        return figures
    finally:
        store.close()
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--backends", nargs="+", default=["folder", "postgres"], choices=["folder", "postgres"])
    parser.add_argument("--postgres", default=os.environ.get("DOSSIER_TEST_POSTGRES"))
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if not BBC.is_dir():
        sys.exit(f"needs the BBC corpus at {BBC}")
    backends = [b for b in args.backends if b == "folder" or args.postgres]
    workdir = Path(tempfile.mkdtemp(prefix="dossier-bench-xrefs-"))
    results: dict[tuple[int, str], dict[str, float]] = {}
    for size in args.sizes:
        for backend in backends:
            print(f"== {size} articles, {backend}", flush=True)
            results[(size, backend)] = run(size, backend, args.repeat, workdir, args.postgres)
    names = list(dict.fromkeys(name for figures in results.values() for name in figures))
    columns = list(results)
    print(f"{'':44}" + "".join(f"{f'{s} {b}':>18}" for s, b in columns))
    for name in names:
        cells = "".join(f"{results[c].get(name, float('nan')):>18,.1f}" for c in columns)
        print(f"{name:44}{cells}")


if __name__ == "__main__":
    main()
