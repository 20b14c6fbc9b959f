"""Planning imports: parsed files become article changes, and changed texts re-anchor their tags.

:meth:`ImportPlan.plan_files` decides, for each parsed file, whether it is new, changed, unchanged or a
duplicate of another article, and records that in the import report. The store saves the
planned changes in batches (so a cancelled import keeps what it finished).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import orjson

from store import anchoring, codec
from store.backend import SaveError, StoreBusyError, StoreConnectionError
from store.changes import ANNOTATIONS, ARTICLES, Change, Changeset, Doc
from store.decoding import NotText
from store.ingest import FoundFile, ParsedFile, SkippedFile, discover, parse_file, read_limited
from store.models import ImportReport
from store.view import View
from store.workers import parallel_map

ProgressCallback = Callable[[int, int, str], None]

#: A Dossier export holds a whole store (tens of MB for 10,000 articles): read it whole up to this.
MAX_EXPORT_BYTES = 1024 * 1024 * 1024
Merger = Callable[..., ImportReport]


class ImportPlan:
    """The changes of one import so far: articles, and the tags their new texts moved."""

    def __init__(self) -> None:
        self.articles: list[Change] = []
        #: Articles of this batch whose text changed: their tags move in the same changeset.
        self.changed_texts: dict[str, str] = {}
        #: What the report will say of this batch's files once it is saved: (list, entry).
        self.outcomes: list[tuple[str, tuple[str, str]]] = []
        self._planned: set[str] = set()

    def take_batch(self, report: ImportReport) -> Callable[[View], Changeset]:
        """The planner of this batch's changeset (articles and their tags' moves); a new batch starts.

        The moves are planned by the store under its lock, from the records as they are when the
        batch is saved (with every other analyst's changes in), not when the files were read: a
        tag deleted or added meanwhile is neither brought back nor left at its old offsets.
        """
        articles, changed, self.articles, self.changed_texts = self.articles, self.changed_texts, [], {}

        def plan(view: View) -> Changeset:
            changes = list(articles)
            for article_id, text in changed.items():
                changes.extend(_reanchor(view, article_id, text, report))
            return Changeset("import", tuple(changes))

        return plan

    def take_outcomes(self) -> list[tuple[str, tuple[str, str]]]:
        """What the batch just saved did, file by file (for the report)."""
        outcomes, self.outcomes = self.outcomes, []
        return outcomes

    def plan_files(self, view: View, files: list[ParsedFile], report: ImportReport) -> None:
        """Plan parsed files, asking the view what it holds of them once for all (not per file)."""
        if not files:
            return
        known = view.article_keys_for_origins(parsed.origin for parsed in files)
        stored = view.docs_of(ARTICLES, [*known.values(), *(parsed.text_hash for parsed in files)])
        for parsed in files:
            existing_id = known.get(parsed.origin)
            self._plan_file(parsed, stored.get(existing_id) if existing_id else None, stored)

    def _plan_file(self, parsed: ParsedFile, existing: Doc | None, stored: dict[str, Doc]) -> None:
        """Plan one file.

        ``existing`` is the article imported from it before, ``stored`` what the store holds of
        the batch's articles.
        """
        origin = parsed.origin
        if existing is not None and existing.get("raw_hash") == parsed.raw_hash:
            self.outcomes.append(("unchanged", (origin, existing["id"])))
            return
        text_id = parsed.text_hash
        if existing is None and (text_id in self._planned or text_id in stored):
            self.outcomes.append(("duplicates", (origin, text_id)))
            return
        cleaned = parsed.article
        key = existing["id"] if existing is not None else text_id
        doc = codec.article_doc(
            key,
            cleaned.text,
            origin=origin,
            raw_hash=parsed.raw_hash,
            encoding=parsed.encoding,
            extracted={
                "title": cleaned.title,
                "source": cleaned.source,
                "author": cleaned.author,
                "published": cleaned.published.isoformat() if cleaned.published else None,
                "url": cleaned.url,
            },
            overrides=existing.get("overrides", {}) if existing else {},
            language=parsed.language,
        )
        self.articles.append(Change(ARTICLES, key, existing, doc))
        self._planned.add(key)
        if existing is None:
            self.outcomes.append(("added", (origin, key)))
            return
        self.outcomes.append(("updated", (origin, key)))
        self.changed_texts[key] = cleaned.text


def _reanchor(view: View, article_id: str, text: str, report: ImportReport) -> list[Change]:
    """Move the article's tags onto the new text by quote and context; orphan the lost ones."""
    changes: list[Change] = []
    for annotation_id in sorted(view.annotation_keys(article_id)):
        before = view.doc(ANNOTATIONS, annotation_id)
        assert before is not None
        anchor = anchoring.reanchor(text, before["quote"], before["prefix"], before["suffix"], before["start"])
        after = dict(before)
        if anchor.found:
            prefix, suffix = anchoring.context(text, anchor.start, anchor.end)
            after.update(start=anchor.start, end=anchor.end, prefix=prefix, suffix=suffix, orphaned=False)
        else:
            after.update(orphaned=True)
            report.orphaned += 1
        if after != before:
            changes.append(Change(ANNOTATIONS, annotation_id, before, after))
    return changes


def run_import(
    view: View,
    paths: Iterable[str | os.PathLike[str]],
    *,
    save: Callable[[Changeset | Callable[[View], Changeset]], Any],
    merge: Merger,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
    batch_size: int = 500,
    prepare: Callable[[Iterable[Doc]], None] | None = None,
) -> ImportReport:
    """Read ``paths`` and save what they hold through ``save``, in batches of ``batch_size``.

    ``prepare``, when the store gives one, makes a batch's stored form while the batch before
    it is being saved (see :meth:`store.backend.Backend.preparing_articles`).

    A ``.json`` file that is a Dossier export is handed to ``merge``; anything else unreadable
    is reported with its reason. Cancelled or interrupted, what was read is saved. A batch that
    cannot be saved stops the import: ``report.stopped`` says why, and the report lists exactly
    the files saved before it (a second run goes on from there: those are then "unchanged").
    """
    report = ImportReport()
    found = list(discover(paths))
    readable = [item for item in found if isinstance(item, FoundFile) and item.path.suffix.lower() != ".json"]
    #: The files parsed in order, by worker processes when there are many.
    parsed_files = parallel_map(parse_file, [item.path for item in readable], [item.origin for item in readable])
    plan = ImportPlan()
    #: Files read and not planned yet: planned together, with one lookup for all of them.
    pending: list[ParsedFile] = []
    #: One batch is saved in a thread while the next files are read (a server store works on
    #: the batch meanwhile); never more than one, so batches are saved in order and a batch
    #: that fails stops the import before the next is sent.
    saver = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dossier-import-save")
    saving: list[Future[None]] = []

    def plan_pending() -> None:
        with view.lock:
            plan.plan_files(view, pending, report)
        pending.clear()

    def save_batch(batch: Callable[[View], Changeset], outcomes: list[tuple[str, tuple[str, str]]]) -> None:
        orphaned_before = report.orphaned
        try:
            committed = save(batch)
        except BaseException:
            report.orphaned = orphaned_before  # the moves counted were not saved either
            raise
        # Another process may have added the same file's article between the plan and the save
        # (two imports of one folder at once): the save then wrote nothing for it, and the
        # report says it was there already, not that this import added it.
        written = (
            {c.key for c in committed.changes if c.table == ARTICLES} if isinstance(committed, Changeset) else None
        )
        for kind, entry in outcomes:
            if kind == "added" and written is not None and entry[1] not in written:
                kind = "unchanged"
            getattr(report, kind).append(entry)

    def saved() -> None:
        """Wait for the batch being saved; its error, if any, is raised here."""
        while saving:
            saving.pop().result()

    def flush(*, wait: bool = False) -> None:
        plan_pending()
        if prepare is not None:
            prepare(change.after for change in plan.articles if change.after is not None)
        saved()
        if plan.articles or plan.outcomes:
            saving.append(saver.submit(save_batch, plan.take_batch(report), plan.take_outcomes()))
        if wait:
            saved()

    try:
        for index, item in enumerate(found, start=1):
            if cancelled is not None and cancelled():
                report.cancelled = True
                break
            if isinstance(item, SkippedFile):
                report.skipped.append((item.origin, item.reason))
                continue
            if item.path.suffix.lower() == ".json":
                flush(wait=True)  # what was read before it is saved before it
                _merge_export_file(item, report, merge)
                continue
            parsed = next(parsed_files)
            if progress is not None:
                progress(index, len(found), str(item.path))
            if isinstance(parsed, SkippedFile):
                report.skipped.append((parsed.origin, parsed.reason))
                continue
            pending.append(parsed)
            if len(pending) >= batch_size:
                plan_pending()
            if len(plan.articles) >= batch_size:
                flush()
        flush(wait=True)
    except (SaveError, StoreBusyError, StoreConnectionError) as exc:
        report.stopped = str(exc)
    except BaseException:
        # Interrupted (Ctrl+C, a signal): keep what was read, then stop as asked.
        with contextlib.suppress(SaveError, StoreBusyError, StoreConnectionError):
            flush(wait=True)
        raise
    finally:
        parsed_files.close()
        saver.shutdown(wait=True)
    return report


def _merge_export_file(found: FoundFile, report: ImportReport, merge: Merger) -> None:
    """A ``.json`` file named for import: a Dossier export is merged, anything else skipped."""
    from store.export import is_export

    origin = found.origin
    try:
        data = orjson.loads(read_limited(found.path, MAX_EXPORT_BYTES))
    except NotText as exc:
        report.skipped.append((origin, str(exc)))
        return
    except (OSError, orjson.JSONDecodeError) as exc:
        report.skipped.append((origin, f"not readable JSON ({exc})"))
        return
    if not is_export(data):
        report.skipped.append((origin, "JSON that is not a Dossier export"))
        return
    merge(data, report=report, origin=origin)
