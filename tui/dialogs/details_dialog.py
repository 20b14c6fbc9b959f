"""Correct an article's details (title, source, author, date, url); corrections survive re-import."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from store import Article
from tui.dialogs.dialog import Dialog
from tui.dialogs.field_keys import focus_first_field

FIELDS = (
    ("title", "Title"),
    ("source", "Source"),
    ("author", "Author"),
    ("published", "Published (YYYY-MM-DD)"),
    ("url", "URL"),
)


class DetailsDialog(Dialog[dict[str, str | None] | None]):
    """Modal: edit an article's metadata; empty fields mean "not stated"."""

    BINDINGS: list[BindingType] = [
        Binding("escape", "cancel", "Cancel", id="details.cancel"),
        Binding("ctrl+s", "save", "Save", id="details.save"),
    ]

    def __init__(self, article: Article) -> None:
        super().__init__()
        self.article = article

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("Article details", id="dialog-title")
            for name, label in FIELDS:
                value = getattr(self.article, name)
                yield Label(label, markup=False)
                yield Input(value=value.isoformat() if isinstance(value, date) else (value or ""), id=f"field-{name}")
            yield Static("", id="details-error", markup=False)
            yield Static("Enter: next field · ctrl+s save · Esc cancel", classes="dialog-help")

    def on_mount(self) -> None:
        focus_first_field(self, "#field-title")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "field-url":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        """Validate and return the edited fields."""
        values: dict[str, str | None] = {}
        for name, _ in FIELDS:
            raw = self.query_one(f"#field-{name}", Input).value.strip()
            values[name] = raw or None
        if values["published"]:
            try:
                date.fromisoformat(values["published"])
            except ValueError:
                self.query_one("#details-error", Static).update("The date must look like 2017-11-29.")
                self.set_focus(self.query_one("#field-published", Input))
                return
        self.dismiss(values)

    def action_cancel(self) -> None:
        """Close without changes."""
        self.dismiss(None)
