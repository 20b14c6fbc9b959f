"""A set of non-overlapping spans of a text: "is this span free?" and "take it" in O(log n).

Choosing suggestions keeps the best candidate wherever several overlap, against the spans
already decided (tags, rejections). A linear scan of what was taken for each candidate is
quadratic, which a long article (tens of thousands of candidates) turns into minutes.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable


class TakenSpans:
    """Spans ``[start, end)`` taken so far; overlapping ones given at the start are merged."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(spans):
            if self._ends and start < self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], end)
            else:
                self._starts.append(start)
                self._ends.append(end)

    def free(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` shares no character with a span taken."""
        at = bisect.bisect_right(self._starts, start) - 1
        if at >= 0 and self._ends[at] > start:
            return False
        return at + 1 >= len(self._starts) or self._starts[at + 1] >= end

    def take(self, start: int, end: int) -> bool:
        """Take ``[start, end)`` if it is free; whether it was."""
        if not self.free(start, end):
            return False
        at = bisect.bisect_right(self._starts, start)
        self._starts.insert(at, start)
        self._ends.insert(at, end)
        return True
