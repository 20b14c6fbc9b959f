"""Search vectors made ahead by an import (store.postgres_prepared): used only while they still apply."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from store import Store, codec
from store.postgres_prepared import PreparedArticles
from store.postgres_schema import vector_literal
from store.vocabulary import text_words
from tests.conftest import POSTGRES_URL, SEEDS

needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES to a PostgreSQL URL")


def _doc(text: str, title: str = "Talks in Tashkent") -> dict:
    return codec.article_doc(
        uuid.uuid4().hex,
        text,
        origin="a.txt",
        raw_hash="r",
        encoding="utf-8",
        extracted={"title": title, "source": None, "author": None, "published": None, "url": None},
        overrides={},
    )


def _expected(doc: dict) -> str:
    article = codec.article_record(doc)
    return vector_literal(article.title, article.text)


def test_a_stamped_copy_of_a_prepared_article_gets_the_vector_made_for_it() -> None:
    prepared = PreparedArticles()
    doc = _doc("Shoigu met Mirziyoyev in Tashkent.")
    with prepared.preparing() as prepare:
        prepare([doc])
        row, words = prepared.take({**doc, "modified_by": "alice"})  # a save stamps a copy
    assert row["search"] == _expected(doc)
    assert words == text_words(doc["text"])


def test_a_text_or_title_changed_after_preparing_is_made_again() -> None:
    prepared = PreparedArticles()
    doc = _doc("Shoigu met Mirziyoyev in Tashkent.")
    with prepared.preparing() as prepare:
        prepare([doc])
        other_text = {**doc, "text": "The CSTO met in Moscow."}  # same id, another text
        row, words = prepared.take(other_text)
        assert row["search"] == _expected(other_text) != _expected(doc)
        assert words == text_words("The CSTO met in Moscow.")
        prepare([doc])
        retitled = {**doc, "title": "Defence talks"}  # a correction saved meanwhile
        row, _ = prepared.take(retitled)
        assert row["search"] == _expected(retitled) != _expected(doc)


def test_nothing_is_kept_outside_an_import_nor_after_one_that_failed() -> None:
    prepared = PreparedArticles()
    doc = _doc("Shoigu met Mirziyoyev in Tashkent.")
    prepared.prepare([doc])
    assert not prepared._made
    with pytest.raises(RuntimeError), prepared.preparing() as prepare:
        prepare([doc])
        assert prepared._made
        raise RuntimeError("the import stopped")
    assert not prepared._made


@needs_postgres
def test_an_import_writes_the_same_vectors_and_words_as_a_save_that_made_them_itself(tmp_path: Path) -> None:
    """Seeds, then the same files with new texts (updates): every stored vector is the article's own."""
    from store.postgres_backend import PostgresBackend

    assert POSTGRES_URL is not None
    backend = PostgresBackend(POSTGRES_URL, schema=f"test_{uuid.uuid4().hex[:12]}")
    store = Store(backend)
    try:
        folder = tmp_path / "corpus"
        folder.mkdir()
        for seed in sorted(SEEDS.glob("*.txt")):
            (folder / seed.name).write_bytes(seed.read_bytes())
        first = store.import_paths([folder], batch_size=2)  # several batches: prepared while one saves
        for seed in sorted(folder.glob("*.txt")):
            seed.write_bytes(seed.read_bytes() + b"\n\nUpdated with Zarafshon.\n")
        second = store.import_paths([folder], batch_size=2)
        assert len(first.added) == 5 and len(second.updated) == 5
        assert not backend.prepared._made
        with backend.conn.cursor() as cursor:
            for article in store.articles():
                same = cursor.execute(
                    f'SELECT search = %s::tsvector FROM "{backend.schema}".article_words WHERE id = %s',
                    (vector_literal(article.title, article.text), article.id),
                ).fetchone()
                assert same == (True,), article.title
            words = {row[0] for row in cursor.execute(f'SELECT word FROM "{backend.schema}".vocabulary')}
        assert "zarafshon" in words
        assert set().union(*(text_words(a.text) for a in store.articles())) <= words
        assert [hit.article_id for hit in store.search("Zarafshon")]
    finally:
        store.close()
        cleanup = PostgresBackend(POSTGRES_URL, schema=backend.schema)
        cleanup.drop()
        cleanup.close()
