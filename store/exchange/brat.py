r"""brat standoff out: a folder brat (and the many tools that read its format) can open.

For each article, ``<article_id>.txt`` holds its text exactly and ``<article_id>.ann`` its
annotations; ``annotation.conf`` declares the types and attributes used. Offsets are
character (code point) offsets on the ``.txt``, as brat counts them: an emoji outside the Basic
Multilingual Plane is one character, never two (UTF-16) or four (UTF-8 bytes).

What each annotation becomes (``T3`` a text-bound annotation, ``N1`` a normalization, ...)::

    T3	PERSON 10 15	Shoigu             an entity mention, typed as its entity
    T4	Passage 40 52;54 60	words more     a passage; a span across a line break is written
                                           as fragments (an .ann line cannot hold one), its
                                           text the fragments' joined by a space
    N1	Reference T3 dossier:<entity_id>	Sergey Shoigu     which entity (id, then name)
    #1	Aliases N1	Shoigu|S.%20K.%20Shoigu                  the entity's aliases (once a file)
    #2	AnnotatorNotes N1	<entity note>                    the entity's note (once a file)
    #3	AnnotatorNotes T4	<note>                           the annotation's note
    A1	Label T4 treaty%20date                               one line per passage label
    A2	Status T4 suggested                                  the review status
    #4	Dossier T4	id=<id> author=alice created=<ISO> updated=<ISO>

Values are percent-escaped (``%`` as ``%25``, a tab as ``%09``, a line break as ``%0A``...;
in attribute values and ``Dossier``/``Aliases`` fields also spaces, ``|``, ``,`` and ``=``),
so no label or note can break the line structure, and reading them back gives them exactly
(decode with :func:`urllib.parse.unquote`). Entity types are escaped the same way (brat types
are single tokens). Entity names and quotes, free text at the end of ``N`` and ``T`` lines,
have tabs and line breaks written as spaces (the quote is checked against the ``.txt``
anyway). An orphaned annotation (its words no longer in the text) has no place brat can show:
it is left out, and counted.

An article whose id is not a plain token (a hand-made export could say ``../x``) gets a file
name made from its id's hash: the folder's files are always its own, never a path elsewhere.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from store.models import STATUSES

PASSAGE = "Passage"
LABEL = "Label"
STATUS = "Status"
NOTES = "AnnotatorNotes"
ALIASES = "Aliases"
META = "Dossier"
REFERENCE = "Reference"
#: Normalization ids of Dossier entities are ``dossier:<entity id>``.
ENTITY_DB = "dossier"
CONF_NAME = "annotation.conf"
#: The first line of the ``annotation.conf`` this module writes: marks a folder as our export.
CONF_MARKER = "# brat standoff written by Dossier (dossier export --format brat)"
#: Characters that end a line for some reader (``str.splitlines``) or split a field: never raw in an .ann.
BREAKS = "\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


def _percent(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def escape_text(value: str) -> str:
    """A note or name as one line: ``%``, tabs, line breaks and other controls percent-escaped."""
    return "".join(_percent(c) if c == "%" or c in BREAKS or ord(c) < 32 or 127 <= ord(c) < 160 else c for c in value)


def escape_token(value: str) -> str:
    """A value as one space-free token (attribute values, types, ``Dossier`` fields)."""
    return "".join(_percent(c) if c in "|,=" or c.isspace() else c for c in escape_text(value))


def one_line(value: str) -> str:
    """Free text at the end of a ``T`` or ``N`` line: each tab or line break a space."""
    return "".join(" " if c in BREAKS else c for c in value)


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` of ``text`` as brat fragments: the pieces between line breaks and tabs."""
    pieces: list[tuple[int, int]] = []
    position = start
    for part in re.split(f"[{re.escape(BREAKS)}]", text[start:end]):
        if part:
            pieces.append((position, position + len(part)))
        position += len(part) + 1
    return pieces


def file_stem(article_id: str) -> str:
    """The file name (without extension) of an article's ``.txt`` and ``.ann``."""
    if _SAFE_NAME.fullmatch(article_id) and article_id != CONF_NAME.removesuffix(".conf"):
        return article_id
    return "article-" + hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:16]


@dataclass
class BratFiles:
    """The folder's files (name → bytes) and how many annotations could not be written."""

    files: dict[str, bytes] = field(default_factory=dict)
    written: int = 0
    #: (annotation id, why) for each annotation brat cannot hold (orphaned, empty).
    left_out: list[tuple[str, str]] = field(default_factory=list)


def to_files(document: dict[str, Any]) -> BratFiles:
    """The brat folder for an export document: a ``.txt`` and ``.ann`` per article, and the conf."""
    out = BratFiles()
    entities = {e["id"]: e for e in document.get("entities", [])}
    by_article: dict[str, list[dict[str, Any]]] = {}
    for tag in document.get("annotations", []):
        by_article.setdefault(tag["article_id"], []).append(tag)
    types: set[str] = set()
    labels: set[str] = set()
    for article in document.get("articles", []):
        text = article.get("text") or ""
        stem = file_stem(article["id"])
        lines = _ArticleLines(text, entities)
        for tag in sorted(by_article.get(article["id"], []), key=lambda t: (t["start"], t["end"], t["id"])):
            why = lines.add(tag)
            if why:
                out.left_out.append((tag["id"], why))
            else:
                out.written += 1
        types |= lines.types
        labels |= lines.labels
        out.files[f"{stem}.txt"] = text.encode("utf-8")
        out.files[f"{stem}.ann"] = "".join(line + "\n" for line in lines.lines).encode("utf-8")
    out.files[CONF_NAME] = _conf(types, labels, manifest(out.files)).encode("utf-8")
    return out


class _ArticleLines:
    """The ``.ann`` lines of one article, numbered as brat numbers them (T1, N1, A1, #1...)."""

    def __init__(self, text: str, entities: dict[str, dict[str, Any]]) -> None:
        self.text = text
        self.entities = entities
        self.lines: list[str] = []
        self.counts = {"T": 0, "N": 0, "A": 0, "#": 0}
        self.described: set[str] = set()  # entities whose aliases and note this file holds
        self.types: set[str] = set()
        self.labels: set[str] = set()

    def _next(self, kind: str) -> str:
        self.counts[kind] += 1
        return f"{kind}{self.counts[kind]}"

    def add(self, tag: dict[str, Any]) -> str:
        """Write one annotation; ``""`` when written, else why it cannot be."""
        start, end = int(tag["start"]), int(tag["end"])
        if tag.get("orphaned"):
            return "orphaned: its words are no longer in the text"
        if not 0 <= start < end <= len(self.text):
            return "its offsets are outside the text or empty"
        pieces = fragments(self.text, start, end)
        if not pieces:
            return "it holds only line breaks"
        entity = self.entities.get(tag.get("entity_id") or "")
        kind = escape_token(entity["type"]) if entity else PASSAGE
        self.types.add(kind)
        span = ";".join(f"{a} {b}" for a, b in pieces)
        quote = " ".join(self.text[a:b] for a, b in pieces)
        t_id = self._next("T")
        self.lines.append(f"{t_id}\t{kind} {span}\t{one_line(quote)}")
        if entity:
            self._entity(t_id, entity)
        for label in tag.get("labels") or ():
            self.labels.add(escape_token(label))
            self.lines.append(f"{self._next('A')}\t{LABEL} {t_id} {escape_token(label)}")
        if tag.get("status") in STATUSES:
            self.lines.append(f"{self._next('A')}\t{STATUS} {t_id} {tag['status']}")
        if tag.get("note"):
            self.lines.append(f"{self._next('#')}\t{NOTES} {t_id}\t{escape_text(tag['note'])}")
        meta = " ".join(
            f"{name}={escape_token(str(tag.get(name) or ''))}" for name in ("id", "author", "created", "updated")
        )
        self.lines.append(f"{self._next('#')}\t{META} {t_id}\t{meta}")
        return ""

    def _entity(self, t_id: str, entity: dict[str, Any]) -> None:
        n_id = self._next("N")
        self.lines.append(
            f"{n_id}\t{REFERENCE} {t_id} {ENTITY_DB}:{escape_token(entity['id'])}\t{one_line(entity['name'])}"
        )
        if entity["id"] in self.described:
            return
        self.described.add(entity["id"])
        if entity.get("aliases"):
            aliases = "|".join(escape_token(alias) for alias in entity["aliases"])
            self.lines.append(f"{self._next('#')}\t{ALIASES} {n_id}\t{aliases}")
        if entity.get("note"):
            self.lines.append(f"{self._next('#')}\t{NOTES} {n_id}\t{escape_text(entity['note'])}")


#: How ``annotation.conf`` lists each file written beside it: ``# file <name> <sha256>``.
MANIFEST_LINE = "# file "


def manifest(files: dict[str, bytes]) -> list[str]:
    """The conf's list of the folder's files and their SHA-256, so a later export can tell them unchanged.

    A folder Dossier wrote is replaced by the next export to it; a file added to it since
    (someone's notes) or changed since (annotations added in brat's own tool, which edits the
    ``.ann`` in place) is someone's work, and an export that finds one refuses to replace the
    folder (:func:`store.exchange.writing.export_to`).
    """
    return [f"{MANIFEST_LINE}{name} {hashlib.sha256(data).hexdigest()}" for name, data in sorted(files.items())]


def listed_files(conf: str) -> dict[str, str] | None:
    """Name → SHA-256 of the files an ``annotation.conf`` of ours lists; None if it lists none."""
    listed = {}
    for line in conf.splitlines():
        if line.startswith(MANIFEST_LINE):
            name, _, digest = line.removeprefix(MANIFEST_LINE).rpartition(" ")
            listed[name] = digest
    return listed or None


def _conf(types: set[str], labels: set[str], files: list[str]) -> str:
    """``annotation.conf``: the entity types and attributes the folder uses, and its files."""
    values = "|".join(sorted(labels)) or "none"
    return "\n".join(
        [
            CONF_MARKER,
            "# The files Dossier wrote here (a later export replaces the folder only if they are unchanged):",
            *files,
            "# Dossier also writes, beside brat's AnnotatorNotes, '#' lines of its own (brat shows",
            f"# only AnnotatorNotes): '{ALIASES}' on an N line (an entity's aliases) and '{META}' on a",
            "# T line (the annotation's id, author, dates). N lines refer to 'dossier:<entity id>'.",
            "# Values are percent-escaped (%25 is '%', %20 a space, %0A a line break).",
            "[entities]",
            PASSAGE,
            *sorted(types - {PASSAGE}),
            "[relations]",
            "[events]",
            "[attributes]",
            f"{LABEL}\tArg:<ENTITY>, Value:{values}",
            f"{STATUS}\tArg:<ENTITY>, Value:{'|'.join(STATUSES)}",
            "",
        ]
    )
