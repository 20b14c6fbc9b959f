"""Planning the merge of a Dossier export (see :mod:`store.export`) into a store.

Records keep their ids, so merging the same export twice adds nothing. An entity already here
under the same name is reused (the export's aliases are added to it, except those that are
another entity's names here: a name belongs to one entity). Everything read from the
file is neutralised one for one, so offsets stay right; an annotation whose quote is not at its
offsets is re-anchored, or kept as an orphan. Each annotation that did not anchor (orphaned, or its article absent) is
listed in :attr:`ImportReport.not_anchored`, named by its optional ``read_from`` field (where a
reader of another format found it: ``file.ann#T3``) or else by the export's origin and its id.
"""

from __future__ import annotations

from typing import Any

from store import anchoring, codec
from store.annotating import EntityResolver
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, Change, Changeset, Doc
from store.linking import with_link
from store.models import LINK_KINDS, ImportReport, Unanchored
from store.sanitize import neutralize
from store.view import View


def _text(value: Any) -> str:
    return neutralize(str(value)) if value is not None else ""


#: Records asked of the store at once when a merge looks up what it already holds.
_LOOKUP_BATCH = 2000


def _looked_up(view: View, raws: list[dict[str, Any]], texts: dict[str, str | None]) -> set[str]:
    """The tags' articles' texts (into ``texts``) and which of the tags the store holds already.

    Asked in batches, not one record at a time: on a server each question is a round trip,
    and a merge of 94,000 tags on 9,400 articles asked 100,000 of them (25 s; see
    ``tests/benchmarks/bench_exchange.py``).
    """
    wanted = list(dict.fromkeys(_text(raw["article_id"]) for raw in raws if _text(raw["article_id"]) not in texts))
    for start in range(0, len(wanted), _LOOKUP_BATCH):
        chunk = wanted[start : start + _LOOKUP_BATCH]
        found = view.articles_of(chunk)
        texts.update({key: found[key].text if key in found else None for key in chunk})
    keys = list(dict.fromkeys(_text(raw["id"]) for raw in raws))
    present: set[str] = set()
    for start in range(0, len(keys), _LOOKUP_BATCH):
        present.update(view.docs_of(ANNOTATIONS, keys[start : start + _LOOKUP_BATCH]))
    return present


def plan_merge(view: View, data: dict[str, Any], report: ImportReport, origin: str, user: str) -> Changeset:
    """The changeset that merges ``data`` (a parsed export) into the store."""
    changes: list[Change] = []
    texts: dict[str, str | None] = {}  # this changeset's articles, and stored ones looked up

    def text_of(key: str) -> str | None:
        if key not in texts:
            try:
                texts[key] = view.article(key).text
            except KeyError:
                texts[key] = None
        return texts[key]

    for raw in data.get("articles", []):
        key, text = _text(raw["id"]), _text(raw["text"])
        if text_of(key) is not None:
            if texts[key] == text:
                report.unchanged.append((f"{origin}#{key}", key))
            else:
                report.skipped.append((f"{origin}#{key}", "an article with this id and other text is here"))
            continue
        extracted: dict[str, Any] = {f: _text(raw.get(f)) or None for f in ("title", "source", "author", "url")}
        extracted["published"] = codec.iso_date(raw.get("published"))
        language = raw.get("language")
        doc = codec.article_doc(
            key,
            text,
            origin=_text(raw.get("origin") or origin),
            extracted=extracted,
            language=_text(language) if isinstance(language, str) else None,
        )
        changes.append(Change(ARTICLES, key, None, doc))
        texts[key] = text
        report.added.append((f"{origin}#{key}", key))
    resolver = EntityResolver(view)
    raw_entities = data.get("entities", [])
    resolver.prefetch(  # every id and name at once: one round trip per batch, not two per entity
        {_text(raw["id"]) for raw in raw_entities}
        | {_text(name) for raw in raw_entities for name in [raw["name"], *raw.get("aliases", [])]}
    )
    entity_ids: dict[str, str] = {}
    for raw in data.get("entities", []):
        raw_id = _text(raw["id"])
        names = [_text(raw["name"]), *(_text(a) for a in raw.get("aliases", []))]
        found = resolver.find(raw_id) or resolver.find(names[0])
        if found is None:
            aliases = [name for name in names[1:] if resolver.free(name, raw_id)]
            doc = codec.entity_doc(names[0], _text(raw.get("type")) or "ORG", aliases, key=raw_id)
            doc["note"] = _text(raw.get("note"))
            resolver.remember(doc)
            changes.append(Change(ENTITIES, raw_id, None, doc))
            report.entities_added += 1
        else:
            known = {codec.name_key(n) for n in [found["name"], *found.get("aliases", [])]}
            extra = [n for n in names if codec.name_key(n) not in known and resolver.free(n, found["id"])]
            if extra:
                after = {**found, "aliases": [*found.get("aliases", []), *extra]}
                resolver.remember(after)
                changes.append(Change(ENTITIES, found["id"], found, after))
            doc = found
        entity_ids[raw_id] = doc["id"]
    merged_entities = set(entity_ids.values())
    raws = data.get("annotations", [])
    present = _looked_up(view, raws, texts)
    for raw in raws:
        key, article_id = _text(raw["id"]), _text(raw["article_id"])
        text = text_of(article_id)
        quote, prefix, suffix = (_text(raw.get(f)) for f in ("quote", "prefix", "suffix"))
        source = _text(raw.get("read_from")) or f"{origin}#{key}"
        if text is None:
            report.not_anchored.append(Unanchored(source, quote, f"article {article_id} is not in the store"))
            continue
        if key in present:
            continue
        anchor = anchoring.reanchor(text, quote, prefix, suffix, int(raw["start"]))
        if not anchor.found:
            why = "its words are not in the article's text: kept as an orphan" if quote else "it quotes nothing"
            report.not_anchored.append(Unanchored(source, quote, why, kept=True))
        start, end = (anchor.start, anchor.end) if anchor.found else (int(raw["start"]), int(raw["end"]))
        raw_entity = _text(raw.get("entity_id")) or None
        entity_id = entity_ids.get(raw_entity, raw_entity) if raw_entity else None
        if entity_id and entity_id not in merged_entities and not view.has(ENTITIES, entity_id):
            # A tag may not name an entity that is not there (the app and ``show`` look it up):
            # its words, labels and note come in as a passage, and the report says so.
            report.skipped.append(
                (source, f"its entity {entity_id} is neither in the file nor here: kept as a passage")
            )
            entity_id = None
        status = raw.get("status") if raw.get("status") in ("accepted", "suggested", "rejected") else "accepted"
        doc = {
            "id": key,
            "article_id": article_id,
            "start": max(0, start),
            "end": max(0, start, end),
            "quote": quote,
            "prefix": prefix,
            "suffix": suffix,
            "kind": "entity" if entity_id else "passage",
            "entity_id": entity_id,
            "labels": codec.clean_labels(raw.get("labels", [])),
            "note": _text(raw.get("note")),
            "status": status,
            "author": _text(raw.get("author") or user),
            "created": _text(raw.get("created")) or codec.now(),
            "updated": _text(raw.get("updated")) or codec.now(),
            "orphaned": not anchor.found,
        }
        changes.append(Change(ANNOTATIONS, key, None, doc))
        report.tags_added += 1
        report.orphaned += not anchor.found
    changes = _with_links(view, changes, data.get("links"), report, origin)
    return Changeset(f"import {origin}", tuple(changes))


def settle_report(report: ImportReport, planned: Changeset, committed: Changeset, added_from: int) -> None:
    """Make ``report`` say what ``committed`` wrote, not what ``planned`` meant to.

    Another process merging the same file at the same moment (two imports of one export, two
    analysts) plans the same records under the same ids; the one that saves second finds them
    written and writes nothing for them (:func:`store.merging.rebase`). Its report must not
    claim them: its articles are "unchanged", its tags and entities not "added".
    ``added_from`` is where this merge's entries start in ``report.added``.
    """
    written = {(c.table, c.key) for c in committed.changes if c.before is None and c.after is not None}
    for change in planned.changes:
        if change.before is not None or change.after is None or (change.table, change.key) in written:
            continue
        if change.table == ANNOTATIONS:
            report.tags_added -= 1
            report.orphaned -= bool(change.after.get("orphaned"))
        elif change.table == ENTITIES:
            report.entities_added -= 1
    mine = report.added[added_from:]
    report.added[added_from:] = [entry for entry in mine if (ARTICLES, entry[1]) in written]
    report.unchanged.extend(entry for entry in mine if (ARTICLES, entry[1]) not in written)


def _with_links(
    view: View, changes: list[Change], raw_links: object, report: ImportReport, origin: str
) -> list[Change]:
    """The export's links between tags, put in both tags' documents (new or stored ones).

    A link naming a tag that is neither in the export nor in the store, or of a kind this
    Dossier does not know, is left out. A link the store already holds stays as it is here;
    when the export says otherwise (another kind or note: another analyst's judgement), the
    report says so, with both, so that nobody's judgement is dropped unseen.
    """
    if not isinstance(raw_links, list):
        return changes
    at = {change.key: index for index, change in enumerate(changes) if change.table == ANNOTATIONS}
    updated = list(changes)

    def current(key: str) -> Doc | None:
        if key in at:
            return updated[at[key]].after
        return view.doc(ANNOTATIONS, key)

    for raw in raw_links:
        if not isinstance(raw, dict) or raw.get("kind") not in LINK_KINDS:
            continue
        first, second = _text(raw.get("first")), _text(raw.get("second"))
        if not first or not second or first == second or current(first) is None or current(second) is None:
            continue
        link = {
            "kind": raw["kind"],
            "note": _text(raw.get("note")),
            "author": _text(raw.get("author")),
            "created": _text(raw.get("created")) or codec.now(),
        }
        held = (current(first) or {}).get("links") or {}
        if second in held:
            here = held[second]
            if (here.get("kind"), here.get("note", "")) != (link["kind"], link["note"]):
                report.links_kept += 1
                report.skipped.append(
                    (
                        f"{origin}#link {first} {second}",
                        f"linked here as “{here.get('kind')}”, in the export as “{link['kind']}”"
                        f"{' (' + link['note'] + ')' if link['note'] else ''}: kept as it is here",
                    )
                )
            continue
        report.links_added += 1
        for key, other in ((first, second), (second, first)):
            doc = current(key)
            assert doc is not None
            if other in (doc.get("links") or {}):
                continue
            after = with_link(doc, other, link)
            if key in at:
                change = updated[at[key]]
                updated[at[key]] = Change(ANNOTATIONS, key, change.before, after)
            else:
                at[key] = len(updated)
                updated.append(Change(ANNOTATIONS, key, doc, after))
    return updated
