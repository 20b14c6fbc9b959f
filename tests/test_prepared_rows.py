"""Search vectors made ahead by an import (store.postgres_prepared): used only while they still apply."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


_HOSTILE = [
    "",
    "   \n\n",
    "Shoigu met Mirziyoyev; Шойгу встретился с Мирзиёевым.",
    "x" * 150 + " short words and " + "y" * 101,
    "ESC\x1b[31mred\x1b[0m and bidi \u202eevil\u202c text, zero\u200dwidth",
    "Café naïve Ärzte œuvre ﬁnance ＦＵＬＬ",
    "word " * 70_000,  # past the server's positions and the literal's size
    " ".join(f"w{i}" for i in range(60_000)),  # a huge vector: words without positions
]


@pytest.mark.parametrize("text", _HOSTILE, ids=range(len(_HOSTILE)))
def test_the_words_folded_with_the_vector_are_the_vocabularys_words(text: str) -> None:
    from store.postgres_search import vector_and_words
    from store.sanitize import neutralize

    literal, words = vector_and_words("Title words", neutralize(text))
    assert words == text_words(text)
    assert literal == vector_literal("Title words", neutralize(text))


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
@settings(max_examples=300, deadline=None)
def test_the_words_folded_with_the_vector_are_the_vocabularys_words_for_any_text(text: str) -> None:
    from store.postgres_search import vector_and_words
    from store.sanitize import neutralize

    assert vector_and_words(None, neutralize(text))[1] == text_words(text)
