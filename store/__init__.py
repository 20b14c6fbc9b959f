"""Dossier's engine: TinyDB persistence, ingest, entities, search and cross-references.

This package never imports Textual: the app, the command line, the benchmarks and users' own
scripts all use the same API::

    from store import Store

    store = Store.open("~/my-store")
    report = store.import_paths(["articles/"])
    article = store.articles()[0]
    tag = store.annotate(article.id, 0, 12, entity="Sergey Shoigu", entity_type="PERSON")
    store.related(article.id)
    store.close()

Records handed out (:class:`Article`, :class:`Annotation`, :class:`Entity`,
:class:`SearchHit`) are immutable copies, never TinyDB documents.
"""

from store.backend import QueryCancelled, SaveError, SchemaError, StoreBusyError, StoreConnectionError
from store.changes import Change, Changeset, ConflictError
from store.entity_edits import NameTakenError
from store.listing import ArticleListing, ArticleRow
from store.locations import default_store_path, seed_directory
from store.models import (
    ENTITY_TYPES,
    Annotation,
    Article,
    Entity,
    ImportReport,
    Mention,
    SearchHit,
    Suggestion,
)
from store.query_language import QueryError
from store.seeding import seed_if_empty
from store.storage import StoreFileError
from store.store import Store

__all__ = [
    "ENTITY_TYPES",
    "Annotation",
    "Article",
    "ArticleListing",
    "ArticleRow",
    "Change",
    "Changeset",
    "ConflictError",
    "Entity",
    "ImportReport",
    "Mention",
    "NameTakenError",
    "QueryCancelled",
    "QueryError",
    "SaveError",
    "SchemaError",
    "SearchHit",
    "Store",
    "StoreBusyError",
    "StoreConnectionError",
    "StoreFileError",
    "Suggestion",
    "default_store_path",
    "seed_directory",
    "seed_if_empty",
]
