"""``dossier search QUERY``: the app's search on the command line, for people and for scripts.

The query language is the app's (:mod:`store.query_language`). Plain text lists each hit's
article (title, date, source, id) and the sentence of the hit, the hit between ``»`` and ``«``
when the output is piped and highlighted in a terminal; ``--json`` writes one JSON array a
script can read. Exit codes: 0 found, 1 nothing matched, 2 the query cannot be read (the
message says where, with the query and a caret under that place, on standard error).
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

import click
from rich.console import Console
from rich.text import Text

from store import QueryError, SearchHit, Store
from store.sanitize import neutralize
from tui.cli.context import argument_text, opened, place, store_options


@click.command(
    "search",
    short_help="Search the articles with the query language.",
    epilog="Quote the query for the shell: dossier search 'entity:\"Sergey Shoigu\" Mi-35'."
    " A query starting with - goes after --: dossier search -- -csto treaty",
)
@click.argument("query", nargs=-1, required=True)
@click.option("-n", "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most N hits.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of hits, for scripts.")
@store_options
def search_command(query: tuple[str, ...], limit: int, as_json: bool) -> int:
    """Search the articles with the app's query language.

    Words, "phrases", designations (Mi-35), entity: type: label: source: author: before: after:
    status: note:, AND OR NOT ( ). Exit status: 0 found, 1 nothing matched, 2 a query that
    cannot be read.
    """
    with opened(place()) as store:
        return run_search(store, argument_text(query), limit, as_json)


def run_search(store: Store, query: str, limit: int, as_json: bool, out: TextIO | None = None) -> int:
    """Print the hits of ``query`` (see the module docstring); the exit code."""
    out = out or sys.stdout
    try:
        hits = store.search(query, limit=limit)
    except QueryError as error:
        _explain(query, error)
        return 2
    titles = store.article_titles(hit.article_id for hit in hits)
    if as_json:
        out.write(json.dumps([_as_dict(store, hit, titles) for hit in hits], ensure_ascii=False, indent=2) + "\n")
        return 0 if hits else 1
    console = Console(file=out, highlight=False, soft_wrap=True)
    if not hits:
        console.print(Text(f"No article matches: {neutralize(query)}"))
        return 1
    for number, hit in enumerate(hits, 1):
        article = store.article(hit.article_id)
        about = " · ".join(str(part) for part in (article.published, article.source) if part)
        line = Text(f"{number}. ", style="bold")
        line.append(titles.get(hit.article_id, hit.article_id), style="bold")
        line.append(f"  ({about + ' · ' if about else ''}{hit.article_id})", style="dim")
        console.print(line)
        console.print(_sentence(hit, console.is_terminal))
    return 0


def _sentence(hit: SearchHit, terminal: bool) -> Text:
    """The hit's sentence, indented; the hit highlighted in a terminal, between » « when piped."""
    before, after = hit.highlight
    sentence = Text("   ")
    sentence.append(hit.snippet[:before])
    if terminal:
        sentence.append(hit.snippet[before:after], style="bold reverse")
    elif after > before:
        sentence.append("»" + hit.snippet[before:after] + "«")
    sentence.append(hit.snippet[after:])
    return sentence


def _as_dict(store: Store, hit: SearchHit, titles: dict[str, str]) -> dict[str, object]:
    article = store.article(hit.article_id)
    return {
        "article_id": hit.article_id,
        "title": titles.get(hit.article_id, ""),
        "published": article.published.isoformat() if article.published else None,
        "source": article.source,
        "author": article.author,
        "start": hit.start,
        "end": hit.end,
        "match": article.text[hit.start : hit.end],
        "sentence": hit.snippet,
        "highlight": list(hit.highlight),
        "score": hit.score,
    }


def _explain(query: str, error: QueryError) -> None:
    """The error, then the query with a caret under the place it names (on standard error)."""
    shown = neutralize(query).replace("\n", " ")
    print(f"dossier: search: {neutralize(error.reason)}", file=sys.stderr)
    if len(shown) <= 200:
        print(f"  {shown}", file=sys.stderr)
        print("  " + " " * min(error.position, len(shown)) + "^", file=sys.stderr)
    else:
        print(f"  (at character {error.position + 1})", file=sys.stderr)
