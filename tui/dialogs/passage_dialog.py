"""Mark a passage: labels (with completion from labels already used) and a free-text note."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Static

from tui.dialogs.dialog import Dialog
from tui.dialogs.field_keys import focus_first_field


@dataclass(frozen=True, slots=True)
class PassageChoice:
    """Labels and note for a passage."""

    labels: tuple[str, ...]
    note: str


class LabelSuggester(Suggester):
    """Completes the label being typed (the part after the last comma) from known labels."""

    def __init__(self, labels: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.labels = labels

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(",")
        typed = last.lstrip()
        if not typed:
            return None
        for label in self.labels:
            if label.casefold().startswith(typed.casefold()) and label.casefold() != typed.casefold():
                prefix = f"{head}, " if head else ""
                return prefix + label
        return None


def split_labels(value: str) -> tuple[str, ...]:
    """Comma-separated labels, trimmed, empty ones dropped."""
    return tuple(part.strip() for part in value.split(",") if part.strip())


class PassageDialog(Dialog[PassageChoice | None]):
    """Modal: labels and note for a passage. Enter moves on and saves; Escape cancels."""

    BINDINGS: list[BindingType] = [
        Binding("escape", "cancel", "Cancel", id="passage.cancel"),
        Binding("ctrl+s", "save", "Save", id="passage.save"),
    ]

    def __init__(
        self,
        quote: str,
        known_labels: list[str],
        *,
        labels: tuple[str, ...] = (),
        note: str = "",
        editing: bool = False,
    ) -> None:
        """``editing``: the passage exists (its labels and note are given), and the title says so."""
        super().__init__()
        self.editing = editing
        self.quote = quote
        self.known_labels = known_labels
        self.initial_labels = labels
        self.initial_note = note

    def compose(self) -> ComposeResult:
        excerpt = " ".join(self.quote.split())
        if len(excerpt) > 120:
            excerpt = excerpt[:117] + "…"
        with Vertical(id="dialog", classes="dialog"):
            verb = "Edit passage " if self.editing else "Mark passage "
            yield Static(Text.assemble(verb, (f"“{excerpt}”", "italic")), id="dialog-title")
            yield Input(
                value=", ".join(self.initial_labels),
                placeholder="labels, comma-separated (→ completes)",
                suggester=LabelSuggester(self.known_labels),
                id="passage-labels",
            )
            yield Input(value=self.initial_note, placeholder="note", id="passage-note")
            known = ", ".join(self.known_labels[:8])
            yield Static(
                Text(f"Known labels: {known}" if known else "No labels used yet.", style="dim"), classes="dialog-help"
            )
            yield Static("Enter: next field / save · Esc cancel", classes="dialog-help")

    def on_mount(self) -> None:
        focus_first_field(self, "#passage-labels")

    @on(Input.Submitted, "#passage-labels")
    def _labels_done(self) -> None:
        self.set_focus(self.query_one("#passage-note", Input))

    @on(Input.Submitted, "#passage-note")
    def _note_done(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Save the passage."""
        labels = split_labels(self.query_one("#passage-labels", Input).value)
        self.dismiss(PassageChoice(labels, self.query_one("#passage-note", Input).value))

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
