"""A set of non-overlapping spans of a text: "is this span free?" and "take it" in the span's length.

Choosing suggestions keeps the best candidate wherever several overlap, against the spans
already decided (tags, rejections). A linear scan of what was taken for each candidate is
quadratic, which a long article (tens of thousands of candidates) turns into minutes; so was
a sorted list of spans, whose every insertion moves half of it (seconds at a few megabytes).
Here one byte per character of the text says whether it is taken: a question reads, and a
take writes, only the span's own characters.
"""

from __future__ import annotations

from collections.abc import Iterable

_TAKEN = 1


class TakenSpans:
    """Spans ``[start, end)`` taken so far (overlapping ones given at the start are merged)."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._taken = bytearray()
        for start, end in spans:
            self._mark(start, end)

    def free(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` shares no character with a span taken (an empty span: its place)."""
        start = max(start, 0)
        return self._taken.find(_TAKEN, start, max(end, start + 1)) == -1

    def take(self, start: int, end: int) -> bool:
        """Take ``[start, end)`` if it is free; whether it was."""
        if not self.free(start, end):
            return False
        self._mark(start, end)
        return True

    def _mark(self, start: int, end: int) -> None:
        start = max(start, 0)
        if end <= start:
            return
        if end > len(self._taken):
            self._taken.extend(bytes(end - len(self._taken)))
        self._taken[start:end] = b"\x01" * (end - start)
