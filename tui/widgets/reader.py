"""The reading view: clean paragraphs, a keyboard cursor, a selection, highlighted annotations.

Built on Textual's line API (:class:`ScrollView` + :meth:`render_line`), so only the lines on
screen are drawn, however long the article. Article text is placed in :class:`rich.text.Text`
objects and styled by offset ranges: it is never parsed as markup.

The reader owns its keys and announces what the user asked for with its own messages
(:class:`Reader.TagRequested`, :class:`Reader.EditRequested`...); the screen decides what to do
with the store. It never touches the store itself.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store import Annotation, Article
from tui.layout import LineMap, wrap, wrap_plain
from tui.widgets.reader_motion import ReaderMotion
from tui.widgets.reader_suggestions import SUGGESTION_BINDINGS, PassRequested, ReaderSuggestions

#: Entity types with a style of their own; any other type uses ``reader--entity-other``.
STYLED_TYPES = ("PERSON", "ORG", "PLACE", "EQUIPMENT", "DOCUMENT", "EVENT", "DATE", "MONEY")
#: Lines of text kept in view above and below the cursor when it moves (as vim's scrolloff).
CONTEXT_LINES = 2


@dataclass(frozen=True, slots=True)
class Highlight:
    """A span to highlight that is not an annotation (a search hit, a followed reference)."""

    start: int
    end: int


class Reader(ReaderMotion, ReaderSuggestions, ScrollView, can_focus=True):
    """Shows one article and lets the keyboard select and tag spans of it (motions: :class:`ReaderMotion`)."""

    BINDINGS: list[BindingType] = [
        Binding("left,h", "move('char', -1)", "Char left", show=False, id="reader.char_left"),
        Binding("right,l", "move('char', 1)", "Char right", show=False, id="reader.char_right"),
        Binding("w", "move('word', 1)", "Next word", show=False, id="reader.word_next"),
        Binding("b", "move('word', -1)", "Previous word", show=False, id="reader.word_previous"),
        Binding(")", "move('sentence', 1)", "Next sentence", show=False, id="reader.sentence_next"),
        Binding("(", "move('sentence', -1)", "Previous sentence", show=False, id="reader.sentence_previous"),
        Binding("}", "move('paragraph', 1)", "Next paragraph", show=False, id="reader.paragraph_next"),
        Binding("{", "move('paragraph', -1)", "Previous paragraph", show=False, id="reader.paragraph_previous"),
        Binding("down,j", "move('line', 1)", "Line down", show=False, id="reader.line_down"),
        Binding("up,k", "move('line', -1)", "Line up", show=False, id="reader.line_up"),
        Binding("pagedown,ctrl+f,space", "move('page', 1)", "Page down", show=False, id="reader.page_down"),
        Binding("pageup,ctrl+b", "move('page', -1)", "Page up", show=False, id="reader.page_up"),
        Binding("home,g", "move('edge', -1)", "Top", show=False, id="reader.top"),
        Binding("end,G", "move('edge', 1)", "Bottom", show=False, id="reader.bottom"),
        Binding("v", "toggle_selection", "Select", id="reader.select"),
        Binding("plus,equals_sign", "expand", "Grow", show=False, id="reader.expand"),
        Binding("minus", "shrink", "Shrink", show=False, id="reader.shrink"),
        Binding("escape", "clear_selection", "Clear selection", show=False, id="reader.clear_selection"),
        Binding("e", "tag('entity')", "Tag entity", id="reader.tag_entity"),
        Binding("E", "tag('entity_at_once')", "Tag as first offer", show=False, id="reader.tag_entity_at_once"),
        Binding("m", "tag('passage')", "Passage", id="reader.tag_passage"),
        Binding("a", "tag('entity_everywhere')", "Tag everywhere", show=False, id="reader.tag_everywhere"),
        Binding("asterisk", "find_word(1)", "Next of this word", show=False, id="reader.find_word"),
        Binding("number_sign", "find_word(-1)", "Previous of this word", show=False, id="reader.find_word_back"),
        Binding("B", "bookmark", "Bookmark", show=False, id="reader.bookmark"),
        Binding("t", "next_annotation(1)", "Next tag", show=False, id="reader.next"),
        Binding("T", "next_annotation(-1)", "Prev tag", show=False, id="reader.previous"),
        Binding("enter", "edit", "Edit tag", show=False, id="reader.edit"),
        Binding("x,delete", "delete", "Delete tag", show=False, id="reader.delete"),
        *SUGGESTION_BINDINGS,
        *(
            Binding(str(digit), f"count({digit})", "Count", show=False, id=f"reader.count_{digit}")
            for digit in range(10)
        ),
    ]

    COMPONENT_CLASSES = {
        "reader--cursor",
        "reader--selection",
        "reader--passage",
        "reader--highlight",
        "reader--empty",
        *(f"reader--entity-{kind.lower()}" for kind in STYLED_TYPES),
        "reader--entity-other",
        "reader--suggestion",
    }

    class CursorMoved(Message):
        """The cursor moved; carries the annotations under it (replaceable: only the last counts)."""

        def __init__(self, reader: Reader, offset: int, annotations: tuple[Annotation, ...]) -> None:
            super().__init__()
            self.reader = reader
            self.offset = offset
            self.annotations = annotations

        @property
        def entity_id(self) -> str | None:
            """The innermost entity mention under the cursor, if any."""
            for annotation in reversed(self.annotations):
                if annotation.entity_id:
                    return annotation.entity_id
            return None

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, Reader.CursorMoved)

    class TagRequested(Message):
        """The user asked to tag [start, end) as an entity mention or a passage."""

        def __init__(self, kind: str, start: int, end: int) -> None:
            super().__init__()
            self.kind = kind
            self.start = start
            self.end = end

    class FindWordRequested(Message):
        """``*`` / ``#``: the word under the cursor, to find on (1) or back (-1), as vim's.

        ``start`` is where the word starts (the search goes from there, so ``#`` in the middle
        of a word goes to the one before it); ``count`` is the count typed before the key.
        """

        def __init__(self, word: str, direction: int, start: int = 0, count: int = 1) -> None:
            super().__init__()
            self.word = word
            self.direction = direction
            self.start = start
            self.count = count

    class BookmarkRequested(Message):
        """``B``: bookmark the cursor's place (or take the bookmark there away)."""

        def __init__(self, offset: int) -> None:
            super().__init__()
            self.offset = offset

    class EditRequested(Message):
        """The user asked to edit an annotation."""

        def __init__(self, annotation: Annotation) -> None:
            super().__init__()
            self.annotation = annotation

    class DeleteRequested(Message):
        """The user asked to delete an annotation."""

        def __init__(self, annotation: Annotation) -> None:
            super().__init__()
            self.annotation = annotation

    PassRequested = PassRequested

    #: What the reader says while no article is open (wrapped to its width).
    empty_message = "Choose an article (Enter) to read it here."

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.article: Article | None = None
        self.cursor = 0
        self.anchor: int | None = None
        self._growth: list[tuple[int | None, int]] = []
        self._annotations: list[Annotation] = []
        self._suggestions = []
        self._suggestion_starts = []
        self._starts: list[int] = []
        self._longest = 0
        self._entity_types: dict[str, str] = {}
        self._highlight: Highlight | None = None
        self._map: LineMap | None = None
        self._wrapped_width = 0
        self._goal_column: int | None = None

    # ------------------------------------------------------------------ content

    def show(self, article: Article | None, offset: int = 0, highlight: Highlight | None = None) -> None:
        """Display an article with the cursor at ``offset``."""
        if article is None or self.article is None or article.id != self.article.id:
            self._suggestions, self._suggestion_starts = [], []
        self.article = article
        self.anchor = None
        self._growth.clear()
        self._highlight = highlight
        self._map = None
        self._goal_column = None
        self.cursor = self._valid(offset)
        self._rewrap()
        self.scroll_to(y=0, animate=False)
        self._cursor_shown(center=True)

    def set_annotations(self, annotations: list[Annotation], entity_types: dict[str, str]) -> None:
        """Replace the annotations drawn on the article (they arrive sorted by start)."""
        # Orphans' offsets point at text that changed: drawing them would mark the wrong words.
        self._annotations = sorted((a for a in annotations if not a.orphaned), key=lambda a: (a.start, -a.end))
        self._starts = [a.start for a in self._annotations]
        self._longest = max((a.end - a.start for a in self._annotations), default=0)
        self._entity_types = entity_types
        self.refresh()
        self._announce()

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected span [start, end), or ``None``."""
        if self.anchor is None or self.article is None:
            return None
        start, end = sorted((self.anchor, self.cursor))
        return start, min(end + 1, len(self.article.text))

    def annotations_at(self, offset: int) -> tuple[Annotation, ...]:
        """Annotations covering ``offset``, outermost first."""
        return tuple(self._overlapping(offset, offset + 1))

    # ------------------------------------------------------------------ geometry

    def _valid(self, offset: int) -> int:
        """Clamp an offset to the text and off the newlines between paragraphs."""
        if self.article is None or not self.article.text:
            return 0
        text = self.article.text
        offset = max(0, min(offset, len(text) - 1))
        while offset > 0 and text[offset] == "\n":
            offset -= 1
        return offset

    def _rewrap(self) -> None:
        width = max(self.scrollable_content_region.width, 10)
        text = self.article.text if self.article else ""
        self._map = LineMap(text, wrap(text, width))
        self._wrapped_width = width
        self.virtual_size = Size(width, len(self._map.lines))

    def _page_height(self) -> int:
        return self.scrollable_content_region.height

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._wrapped_width:
            self._rewrap()
            self._scroll_to_cursor(center=True)
            self.refresh()

    def _cursor_shown(self, center: bool = False) -> None:
        """After the cursor moved: scroll it into view, redraw, and say where it is now."""
        self._scroll_to_cursor(center)
        self.refresh()
        self._announce()

    def _scroll_to_cursor(self, center: bool = False) -> None:
        """Scroll so the cursor shows with :data:`CONTEXT_LINES` of text around it (vim's scrolloff)."""
        if self._map is None:
            return
        line = self._map.line_of(self.cursor)
        height = max(self.scrollable_content_region.height, 1)
        margin = min(CONTEXT_LINES, (height - 1) // 4)
        top = int(self.scroll_y)
        if center and not top <= line < top + height:
            self.scroll_to(y=max(line - height // 3, 0), animate=False)
        elif line < top + margin:
            self.scroll_to(y=max(line - margin, 0), animate=False)
        elif line >= top + height - margin:
            self.scroll_to(y=line - height + 1 + margin, animate=False)

    # ------------------------------------------------------------------ drawing

    def _overlapping(self, start: int, end: int) -> list[Annotation]:
        first = bisect.bisect_left(self._starts, start - self._longest)
        last = bisect.bisect_left(self._starts, end)
        return [a for a in self._annotations[first:last] if a.end > start and a.start < end]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self.article is None or self._map is None:
            lines = wrap_plain(" ".join(self.empty_message.split()), max(width - 2, 10))
            if 1 <= y <= len(lines):
                message = Text(" " + lines[y - 1], end="", no_wrap=True)
                message.stylize(self.get_component_rich_style("reader--empty"))
                return Strip(message.render(self.app.console)).extend_cell_length(width).apply_style(base)
            return Strip.blank(width, base)
        index = int(self.scroll_y) + y
        if index >= len(self._map.lines):
            return Strip.blank(width, base)
        line = self._map.lines[index]
        if line.blank:
            return Strip.blank(width, base)
        start, end = line.start, line.end
        text = Text(self.article.text[start:end], end="", no_wrap=True)
        self.stylize_suggestions(text, start, end)
        for annotation in self._overlapping(start, end):
            style = self._annotation_style(annotation)
            text.stylize(style, max(annotation.start, start) - start, min(annotation.end, end) - start)
        if self._highlight is not None:
            h = self._highlight
            if h.end > start and h.start < end:
                text.stylize(
                    self.get_component_rich_style("reader--highlight"),
                    max(h.start, start) - start,
                    min(h.end, end) - start,
                )
        selection = self.selection
        if selection is not None and selection[1] > start and selection[0] < end:
            text.stylize(
                self.get_component_rich_style("reader--selection"),
                max(selection[0], start) - start,
                min(selection[1], end) - start,
            )
        if start <= self.cursor < end and self.has_focus:
            text.stylize(self.get_component_rich_style("reader--cursor"), self.cursor - start, self.cursor - start + 1)
        segments = list(text.render(self.app.console))
        return Strip(segments).extend_cell_length(width).crop(0, width).apply_style(base)

    def _annotation_style(self, annotation: Annotation) -> Style:
        if annotation.entity_id:
            kind = self._entity_types.get(annotation.entity_id, "").lower()
            name = f"reader--entity-{kind}" if kind.upper() in STYLED_TYPES else "reader--entity-other"
            return self.get_component_rich_style(name)
        return self.get_component_rich_style("reader--passage")

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        # A count is for the reader's next key: one typed before the keyboard went elsewhere (a
        # click) must not move the cursor on the way back.
        self.drop_count()
        self.refresh()

    def select_span(self, start: int, end: int) -> None:
        """Select [start, end) with the cursor at its start (a search hit: ``e`` then tags it)."""
        if self.article is None or end <= start:
            return
        self._growth.clear()
        self._highlight = Highlight(start, end)
        self.anchor = self._valid(end - 1)
        self.cursor = self._valid(start)
        self._cursor_shown(center=True)

    def on_click(self, event: events.Click) -> None:
        if self._map is None:
            return
        offset = event.get_content_offset(self)
        if offset is None:
            return
        self.cursor = self._valid(self._map.offset_at(int(self.scroll_y) + offset.y, offset.x))
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        self.post_message(self.CursorMoved(self, self.cursor, self.annotations_at(self.cursor)))

    # ------------------------------------------------------------------ tagging

    def action_tag(self, kind: str) -> None:
        """Ask to tag the selection (or the word at the cursor, or a count's words from it)."""
        span = self.tag_span(self.take_count())
        if span is None:
            self.notify("Nothing to tag: put the cursor on a word or select text with v.", severity="warning")
            return
        self.post_message(self.TagRequested(kind, *span))

    def action_find_word(self, direction: int) -> None:
        """Find the word under the cursor on through the text (``n`` / ``N`` then go on)."""
        count = self.take_count()  # used up here, found or not: it must not move the next key
        span = self.tag_span()
        if span is None or self.article is None:
            self.notify("Put the cursor on a word to find it again.", severity="information")
            return
        self.post_message(self.FindWordRequested(self.article.text[span[0] : span[1]], direction, span[0], count))

    def action_bookmark(self) -> None:
        """Bookmark the place under the cursor (your own mark: ``'`` lists them)."""
        self.take_count()
        if self.article is not None:
            self.post_message(self.BookmarkRequested(self.cursor))

    def clear_after_tag(self) -> None:
        """Drop the selection once its tag is saved."""
        self.anchor = None
        self._growth.clear()
        self.refresh()

    def action_next_annotation(self, direction: int) -> None:
        """Jump to the next (or previous) annotation in the text (a count's number of them ahead)."""
        count = self.take_count()
        visible = self._annotations
        if not visible:
            self.notify("No tags in this article yet.", severity="information")
            return
        at = self.cursor
        for _ in range(count):
            if direction > 0:
                at = next((a for a in visible if a.start > at), visible[0]).start
            else:
                at = next((a for a in reversed(visible) if a.start < at), visible[-1]).start
        self.place_cursor(at)

    def _innermost(self) -> Annotation | None:
        found = self.annotations_at(self.cursor)
        return found[-1] if found else None

    def action_edit(self) -> None:
        """Edit the annotation under the cursor."""
        annotation = self._innermost()
        if annotation is None:
            self.notify("No tag under the cursor (t jumps to the next one).", severity="information")
            return
        self.post_message(self.EditRequested(annotation))

    def action_delete(self) -> None:
        """Delete the annotation under the cursor (undo brings it back)."""
        annotation = self._innermost()
        if annotation is None:
            self.notify("No tag under the cursor to delete.", severity="information")
            return
        self.post_message(self.DeleteRequested(annotation))
