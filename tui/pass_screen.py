"""The yes/no pass: every suggestion of an article, or an entity's unlinked mentions, one key each.

Like a spell checker: the sentence with the proposed span marked, what it would become (a new
entity of a type, or a mention of a known one), and one key per decision — ``y`` accept, ``n``
reject (never proposed again), ``s`` skip for now, ``t`` another type, ``f`` show only one type,
``A`` accept every suggestion shown (asked twice), ``u`` undo the last decision, ``Esc`` done.

The screen only shows and asks: what it is passing over comes from a :class:`PassSource`
(asked again after each decision, since accepting one name links later spellings of it), and
decisions are saved by the browsing screen on its store thread (:class:`PassDecided`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from store import Article, Entity, Suggestion
from store import textunits as units
from store.sanitize import neutralize
from tui.dialogs.entity_picker import offered_types

#: Suggestions listed after the current one.
UPCOMING = 4


@dataclass(frozen=True)
class PassSource:
    """What a pass goes over, and how a decision is saved (given by the browsing screen)."""

    #: Shown in the border: "suggestions in “…”", "unlinked mentions of Sergey Shoigu".
    title: str
    #: The suggestions as they are now, from the article the pass is in (``None``: the start) on;
    #: asked again after every decision. A corpus-wide source reads on article by article only
    #: until it has enough that the pass still wants (the filter, not skipped, not behind it).
    suggestions: Callable[[str | None, Callable[[Suggestion], bool]], list[Suggestion]]
    #: The article a suggestion is in (for its sentence).
    article: Callable[[str], Article]
    #: Save a decision: ``accept`` / ``reject`` a suggestion (with ``entity_type`` to retype);
    #: true when saved.
    decide: Callable[[list[Suggestion], bool, str | None], Awaitable[bool]]
    #: Undo the last change; true when something was undone.
    undo: Callable[[], Awaitable[bool]]
    #: The entity that has this name or alias, if any (accepting links to it).
    entity_named: Callable[[str], Entity | None]


class PassScreen(ModalScreen[int]):
    """Pass over suggestions one at a time; returns how many decisions were saved."""

    BINDINGS: list[BindingType] = [
        Binding("y", "decide(True)", "Yes", id="pass.accept"),
        Binding("n", "decide(False)", "No", id="pass.reject"),
        Binding("s,space", "skip", "Skip", id="pass.skip"),
        Binding("t", "retype", "Type", id="pass.retype"),
        Binding("f", "filter", "Filter", id="pass.filter"),
        Binding("A", "accept_all", "Accept all shown", id="pass.accept_all"),
        Binding("u", "undo", "Undo", id="pass.undo"),
        Binding("escape,q", "done", "Done", id="pass.done"),
    ]

    def __init__(self, source: PassSource) -> None:
        super().__init__()
        self.source = source
        self.decided = 0
        #: The suggestions are being asked for (keys that decide wait; tests wait for it).
        self.finding = False
        self._asked = 0
        #: Only this type is shown (``f`` cycles through the types there are), or every type.
        self.only_type: str | None = None
        #: The type the current suggestion will be accepted as (``t`` cycles it).
        self.chosen_type: str | None = None
        #: Skipped this pass: (article, start, end) — shown again only in a new pass.
        self._skipped: set[tuple[str, int, int]] = set()
        #: Where the pass has got to: the next suggestion is the first at or after it.
        self._place: tuple[str, int] | None = None
        self._order: dict[str, int] = {}
        self._shown: list[Suggestion] = []
        self._all: list[Suggestion] = []
        self._confirm_all = False

    def compose(self) -> ComposeResult:
        with Vertical(id="pass-box"):
            yield Static(id="pass-sentence")
            yield Static(id="pass-proposal")
            yield Static(id="pass-upcoming")
        yield Footer()

    def on_mount(self) -> None:
        self._reload()

    # ------------------------------------------------------------------ what is shown

    @property
    def current(self) -> Suggestion | None:
        """The suggestion the keys decide."""
        return self._shown[0] if self._shown else None

    def _reload(self) -> None:
        """Ask the source again, off the UI thread; the answer shows the first suggestion from where the pass is.

        In a daemon thread: the first answer of a session may wait seconds for the suggesters'
        helper process, and neither keys nor quitting wait for it. Keys that decide wait for it.
        """
        self._asked += 1
        asked = self._asked
        self.finding = True
        if self.current is None:
            self.query_one("#pass-sentence", Static).update(Text("Finding suggestions…", style="dim"))
        at = self._place[0] if self._place else None

        def ask() -> None:
            try:
                everything: list[Suggestion] | Exception = self.source.suggestions(at, self._wanted)
            except Exception as exc:  # the store went away, a suggester failed: said, not raised
                everything = exc
            with contextlib.suppress(RuntimeError):  # the app has ended meanwhile
                self.app.call_from_thread(self._found, asked, everything)

        threading.Thread(target=ask, name="dossier-pass", daemon=True).start()

    def _found(self, asked: int, everything: list[Suggestion] | Exception) -> None:
        """Show what the source answered (only the latest question's answer)."""
        if asked != self._asked or not self.is_attached:
            return
        self.finding = False
        if isinstance(everything, Exception):
            self.notify(f"No suggestions: {neutralize(str(everything))}", severity="warning", markup=False)
            everything = []
        for suggestion in everything:
            self._order.setdefault(suggestion.article_id, len(self._order))
        self._all = [s for s in everything if (s.article_id, s.start, s.end) not in self._skipped]
        shown = [s for s in self._all if self.only_type in (None, s.entity_type)]
        if self._place is not None:
            place = (self._order.get(self._place[0], 0), self._place[1])
            later = [s for s in shown if (self._order[s.article_id], s.start) >= place]
            shown = later or shown  # at the end, back to the start of what is left
        self._shown = shown
        self.chosen_type = None
        self._confirm_all = False
        self._draw()

    def _wanted(self, suggestion: Suggestion) -> bool:
        """Whether the pass would still show it: of the type shown, not skipped, not behind the pass."""
        if self.only_type not in (None, suggestion.entity_type):
            return False
        if (suggestion.article_id, suggestion.start, suggestion.end) in self._skipped:
            return False
        if self._place is None or suggestion.article_id != self._place[0]:
            return True
        return suggestion.start >= self._place[1]

    def _draw(self) -> None:
        box = self.query_one("#pass-box")
        kinds = f" · {self.only_type} only" if self.only_type else ""
        box.border_title = Text(self.source.title, overflow="ellipsis")
        box.border_subtitle = f"{len(self._shown)} left{kinds} · {self.decided} decided"
        sentence, proposal, upcoming = (
            self.query_one(f"#pass-{part}", Static) for part in ("sentence", "proposal", "upcoming")
        )
        current = self.current
        if current is None:
            done = (
                "Nothing left to decide here." if not self.only_type else f"No {self.only_type} left (f: other types)."
            )
            sentence.update(Text(done))
            proposal.update(Text("Esc goes back to the reader; u undoes the last decision."))
            upcoming.update("")
            return
        article = self.source.article(current.article_id)
        start, end = units.sentence_at(article.text, current.start)
        start, end = min(start, current.start), max(end, current.end)
        shown = Text(article.text[start:end].replace("\n", " "))
        shown.stylize("reverse bold", current.start - start, current.end - start)
        sentence.update(shown)
        kind = self.chosen_type or current.entity_type
        existing = self.source.entity_named(current.name) if not current.entity_id else None
        if current.entity_id or existing is not None:
            known = existing.name if existing is not None else current.name
            target = f"a mention of {known}" + (f" (retyped {kind})" if kind != current.entity_type else "")
        else:
            target = f"new {kind} “{current.name}”"
        line = Text(f"{kind:<10}", style="bold")
        line.append(f"“{current.quote}” → {target}")
        line.append(
            f"\n{article.display_title} · {current.source}{' · surname alone' if current.partial else ''}", style="dim"
        )
        proposal.update(line)
        following = Text("Next: ", style="dim")
        for number, later in enumerate(self._shown[1 : 1 + UPCOMING]):
            following.append((" · " if number else "") + f"{later.quote} ({later.entity_type})")
        if len(self._shown) > 1 + UPCOMING:
            following.append(f" · {len(self._shown) - 1 - UPCOMING} more")
        upcoming.update(following if len(self._shown) > 1 else Text("This is the last one.", style="dim"))

    # ------------------------------------------------------------------ keys

    async def action_decide(self, accept: bool) -> None:
        """``y`` / ``n``: accept (as the type chosen with ``t``) or reject the current suggestion."""
        if self._still_finding():
            return
        current = self.current
        if current is None:
            self.notify("Nothing to decide here.", severity="information")
            return
        retype = self.chosen_type if accept and self.chosen_type != current.entity_type else None
        if await self.source.decide([current], accept, retype):
            self.decided += 1
            self._place = (current.article_id, current.end)
        self._reload()

    def action_skip(self) -> None:
        """Leave the current suggestion for another pass."""
        if self._still_finding():
            return
        current = self.current
        if current is None:
            return
        self._skipped.add((current.article_id, current.start, current.end))
        self._place = (current.article_id, current.end)
        self._reload()

    def action_retype(self) -> None:
        """Cycle the type the current suggestion would be accepted as."""
        current = self.current
        if current is None:
            return
        kinds = list(offered_types(self.app))
        now = self.chosen_type or current.entity_type
        self.chosen_type = kinds[(kinds.index(now) + 1) % len(kinds)] if now in kinds else kinds[0]
        self._draw()

    def action_filter(self) -> None:
        """Show only one type (each ``f`` the next type there is), then every type again."""
        if self._still_finding():
            return
        order = list(offered_types(self.app))  # in the order the types are offered everywhere
        kinds = sorted(
            {s.entity_type for s in self._all}, key=lambda k: (order.index(k) if k in order else len(order), k)
        )
        if not kinds:
            return
        if self.only_type is None:
            self.only_type = kinds[0]
        elif self.only_type in kinds and kinds.index(self.only_type) + 1 < len(kinds):
            self.only_type = kinds[kinds.index(self.only_type) + 1]
        else:
            self.only_type = None
        self._place = None
        self._reload()

    async def action_accept_all(self) -> None:
        """Accept every suggestion shown (the filtered ones): asks once more before it does."""
        if self._still_finding():
            return
        if not self._shown:
            return
        if not self._confirm_all:
            self._confirm_all = True
            what = f"{self.only_type} " if self.only_type else ""
            self.notify(f"Accept all {len(self._shown)} {what}suggestions shown? A again to accept.", timeout=5)
            return
        shown = list(self._shown)
        if await self.source.decide(shown, True, None):
            self.decided += len(shown)
        self._reload()

    async def action_undo(self) -> None:
        """Undo the last decision (one step: "accept all" is one)."""
        if self._still_finding():
            return
        if await self.source.undo():
            self.decided = max(self.decided - 1, 0)
        self._reload()

    def _still_finding(self) -> bool:
        """True (and said) while the suggestions are being asked for: a key would decide on old ones."""
        if self.finding:
            self.notify("Still finding the suggestions…", severity="information", timeout=2)
        return self.finding

    def action_done(self) -> None:
        """Back to the reader."""
        self.dismiss(self.decided)
