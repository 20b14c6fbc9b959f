"""Soft-wrapping of article text into screen lines that keep their character offsets.

The reader draws only the lines on screen (Textual's line API), and its cursor, selection and
annotations are character offsets into the article. This module bridges the two: it wraps each
paragraph at word boundaries to the pane's width and records, for every screen line, which
characters of the text it shows. Blank separator lines between paragraphs show none.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size

from store.textunits import paragraph_spans


@dataclass(frozen=True, slots=True)
class ScreenLine:
    """Characters [start, end) of the text on one screen line; ``blank`` between paragraphs."""

    start: int
    end: int
    blank: bool = False


def _wrap_paragraph(text: str, start: int, end: int, width: int, out: list[ScreenLine]) -> None:
    limit = max(width - 1, 1)  # one spare cell so the cursor can sit after the last word
    simple = cell_len(text[start:end]) == end - start
    position = start
    while position < end:
        if simple:
            stop = min(position + limit, end)
        else:
            cells, stop = 0, position
            while stop < end:
                size = get_character_cell_size(text[stop])
                if cells + size > limit and stop > position:
                    break
                cells += size
                stop += 1
        if stop < end:
            space = text.rfind(" ", position, stop + 1)
            if space >= position and space + 1 > position and text[stop] != " ":
                stop = space + 1
            elif text[stop] == " ":
                stop += 1
        out.append(ScreenLine(position, stop))
        position = stop


def wrap(text: str, width: int) -> list[ScreenLine]:
    """Screen lines for ``text`` at ``width`` cells, with a blank line between paragraphs."""
    lines: list[ScreenLine] = []
    for index, (start, end) in enumerate(paragraph_spans(text)):
        if index:
            lines.append(ScreenLine(start, start, blank=True))
        _wrap_paragraph(text, start, end, width, lines)
    return lines


class LineMap:
    """Finds the screen line of a character offset, and the offset at a screen position."""

    def __init__(self, text: str, lines: list[ScreenLine]) -> None:
        self.text = text
        self.lines = lines
        self._starts = [line.start if not line.blank else -1 for line in lines]
        self._text_lines = [i for i, line in enumerate(lines) if not line.blank]
        self._text_starts = [lines[i].start for i in self._text_lines]

    def line_of(self, offset: int) -> int:
        """Index of the screen line showing ``offset`` (the nearest text line)."""
        if not self._text_lines:
            return 0
        position = bisect.bisect_right(self._text_starts, offset) - 1
        return self._text_lines[max(position, 0)]

    def column_of(self, offset: int) -> int:
        """Cell column of ``offset`` on its screen line."""
        line = self.lines[self.line_of(offset)]
        return cell_len(self.text[line.start : offset])

    def offset_at(self, line_index: int, column: int) -> int:
        """The offset shown at ``column`` of a screen line (blank lines snap to the next text line)."""
        if not self._text_lines:
            return 0
        line_index = max(0, min(line_index, len(self.lines) - 1))
        if self.lines[line_index].blank:
            line_index += 1
        line = self.lines[line_index]
        cells = 0
        for offset in range(line.start, line.end):
            cells += get_character_cell_size(self.text[offset])
            if cells > column:
                return offset
        return max(line.start, line.end - 1)


def wrap_plain(text: str, width: int) -> list[str]:
    """A short message cut into lines of at most ``width`` cells, at spaces.

    For messages drawn line by line (a word longer than a line is cut).
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        while cell_len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if current and cell_len(current) + 1 + cell_len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines
