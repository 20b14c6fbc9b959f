"""brat standoff in: ``.ann`` files (ours, brat's, another tool's) as an export document.

Each ``.ann`` is paired with the ``.txt`` of the same name beside it and matched to a stored
article: the file name is the article's id, or else the text is identical to a stored
article's. A ``.txt`` that matches no stored article is imported as a new article (its file
name its id when that is one of ours, else the hash of its text, as ingest names articles), so
a corpus annotated in brat comes in whole; an ``.ann`` with neither a stored article nor a
``.txt`` has its annotations reported as not anchored, and nothing is invented.

Text-bound annotations (``T``) become tags: of type ``Passage`` a passage, of any other type an
entity mention — of the entity its ``N`` line names (``dossier:<id>``), else of an entity named
as the words it covers, typed as the ``T`` line says. Attributes become labels (``Label`` and
``Status`` are ours; another tool's ``Negation`` becomes the label ``Negation``, a valued one
``Confidence: L1``); ``AnnotatorNotes`` become notes. Relations, events and equivalences (``R``,
``E``, ``*``) have nothing in Dossier to become: each is reported, as is any line that is not
brat (one damaged line loses only itself). Quotes and their context are taken from the
``.txt``, so :meth:`store.Store.merge_export` re-anchors each tag on the stored text even
when that text has changed since.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from store import anchoring
from store.codec import name_key
from store.decoding import NotText
from store.exchange import brat
from store.ingest import origin_text, read_limited
from store.models import STATUSES
from store.sanitize import without_controls
from store.store import Store

_OFFSETS = re.compile(r"\d+ \d+(;\d+ \d+)*")
_ID = re.compile(r"[TNA#RE*M]\S*")


@dataclass
class _Span:
    kind: str
    pieces: list[tuple[int, int]]
    text: str


@dataclass
class ParsedAnn:
    """The lines of one ``.ann`` that Dossier can use, by the id of the ``T`` line they are about."""

    spans: dict[str, _Span] = field(default_factory=dict)
    references: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # T id → (N id, rid, name)
    attributes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    comments: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # T or N id → (type, text)
    problems: list[tuple[str, str]] = field(default_factory=list)


def parse_ann(content: str, origin: str) -> ParsedAnn:
    """Every line of an ``.ann``: those we use kept, the others reported (``origin:line``, why)."""
    parsed = ParsedAnn()
    for number, line in enumerate(content.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        fields = line.split("\t")
        if not _ID.fullmatch(fields[0]) or len(fields) < 2:
            parsed.problems.append((where, "not a brat annotation line: left out"))
            continue
        head = fields[1].split(" ")
        kind = fields[0][0]
        if kind == "T" and len(head) >= 2 and _OFFSETS.fullmatch(" ".join(head[1:])):
            pieces = [tuple(int(n) for n in p.split(" ")) for p in " ".join(head[1:]).split(";")]
            if all(a <= b for a, b in pieces):
                parsed.spans[fields[0]] = _Span(head[0], [(a, b) for a, b in pieces], "\t".join(fields[2:]))
                continue
        elif kind == "N" and len(head) == 3:
            parsed.references[head[1]] = (fields[0], head[2], "\t".join(fields[2:]))
            continue
        elif kind in "AM" and len(head) in (2, 3):
            parsed.attributes.setdefault(head[1], []).append((head[0], head[2] if len(head) == 3 else ""))
            continue
        elif kind == "#" and len(head) == 2 and len(fields) >= 3:
            parsed.comments.setdefault(head[1], []).append((head[0], "\t".join(fields[2:])))
            continue
        elif kind in "RE*":
            what = {"R": "a relation", "E": "an event", "*": "an equivalence"}[kind]
            parsed.problems.append((where, f"{what}: Dossier has no such thing, left out"))
            continue
        parsed.problems.append((where, "a brat line Dossier cannot read: left out"))
    return parsed


class BratReader:
    """Reads ``.ann`` files (with their ``.txt``) into one export document for a store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.document: dict[str, Any] = {"format": "dossier-export", "articles": [], "entities": [], "annotations": []}
        self.problems: list[tuple[str, str]] = []
        self._by_text: dict[str, str] | None = None
        self._entities: set[str] = set()

    def read_path(self, path: Path) -> None:
        """An ``.ann`` file, or a folder (and its subfolders) of them; symbolic links inside are not followed."""
        if path.is_dir():
            for folder, subfolders, names in os.walk(path):
                subfolders.sort()
                for name in sorted(names):
                    if name.endswith(".ann"):
                        self._read_one(Path(folder) / name)
        else:
            self._read_one(path, named=True)

    def _read_one(self, ann_path: Path, *, named: bool = False) -> None:
        origin = origin_text(ann_path)
        if not named and ann_path.is_symlink():
            self.problems.append((origin, "a symbolic link: not followed"))
            return
        content = self._read_text(ann_path)
        if content is None:
            return
        txt_path = ann_path.with_suffix(".txt")
        txt = self._read_text(txt_path) if txt_path.exists() and not txt_path.is_symlink() else None
        if txt_path.is_symlink():
            self.problems.append((str(txt_path), "a symbolic link: not followed"))
        parsed = parse_ann(content, origin)
        self.problems.extend(parsed.problems)
        # brat counts offsets on the .txt as it is; the article holds it without controls
        # (Windows line ends, tabs), and each span is moved with its words.
        text, moved = without_controls(txt) if txt is not None else (None, None)
        article_id = self._article_for(ann_path.stem, text, str(txt_path))
        for t_id, span in parsed.spans.items():
            tag = self._tag(parsed, t_id, span, article_id, (txt, text, moved), f"{origin}#{t_id}")
            if tag is not None:
                self.document["annotations"].append(tag)

    def _read_text(self, path: Path) -> str | None:
        try:
            return read_limited(path).decode("utf-8")
        except NotText as exc:
            self.problems.append((str(path), f"{exc}: left out"))
        except UnicodeDecodeError:
            self.problems.append((str(path), "not UTF-8 text: left out"))
        except OSError as exc:
            self.problems.append((str(path), f"cannot be read ({exc.strerror or exc}): left out"))
        return None

    def _article_for(self, stem: str, txt: str | None, txt_origin: str) -> str:
        """The stored article an ``.ann`` is about, or the new one its ``.txt`` becomes."""
        try:
            self.store.article(stem)
            return stem
        except KeyError:
            pass
        if txt is None:
            return stem  # its tags are reported: no article, no text to make one of
        if self._by_text is None:
            self._by_text = {a.text: a.id for a in self.store.articles()}
            self._by_text.update({a["text"]: a["id"] for a in self.document["articles"]})
        if txt in self._by_text:
            return self._by_text[txt]
        key = stem if re.fullmatch(r"[0-9a-f]{16}", stem) else hashlib.sha256(txt.encode("utf-8")).hexdigest()[:16]
        self.document["articles"].append({"id": key, "text": txt, "origin": txt_origin})
        self._by_text[txt] = key
        return key

    def _tag(
        self,
        parsed: ParsedAnn,
        t_id: str,
        span: _Span,
        article_id: str,
        texts: tuple[str | None, str | None, list[int] | None],
        where: str,
    ) -> dict[str, Any] | None:
        """The tag a ``T`` line makes; ``texts`` is the ``.txt`` as read, as the article holds it, and the map."""
        txt, text, moved = texts
        start, end = span.pieces[0][0], span.pieces[-1][1]
        if txt is not None and text is not None:
            if end > len(txt) or start > end:
                self.problems.append(
                    (where, f"offsets {start}-{end} are outside the text ({len(txt)} characters): left out")
                )
                return None
            written = " ".join(txt[a:b] for a, b in span.pieces)
            if brat.one_line(written) != span.text:
                self.problems.append((where, "its text is not the .txt's at its offsets: left out"))
                return None
            if moved is not None:
                start, end = moved[start], moved[end]
            quote = text[start:end]
            prefix, suffix = anchoring.context(text, start, end)
        else:
            quote, prefix, suffix = span.text, "", ""
        comments = parsed.comments.get(t_id, [])
        meta = dict(_fields(next((text for kind, text in comments if kind == brat.META), "")))
        # Only Dossier percent-escapes its values (its T lines carry a ``Dossier`` line): a note
        # typed in brat's own tool is as written, "100%" and "a%20b" in it included.
        decoded = unquote if any(kind == brat.META for kind, _ in comments) else _as_written
        labels, status = [], "accepted"
        for name, value in parsed.attributes.get(t_id, []):
            if name == brat.STATUS and value in STATUSES:
                status = value
            elif name == brat.LABEL:
                labels.append(decoded(value))
            else:
                labels.append(f"{decoded(name)}: {decoded(value)}" if value else decoded(name))
        note = "\n".join(decoded(text) for kind, text in comments if kind == brat.NOTES)
        entity_id = None if span.kind == brat.PASSAGE else self._entity(parsed, t_id, span, quote)
        identity = f"{article_id}\0{start}\0{end}\0{span.kind}\0{entity_id}\0{labels}"
        return {
            "id": meta.get("id") or "brat-" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16],
            "article_id": article_id,
            "start": start,
            "end": end,
            "quote": quote,
            "prefix": prefix,
            "suffix": suffix,
            "entity_id": entity_id,
            "labels": labels,
            "note": note,
            "status": status,
            "author": meta.get("author", ""),
            "created": meta.get("created", ""),
            "updated": meta.get("updated", ""),
            "read_from": where,
        }

    def _entity(self, parsed: ParsedAnn, t_id: str, span: _Span, quote: str) -> str:
        """The id of the entity a ``T`` line names (added to the document once)."""
        n_id, rid, name = parsed.references.get(t_id, ("", "", ""))
        database, _, key = rid.partition(":")
        if database == brat.ENTITY_DB and key and name.strip():
            entity_id = unquote(key)
        else:
            name = brat.one_line(quote).strip() or span.text
            entity_id = "brat-" + hashlib.sha256(name_key(name).encode("utf-8")).hexdigest()[:16]
        if entity_id not in self._entities:
            self._entities.add(entity_id)
            comments = parsed.comments.get(n_id, []) if n_id else []
            aliases = next((text for kind, text in comments if kind == brat.ALIASES), "")
            decoded = unquote if database == brat.ENTITY_DB else _as_written  # as for a T line's notes
            self.document["entities"].append(
                {
                    "id": entity_id,
                    "name": name,
                    "type": unquote(span.kind).upper(),
                    "aliases": [unquote(a) for a in aliases.split("|") if a],
                    "note": "\n".join(decoded(text) for kind, text in comments if kind == brat.NOTES),
                }
            )
        return entity_id


def _as_written(value: str) -> str:
    return value


def _fields(text: str) -> list[tuple[str, str]]:
    """``key=value`` pairs of a ``Dossier`` line, values unescaped."""
    pairs = []
    for item in text.split(" "):
        key, found, value = item.partition("=")
        if found:
            pairs.append((key, unquote(value)))
    return pairs


def read(store: Store, path: Path) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The export document of the ``.ann`` file or folder at ``path``, and what could not be read."""
    reader = BratReader(store)
    reader.read_path(path)
    return reader.document, reader.problems
