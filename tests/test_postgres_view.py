"""The PostgreSQL view: the folder store's answers, with nothing of the corpus in the process.

Each question is asked of a folder store and of a server store holding the same articles and
tags; the answers must agree (ranking aside: the server ranks with ``ts_rank``, the folder
store with BM25, so search is compared as sets of hits, each located at the same place).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from store import Store, seed_if_empty
from store.export import export_data
from store.postgres_backend import PostgresBackend
from store.postgres_query import SearchCancelled
from store.postgres_view import PostgresView
from tests.conftest import POSTGRES_URL, span_of
from tests.postgres_roles import PostgresStores

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES to a PostgreSQL URL")


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """A folder store and a server store with the seeds and the same tags."""
    stores = PostgresStores(POSTGRES_URL or "", f"test_{uuid.uuid4().hex[:12]}")
    folder, server = Store.open(tmp_path / "store"), stores.open()
    seed_if_empty(folder)
    for words, entity, kind in (
        ("Sergei Shoigu", "Sergey Shoigu", "PERSON"),
        ("Shoigu", "Sergey Shoigu", "PERSON"),
        ("Uzbekistan", "Uzbekistan", "PLACE"),
        ("CSTO", "CSTO", "ORG"),
    ):
        for article in folder.articles():
            if words in article.text:
                folder.annotate(article.id, *span_of(article, words), entity=entity, entity_type=kind)
    folder.annotate(folder.articles()[1].id, 0, 20, labels=["claim", "date"], note="a passage")
    folder.annotate(folder.articles()[2].id, 5, 9, labels=["claim"], status="rejected")
    server.merge_export(export_data(folder))  # the same records, ids and all
    yield folder, server
    folder.close()
    server.close()
    stores.drop()


def _tag(annotation) -> dict:
    """An annotation as both stores hold it (each stamped its own save time)."""
    return {k: v for k, v in annotation.to_dict().items() if k != "updated"}


QUERIES = [
    "Uzbekistan",
    "military cooperation",
    '"military cooperation"',
    "Shoi",
    "treaty 2017",
    "Ташкент",
    "zzzz",
    # the query language: designations, filters, operators
    "Mi-35",
    "Ми-35М",
    "S400 OR Su-30",
    'entity:"Sergey Shoigu"',
    "entity:shoigu treaty",
    "type:ORG -csto",
    "label:CLAIM",
    "status:rejected",
    'note:"a passage"',
    "NOT Uzbekistan",
    "(csto OR odkb) AND NOT entity:Uzbekistan",
    "before:2017 OR after:2021-04",
    "NOT before:2017",
    "source:central author:southey",
    "-source:vestnik Tashkent",
]


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_the_same_hits_at_the_same_places(pair: tuple[Store, Store], query: str) -> None:
    folder, server = pair
    found = {
        (h.article_id, h.start, h.end, h.snippet, h.highlight) for h in folder.search(query, limit=50, typing=True)
    }
    hits = server.search(query, limit=50, typing=True)
    assert {(h.article_id, h.start, h.end, h.snippet, h.highlight) for h in hits} == found


def test_every_question_is_answered_alike(pair: tuple[Store, Store]) -> None:
    folder, server = pair

    def article(record) -> dict:
        return {k: v for k, v in record.to_dict().items() if k != "imported"}  # when each store took it in

    assert [article(a) for a in server.articles()] == [article(a) for a in folder.articles()]
    assert [e.to_dict() for e in server.entities()] == [e.to_dict() for e in folder.entities()]
    assert server.annotation_counts() == folder.annotation_counts()
    assert server.labels() == folder.labels()
    for article in folder.articles():
        assert [_tag(a) for a in server.annotations(article.id)] == [_tag(a) for a in folder.annotations(article.id)]
        assert server.article_entities(article.id) == folder.article_entities(article.id)
        assert [(a.id, s) for a, s in server.related(article.id)] == [(a.id, s) for a, s in folder.related(article.id)]
    for entity in folder.entities():
        assert [m.annotation.id for m in server.mention_contexts(entity.id, limit=3)] == [
            m.annotation.id for m in folder.mention_contexts(entity.id, limit=3)
        ]
        assert [m.sentence for m in server.mention_contexts(entity.id)] == [
            m.sentence for m in folder.mention_contexts(entity.id)
        ]
        for other in folder.articles()[:2]:
            assert server.mention_count(entity.id, exclude_article=other.id) == folder.mention_count(
                entity.id, exclude_article=other.id
            )
        assert [m.id for m in server.mentions(entity.id)] == [m.id for m in folder.mentions(entity.id)]
    for typed in ("shoi", "sergei shoigu", "csto", "uz", "", "Шойгу"):
        assert [(e.id, n) for e, n in server.match_entities(typed)] == [
            (e.id, n) for e, n in folder.match_entities(typed)
        ]
        assert server.find_entity(typed) == folder.find_entity(typed)


def test_a_server_store_never_reads_the_corpus(pair: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening, listing, filtering, searching, reading and tagging never load a whole table."""
    _, server = pair
    schema = server.backend.schema  # type: ignore[attr-defined]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the corpus was loaded")

    monkeypatch.setattr(PostgresBackend, "load", refuse)
    monkeypatch.setattr(PostgresBackend, "iter_docs", refuse)
    monkeypatch.setattr(PostgresView, "articles", refuse)
    monkeypatch.setattr(PostgresView, "annotation_counts", refuse)
    store = Store(PostgresBackend(POSTGRES_URL or "", schema=schema), defer_annotations=True)
    assert not store.view.holds_corpus
    listing = store.listing()
    rows = listing[:40]
    assert len(listing) == 5 and listing.index_of(rows[0].id) == 0
    assert len(store.listing("uzbekistan")) >= 1
    article = store.article(rows[0].id)
    assert store.search("Uzbekistan")
    tag = store.annotate(article.id, 0, 5, entity="Sergey Shoigu")
    assert store.related(article.id) is not None and store.mention_contexts(tag.entity_id or "", limit=50)
    assert store.undo()
    store.close()


def test_a_newer_search_cancels_the_one_running(pair: tuple[Store, Store]) -> None:
    _, server = pair
    view = server.view
    assert isinstance(view, PostgresView)
    outcome: list[object] = []

    def slow() -> None:
        try:
            outcome.append(view._search_query("SELECT pg_sleep(10)", None))
        except SearchCancelled:
            outcome.append("cancelled")

    thread = threading.Thread(target=slow)
    started = time.monotonic()
    thread.start()
    time.sleep(0.3)
    assert view._search_query("SELECT 1", None) == [(1,)]
    thread.join(5)
    assert outcome == ["cancelled"] and time.monotonic() - started < 3
    assert server.search("Uzbekistan")  # the connection is fine afterwards


def test_a_list_filter_never_cancels_a_search_nor_the_rows_being_drawn(pair: tuple[Store, Store]) -> None:
    """Searches, list filters and the rows of a listing run apart: none cancels the others."""
    _, server = pair
    view = server.view
    assert isinstance(view, PostgresView)
    outcome: list[object] = []

    def slow_search() -> None:
        try:
            outcome.append(view._search_query("SELECT pg_sleep(1)", None))
        except SearchCancelled:
            outcome.append("cancelled")

    thread = threading.Thread(target=slow_search)
    thread.start()
    time.sleep(0.2)
    shown = server.listing()
    for typed in ("u", "uz", "uzb", "uzbek"):  # a filter typed meanwhile, and the list drawn
        assert len(server.listing(typed)) >= 1
        assert len(shown[0:5]) == 5 and shown.index_of(shown[3].id) == 3
    thread.join(5)
    assert outcome == [[("",)]]


def test_a_question_past_the_time_limit_is_cut_off_with_a_message(pair: tuple[Store, Store]) -> None:
    from store import StoreConnectionError

    _, server = pair
    view = server.view
    assert isinstance(view, PostgresView)
    view.conn.execute("SET statement_timeout = '200ms'")
    with pytest.raises(StoreConnectionError, match="took longer"):
        view._rows("SELECT pg_sleep(2)")
    assert server.entities()


def test_a_word_in_most_articles_is_ranked_among_the_newest_that_hold_it(
    pair: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past RANKED_AT_MOST matches, the server ranks the newest ones (a common word stays fast)."""
    import store.postgres_query as postgres_query

    folder, server = pair
    holding = [a.id for a in folder.articles() if " the " in a.text]
    assert len(holding) >= 3
    monkeypatch.setattr(postgres_query, "RANKED_AT_MOST", 2)
    assert {hit.article_id for hit in server.search("the", limit=50)} == set(holding[:2])
    monkeypatch.setattr(postgres_query, "RANKED_AT_MOST", 1000)
    assert {hit.article_id for hit in server.search("the", limit=50)} == set(holding)


def test_batched_lookups_answer_as_one_lookup_each_would(tmp_path: Path) -> None:
    """An import asks for a batch of files at once: the answers are those of one lookup per record,
    on both views, including records another analyst changed since this store last looked."""
    stores = PostgresStores(POSTGRES_URL or "", f"test_{uuid.uuid4().hex[:12]}")
    folder, server, other = Store.open(tmp_path / "store"), stores.open(), stores.open()
    try:
        for store in (folder, server):
            seed_if_empty(store)
        first = min(article.id for article in server.articles())
        tag = server.annotate(first, 0, 5, labels=["claim"])
        other.refresh()
        # Another analyst corrects a title and deletes the tag; ``server`` has not looked yet.
        other.set_metadata(first, title="Corrected by the other analyst")
        other.remove_annotation(tag.id)
        for store in (folder, server):
            view = store.view
            origins = [article.origin for article in store.articles()] + ["/nowhere/else.txt"]
            keys = [article.id for article in store.articles()] + ["no-such-id"]
            with view.lock:
                assert view.article_keys_for_origins(origins) == {
                    origin: view.article_key_for_origin(origin) for origin in origins[:-1]
                }
                assert view.docs_of("articles", keys) == {key: view.doc("articles", key) for key in keys[:-1]}
        # As last seen: the server store still answers with the title and the tag it saw.
        assert server.view.docs_of("articles", [first])[first]["title"] != "Corrected by the other analyst"
        assert server.view.docs_of("annotations", [tag.id]).keys() == {tag.id}
        server.refresh()
        assert server.view.docs_of("articles", [first])[first]["title"] == "Corrected by the other analyst"
        assert server.view.docs_of("annotations", [tag.id]) == {}
    finally:
        for store in (folder, server, other):
            store.close()
        stores.drop()


def test_a_common_word_keeps_its_own_plan_however_often_it_is_searched(pair: tuple[Store, Store]) -> None:
    """psycopg prepares a statement run five times; five runs later the server may answer every
    search with one generic plan (at 50,000 articles "said" went from 15 ms to 330 ms). The
    view's connections ask for a plan per statement, and keep asking after a reconnect."""
    _, server = pair
    view = server.view
    assert isinstance(view, PostgresView)
    for _ in range(12):
        assert server.search("Uzbekistan")
    for name in ("conn", "search_conn", "filter_conn"):
        assert getattr(view, name).execute("SHOW plan_cache_mode").fetchone() == ("force_custom_plan",)
        # Parallel workers cost more to start than a question takes (mentions at 200,000: 49 → 6.7 ms).
        assert getattr(view, name).execute("SHOW max_parallel_workers_per_gather").fetchone() == ("0",)
    view.search_conn.close()
    assert view.reconnect()
    assert view.search_conn.execute("SHOW plan_cache_mode").fetchone() == ("force_custom_plan",)


@pytest.mark.parametrize("candidates", [1, 2, 3, 10**9])
def test_related_articles_are_the_folder_stores_however_the_rare_entities_are_chosen(
    pair: tuple[Store, Store], candidates: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server scores the articles sharing an article's rarer entities first and stops when
    no other can catch up; whatever it counts as rare, and whether it can stop or must score
    everything, the answer is the folder store's, in the same order with the same scores."""
    import store.postgres_related as postgres_related

    monkeypatch.setattr(postgres_related, "RELATED_CANDIDATES", candidates)
    on_server = postgres_related._related_on_server
    everything_scored: list[str] = []

    def scoring_everything(rows: Any, article_id: str, total: int, limit: int) -> list[tuple[str, float]]:
        everything_scored.append(article_id)
        return on_server(rows, article_id, total, limit)

    monkeypatch.setattr(postgres_related, "_related_on_server", scoring_everything)
    folder, server = pair
    for article in folder.articles():
        for limit in (1, 2, 10):
            expected = [(a.id, s) for a, s in folder.related(article.id, limit)]
            assert [(a.id, s) for a, s in server.related(article.id, limit)] == expected, (article.title, limit)
    # The patched limit is the one read: with every entity rare, no answer needs everything
    # scored; with the rarest entity alone, some do.
    if candidates == 10**9:
        assert not everything_scored
    if candidates == 1:
        assert everything_scored
