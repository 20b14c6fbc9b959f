"""Score the store's default suggestions against the hand-annotated seeds (issue #9).

    .venv/bin/python -m tests.gold.evaluate [-v]

Imports the seeds into a fresh in-memory store (nothing tagged: what a newcomer sees), asks
``store.suggestions`` for each article and scores them per type with :mod:`tests.gold.scoring`,
exactly and leniently. ``-v`` lists each article's misses and false positives.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from store import Store, seed_if_empty
from tests.gold.scoring import Span, add, table, tally

GOLD = Path(__file__).resolve().parent / "seeds_gold.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and false positives")
    args = parser.parse_args()
    gold = json.loads(GOLD.read_text())["articles"]
    store = Store.in_memory()
    seed_if_empty(store)
    by_id = {article.id: article for article in store.articles()}
    exact: dict = {}
    lenient: dict = {}
    for name, entry in sorted(gold.items()):
        article = by_id[entry["article_id"]]
        gold_spans = [Span(i["start"], i["end"], i["type"]) for i in entry["items"]]
        predicted = [Span(s.start, s.end, s.entity_type) for s in store.suggestions(article.id)]
        exact = add(exact, tally(gold_spans, predicted))
        lenient = add(lenient, tally(gold_spans, predicted, lenient=True))
        if args.verbose:
            text = article.text
            missed = sorted(set(gold_spans) - set(predicted))
            wrong = sorted(set(predicted) - set(gold_spans))
            print(f"== {name} ({article.display_title})")
            print("  missed:", ", ".join(f"{text[s.start : s.end]!r}/{s.type}" for s in missed))
            print("  false: ", ", ".join(f"{text[s.start : s.end]!r}/{s.type}" for s in wrong))
    print(table(exact, lenient))
    store.close()


if __name__ == "__main__":
    main()
