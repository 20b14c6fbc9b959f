"""Back and forward through the places the user went, like a browser.

A place is an article at a cursor offset, or a list a place was followed from (a concordance,
a timeline, a comparison) at the line that was highlighted: ``[`` from the article opened
from a concordance line brings the concordance back at that line.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Place:
    """An article and the cursor offset in it."""

    article_id: str
    offset: int = 0


@dataclass(frozen=True, slots=True)
class ListPlace:
    """A list screen, what it was about, and the key of the line highlighted there."""

    kind: str
    about: dict[str, str | None] = field(hash=False)
    key: str | None = None


class History:
    """A list of places with a current position; going somewhere new drops the forward part."""

    def __init__(self, limit: int = 200) -> None:
        self._places: list[Place | ListPlace] = []
        self._index = -1
        self._limit = limit

    @property
    def current(self) -> Place | ListPlace | None:
        """Where the user is now."""
        return self._places[self._index] if self._index >= 0 else None

    def visit(self, place: Place | ListPlace) -> None:
        """Record a new place (after updating the current one with where the cursor is now)."""
        del self._places[self._index + 1 :]
        self._places.append(place)
        if len(self._places) > self._limit:
            del self._places[0]
        self._index = len(self._places) - 1

    def replace(self, place: Place | ListPlace) -> None:
        """Put ``place`` where the user is now (a list reopened from the history, left at another line)."""
        if self._index < 0:
            self.visit(place)
        else:
            self._places[self._index] = place
            del self._places[self._index + 1 :]

    def remember_offset(self, offset: int) -> None:
        """Update the current place with the cursor's position, so going back returns to it."""
        if isinstance(self.current, Place):
            self._places[self._index] = Place(self.current.article_id, offset)

    def back(self) -> Place | ListPlace | None:
        """Step back; ``None`` at the start."""
        if self._index <= 0:
            return None
        self._index -= 1
        return self.current

    def forward(self) -> Place | ListPlace | None:
        """Step forward; ``None`` at the end."""
        if self._index >= len(self._places) - 1:
            return None
        self._index += 1
        return self.current
