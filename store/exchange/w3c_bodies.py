"""What a W3C annotation's bodies and creator say, in Dossier's terms: an entity, labels, a note, an author.

Split from :mod:`store.exchange.w3c_reading` (which finds the article and the words): bodies come
in many valid shapes (a string IRI, a ``TextualBody``, a ``Choice``, ``bodyValue``, Hypothesis'
own ``tags`` and ``text``), and reading them all is a job of its own.
"""

from __future__ import annotations

from typing import Any

from store.exchange.w3c import ALIASES, DOSSIER_VOCAB, ENTITY, STATUS
from store.models import STATUSES

#: How deep a Choice within a Choice is followed (the model nests none; a hostile file might).
_CHOICE_DEPTH = 4


def types_of(node: dict[str, Any]) -> list[str]:
    """A node's ``type`` values that are names (one or a list, as JSON-LD allows)."""
    return [t for t in many(node.get("type")) if isinstance(t, str)]


def many(value: object) -> list[Any]:
    """A JSON-LD value as a list: absent is none, one is one (the model allows either)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class Bodies:
    """What an annotation's bodies say in Dossier's terms: an entity, labels, a note."""

    def __init__(self, item: dict[str, Any]) -> None:
        self.entity_name = ""
        self.entity_id = ""
        self.entity_type = ""
        self.aliases: list[str] = []
        self.labels: list[str] = []
        self.notes: list[str] = []
        self.classes: list[str] = []
        bodies = many(item.get("body"))
        if isinstance(item.get("bodyValue"), str):  # model §3.2.5: a plain-text comment
            bodies.append({"type": "TextualBody", "value": item["bodyValue"]})
        for body in bodies:
            self._add(body, 0)
        for tag in many(item.get("tags")):  # Hypothesis' own JSON, outside the model
            if isinstance(tag, str):
                self.labels.append(tag)
        if isinstance(item.get("text"), str) and item["text"] and not bodies:
            self.notes.append(item["text"])
        if self.entity_name and self.classes:
            self.entity_type = self.classes.pop(0)
        self.labels.extend(self.classes)  # a classification of a passage: a label

    def _add(self, body: object, depth: int) -> None:
        if isinstance(body, str):  # an IRI of a resource Dossier cannot hold: kept as words
            self.notes.append(body)
            return
        if not isinstance(body, dict):
            return
        if "Choice" in types_of(body):  # the first item is the default (model §3.2.7)
            options = many(body.get("items"))
            if options and depth < _CHOICE_DEPTH:
                self._add(options[0], depth + 1)
            return
        purposes = [p for p in many(body.get("purpose")) if isinstance(p, str)]
        value = body.get("value")
        if not isinstance(value, str):
            source = body.get("source", body.get("id"))
            if isinstance(source, dict):
                source = source.get("id")
            if isinstance(source, str):
                self.notes.append(f"{purposes[0]}: {source}" if purposes else source)
            return
        if "identifying" in purposes and not self.entity_name:
            self.entity_name = value
            entity = body.get(ENTITY, body.get(f"{DOSSIER_VOCAB}entity"))
            self.entity_id = entity if isinstance(entity, str) else ""
            self.aliases = [a for a in many(body.get(ALIASES)) if isinstance(a, str)]
        elif "classifying" in purposes:
            self.classes.append(value)
        elif "tagging" in purposes:
            self.labels.append(value)
        else:  # commenting, describing, no purpose: what a reader wrote about the words
            self.notes.append(value)


def status_of(item: dict[str, Any]) -> str:
    """Dossier's review state from its extension property; a foreign annotation is accepted."""
    status = item.get(STATUS, item.get(f"{DOSSIER_VOCAB}status"))
    return status if status in STATUSES else "accepted"


def author_of(creator: object) -> str:
    """The creator's name (or nickname, or IRI: Hypothesis writes ``acct:user@hypothes.is``)."""
    for agent in many(creator):
        if isinstance(agent, str):
            return agent
        if isinstance(agent, dict):
            for field in ("name", "nickname", "id"):
                value = agent.get(field)
                value = value[0] if isinstance(value, list) and value else value
                if isinstance(value, str) and value:
                    return value
    return ""


def hypothesis_user(item: dict[str, Any]) -> str:
    """Who wrote a Hypothesis annotation: the name they show, else their account (``acct:alice@hypothes.is``)."""
    info = item.get("user_info")
    name = info.get("display_name") if isinstance(info, dict) else None
    user = item.get("user")
    return name if isinstance(name, str) and name else user if isinstance(user, str) else ""
