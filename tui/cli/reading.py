"""``dossier list``, ``show``, ``entities`` and ``stats``: the store read from a script or a shell.

Each prints a Rich table on a terminal, tab-separated lines when piped and JSON with
``--json``; each exits 1 when it found nothing to print, so ``dossier list 'entity:CSTO' ||``
reads naturally in a script.
"""

from __future__ import annotations

from collections import Counter

import click

from store import Article, QueryError, Store
from store.sanitize import neutralize
from tui.cli.context import (
    NOTHING,
    OK,
    CommandFailed,
    argument_text,
    opened,
    place,
    print_json,
    print_table,
    say,
    store_options,
)


@click.command("list", short_help="List the articles (all, or those a query matches).")
@click.argument("query", nargs=-1)
@click.option("-n", "--limit", type=click.IntRange(min=1), default=None, help="At most N articles.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of articles, for scripts.")
@store_options
def list_command(query: tuple[str, ...], limit: int | None, as_json: bool) -> int:
    """List the articles, newest first; with a QUERY, those it matches (the search language).

    For example: dossier list 'entity:Shoigu after:2016', dossier list 'source:eurasianet -label:doubtful'.
    Exit status: 0 listed, 1 none, 2 a query that cannot be read.
    """
    text = argument_text(query)
    with opened(place()) as store:
        store.finish_loading()
        try:
            listing = store.search_listing(text, limit=limit or 100_000) if text.strip() else store.listing()
        except QueryError as error:
            raise CommandFailed(f"list: {error.reason} (at character {error.position + 1})") from None
        rows = listing[: limit or len(listing)]
    if as_json:
        print_json(
            [
                {
                    "id": row.id,
                    "title": row.display_title,
                    "published": row.published.isoformat() if row.published else None,
                    "source": row.source,
                    "author": row.author,
                    "tags": row.tags,
                }
                for row in rows
            ]
        )
    elif rows:
        print_table(
            ("id", "date", "source", "tags", "title"),
            [(row.id, row.published, row.source, row.tags, row.display_title) for row in rows],
        )
    if not rows:
        say(f"no article matches {text}" if text.strip() else "the store holds no articles")
        return NOTHING
    return OK


def _article(store: Store, key: str) -> Article:
    """The article with that id, or the one whose id starts so (as git takes a short hash)."""
    try:
        return store.article(key)
    except KeyError:
        pass
    found = [row.id for row in store.listing() if row.id.startswith(key)] if len(key) >= 4 else []
    if len(found) == 1:
        return store.article(found[0])
    if found:
        raise CommandFailed(f"{len(found)} articles have ids starting {key}: give more of it")
    raise CommandFailed(f"no article {key} in the store (`dossier list` shows the ids)", NOTHING)


@click.command("show", short_help="Show one article: details, text and tags.")
@click.argument("article_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="The article, its tags and entities as JSON.")
@click.option("--no-text", is_flag=True, help="Leave the article's text out (details and tags only).")
@store_options
def show_command(article_id: str, as_json: bool, no_text: bool) -> int:
    """Show one article: its details, its text and its tags (ID, or the start of one)."""
    with opened(place()) as store:
        article = _article(store, argument_text([article_id]))
        tags = store.annotations(article.id)
        entities = {e: store.entity(e) for e in {t.entity_id for t in tags if t.entity_id}}
    if as_json:
        data = article.to_dict()
        if no_text:
            data.pop("text", None)
        data["tags"] = [
            {**tag.to_dict(), "entity": entities[tag.entity_id].to_dict() if tag.entity_id else None} for tag in tags
        ]
        print_json(data)
        return OK
    click.echo(neutralize(article.display_title))
    for field in ("id", "source", "author", "published", "url", "origin"):
        value = getattr(article, field)
        if value:
            click.echo(f"  {field + ':':<11}{neutralize(str(value))}")
    if not no_text:
        click.echo()
        click.echo(article.text)
    click.echo()
    if not tags:
        click.echo("No tags yet.")
        return OK
    rows = []
    for tag in tags:
        entity = entities.get(tag.entity_id or "")
        what = f"{entity.name} ({entity.type})" if entity else "passage " + ", ".join(tag.labels)
        rows.append((f"{tag.start}-{tag.end}", what.strip(), tag.status, tag.quote, tag.note))
    print_table(("at", "tag", "status", "quote", "note"), rows, title=f"{len(tags)} tags")
    return OK


@click.command("entities", short_help="List the entities, most mentioned first.")
@click.argument("name", nargs=-1)
@click.option("--type", "types", multiple=True, metavar="TYPE", help="Only this type, e.g. PERSON (repeatable).")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=None, help="At most N entities.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of entities, for scripts.")
@store_options
def entities_command(name: tuple[str, ...], types: tuple[str, ...], limit: int | None, as_json: bool) -> int:
    """List the entities with their mentions, most mentioned first; NAME narrows to names like it."""
    wanted = {argument_text([t]).upper() for t in types}
    with opened(place()) as store:
        text = argument_text(name).strip()
        found = [entity for entity, _ in store.match_entities(text, limit=10_000)] if text else store.entities()
        found = [e for e in found if not wanted or e.type in wanted]
        mentions = store.mention_counts(e.id for e in found)
    if not text:
        found.sort(key=lambda e: (-mentions.get(e.id, 0), e.name.casefold()))
    found = found[:limit] if limit else found
    if as_json:
        print_json([{**e.to_dict(), "mentions": mentions.get(e.id, 0)} for e in found])
    elif found:
        print_table(
            ("id", "type", "name", "mentions", "aliases"),
            [(e.id, e.type, e.name, mentions.get(e.id, 0), "; ".join(e.aliases)) for e in found],
        )
    if not found:
        say("no entity matches" if text or wanted else "no entities yet: tag a name in the app")
        return NOTHING
    return OK


@click.command("stats", short_help="What the store holds, in figures.")
@click.option("--json", "as_json", is_flag=True, help="The figures as one JSON object, for scripts.")
@store_options
def stats_command(as_json: bool) -> int:
    """What the store holds: articles, entities by type, tags by kind and status, labels, links."""
    with opened(place()) as store:
        articles = store.articles()
        entities = store.entities()
        tags = store.annotations()
        links = store.links()
    dates = sorted(a.published for a in articles if a.published)
    figures = {
        "articles": len(articles),
        "published": {"first": dates[0].isoformat(), "last": dates[-1].isoformat()} if dates else None,
        "sources": dict(Counter(a.source for a in articles if a.source).most_common(10)),
        "entities": len(entities),
        "entities_by_type": dict(Counter(e.type for e in entities).most_common()),
        "tags": len(tags),
        "mentions": sum(1 for t in tags if t.entity_id),
        "passages": sum(1 for t in tags if not t.entity_id),
        "tags_by_status": dict(Counter(t.status for t in tags).most_common()),
        "orphaned": sum(1 for t in tags if t.orphaned),
        "labels": dict(Counter(label for t in tags for label in t.labels).most_common(10)),
        "links": len(links),
        "tag_authors": dict(Counter(t.author for t in tags).most_common(10)),
    }
    if as_json:
        print_json(figures)
        return OK
    rows: list[tuple[str, object]] = []
    for key, value in figures.items():
        if isinstance(value, dict):
            shown = ", ".join(f"{k}: {v}" for k, v in value.items()) or "—"
            rows.append((key.replace("_", " "), shown))
        else:
            rows.append((key.replace("_", " "), "—" if value is None else value))
    print_table(("measure", "value"), rows)
    return OK
