"""Word, sentence and paragraph boundaries in cleaned article text.

The reader extends a selection by these units and the cross-reference pane quotes the sentence
a mention sits in, so both must agree on where a sentence ends. Sentences end at ``.``, ``!``,
``?`` or ``…`` (plus closing quotes and brackets) followed by a space and a capital, digit or
opening quote, except after common abbreviations and initials; paragraphs end at a blank line.
"""

from __future__ import annotations

import bisect
import re

_WORD = re.compile(r"\w+(?:[-'’.]\w+)*", re.U)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[\w])", re.U)
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "maj",
        "adm",
        "gov",
        "sen",
        "rep",
        "st",
        "jr",
        "sr",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "no",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
    ]
)

Span = tuple[int, int]


def paragraph_spans(text: str) -> list[Span]:
    """(start, end) of every paragraph; paragraphs are separated by blank lines."""
    spans: list[Span] = []
    start = 0
    for match in re.finditer(r"\n\s*\n", text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _cached_sentences(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    for p_start, p_end in paragraph_spans(text):
        start = p_start
        paragraph = text[p_start:p_end]
        for match in _SENTENCE_END.finditer(paragraph):
            end = p_start + match.end()
            before = paragraph[: match.start()].rsplit(None, 1)
            last_word = before[-1].casefold().lstrip("(\"'“") if before else ""
            if match.group().startswith(".") and (last_word in _ABBREVIATIONS or len(last_word) == 1):
                continue
            spans.append((start, end))
            start = end
            while start < p_end and text[start].isspace():
                start += 1
        if start < p_end:
            spans.append((start, p_end))
    return tuple(spans)


def span_at(spans: list[Span], offset: int) -> Span | None:
    """The span containing ``offset`` (or the nearest one after it), if any."""
    if not spans:
        return None
    index = bisect.bisect_right([s for s, _ in spans], offset) - 1
    if index >= 0 and spans[index][0] <= offset < spans[index][1]:
        return spans[index]
    following = index + 1
    return spans[following] if following < len(spans) else spans[-1]


def sentence_at(text: str, offset: int) -> Span:
    """The sentence containing ``offset``.

    Only the paragraph around ``offset`` is split into sentences (sentences never cross a
    paragraph break), so quoting one mention costs the same in a long article as in a short one.
    """
    start = text.rfind("\n\n", 0, offset)
    start = 0 if start == -1 else start + 2
    end = text.find("\n\n", offset)
    end = len(text) if end == -1 else end
    paragraph = text[start:end]
    found = span_at(list(_cached_sentences(paragraph)), offset - start)
    return (found[0] + start, found[1] + start) if found else (start, end)


def next_start(spans: list[Span], offset: int) -> int | None:
    """Start of the first span that starts after ``offset``."""
    index = bisect.bisect_right([s for s, _ in spans], offset)
    return spans[index][0] if index < len(spans) else None


def previous_start(spans: list[Span], offset: int) -> int | None:
    """Start of the last span that starts before ``offset``."""
    index = bisect.bisect_left([s for s, _ in spans], offset) - 1
    return spans[index][0] if index >= 0 else None


def next_end(spans: list[Span], offset: int) -> int | None:
    """End of the first span that ends after ``offset``."""
    index = bisect.bisect_right([e for _, e in spans], offset)
    return spans[index][1] if index < len(spans) else None


def enclosing(spans: list[Span], start: int, end: int) -> Span | None:
    """The smallest span from ``spans`` that covers [start, end) and is larger than it."""
    best: Span | None = None
    for s, e in spans:
        covers = s <= start and end <= e and (e - s) > (end - start)
        if covers and (best is None or (e - s) < (best[1] - best[0])):
            best = (s, e)
        if s > end:
            break
    return best


#: How far around the cursor word motions look (words are never this long).
_WORD_REACH = 2000


def _paragraph_bounds(text: str, offset: int) -> Span:
    start = text.rfind("\n\n", 0, offset)
    start = 0 if start == -1 else start + 2
    end = text.find("\n\n", offset)
    return start, len(text) if end == -1 else end


def _neighbouring_paragraphs(text: str, offset: int) -> Span:
    """From the start of the paragraph before the one at ``offset`` to the end of the one after."""
    start, end = _paragraph_bounds(text, offset)
    if start > 0:
        start = _paragraph_bounds(text, max(start - 3, 0))[0]
    if end < len(text):
        end = _paragraph_bounds(text, min(end + 2, len(text)))[1]
    return start, end


def spans_near(text: str, unit: str, offset: int) -> list[Span]:
    """Spans of ``unit`` ("word", "sentence" or "paragraph") around ``offset``.

    The span there and its neighbours on both sides, found without looking at the rest of the
    text: the reader moves by these units at every key press, and in a 10 MB article splitting
    the whole text each time would freeze it.
    """
    if unit == "word":
        low = max(0, offset - _WORD_REACH)
        high = min(len(text), offset + _WORD_REACH)
        spans = [m.span() for m in _WORD.finditer(text, low, high)]
        # A word cut by the edge of the window is not a word: drop it.
        if spans and spans[0][0] == low and low > 0:
            spans.pop(0)
        if spans and spans[-1][1] == high and high < len(text):
            spans.pop()
        return spans
    low, high = _neighbouring_paragraphs(text, offset)
    if unit == "paragraph":
        return [(low + s, low + e) for s, e in paragraph_spans(text[low:high])]
    result: list[Span] = []
    for p_start, p_end in paragraph_spans(text[low:high]):
        paragraph = text[low + p_start : low + p_end]
        result.extend((low + p_start + s, low + p_start + e) for s, e in _cached_sentences(paragraph))
    return result
