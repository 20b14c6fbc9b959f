"""An entity's unlinked mentions: where the corpus names it and nobody has tagged it yet.

"Every article that mentions Shoigu" without reading every article: the entity's names are
reduced to the sound keys of their words (:func:`store.known_names.word_key`); the view gives
the corpus words with those keys (Shoigu, Shoygu, Шойгу: :mod:`store.vocabulary`) and the
articles holding them, for each name all of its words (a person's surname alone too); only those
articles are read, with the same finder the suggestions use, so a mention found here is exactly
what the article's suggestions propose. Spans already tagged with an entity, or rejected, are
left out.
"""

from __future__ import annotations

from store.known_names import SURNAME_TYPES, NameFinder, name_words, word_key
from store.models import Article, Entity, Suggestion
from store.suggestions import suggestion_of
from store.view import View

#: Articles read at most for one entity (the rest are counted, not read): a name found in
#: every article of a corpus is not one an analyst passes over mention by mention.
MAX_ARTICLES = 2000
#: Articles read in one go (a server store fetches them in one statement).
ARTICLES_AT_ONCE = 50


def word_groups(entity: Entity) -> list[list[str]]:
    """The key sequences whose words an article must all hold to name the entity."""
    groups: list[list[str]] = []
    for name in entity.names():
        words = name_words(name)
        if words:
            groups.append([word_key(word) for word in words])
        if entity.type in SURNAME_TYPES and len(words) > 1:
            groups.append([word_key(words[-1])])
    unique: dict[tuple[str, ...], list[str]] = {tuple(group): group for group in groups}
    return list(unique.values())


def candidate_articles(view: View, entity: Entity) -> set[str]:
    """Ids of the articles that hold a spelling of every word of one of the entity's names."""
    groups = word_groups(entity)
    keys = {key for group in groups for key in group}
    words = view.words_with_keys(keys)
    asked = [[words[key] for key in group] for group in groups if all(key in words for key in group)]
    return view.articles_with_words(asked) if asked else set()


def unlinked_mentions(view: View, entity: Entity, articles: list[Article]) -> list[Suggestion]:
    """The entity's untagged mentions in ``articles`` (the candidates), article by article in list order."""
    finder = NameFinder([entity])
    found: list[Suggestion] = []
    for article in articles:
        hits = finder.find(article.text)
        if not hits:
            continue
        decided = [(a.start, a.end) for a in view.annotations(article.id) if a.entity_id]
        decided += [(a.start, a.end) for a in view.rejections(article.id)]
        for hit in hits:
            if any(hit.start < end and start < hit.end for start, end in decided):
                continue
            found.append(suggestion_of(article, hit.start, hit.end, entity, hit.partial))
    return found
