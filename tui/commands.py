"""Command-palette provider: open any article, jump to any entity (ctrl+p, then type).

Articles come from the store's listing, filtered by what is typed, and only its first rows are
read: a store on a server never hands over its whole corpus for a palette search.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from store.listing import ArticleRow
from store.models import Entity

if TYPE_CHECKING:
    from tui.main_screen import MainScreen

#: Articles offered for what is typed: the best of the store's filter.
ARTICLES_SEARCHED = 20
#: Entities offered for what is typed: the best the store's matcher finds.
ENTITIES_SEARCHED = 20
#: Commands offered before anything is typed.
DISCOVERED = 40
#: Score of an article the store's filter found by its source, author or date, not its title.
LISTED_SCORE = 0.01

Candidate = tuple[str, object, str]
#: The words an article command starts with; typed, they are not asked of the article.
ARTICLE_COMMAND = ("open", "article:")


def article_words(query: str) -> str:
    """``query`` without the command's own words typed before it ("Open article: Def" -> "Def").

    The store's filter wants every word in an article's title, source, author or date; "Open
    article:" is what the palette shows before each title, and people type what they see.
    """
    words = query.split()
    for command_word in ARTICLE_COMMAND:
        if words and command_word.startswith(words[0].casefold()):
            words.pop(0)
        else:
            break
    return " ".join(words)


#: The word an entity command starts with.
ENTITY_COMMAND = "entity:"


def entity_words(query: str) -> str:
    """``query`` without "Entity:" typed before a name ("Entity: CSTO" -> "CSTO").

    Only when a name follows it or it ends with the colon: "e" alone asks for names with an e.
    """
    words = query.split()
    first = words[0].casefold() if words else ""
    if first and ENTITY_COMMAND.startswith(first) and (len(words) > 1 or first.endswith(":")):
        words.pop(0)
    return " ".join(words) or query


class CorpusCommands(Provider):
    """Articles by title and entities by name or alias."""

    @property
    def _main(self) -> MainScreen | None:
        from tui.main_screen import MainScreen

        screen = self.screen
        return screen if isinstance(screen, MainScreen) else None

    @staticmethod
    def _article(main: MainScreen, row: ArticleRow) -> Candidate:
        return f"Open article: {row.display_title}", partial(main.open_article, row.id), "article"

    async def _articles(self, main: MainScreen, query: str, limit: int) -> list[Candidate]:
        """The first rows of the listing for ``query``, read off the UI thread (a server query)."""
        rows = await asyncio.to_thread(lambda: main.store.listing(query)[:limit])
        return [self._article(main, row) for row in rows]

    @staticmethod
    def _entity_candidates(main: MainScreen, entities: list[Entity]) -> list[Candidate]:
        """Entities as commands, each with its type and how often it is mentioned."""
        counts = main.store.mention_counts(entity.id for entity in entities)
        rows: list[Candidate] = []
        for entity in entities:
            names = ", ".join(entity.aliases)
            help_text = f"{entity.type} · {counts.get(entity.id, 0)} mentions" + (f" · also {names}" if names else "")
            rows.append((f"Entity: {entity.name}", partial(main.show_entity, entity.id), help_text))
            rows.append(
                (f"Entity screen: {entity.name}", partial(main.open_entity_screen, entity.id), "names, mentions, merge")
            )
        return rows

    async def _entities(self, main: MainScreen, query: str) -> list[Candidate]:
        """The entities best matching ``query`` (the first ones, unasked), read off the UI thread.

        The store matches and cuts (a store on a server keeps its entities there): never every
        entity with a count each, per key typed.
        """

        def read() -> list[Candidate]:
            if query:
                entities = [entity for entity, _ in main.store.match_entities(query, ENTITIES_SEARCHED)]
            else:
                entities = main.store.entities()[:DISCOVERED]
            return self._entity_candidates(main, entities)

        return await asyncio.to_thread(read)

    async def discover(self) -> Hits:
        main = self._main
        if main is None:
            return
        candidates = await self._articles(main, "", DISCOVERED)
        if len(candidates) < DISCOVERED:
            candidates += await self._entities(main, "")
        for text, callback, help_text in candidates[:DISCOVERED]:
            yield DiscoveryHit(text, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        main = self._main
        if main is None:
            return
        matcher = self.matcher(query)
        for text, callback, help_text in await self._articles(main, article_words(query), ARTICLES_SEARCHED):
            # The store chose it: every word is in its title, source, author or date.
            score = matcher.match(text) or LISTED_SCORE
            yield Hit(score, matcher.highlight(text), callback, help=help_text)  # type: ignore[arg-type]
        for text, callback, help_text in await self._entities(main, entity_words(query)):
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)  # type: ignore[arg-type]
