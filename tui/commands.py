"""Command-palette provider: open any article, jump to any entity (ctrl+p, then type)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from tui.main_screen import MainScreen


class CorpusCommands(Provider):
    """Articles by title and entities by name or alias."""

    @property
    def _main(self) -> MainScreen | None:
        from tui.main_screen import MainScreen

        screen = self.screen
        return screen if isinstance(screen, MainScreen) else None

    def _candidates(self) -> list[tuple[str, object, str]]:
        main = self._main
        if main is None:
            return []
        store = main.store
        rows: list[tuple[str, object, str]] = []
        for article in store.articles():
            rows.append((f"Open article: {article.display_title}", partial(main.open_article, article.id), "article"))
        for entity in store.entities():
            names = ", ".join(entity.aliases)
            help_text = f"{entity.type} · {store.mention_count(entity.id)} mentions" + (
                f" · also {names}" if names else ""
            )
            rows.append((f"Entity: {entity.name}", partial(main.show_entity, entity.id), help_text))
        return rows

    async def discover(self) -> Hits:
        for text, callback, help_text in self._candidates()[:40]:
            yield DiscoveryHit(text, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._candidates():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)  # type: ignore[arg-type]
