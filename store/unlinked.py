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

import re
from dataclasses import replace

from store.fuzzy import same_word
from store.known_names import SURNAME_TYPES, NameFinder, NameHit, name_words, word_key
from store.models import Article, Entity, Suggestion
from store.search_index import ascii_words
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


def candidate_words(view: View, entity: Entity) -> tuple[list[list[set[str]]], set[str]]:
    """For each of the entity's word groups, the corpus words of each of its keys; and all those words."""
    groups = word_groups(entity)
    found = view.words_with_keys({key for group in groups for key in group})
    # A sound key is loose (Party's is also pretty's, period's, pride's): only the corpus words
    # the finder could take for a spelling of the name's word are kept, so only the articles
    # holding those are read.
    spelled: dict[str, set[str]] = {}
    for name in entity.names():
        for word in name_words(name):
            spelled.setdefault(word_key(word), set()).add(word)
    words = {
        key: kept
        for key, choices in found.items()
        if (kept := {w for w in choices if any(_may_spell(w, name_word) for name_word in spelled.get(key, ()))})
    }
    asked = [[words[key] for key in group] for group in groups if all(key in words for key in group)]
    return asked, {word for group in asked for choices in group for word in choices}


def _may_spell(folded: str, name_word: str) -> bool:
    """Whether a corpus word (folded) written as a name is written could be the name's word (as the finder checks)."""
    return same_word(folded if name_word.islower() else folded[:1].upper() + folded[1:], name_word)


def unlinked_mentions(view: View, entity: Entity, articles: list[Article], words: set[str]) -> list[Suggestion]:
    """The entity's untagged mentions in ``articles`` (the candidates), article by article in list order.

    Only the neighbourhoods of the candidate ``words`` are read (a busy name's articles are
    many; reading each whole costs ten times more), except in a text with a word character
    outside ASCII (an accent, Cyrillic), where a word's folded form may not be its lower case:
    such a text is read whole. (A "£" or curly quotes do not make a text one of those.)
    """
    finder = NameFinder([entity])
    reach = 2 * max(len(name) for name in entity.names()) + 20
    pattern = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\b")
    # A word in lower case in a text is never a capitalised name's word ("the party" is not the
    # Silk Party: store.fuzzy.same_word): when every word of the names is capitalised, a
    # lower-case occurrence is passed over before the finder is asked about it.
    capitalised = not any(word.islower() for name in entity.names() for word in name_words(name))
    decided_spans = view.decided_spans([article.id for article in articles])
    found: list[Suggestion] = []
    for article in articles:
        hits = _find(finder, article.text, pattern, reach, capitalised)
        if not hits:
            continue
        decided = decided_spans.get(article.id, [])
        for hit in hits:
            if any(hit.start < end and start < hit.end for start, end in decided):
                continue
            found.append(suggestion_of(article, hit.start, hit.end, entity, hit.partial))
    return found


def _find(finder: NameFinder, text: str, pattern: re.Pattern[str], reach: int, capitalised: bool) -> list[NameHit]:
    """The finder's hits in the stretches of ``text`` around the words ``pattern`` finds."""
    if not ascii_words(text):  # a word's folded form may not be its lower case: read it whole
        return finder.find(text)
    stretches: list[list[int]] = []
    for match in pattern.finditer(text.lower()):
        if capitalised and text[match.start()].islower():
            continue
        start, end = max(match.start() - reach, 0), min(match.end() + reach, len(text))
        while start > 0 and not text[start - 1].isspace():  # stretches start and end between words
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        if stretches and start <= stretches[-1][1]:
            stretches[-1][1] = max(stretches[-1][1], end)
        else:
            stretches.append([start, end])
    hits: list[NameHit] = []
    for start, end in stretches:
        hits += [replace(hit, start=hit.start + start, end=hit.end + start) for hit in finder.find(text[start:end])]
    return hits
