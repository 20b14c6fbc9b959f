"""The screen's link to the store: changes run off the UI thread, others' changes come in.

:class:`StoreScreen` is the base of the browsing screen. It owns the one store thread
(:mod:`tui.store_thread`) and everything that goes through it: saving a change and reporting
how it went (saved, refused because another analyst got there first, not saved because the disk
or the lock said no), undo and redo, and taking in what other analysts saved. It also turns the
store's listener calls, made on whatever thread saved, into a message on the screen's own.
What to redraw is the subclass's business, through the hooks at the end.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable
from typing import Any, TypeVar

from textual import on, work
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from store import Changeset, ConflictError, SaveError, Store, StoreBusyError, StoreConnectionError, StoreFileError
from store.backend import BACKOFF, StoreUnavailable
from store.changes import ANNOTATIONS, ARTICLES
from tui.read_only import changes_store
from tui.store_thread import StoreThread

F = TypeVar("F", bound=Callable[..., Any])


def asks_store(method: F) -> F:
    """Mark a screen method that asks the store questions on the UI thread.

    A store on a server may not answer (it restarts, the network fails): the question raises
    :class:`~store.StoreConnectionError`. Textual would end the app on it; instead the method
    stops there, the screen says "reconnecting…" and, once the server answers, redraws
    everything (:meth:`StoreScreen.store_unreachable`). A folder store never raises it.
    """
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def asynchronous(self: StoreScreen, *args: Any, **kwargs: Any) -> Any:
            try:
                return await method(self, *args, **kwargs)
            except StoreConnectionError as exc:
                self.store_unreachable(exc)
                return None

        return asynchronous  # type: ignore[return-value]

    @functools.wraps(method)
    def synchronous(self: StoreScreen, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except StoreConnectionError as exc:
            self.store_unreachable(exc)
            return None

    return synchronous  # type: ignore[return-value]


#: How often the screen looks for changes saved by other processes (other analysts).
REFRESH_INTERVAL_S = 2.0
#: A store call that takes longer than this shows "waiting for the store…".
WAITING_SHOWN_AFTER_S = 0.1


class StoreScreen(Screen[None]):
    """A screen whose store calls never block a key (see the module docstring)."""

    class StoreChanged(Message):
        """The store saved or took in changes (posted from the thread that did it)."""

        def __init__(self, article_ids: frozenset[str], articles_changed: bool) -> None:
            super().__init__()
            self.article_ids = article_ids
            self.articles_changed = articles_changed

    class OthersSaved(Message):
        """Another analyst saved something (the store's watch woke us, from its own thread)."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        #: True while the server does not answer and a thread tries to reconnect.
        self.reconnecting = False
        self.store = store
        #: Saves, undo and taking in others' changes run here, in order, off the UI thread.
        self.store_thread = StoreThread()
        #: Set while an import thread writes: others' changes are taken in after it.
        self._importing = False
        #: The store damage last reported (it is raised again at every look).
        self._damage_reported: str | None = None

    def start_store_link(self) -> None:
        """Look for others' changes every few seconds and hear of every change (call on mount)."""
        self.set_interval(REFRESH_INTERVAL_S, self._pick_up_changes)
        self.store.subscribe(self._store_changed)
        # A server store wakes us within moments of another analyst's save (LISTEN/NOTIFY).
        self.store.watch(lambda: self.post_message(self.OthersSaved()))

    @on(OthersSaved)
    def _others_saved(self) -> None:
        self._pick_up_changes()

    def stop_store_link(self) -> None:
        """Stop listening; saves already handed in finish on their own (call on unmount)."""
        self.store.unsubscribe(self._store_changed)
        self.store_thread.shutdown()

    def _store_changed(self, changeset: Changeset, external: bool) -> None:
        """Listener of the store, on any thread: which articles' tags changed, and articles."""
        article_ids = frozenset(
            doc["article_id"]
            for change in changeset.changes
            if change.table == ANNOTATIONS
            for doc in (change.before, change.after)
            if doc is not None
        )
        articles_changed = any(change.table == ARTICLES for change in changeset.changes)
        self.post_message(self.StoreChanged(article_ids, articles_changed))

    # ------------------------------------------------------------------ others' changes

    def _pick_up_changes(self) -> None:
        """Show tags other analysts saved to the same store (every few seconds)."""
        if self._importing or self.store_thread.pending or self.reconnecting:  # busy: look again next time
            return
        self._take_in_changes()

    @work(exclusive=True, group="take-in")
    async def _take_in_changes(self) -> None:
        try:
            changed = await self.store_thread.run(self.store.refresh)
        except StoreFileError as exc:  # a damaged or planted line: say so, keep what is shown
            # The damage sticks (every look raises it again): said once, not every two seconds.
            if str(exc) != self._damage_reported:
                self._damage_reported = str(exc)
                self.notify(
                    f"Cannot read the other analysts' changes: {exc} Nothing can be saved until then.",
                    severity="error",
                    markup=False,
                    timeout=30,
                )
            return
        except StoreUnavailable as exc:
            self.store_unreachable(exc)
            return
        except (OSError, StoreBusyError, StoreConnectionError):
            return  # the store is busy or unreachable for now; the next look tries again
        # The app may have begun to quit while the store thread looked (its panes being taken
        # down): nothing is left to redraw then (CI saw NoMatches from a pane half removed).
        if changed and self.is_attached:
            self.changes_taken_in()

    # ------------------------------------------------------------------ a server that went away

    def store_unreachable(self, error: Exception) -> None:
        """The server stopped answering: say "reconnecting…" and try again with backoff.

        Keys go on working meanwhile (what is on screen stays; what needs the server says it
        cannot answer); once the server answers, everything is redrawn and others' changes are
        taken in. An error that is not about reaching the server (a statement that took too
        long) is only said.
        """
        if not isinstance(error, StoreUnavailable) and not isinstance(error.__cause__, StoreUnavailable):
            self.notify(f"The store did not answer: {error}", severity="error", markup=False, timeout=8)
            return
        if self.reconnecting:
            return
        self.reconnecting = True
        self.show_reconnecting(True)
        self._reconnect()

    def answer_or(self, question: Callable[..., Any], fallback: Any) -> Callable[..., Any]:
        """``question`` for a dialog that asks as the user types; ``fallback`` while the server is away."""

        def ask(*args: Any, **kwargs: Any) -> Any:
            try:
                return question(*args, **kwargs)
            except StoreConnectionError as exc:
                self.store_unreachable(exc)
                return fallback

        return ask

    @work(thread=True, exclusive=True, group="reconnect", exit_on_error=False)
    def _reconnect(self) -> None:
        worker = get_current_worker()
        attempt = 0
        while not worker.is_cancelled:
            if self.store.reconnect():
                self.app.call_from_thread(self._reconnected)
                return
            time.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
            attempt += 1

    def _reconnected(self) -> None:
        self.reconnecting = False
        self.show_reconnecting(False)
        self.notify("Connected to the store again.", markup=False, timeout=3)
        self.changes_taken_in()
        self._pick_up_changes()

    # ------------------------------------------------------------------ saving

    async def _save(self, call: Callable[[], Any]) -> Any:
        """Run a store change on the store thread; report failures instead of crashing.

        Keys go on being handled meanwhile; when the store is slow to answer (another process
        holds its lock) :meth:`show_waiting` says so. A conflict means another analyst changed
        the same thing first: their version is now in memory, so it is shown
        (:meth:`show_theirs`), and the message says who and when. ``None`` when not saved.
        """
        waiting = self.set_timer(WAITING_SHOWN_AFTER_S, lambda: self.show_waiting(True))
        try:
            return await self.store_thread.run(call)
        except ConflictError as exc:
            self.notify(str(exc), severity="warning", markup=False, timeout=8)
            self.show_theirs()
        except (SaveError, StoreBusyError, StoreConnectionError) as exc:
            self.notify(
                f"Not saved: {exc}" if isinstance(exc, StoreConnectionError) else str(exc),
                severity="error",
                markup=False,
                timeout=8,
            )
            if isinstance(exc, StoreUnavailable) or isinstance(exc.__cause__, StoreUnavailable):
                self.store_unreachable(exc if isinstance(exc, StoreUnavailable) else exc.__cause__)
        except StoreFileError as exc:  # a damaged or planted line: nothing is saved until it is mended
            self.notify(f"Not saved: {exc} Quit Dossier first.", severity="error", markup=False, timeout=15)
        except (ValueError, KeyError, OSError) as exc:
            self.notify(f"Not saved: {exc}", severity="error", markup=False)
        finally:
            waiting.stop()
            if not self.store_thread.pending:
                self.show_waiting(False)
        return None

    @changes_store
    @work(exclusive=False)
    async def action_undo(self) -> None:
        """Undo the last change made in this session."""
        await self._replay(self.store.undo, "Undone", "Nothing to undo.")

    @changes_store
    @work(exclusive=False)
    async def action_redo(self) -> None:
        """Redo the last undone change."""
        await self._replay(self.store.redo, "Redone", "Nothing to redo.")

    async def _replay(self, call: Callable[[], str | None], done: str, nothing: str) -> None:
        # Asked on the store thread, after any save still queued: "nothing to undo" must not
        # be said about a tag whose save has not finished yet.
        label = await self._save(lambda: call() or "")
        if label:
            self.notify(f"{done}: {label}", markup=False, timeout=3)
            self.show_theirs()
        elif label == "":
            self.notify(nothing, markup=False, timeout=3)

    # ------------------------------------------------------------------ hooks for the subclass

    def show_waiting(self, waiting: bool) -> None:
        """Show (or stop showing) that a store call is waiting for the store."""

    def show_reconnecting(self, reconnecting: bool) -> None:
        """Show (or stop showing) that the server does not answer and Dossier reconnects."""

    def show_theirs(self) -> None:
        """Redraw from the store after a change: ours undone or redone, or theirs kept."""

    def changes_taken_in(self) -> None:
        """Redraw after other analysts' changes came in."""
