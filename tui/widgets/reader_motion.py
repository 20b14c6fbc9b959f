"""How the reader's cursor moves and what it selects: motions, counts, growing and shrinking.

Split from :mod:`tui.widgets.reader`, which draws the article: what a key does to the cursor
and the selection is an idea of its own, with rules a user learns (vim's motions, its counts,
its scrolloff) and tests check, whatever the drawing.

**Counts.** In the reader, digits are a count, as in vim: ``3w`` moves three words, ``2)``
two sentences, ``5n`` to the fifth hit ahead, and ``2e`` tags two words from the cursor (a
name); ``0`` with no count pending goes to the start of the line. The pane keys ``1``-``4``
are the screen's everywhere else; from the reader, panes are ``alt+1``-``alt+4`` (or Tab). A
pending count shows in the reader's border and is dropped by any key that does not take one
(Esc among them), so a stray digit never lingers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.message import Message

from store import Article
from store import textunits as units
from tui.layout import LineMap

#: The largest count (a typo such as ``99999j`` must not spin).
MAX_COUNT = 999
#: Keys that take a count: the reader's motions, growing and shrinking the selection, the next
#: tag and the next search hit (``n`` / ``N``, bound on the screen, ask :meth:`take_count`).
COUNTED_KEYS = frozenset(
    (
        *("h", "l", "w", "b", "j", "k", "g", "G", "t", "T", "n", "N", "plus", "equals_sign", "minus", "e", "E", "m"),
        *("asterisk", "number_sign"),
        *("left", "right", "up", "down", "pagedown", "pageup", "space", "ctrl+f", "ctrl+b", "home", "end"),
        *("left_parenthesis", "right_parenthesis", "left_curly_bracket", "right_curly_bracket"),
    )
)
_DIGITS = frozenset("0123456789")
_TRIM_START = " \n\"'“‘«([{—–-"
_TRIM_END = " \n\"'”’»)]},.;:!?—–-"


class CountChanged(Message):
    """The pending count changed (``None``: no count); the reader's pane shows it."""

    def __init__(self, count: int | None) -> None:
        super().__init__()
        self.count = count


class ReaderMotion:
    """The reader's cursor, selection and count keys (mixed into :class:`tui.widgets.reader.Reader`).

    It moves ``cursor`` and ``anchor`` over ``article``'s text laid out by ``_map``; the reader
    draws them. Growth steps are kept so ``-`` can shrink a selection back the way it grew.
    """

    article: Article | None
    cursor: int
    anchor: int | None
    _growth: list[tuple[int | None, int]]
    _map: LineMap | None
    _goal_column: int | None
    _count: int | None = None

    if TYPE_CHECKING:  # provided by the reader and its widget classes

        @property
        def selection(self) -> tuple[int, int] | None: ...
        def _valid(self, offset: int) -> int: ...
        def _cursor_shown(self, center: bool = False) -> None: ...
        def _page_height(self) -> int: ...
        def refresh(self, *args: object, **kwargs: object) -> object: ...
        def post_message(self, message: Message) -> bool: ...

    # ------------------------------------------------------------------ counts

    def action_count(self, digit: int) -> None:
        """Add a digit to the pending count (``0`` alone: the start of the line, as in vim)."""
        if digit == 0 and self._count is None:
            self._line_start()
            return
        self._set_count(min((self._count or 0) * 10 + digit, MAX_COUNT))

    def take_count(self) -> int:
        """The pending count (1 when none), now used up."""
        count = self._count or 1
        self._set_count(None)
        return count

    def drop_count(self) -> None:
        """Forget a pending count: the keyboard went elsewhere (a dialog, another pane)."""
        self._set_count(None)

    def _set_count(self, count: int | None) -> None:
        if count != self._count:
            self._count = count
            self.post_message(CountChanged(count))

    def on_key(self, event: events.Key) -> None:
        """Drop a pending count when the key does not take one (it runs before the key's binding)."""
        # The ASCII digits only: str.isdigit is also true of "３" and "²", which no key takes.
        if self._count is not None and not (event.key in _DIGITS or event.key in COUNTED_KEYS):
            self._set_count(None)

    # ------------------------------------------------------------------ motions

    def _spans(self, unit: str, offset: int | None = None) -> list[tuple[int, int]]:
        """Spans of a unit around the cursor (only there: an article may be 10 MB)."""
        text = self.article.text if self.article else ""
        return units.spans_near(text, unit, self.cursor if offset is None else offset)

    def _target(self, unit: str, direction: int, cursor: int) -> int:
        """Where a motion takes the cursor from ``cursor``.

        While selecting, forward motions land on unit ends, so the selection grows by whole
        words, sentences or paragraphs.
        """
        assert self.article is not None and self._map is not None
        text = self.article.text
        if unit == "char":
            step = cursor + direction
            while 0 < step < len(text) and text[step] == "\n":
                step += direction
            return step
        if unit in ("line", "page"):
            lines = direction * (max(self._page_height() - 1, 1) if unit == "page" else 1)
            if self._goal_column is None:
                self._goal_column = self._map.column_of(cursor)
            line = self._map.line_of(cursor) + lines
            if direction < 0 and 0 <= line < len(self._map.lines) and self._map.lines[line].blank:
                line -= 1
            return self._map.offset_at(line, self._goal_column)
        if unit == "edge":
            return 0 if direction < 0 else len(text) - 1
        spans = self._spans(unit, cursor)
        if direction > 0:
            found = units.next_end(spans, cursor + 1) if self.anchor is not None else units.next_start(spans, cursor)
            if found is None:
                return cursor
            return found - 1 if self.anchor is not None else found
        found = units.previous_start(spans, cursor)
        return found if found is not None else 0

    def action_move(self, unit: str, direction: int) -> None:
        """Move the cursor by a unit (a count's number of them); a selection grows or shrinks with it."""
        count = self.take_count()
        if self.article is None or self._map is None:
            return
        if unit not in ("line", "page"):
            self._goal_column = None
        target = self.cursor
        for _ in range(1 if unit == "edge" else count):
            step = self._valid(self._target(unit, direction, target))
            if step == target:
                break
            target = step
        if target != self.cursor and self.anchor is not None:
            self._growth.append((self.anchor, self.cursor))
        self.cursor = target
        self._cursor_shown()

    def action_toggle_selection(self) -> None:
        """Start a selection at the cursor, or drop the current one."""
        if self.article is None:
            return
        self.anchor = None if self.anchor is not None else self.cursor
        self._growth.clear()
        self.refresh()

    def action_clear_selection(self) -> None:
        """Drop the selection (and any search highlight)."""
        self.anchor = None
        self._growth.clear()
        self._highlight = None
        self.refresh()

    def action_expand(self) -> None:
        """Grow the selection to the enclosing word, then sentence, then paragraph, then all (count times)."""
        for _ in range(self.take_count()):
            if not self._expand_once():
                break

    def _expand_once(self) -> bool:
        if self.article is None or not self.article.text:
            return False
        text = self.article.text
        current = self.selection or (self.cursor, self.cursor + 1)
        candidates = []
        if self.selection is None:
            word = units.span_at(self._spans("word"), self.cursor)
            if word and word[0] <= self.cursor < word[1]:
                candidates.append(word)
        for unit in ("sentence", "paragraph"):
            found = units.enclosing(self._spans(unit, current[0]), *current)
            if found:
                candidates.append(found)
        candidates.append((0, len(text)))
        grown = next((c for c in candidates if c[0] <= current[0] and current[1] <= c[1] and c != current), None)
        if grown is None:
            return False
        self._growth.append((self.anchor, self.cursor))
        self.anchor, self.cursor = grown[0], self._valid(grown[1] - 1)
        self._cursor_shown()
        return True

    def action_shrink(self) -> None:
        """Undo the last growth of the selection (by a motion or by :meth:`action_expand`), count times."""
        for _ in range(self.take_count()):
            self._shrink_once()

    def _shrink_once(self) -> None:
        if not self._growth:
            if self.anchor is not None and self.cursor != self.anchor:
                self.cursor += -1 if self.cursor > self.anchor else 1
                self._cursor_shown()
            return
        self.anchor, self.cursor = self._growth.pop()
        self._cursor_shown()

    def _line_start(self) -> None:
        """The cursor to the start of its line on screen (vim's ``0``)."""
        if self._map is None:
            return
        target = self._valid(self._map.offset_at(self._map.line_of(self.cursor), 0))
        if target != self.cursor and self.anchor is not None:
            self._growth.append((self.anchor, self.cursor))
        self._goal_column = None
        self.cursor = target
        self._cursor_shown()

    def place_cursor(self, offset: int) -> None:
        """Put the cursor at ``offset`` (dropping any selection) and show it."""
        self.anchor = None
        self._growth.clear()
        self.cursor = self._valid(offset)
        self._cursor_shown(center=True)

    def tag_span(self, words: int = 1) -> tuple[int, int] | None:
        """What a tag key applies to: the selection, else ``words`` words from the cursor's.

        ``2e`` on "Sergey" tags "Sergey Shoigu" (as vim's ``2dw`` deletes two words); the words
        stop at the end of the paragraph (a name never spans one). Trimmed of surrounding
        spaces, punctuation and a possessive (``Shoigu's,`` tags ``Shoigu``).
        """
        if self.article is None or not self.article.text:
            return None
        text = self.article.text
        span = self.selection
        if span is None:
            spans = self._spans("word")
            span = units.span_at(spans, self.cursor)
            if span is None or not span[0] <= self.cursor < span[1]:
                return None
            line_end = text.find("\n", span[1])
            stop = len(text) if line_end < 0 else line_end
            following = [s for s in spans if span[1] <= s[0] < stop]
            if words > 1 and following:
                span = (span[0], following[min(words - 1, len(following)) - 1][1])
        start, end = span
        while start < end and text[start] in _TRIM_START:
            start += 1
        while end > start and text[end - 1] in _TRIM_END:
            end -= 1
        if end - start > 2 and text[end - 2 : end] in ("'s", "’s"):
            end -= 2
        return (start, end) if end > start else None
