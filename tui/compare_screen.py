"""Compare sources: ``C`` from anywhere.

The passages of one label (the passage under the reader's cursor says which), or the tags of
one entity (the one pane 4 shows), from every article, grouped by outlet and oldest first in
each, so what the sources say of one thing reads down the list. ``space`` marks the highlighted
one; below the list the marked one and the highlighted one stand side by side, each with its
outlet, date and sentence, so a contradiction shows. ``x`` links the two as contradicting,
``a`` as agreeing, ``s`` as telling of the same event (a note is asked, Enter leaves it empty);
``L`` lists every link, where ``d`` takes one away; ``u`` / ``U`` undo and redo; ``Enter``
opens the highlighted one in the reader.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from store import Annotation, Article, Store, StoreConnectionError
from store.models import Link
from store.textunits import sentence_at
from tui.dialogs.prompt_dialog import PromptDialog
from tui.widgets.row_list import RowList

KIND_KEYS = {"x": "contradicts", "a": "agrees", "s": "same event"}
MARKS = {"contradicts": "≠", "agrees": "=", "same event": "≈"}
#: A side shows at most this much of the title, and of the sentence before the passage.
SIDE_TITLE, SIDE_BEFORE = 30, 60


@dataclass(frozen=True, slots=True)
class Compared:
    """One passage (or tag) as compared: where it is, what it says, what it is linked to."""

    tag: Annotation
    article: Article
    outlet: str
    sentence: str
    links: tuple[Link, ...]

    @property
    def key(self) -> str:
        """The tag's id."""
        return self.tag.id


def _outlet(article: Article) -> str:
    return article.source or article.author or article.display_title


def _sentence(article: Article, tag: Annotation) -> str:
    """The passage with the rest of its first and last sentences, on one line."""
    first = sentence_at(article.text, tag.start)[0]
    last = sentence_at(article.text, max(tag.end - 1, tag.start))[1]
    return " ".join(article.text[first:last].split())


class CompareList(RowList[Compared]):
    """The compared passages, two lines each: outlet, date and links; then the passage's words."""

    def row_key(self, row: Compared) -> str:
        return row.key

    def row_lines(self, row: Compared) -> tuple[Text, ...]:
        head = Text(f"{row.outlet}", style="bold", no_wrap=True, end="")
        head.append(f"  {row.article.published or 'undated'}", style="dim")
        for link in row.links:
            head.append(f"  {MARKS.get(link.kind, '?')} {link.kind}", style="bold")
        quote = Text("  “" + " ".join(row.tag.quote.split()) + "”", no_wrap=True, end="")
        return head, quote


class LinkList(RowList[Link]):
    """Every link: its kind and note, then the two quotes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.quotes: dict[str, str] = {}

    def row_key(self, row: Link) -> str:
        return f"{row.first}:{row.second}"

    def row_lines(self, row: Link) -> tuple[Text, ...]:
        head = Text(f"{MARKS.get(row.kind, '?')} {row.kind}", style="bold", no_wrap=True, end="")
        if row.note:
            head.append(f"  {row.note}", style="italic")
        head.append(f"  ({row.author})", style="dim")
        first, second = (self.quotes.get(key, "(gone)") for key in (row.first, row.second))
        return head, Text(f"  “{first}”  ↔  “{second}”", no_wrap=True, end="")


class CompareScreen(ModalScreen[tuple[str, int, int] | None]):
    """Passages of a label or tags of an entity side by side; returns the place to open, or ``None``."""

    BINDINGS: list[BindingType] = [
        Binding("escape", "back", "Back", id="compare.back"),
        Binding("space", "mark", "Mark", id="compare.mark"),
        Binding("x", "link('contradicts')", "Contradicts", id="compare.contradicts"),
        Binding("a", "link('agrees')", "Agrees", id="compare.agrees"),
        Binding("s", "link('same event')", "Same event", id="compare.same_event"),
        Binding("L", "toggle_links", "Links", id="compare.links"),
        Binding("d", "unlink", "Unlink", show=False, id="compare.unlink"),
        Binding("u", "undo", "Undo", id="compare.undo"),
        Binding("U", "redo", "Redo", show=False, id="compare.redo"),
    ]

    def __init__(
        self,
        store: Store,
        save: Callable[[Callable[[], Any]], Awaitable[Any]],
        *,
        label: str | None = None,
        entity_id: str | None = None,
        title: str,
        start_key: str | None = None,
    ) -> None:
        super().__init__()
        self.start_key = start_key
        self.store = store
        self.save = save
        self.label = label
        self.entity_id = entity_id
        self.title_text = title
        self.items: list[Compared] = []
        self.marked: Compared | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="compare-box"):
            yield Static("", id="compare-empty")
            yield CompareList(id="compare-items")
            yield LinkList(id="compare-links")
            with Horizontal(id="compare-sides"):
                yield Static("", id="compare-marked")
                yield Static("", id="compare-current")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#compare-box").border_title = Content(f"Compare: {self.title_text}")
        self.query_one(LinkList).display = False
        self.query_one(CompareList).focus()
        self.reload()

    # ------------------------------------------------------------------ reading

    def reload(self) -> None:
        """Read the passages and links again (after a link, an undo, or another analyst's change)."""
        try:
            if self.label is not None:
                lines = self.store.concordance(label=self.label)
            else:
                lines = [x for x in self.store.concordance(entity_id=self.entity_id) if x.annotation_id]
            links = self.store.links()
        except KeyError:
            self.dismiss(None)
            return
        except StoreConnectionError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        by_tag: dict[str, list[Link]] = {}
        for link in links:
            by_tag.setdefault(link.first, []).append(link)
            by_tag.setdefault(link.second, []).append(link)
        items = []
        for line in lines:
            try:
                tag = self.store.annotation(line.annotation_id)
                article = self.store.article(line.article_id)
            except KeyError:
                continue
            items.append(
                Compared(tag, article, _outlet(article), _sentence(article, tag), tuple(by_tag.get(tag.id, ())))
            )
        first_date = {}
        for item in items:
            when = item.article.published
            if when is not None and (item.outlet not in first_date or when < first_date[item.outlet]):
                first_date[item.outlet] = when
        items.sort(
            key=lambda c: (
                c.outlet not in first_date,
                first_date.get(c.outlet) or c.article.published or c.article.imported,
                c.outlet,
                c.article.published is None,
                c.article.published or c.article.imported,
                c.tag.start,
            )
        )
        self.items = items
        if self.marked is not None:
            self.marked = next((c for c in items if c.key == self.marked.key), None)
        rows = self.query_one(CompareList)
        shown = rows.highlighted_row()
        rows.set_rows(items, highlight_id=shown.key if shown is not None else self.start_key)
        self.start_key = None
        self._fill_links(links)
        outlets = len({c.outlet for c in items})
        self.query_one(
            "#compare-box"
        ).border_subtitle = (
            f"{len(items)} from {outlets} outlets · {len(links)} links · space mark · x a s link · L links"
        )
        empty = self.query_one("#compare-empty", Static)
        empty.display = not items
        empty.update(
            Text("Nothing to compare: no passage with this label, no tag of this entity." if not items else "")
        )
        self._sides()

    def _fill_links(self, links: list[Link]) -> None:
        listed = self.query_one(LinkList)
        quotes: dict[str, str] = {}
        for link in links:
            for key in (link.first, link.second):
                try:
                    quotes[key] = " ".join(self.store.annotation(key).quote.split())
                except KeyError:
                    quotes[key] = "(gone)"
        listed.quotes = quotes
        listed.set_rows(links)

    def others_changed(self) -> None:
        """Another analyst's changes were taken in."""
        self.reload()

    # ------------------------------------------------------------------ side by side

    @on(RowList.Highlighted, "#compare-items")
    def _highlighted(self) -> None:
        self._sides()

    def _sides(self) -> None:
        current = self.query_one(CompareList).highlighted_row()
        self.query_one("#compare-marked", Static).update(_side(self.marked, "space marks one"))
        self.query_one("#compare-current", Static).update(_side(current, ""))

    def action_mark(self) -> None:
        """Mark the highlighted passage: it stays on the left while you look for the other."""
        self.marked = self.query_one(CompareList).highlighted_row()
        self._sides()

    # ------------------------------------------------------------------ links

    @work(exclusive=True, group="compare-edit")
    async def action_link(self, kind: str) -> None:
        """Link the marked passage and the highlighted one (asks for a note)."""
        current = self.query_one(CompareList).highlighted_row()
        if self.marked is None or current is None or current.key == self.marked.key:
            self.notify("Mark one passage (space), highlight another, then x, a or s.", markup=False)
            return
        note = await self.app.push_screen_wait(
            PromptDialog(f"{kind.capitalize()}: a note (Enter for none)", "", "Esc: no link")
        )
        if note is None:
            return
        first, second = self.marked.key, current.key
        if await self.save(lambda: self.store.link(first, second, kind, note)) is not None:
            self.notify(f"Linked: {kind}. (u undoes)", markup=False, timeout=3)
        self.reload()

    def action_toggle_links(self) -> None:
        """Show every link (``d`` takes the highlighted one away), or the passages again."""
        links, items = self.query_one(LinkList), self.query_one(CompareList)
        links.display, items.display = not links.display, links.display
        (links if links.display else items).focus()

    @work(exclusive=True, group="compare-edit")
    async def action_unlink(self) -> None:
        """Take the highlighted link away (in the list of links)."""
        links = self.query_one(LinkList)
        link = links.highlighted_row() if links.display else None
        if link is None:
            self.notify("L lists the links; d takes the highlighted one away.", markup=False)
            return
        await self.save(lambda: self.store.unlink(link.first, link.second))
        self.reload()

    @work(exclusive=True, group="compare-edit")
    async def action_undo(self) -> None:
        """Undo the last change (a link, or whatever came before it)."""
        done = await self.save(self.store.undo)
        self.notify(f"Undone: {done}" if done else "Nothing to undo.", markup=False, timeout=3)
        self.reload()

    @work(exclusive=True, group="compare-edit")
    async def action_redo(self) -> None:
        """Redo what was undone."""
        done = await self.save(self.store.redo)
        self.notify(f"Redone: {done}" if done else "Nothing to redo.", markup=False, timeout=3)
        self.reload()

    @on(RowList.Chosen, "#compare-items")
    def _chosen(self, event: RowList.Chosen) -> None:
        assert isinstance(event.row, Compared)
        self.dismiss((event.row.article.id, event.row.tag.start, event.row.tag.end))

    def highlighted_key(self) -> str | None:
        """The tag highlighted (the history comes back to it)."""
        shown = self.query_one(CompareList).highlighted_row()
        return shown.key if shown is not None else None

    def action_back(self) -> None:
        """Back to the reader."""
        self.dismiss(None)


def _side(item: Compared | None, empty: str) -> Text:
    """One side of the comparison: outlet, date, title, and the sentence, the passage in bold."""
    if item is None:
        return Text(empty, style="dim")
    text = Text(item.outlet, style="bold")
    text.append(f"  {item.article.published or 'undated'}\n", style="dim")
    title = item.article.display_title
    text.append((title if len(title) <= SIDE_TITLE else title[: SIDE_TITLE - 1] + "…") + "\n", style="italic")
    quote = " ".join(item.tag.quote.split())
    sentence = item.sentence
    at = sentence.find(quote)
    if at > SIDE_BEFORE:  # the passage in view: the start of a long sentence gives way
        sentence, at = "…" + sentence[at - SIDE_BEFORE + 1 :], SIDE_BEFORE
    if at < 0:
        text.append(sentence)
    else:
        text.append(sentence[:at])
        text.append(quote, style="bold underline")
        text.append(sentence[at + len(quote) :])
    return text
