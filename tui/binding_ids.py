"""Every key binding of the app by its id: what a ``[keys]`` entry in the settings may name.

Each ``Binding`` in ``tui/`` has an ``id`` (``reader.tag_entity``, ``screen.search``...), the
name a user remaps it by (Textual's keymap: :meth:`textual.app.App.set_keymap`). The ids are
part of the settings file's format: once released, an id is not renamed. They are found here
from the classes themselves, so the list cannot drift from the code: every module of ``tui``
is imported and every class it defines with ``BINDINGS`` is read.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache

from textual.binding import Binding
from textual.dom import DOMNode

import tui

#: Modules not imported to find bindings: the command line (it would parse ``sys.argv``) and
#: ``python -m tui`` (it would start the app).
_SKIPPED = ("tui.__main__", "tui.cli")


@dataclass(frozen=True, slots=True)
class BindingEntry:
    """One binding as a user may remap it: its id, default keys, what it does and where."""

    id: str
    keys: str
    description: str
    owner: str


@cache
def all_bindings() -> tuple[BindingEntry, ...]:
    """Every binding with an id in the app, in module order (ids are unique: a test says so)."""
    for module in pkgutil.walk_packages(tui.__path__, "tui."):
        if not module.name.startswith(_SKIPPED):
            importlib.import_module(module.name)
    entries: list[BindingEntry] = []
    seen: set[int] = set()  # a subclass that lists its base's bindings holds the same objects
    for cls in _subclasses(DOMNode):
        if not cls.__module__.startswith("tui."):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id and binding.action and id(binding) not in seen:
                seen.add(id(binding))
                entries.append(BindingEntry(binding.id, binding.key, binding.description, cls.__name__))
    return tuple(sorted(entries, key=lambda entry: entry.id))


def binding_ids() -> frozenset[str]:
    """The ids a settings file's ``[keys]`` may remap."""
    return frozenset(entry.id for entry in all_bindings())


def describe_bindings() -> list[str]:
    """Lines for ``dossier settings --keys``: id, default keys, what it does."""
    width = max(len(entry.id) for entry in all_bindings())
    return [f"{entry.id:<{width}}  {entry.keys:<24}  {entry.description or entry.owner}" for entry in all_bindings()]


def _subclasses(cls: type) -> list[type]:
    found: list[type] = []
    seen: set[type] = set()
    stack = [cls]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                found.append(sub)
                stack.append(sub)
    return found
