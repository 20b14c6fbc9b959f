"""Planning corrections to an article's details (title, source, author, date, url).

Corrections are kept in the article's ``overrides``, apart from what was extracted from the
file, so they survive a re-import of a changed file, and two analysts who correct different
details of one article both keep theirs (the merge is field by field).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from store import codec
from store.changes import ARTICLES, Change, Changeset
from store.models import EDITABLE_FIELDS
from store.sanitize import sanitize_line
from store.view import View


def plan_details(view: View, article_id: str, fields: dict[str, Any]) -> Changeset:
    """The change that sets ``fields``; ``published`` takes a ``date``, an ISO string or ``None``."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE_FIELDS)}")
    before = view.doc(ARTICLES, article_id)
    if before is None:
        raise KeyError(article_id)
    overrides = dict(before.get("overrides", {}))
    for name, value in fields.items():
        if name == "published":
            if isinstance(value, str):
                value = date.fromisoformat(value.strip()) if value.strip() else None
            value = value.isoformat() if isinstance(value, date) else None
        elif value is not None:
            value = sanitize_line(str(value)) or None
        overrides[name] = value
    after = codec.effective({**before, "overrides": overrides})
    return Changeset("edit article details", (Change(ARTICLES, article_id, before, after),))
