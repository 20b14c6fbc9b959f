"""A folder store worth copying: the seeds, tags, passages, entities, and text that is not plain ASCII."""

from __future__ import annotations

from pathlib import Path

from store import Store, codec, seed_if_empty
from store.changes import ANNOTATIONS, ARTICLES, Change, Changeset

#: Text an attacker or a strange feed could put in a store: escapes, bidi, Cyrillic, emoji, quotes.
ODD_TEXT = 'Шойгу \x1b[2J\x1b]0;pwned\x07 «цитата» ‮gnp.exe 🚀 "quoted" \\back\\slash\nsecond line'


def rich_folder_store(path: Path) -> Path:
    """A closed folder store at ``path``: seeds with entity tags, passages, aliases and odd text."""
    store = Store.open(path)
    seed_if_empty(store)
    articles = store.articles()
    for number, article in enumerate(articles):
        store.annotate(article.id, 0, 5, entity=f"Entity {number} Ünïcødé", entity_type="PERSON")
        store.annotate(article.id, 10, 30, labels=["claim", "ключ"], note=f"note {number} — «важно»")
    # One entity mentioned in two articles, by words that become its aliases.
    store.annotate(articles[1].id, 40, 52, entity="Entity 0 Ünïcødé")
    # Planted as another program could: text with escape codes, kept byte for byte by both stores.
    odd = codec.article_doc("odd-article-Ж", f"Odd title\n\n{ODD_TEXT}", origin="planted/odd.txt", extracted={})
    quote_start = odd["text"].index("«")
    tag = {
        "id": "a-odd-Ж",
        "article_id": odd["id"],
        "start": quote_start,
        "end": quote_start + 8,
        "quote": odd["text"][quote_start : quote_start + 8],
        "kind": "passage",
        "entity_id": None,
        "labels": ["\x1b[31mred\x1b[0m", "метка"],
        "note": ODD_TEXT,
        "status": "accepted",
        "author": "mallory\x1b[2J",
        "created": "2026-01-01T00:00:00+00:00",
        "updated": "2026-01-01T00:00:00+00:00",
        "orphaned": False,
    }
    with store.backend.transaction() as tx:
        tx.write(
            Changeset(
                "planted",
                (Change(ARTICLES, odd["id"], None, odd), Change(ANNOTATIONS, tag["id"], None, tag)),
                "mallory",
                codec.now(),
            )
        )
    store.close()
    return path
