"""The document list as every backend gives it: order, filter, positions, slices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from store import Store, seed_if_empty
from store.fuzzy import words_score
from store.listing import haystack


def _seeded(open_store: Callable[..., Store]) -> Store:
    store = open_store()
    seed_if_empty(store)
    return store


def test_listing_orders_like_articles_and_counts_tags(open_store: Callable[..., Store]) -> None:
    store = _seeded(open_store)
    try:
        articles = store.articles()
        first = articles[0]
        store.annotate(first.id, 0, 5, entity="Someone", entity_type="PERSON")
        listing = store.listing()
        assert len(listing) == listing.total == len(articles) == 5
        assert [row.id for row in listing] == [a.id for a in store.articles()]
        assert listing[0].tags == 1 and all(row.tags == 0 for row in listing[1:])
        assert listing[-1].id == articles[-1].id
        assert [row.id for row in listing[1:3]] == [a.id for a in articles[1:3]]
        assert listing[10:20] == []
        for index, article in enumerate(articles):
            assert listing.index_of(article.id) == index
        assert listing.index_of("no such article") is None
        dates = [row.published for row in listing if row.published]
        assert dates == sorted(dates, reverse=True)
    finally:
        store.close()


def test_listing_filter_keeps_articles_with_every_word_best_first(open_store: Callable[..., Store]) -> None:
    store = _seeded(open_store)
    try:
        articles = store.articles()
        target = articles[2]
        word = target.display_title.split()[0]
        listing = store.listing(word.upper())
        assert listing.query == word.upper() and listing.total == 5
        expected = []
        for rank, article in enumerate(articles):
            text = haystack(article.display_title, article.source, article.author, article.published)
            score = words_score(word, text, folded=True)
            if score is not None:
                expected.append((-score, rank, article.id))
        assert [row.id for row in listing] == [key for _, _, key in sorted(expected)]
        assert target.id in [row.id for row in listing]
        assert len(store.listing("zzqx nothing")) == 0
        assert store.listing("zzqx nothing").index_of(target.id) is None
    finally:
        store.close()


def test_listing_filter_reads_dates_sources_and_accents(open_store: Callable[..., Store]) -> None:
    store = _seeded(open_store)
    try:
        dated = next(a for a in store.articles() if a.published)
        year = str(dated.published.year)
        assert dated.id in [row.id for row in store.listing(year)]
        store.set_metadata(dated.id, title="Señor Shoïgu visits Tashkent", published=date(2031, 1, 2))
        listing = store.listing("senor shoigu")
        assert [row.id for row in listing] == [dated.id]
        assert store.listing().index_of(dated.id) == 0
    finally:
        store.close()
