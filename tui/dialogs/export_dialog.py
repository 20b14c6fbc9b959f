"""Export from inside the app: choose a format and a path, for the whole store or the open article.

The same export as ``dossier export`` (:func:`store.exchange.writing.export_to`): written whole
or not at all, as private as the store. The dialog only asks; the screen runs the export in a
thread and says what was written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from store import Article
from tui.dialogs.dialog import Dialog
from tui.dialogs.field_keys import focus_first_field, steer_list_from_field
from tui.dialogs.import_dialog import PathSuggester

#: Format → (what it is, the file or folder name offered).
FORMATS: dict[str, tuple[str, str]] = {
    "json": ("Dossier JSON: everything, for another Dossier store", "dossier-export.json"),
    "jsonl": ("JSON Lines: one record per line, for scripts", "dossier-export.jsonl"),
    "csv": ("CSV: one row per tag, for spreadsheets", "dossier-tags.csv"),
    "brat": ("brat standoff: a folder of .txt + .ann", "dossier-brat"),
    "w3c": ("W3C Web Annotation JSON-LD", "dossier-annotations.jsonld"),
}


@dataclass(frozen=True)
class ExportRequest:
    """What to export: the format, where to, and only one article or all."""

    format: str
    path: Path
    article_id: str | None


class ExportDialog(Dialog[ExportRequest | None]):
    """Modal: ↑↓ choose the format, type the path (→ completes), Enter exports; Tab reaches the scope."""

    BINDINGS: list[BindingType] = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, article: Article | None) -> None:
        super().__init__()
        self.article = article
        self._offered = FORMATS["json"][1]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide"):
            yield Static("Export", id="dialog-title")
            yield Input(value=self._offered, suggester=PathSuggester(), id="export-path")
            yield OptionList(
                *(Option(Text(f"{name:<6} {what}"), id=name) for name, (what, _) in FORMATS.items()),
                id="export-formats",
            )
            if self.article is not None:
                title = self.article.display_title
                yield Checkbox(f"Only the open article: {title[:60]}", id="export-one", value=False)
            yield Static("", id="export-error", markup=False)
            yield Static("↑↓ format · → completes · Enter export · Tab scope · Esc cancel", classes="dialog-help")

    def on_mount(self) -> None:
        focus_first_field(self, "#export-path")
        self.query_one("#export-formats", OptionList).highlighted = 0

    def on_key(self, event: events.Key) -> None:
        steer_list_from_field(event, self.query_one("#export-path", Input), self.query_one(OptionList))

    @on(OptionList.OptionHighlighted, "#export-formats")
    def _format_changed(self, event: OptionList.OptionHighlighted) -> None:
        """Offer the new format's name, unless the user typed a path of their own."""
        field = self.query_one("#export-path", Input)
        offered = FORMATS[event.option.id or "json"][1]
        if field.value == self._offered:
            field.value = offered
        self._offered = offered

    @on(OptionList.OptionSelected, "#export-formats")
    @on(Input.Submitted, "#export-path")
    def _submitted(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        path = Path(os.path.expanduser(raw)) if raw else None
        error = self.query_one("#export-error", Static)
        if path is None:
            error.update("Give a file name (a folder for brat).")
            return
        if not path.absolute().parent.is_dir():
            error.update(f"No folder {path.absolute().parent} to write in.")
            return
        choices = self.query_one(OptionList)
        option = choices.get_option_at_index(choices.highlighted or 0)
        one = self.query("#export-one")
        only = self.article is not None and bool(one) and one.first(Checkbox).value
        self.dismiss(ExportRequest(option.id or "json", path, self.article.id if only and self.article else None))

    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss(None)
