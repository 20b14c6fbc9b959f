"""Pick the entity a mention refers to: fuzzy completion over entities and aliases, or a new one.

Typing filters existing entities (by name and alias, and by other spellings of them:
``Sergei Shoigu`` finds ``Sergey Shoigu``, :func:`store.fuzzy.name_score`); after them come two
rows for a new entity with the typed name: "+ new PERSON “…”" makes it with the type its form
suggests (a name a person, an acronym an organisation, a designation with digits equipment),
said in the row so Enter is a choice made knowingly, and "+ new entity “…”" asks for the type.
Choosing an existing entity under another spelling adds that spelling to its aliases (the
store does). Asked for a type, typing filters the types (``equ`` → EQUIPMENT), and a type of
your own is made only by choosing its row ("+ new type"). Up/down move in the list while
typing; Enter chooses; Escape cancels. The types offered are the settings file's
``entity_types`` (the app's :attr:`entity_types`), else :data:`store.ENTITY_TYPES`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from store import ENTITY_TYPES, Entity
from store.fuzzy import fuzzy_score
from store.sanitize import sanitize_line
from tui.dialogs.dialog import Dialog
from tui.dialogs.field_keys import focus_first_field, steer_list_from_field


@dataclass(frozen=True, slots=True)
class EntityChoice:
    """An existing entity (``entity_id``) or a new one (``name`` and ``type``)."""

    entity_id: str | None = None
    name: str | None = None
    type: str | None = None


def offered_types(app: App) -> tuple[str, ...]:
    """The entity types the app offers, in order (the settings' ``entity_types``)."""
    types = getattr(app, "entity_types", None)
    return tuple(types) if types else ENTITY_TYPES


def first_offer(quote: str, search, types: Sequence[str] = ENTITY_TYPES) -> EntityChoice | None:
    """What the picker offers first for ``quote``, so ``E`` can take it without opening the picker.

    The best existing entity by name, alias or another spelling (``search`` as the picker's),
    else a new entity with the type its form suggests (among ``types``); ``None`` for a quote
    with no letters.
    """
    name = sanitize_line(" ".join(quote.split()))
    if not name:
        return None
    found = search(name)
    if found:
        return EntityChoice(entity_id=found[0][0].id)
    return EntityChoice(name=name, type=types[_guess_type(name, types)])


class EntityPicker(Dialog[EntityChoice | None]):
    """Modal: choose or create the entity for a mention."""

    BINDINGS: list[BindingType] = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(
        self, quote: str, search, *, current: Entity | None = None, types: Sequence[str] | None = None
    ) -> None:
        """``search(query)`` returns ``[(entity, matched name), ...]`` best first.

        ``types`` are the types offered (default: the app's, :func:`offered_types`).
        """
        super().__init__()
        self._types = tuple(types) if types else None
        self.quote = " ".join(quote.split())  # a selection over a paragraph break: one line here
        self.search = search
        self.current = current
        self._new_name: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(Text.assemble("Tag ", (f"“{self.quote[:60]}”", "bold"), " as an entity"), id="dialog-title")
            yield Input(value=self.current.name if self.current else self.quote, id="entity-query")
            yield OptionList(id="entity-choices")
            yield Static("↑↓ choose · Enter confirm · Esc cancel", classes="dialog-help")

    @property
    def types(self) -> tuple[str, ...]:
        """The entity types offered, in order."""
        return self._types or offered_types(self.app)

    def on_mount(self) -> None:
        focus_first_field(self, "#entity-query")
        self._refill()

    @on(Input.Changed, "#entity-query")
    def _changed(self) -> None:
        if self._new_name is None:
            self._refill()
        else:
            self._refill_types()

    def _refill(self) -> None:
        query = sanitize_line(self.query_one("#entity-query", Input).value)
        options = self.query_one("#entity-choices", OptionList)
        rows: list[Option] = []
        exact = False
        for entity, matched in self.search(query):
            prompt = Text(entity.name, end="")
            prompt.append(f"  {entity.type}", style="dim")
            if matched != entity.name:
                prompt.append(f"  (as “{matched}”)", style="dim italic")
            rows.append(Option(prompt, id=f"e:{entity.id}"))
            exact = exact or any(n.casefold() == query.casefold() for n in entity.names())
        if query and not exact:
            guessed = self.types[_guess_type(query, self.types)]
            rows.append(Option(Text.assemble(f"+ new {guessed} ", (f"“{query}”", "bold")), id=f"guess:{guessed}"))
            rows.append(Option(Text.assemble("+ new entity ", (f"“{query}”", "bold"), " of another type…"), id="new"))
        options.set_options(rows)
        if rows:
            options.highlighted = 0

    def _ask_type(self, name: str) -> None:
        self._new_name = name
        self.query_one("#dialog-title", Static).update(Text.assemble("Type of ", (f"“{name}”", "bold"), "?"))
        query = self.query_one("#entity-query", Input)
        query.placeholder = "type to filter, or a type of your own, e.g. UNIT"
        with self.prevent(Input.Changed):
            query.value = ""
        self._refill_types()
        self.query_one("#entity-choices", OptionList).highlighted = _guess_type(name, self.types)

    def _refill_types(self) -> None:
        """The types matching what is typed (best first), then a row to make it a new type."""
        typed = sanitize_line(self.query_one("#entity-query", Input).value).upper()
        scored = sorted(
            ((score, kind) for kind in self.types if (score := fuzzy_score(typed, kind)) is not None),
            key=lambda item: -item[0],
        )
        kinds = [kind for _, kind in scored] if typed else list(self.types)
        rows = [Option(kind, id=f"t:{kind}") for kind in kinds]
        if typed and typed not in kinds:
            rows.append(Option(Text.assemble("+ new type ", (f"“{typed}”", "bold")), id=f"n:{typed}"))
        options = self.query_one("#entity-choices", OptionList)
        options.set_options(rows)
        # A type of one's own is made only by moving to its row: a typo then Enter makes nothing.
        options.highlighted = 0 if kinds else None

    def on_key(self, event: events.Key) -> None:
        steer_list_from_field(
            event, self.query_one("#entity-query", Input), self.query_one("#entity-choices", OptionList)
        )

    @on(Input.Submitted, "#entity-query")
    def _submitted(self) -> None:
        options = self.query_one("#entity-choices", OptionList)
        option = options.highlighted_option
        if option is not None:
            self._choose(option.id or "")

    @on(OptionList.OptionSelected, "#entity-choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id or "")

    def _choose(self, key: str) -> None:
        if key.startswith("e:"):
            self.dismiss(EntityChoice(entity_id=key[2:]))
        elif key.startswith("guess:"):
            self.dismiss(EntityChoice(name=sanitize_line(self.query_one("#entity-query", Input).value), type=key[6:]))
        elif key == "new":
            self._ask_type(sanitize_line(self.query_one("#entity-query", Input).value))
        elif (key.startswith("t:") or key.startswith("n:")) and self._new_name:
            self.dismiss(EntityChoice(name=self._new_name, type=key[2:]))

    def action_cancel(self) -> None:
        """Close without tagging."""
        self.dismiss(None)


def _guess_type(name: str, types: Sequence[str]) -> int:
    """Index in ``types`` of a likely type, as a starting highlight only; the user confirms.

    Acronyms are ORG, designations with digits EQUIPMENT, everything else PERSON; when the
    user's types do not hold the guess, the first of them.
    """
    letters = name.replace(" ", "")
    if any(ch.isdigit() for ch in name):
        guess = "EQUIPMENT"
    elif letters.isupper() and len(letters) <= 6:
        guess = "ORG"
    else:
        guess = "PERSON"
    return types.index(guess) if guess in types else 0
