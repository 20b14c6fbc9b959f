"""Merging an entity of 1,000 mentions into another, and undoing it (run on demand).

    .venv/bin/python tests/benchmarks/bench_entities.py [--articles 4450] [--mentions 1000]
        [--repeat 9] [--backends folder postgres] [--url postgresql://postgres@127.0.0.1:5432/test]
        [--corpus ../shared/corpora/bbc]

Builds a corpus from the BBC articles as ``bench_store.py`` builds it (its functions, imported),
imports it into each backend (folder: a temporary directory; PostgreSQL: a fresh schema,
dropped afterwards), then tags the first ``--mentions`` occurrences of "UK" (the whole
corpus has 1,105, in 534 articles) as the entity "UK", and every "Britain" (450) as the
entity "Britain". It then merges UK into Britain and undoes the merge, ``--repeat`` times,
and prints the median of each, as a user waits for them: the call returns once the change is
durable and in memory.
Each merge must be one undo step, and the counts must agree with the tags afterwards (on
PostgreSQL, ``store check``): the benchmark says so, or stops.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import bench_store  # noqa: E402
from bench_store import build_corpus  # noqa: E402

from store import Store  # noqa: E402

DEFAULT_URL = os.environ.get("DOSSIER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
#: The entity merged away, and the one kept.
OTHER, KEPT = "UK", "Britain"


def tag(store: Store, mentions: int) -> tuple[str, str, int]:
    """Tag ``mentions`` occurrences of "UK" and every "Britain"; the two entity ids, Britain's mentions."""
    found: dict[str, list[dict]] = {OTHER: [], KEPT: []}
    for article in store.articles():
        for name, items in found.items():
            for match in re.finditer(rf"\b{name}\b", article.text):
                items.append({"article_id": article.id, "start": match.start(), "end": match.end(), "entity": name})
    if len(found[OTHER]) < mentions:
        raise SystemExit(f"the corpus holds {len(found[OTHER])} mentions of {OTHER} only: give more --articles")
    for name, items in ((OTHER, found[OTHER][:mentions]), (KEPT, found[KEPT])):
        store.annotate_many([{**item, "entity_type": "PLACE"} for item in items], label=f"tag {name}")
    keep, other = store.find_entity(KEPT), store.find_entity(OTHER)
    assert keep is not None and other is not None
    articles = len({item["article_id"] for item in found[OTHER][:mentions]})
    print(f"{mentions:,} mentions of {OTHER} in {articles} articles, {len(found[KEPT])} of {KEPT}", file=sys.stderr)
    return keep.id, other.id, len(found[KEPT])


def check_counts(store: Store, keep: str, other: str, expected: dict[str, int]) -> None:
    """The counts agree with the tags (and, on PostgreSQL, ``store check`` finds nothing)."""
    tags = Counter(a.entity_id for a in store.mentions(keep) + store.mentions(other))
    counted = store.mention_counts([keep, other])
    assert counted == expected == {key: tags.get(key, 0) for key in (keep, other)}, (counted, expected, tags)
    backend = store.backend
    if hasattr(backend, "schema"):
        from store.postgres_check import check

        health = check(backend.url, backend.schema)  # type: ignore[attr-defined]
        assert health.problem_count == 0, [p for table in health.tables for p in table.problems]


def measure(store: Store, mentions: int, repeat: int) -> dict[str, float]:
    """Median merge and undo times (ms), after checking each merge is one step and counts hold."""
    keep, other, kept_mentions = tag(store, mentions)
    before = store.mention_counts([keep, other])
    assert before == {keep: kept_mentions, other: mentions}, before
    merges: list[float] = []
    undos: list[float] = []
    for _ in range(repeat):
        steps = len(store._undo)
        start = time.perf_counter()
        store.merge_entities(keep, other)
        merges.append(time.perf_counter() - start)
        assert len(store._undo) == steps + 1, "a merge must be one undo step"
        start = time.perf_counter()
        store.undo()
        undos.append(time.perf_counter() - start)
        assert len(store._undo) == steps
    check_counts(store, keep, other, before)
    store.merge_entities(keep, other)
    check_counts(store, keep, other, {keep: kept_mentions + mentions, other: 0})
    return {
        "merge median (ms)": statistics.median(merges) * 1000,
        "merge max (ms)": max(merges) * 1000,
        "undo median (ms)": statistics.median(undos) * 1000,
        "undo max (ms)": max(undos) * 1000,
    }


def run(backend: str, corpus: Path, workdir: Path, args: argparse.Namespace) -> dict[str, float]:
    """Import the corpus into a new store of ``backend`` and measure it there."""
    if backend == "postgres":
        from store.postgres_backend import PostgresBackend

        store = Store(PostgresBackend(args.url, schema=f"bench_entities_{uuid.uuid4().hex[:8]}"))
    else:
        store = Store.open(workdir / "store")
    try:
        start = time.perf_counter()
        report = store.import_paths([corpus])
        print(
            f"{backend}: {len(report.added)} articles imported in {time.perf_counter() - start:.1f} s", file=sys.stderr
        )
        return {"articles": len(store), **measure(store, args.mentions, args.repeat)}
    finally:
        if backend == "postgres":
            store.backend.drop()  # type: ignore[attr-defined]
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=4450, help="articles made (the BBC corpus twice: 2,225 files)")
    parser.add_argument("--mentions", type=int, default=1000, help="mentions of the entity merged away")
    parser.add_argument("--repeat", type=int, default=9, help="merges and undos timed")
    parser.add_argument("--backends", nargs="+", default=["folder", "postgres"], choices=["folder", "postgres"])
    parser.add_argument("--url", default=DEFAULT_URL, help="server for the PostgreSQL store (a fresh schema)")
    parser.add_argument("--corpus", type=Path, default=bench_store.BBC, help="the BBC corpus folder")
    args = parser.parse_args()
    bench_store.BBC = args.corpus
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-entities-") as tmp:
        workdir = Path(tmp)
        corpus = workdir / "corpus"
        build_corpus(args.articles, corpus)
        for backend in args.backends:
            results[backend] = run(backend, corpus, workdir, args)
    names = list(next(iter(results.values())))
    print(f"merge_entities({KEPT}, {OTHER}): {args.mentions:,} mentions of {OTHER} move, then undo()")
    print(f"{'':24}" + "".join(f"{backend:>12}" for backend in results))
    for name in names:
        print(f"{name:24}" + "".join(f"{results[backend][name]:>12,.0f}" for backend in results))


if __name__ == "__main__":
    main()
