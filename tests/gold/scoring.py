"""Scoring entity suggestions against the hand-annotated gold (issue #9).

Pure functions over spans; nothing here imports the store, so a suggester in any layer (or a
script outside Dossier) can be scored. A span is ``(start, end, type)`` with character offsets
into one article's text; gold items from ``seeds_gold.json`` (dicts with those keys) are
accepted as they are.

Two ways of counting a prediction as right, both per type:

* **exact**: the same start, end and type as a gold span;
* **lenient**: the same type and at least one character in common with a gold span (a
  suggester that takes "Mi-35 combat helicopters" for the gold "Mi-35" gets credit).

In both, a gold span and a prediction are matched at most once (a maximum one-to-one
matching): two predictions on one gold span are one hit and one false positive, and one long
prediction over two gold spans finds only one of them. Nothing is ever counted twice, so
precision and recall stay in [0, 1] and a suggester cannot gain by repeating itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: The types suggestions are built for and judged on.
TARGETED_TYPES = ("PERSON", "ORG", "PLACE", "EQUIPMENT")
#: Annotated and reported, but not a target.
SECONDARY_TYPES = ("DOCUMENT", "EVENT", "DATE", "MONEY")
#: Every type the gold uses.
GOLD_TYPES = TARGETED_TYPES + SECONDARY_TYPES

#: The row that sums the targeted types (micro average).
TARGETED_ROW = "targeted (micro)"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """One annotated or predicted stretch of an article's text, end exclusive."""

    start: int
    end: int
    type: str

    def overlaps(self, other: Span) -> bool:
        """Whether the two share at least one character (types are not compared)."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts for one type: gold spans, predictions, and how many of them were matched.

    With one-to-one matching a matched gold span and a matched prediction come in pairs, so
    one number serves both precision and recall. Tallies add up across articles.
    """

    gold: int = 0
    predicted: int = 0
    matched: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.gold + other.gold, self.predicted + other.predicted, self.matched + other.matched)

    @property
    def precision(self) -> float | None:
        """Matched predictions over predictions; ``None`` when nothing was predicted."""
        return self.matched / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        """Matched gold spans over gold spans; ``None`` when the gold has none."""
        return self.matched / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall; ``None`` when either is undefined."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


SpanLike = Span | Sequence[object] | Mapping[str, object]


def as_span(value: SpanLike) -> Span:
    """A :class:`Span` from a span, a ``(start, end, type)`` tuple or a gold item dict."""
    if isinstance(value, Span):
        return value
    if isinstance(value, Mapping):
        start, end, kind = value["start"], value["end"], value["type"]
    else:
        start, end, kind = value
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(kind, str)) or not 0 <= start < end:
        raise ValueError(f"not a span (start < end, both int, type str): {value!r}")
    return Span(start, end, kind)


def tally(gold: Iterable[SpanLike], predicted: Iterable[SpanLike], *, lenient: bool = False) -> dict[str, Tally]:
    """Per-type counts for one article: ``predicted`` scored against ``gold``.

    Args:
        gold: The article's gold spans (items of the gold file, or tuples).
        predicted: The suggester's spans for the same text, ``(start, end, type)``.
        lenient: Match on overlap and type instead of the exact span and type.

    Returns:
        A :class:`Tally` for every type that occurs in either list.
    """
    by_type: dict[str, tuple[list[Span], list[Span]]] = {}
    for span in map(as_span, gold):
        by_type.setdefault(span.type, ([], []))[0].append(span)
    for span in map(as_span, predicted):
        by_type.setdefault(span.type, ([], []))[1].append(span)
    result = {}
    for kind, (golds, preds) in by_type.items():
        result[kind] = Tally(len(golds), len(preds), _matching_size(golds, preds, lenient=lenient))
    return result


def within(spans: Iterable[SpanLike], bounds: Sequence[int]) -> list[Span]:
    """The spans that start inside ``bounds`` (``[start, end)``, e.g. a gold article's section).

    Filter the gold and the predictions alike, so a section is scored on its own: a
    prediction that starts in the body and runs into the endnotes belongs to the body.
    """
    start, end = bounds
    return [span for span in map(as_span, spans) if start <= span.start < end]


def add(*tallies: Mapping[str, Tally]) -> dict[str, Tally]:
    """Per-type tallies of several articles summed (a corpus score)."""
    total: dict[str, Tally] = {}
    for one in tallies:
        for kind, counts in one.items():
            total[kind] = total.get(kind, Tally()) + counts
    return total


def micro(tallies: Mapping[str, Tally], types: Iterable[str] = TARGETED_TYPES) -> Tally:
    """The tallies of ``types`` summed: the micro average over them."""
    return sum((tallies.get(kind, Tally()) for kind in types), Tally())


def row_order(*tallies: Mapping[str, Tally]) -> list[str]:
    """Targeted types, then secondary ones, then any other type a suggester produced (sorted)."""
    present = {kind for one in tallies for kind in one}
    known = [kind for kind in GOLD_TYPES if kind in present or kind in TARGETED_TYPES]
    return known + sorted(present - set(GOLD_TYPES))


def table(exact: Mapping[str, Tally], lenient: Mapping[str, Tally]) -> str:
    """A plain-text table: per type, gold and predicted counts, then exact and lenient P/R/F1.

    Targeted types come first and are summed in a micro-average row; secondary types and any
    type outside the gold follow it. An undefined score (nothing predicted, or no gold) is ``-``.
    """
    header = (
        f"{'type':<18}{'gold':>6}{'pred':>6}  | {'exact P':>8}{'R':>7}{'F1':>7}  | {'lenient P':>10}{'R':>7}{'F1':>7}"
    )
    lines = [header, "-" * len(header)]

    def line(name: str, e: Tally, n: Tally) -> str:
        return (
            f"{name:<18}{e.gold:>6}{e.predicted:>6}  | {_num(e.precision):>8}{_num(e.recall):>7}{_num(e.f1):>7}"
            f"  | {_num(n.precision):>10}{_num(n.recall):>7}{_num(n.f1):>7}"
        )

    kinds = row_order(exact, lenient)
    for kind in kinds:
        if kind in TARGETED_TYPES:
            lines.append(line(kind, exact.get(kind, Tally()), lenient.get(kind, Tally())))
    lines.append(line(TARGETED_ROW, micro(exact), micro(lenient)))
    lines.append("-" * len(header))
    for kind in kinds:
        if kind not in TARGETED_TYPES:
            lines.append(line(kind, exact.get(kind, Tally()), lenient.get(kind, Tally())))
    return "\n".join(lines)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _matching_size(golds: list[Span], preds: list[Span], *, lenient: bool) -> int:
    """Size of a maximum one-to-one matching between gold spans and predictions of one type.

    Exact matching pairs equal spans; lenient matching pairs overlapping ones, where a greedy
    choice can lose a pair (prediction A overlaps gold 1 and 2, prediction B only gold 1), so
    augmenting paths (Kuhn's algorithm, with an explicit stack) find the maximum.
    """
    if not lenient:
        remaining: dict[Span, int] = {}
        for span in golds:
            remaining[span] = remaining.get(span, 0) + 1
        matched = 0
        for span in preds:
            if remaining.get(span, 0):
                remaining[span] -= 1
                matched += 1
        return matched
    neighbours = [[g for g, gold in enumerate(golds) if gold.overlaps(pred)] for pred in preds]
    gold_owner: list[int | None] = [None] * len(golds)
    matched = 0
    for first in range(len(preds)):
        if neighbours[first] and _augment(first, neighbours, gold_owner):
            matched += 1
    return matched


def _augment(first: int, neighbours: list[list[int]], gold_owner: list[int | None]) -> bool:
    """Find an augmenting path from prediction ``first`` and flip it; whether one was found."""
    seen: set[int] = set()
    # Each frame: (prediction, index of its next neighbour to try); parents via the path stack.
    path: list[tuple[int, int]] = [(first, 0)]
    while path:
        pred, k = path[-1]
        if k == len(neighbours[pred]):
            path.pop()
            continue
        path[-1] = (pred, k + 1)
        g = neighbours[pred][k]
        if g in seen:
            continue
        seen.add(g)
        owner = gold_owner[g]
        if owner is None:
            # Free gold span: every prediction on the path takes the gold span it tried last.
            for p, next_k in path:
                gold_owner[neighbours[p][next_k - 1]] = p
            return True
        path.append((owner, 0))
    return False
