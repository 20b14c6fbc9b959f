"""Questions across the corpus: concordance and co-occurrence (mixed into the store's questions).

Each is answered from the view's lookups (so alike on every store): the articles that may hold
something are found with an index (the full-text index, the tags of an entity), then only
those are read, in chunks, the view's lock held for one chunk at a time.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from store import concordance as kwic
from store.function_words import FUNCTION_WORDS
from store.models import Annotation, Article, ConcordanceLine, Cooccurrence, TimelineItem
from store.query_hits import ENTITY_FILTERS, TAG_FILTERS, all_spans, entity_ids, tag_matches
from store.query_language import Filter, Node, Or, Words, leaves, parse_query
from store.search_index import folded_words
from store.stated_dates import PartialDate, StatedDate, dates_in, sentence_span
from store.textunits import sentence_at
from store.view import View

#: Articles read (and their tags looked at) per hold of the view's lock.
CHUNK = 200
#: The words of an article that :meth:`CorpusQuestions.related_by_words` looks for elsewhere,
#: chosen among its most frequent ones.
TELLING_WORDS, CANDIDATE_WORDS = 8, 40
#: Characters of a stated date's sentence kept either side of it (a sentence may be pages long).
SENTENCE_AROUND = 200
#: A query's concordance reads at most this many of its best articles.
QUERY_ARTICLES = 1000


class CorpusQuestions:
    """Concordance and co-occurrence (see the module docstring); mixed into :class:`~store.queries.StoreQueries`."""

    view: View

    if TYPE_CHECKING:  # provided by the store

        @property
        def annotations_loaded(self) -> bool: ...  # noqa: D102
        def finish_loading(self) -> None: ...  # noqa: D102

    def _articles_in_chunks(self, article_ids: Iterable[str]) -> Iterable[list[Article]]:
        """The articles (in the list's order), a chunk at a time."""
        ordered = self.view.in_list_order(article_ids)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            with self.view.lock:
                found = self.view.articles_of(chunk)
            yield [found[key] for key in chunk if key in found]

    # ------------------------------------------------------------------ concordance

    def concordance(
        self,
        entity_id: str | None = None,
        label: str | None = None,
        query: str | None = None,
        *,
        sort: str = "article",
        exclude_article: str | None = None,
        limit: int | None = None,
    ) -> list[ConcordanceLine]:
        """Every place the entity, the label or the query occurs, as keyword-in-context lines.

        ``entity_id``: its tags, and its names (canonical and aliases) where the text says them
        untagged (:mod:`store.concordance`); ``label``: the passages with that label (case
        aside); ``query``: every place the query matched in its best :data:`QUERY_ARTICLES`
        articles. Exactly one of the three. ``sort``: ``article`` (the list's order), ``date``,
        ``left`` or ``right`` context. ``exclude_article`` leaves one article out (the one open);
        ``limit`` stops after that many lines of the first articles in the list's order (an
        entity named thousands of times, shown in a pane). Raises ``KeyError`` for an unknown
        entity, :class:`~store.query_language.QueryError` for a query that cannot be read.
        """
        if sum(x is not None for x in (entity_id, label, query)) != 1:
            raise ValueError("a concordance is of one entity, one label or one query")
        if not self.annotations_loaded:
            self.finish_loading()
        skip = {exclude_article} if exclude_article is not None else set()
        if entity_id is not None:
            lines = self._entity_concordance(entity_id, skip, limit)
        elif label is not None:
            lines = self._label_concordance(label, skip)
        else:
            assert query is not None
            lines = self._query_concordance(query, skip)
        if limit is not None:
            lines = lines[:limit]
        with self.view.lock:
            order = {key: rank for rank, key in enumerate(self.view.in_list_order({x.article_id for x in lines}))}
        return kwic.sort_lines(lines, sort, order)

    def _entity_concordance(self, entity_id: str, skip: set[str], limit: int | None) -> list[ConcordanceLine]:
        with self.view.lock:
            entity = self.view.entity(entity_id)
            tags: dict[str, list[tuple[str, int, int]]] = {}
            for key, article_id, start, end in self.view.live_mention_spans(entity_id):
                tags.setdefault(article_id, []).append((key, start, end))
        groups = kwic.name_groups(entity)
        named = self.view.articles_with_words(groups) if groups else set()
        pattern = kwic.name_pattern(entity)
        lines: list[ConcordanceLine] = []
        for articles in self._articles_in_chunks((set(tags) | named) - skip):
            with self.view.lock:
                decided = self.view.decided_spans([a.id for a in articles])
            lines += kwic.entity_lines(articles, entity_id, tags, pattern, decided)
            if limit is not None and len(lines) >= limit:
                break
        return lines

    def _label_concordance(self, label: str, skip: set[str]) -> list[ConcordanceLine]:
        wanted = label.lower()
        with self.view.lock:
            passages = [p for p in self.view.passages() if any(x.lower() == wanted for x in p.labels)]
        by_article: dict[str, list[Annotation]] = {}
        for passage in passages:
            if not passage.orphaned and passage.article_id not in skip:
                by_article.setdefault(passage.article_id, []).append(passage)
        lines = []
        for articles in self._articles_in_chunks(by_article):
            for article in articles:
                lines += [kwic.line(article, p.start, p.end, p.id) for p in by_article[article.id]]
        return lines

    def _query_concordance(self, query: str, skip: set[str]) -> list[ConcordanceLine]:
        node = parse_query(query)
        if node is None:
            return []
        hits = self.view.search(node, QUERY_ARTICLES)
        lines = []
        for articles in self._articles_in_chunks(hit.article_id for hit in hits if hit.article_id not in skip):
            spans = self._query_spans(node, articles)
            for article in articles:
                lines += [kwic.line(article, start, end) for start, end in spans[article.id]]
        return lines

    def _query_spans(self, node: Node, articles: list[Article]) -> dict[str, list[tuple[int, int]]]:
        """Article id → every place the query matched there (its words; the tags a filter kept)."""
        positive = list(dict.fromkeys(leaves(node)))
        tag_leaves = [leaf for leaf in positive if isinstance(leaf, Filter) and leaf.field in TAG_FILTERS]
        tags: dict[str, list[Annotation]] = {}
        named: dict[Filter, set[str]] = {}
        if tag_leaves:
            if not self.annotations_loaded:
                self.finish_loading()
            with self.view.lock:
                ids = [a.id for a in articles]
                tags = self.view.annotations_of(ids)
                if any(leaf.field == "status" for leaf in tag_leaves):
                    for key in ids:
                        tags.setdefault(key, []).extend(self.view.rejections(key))
                named = {
                    leaf: entity_ids(leaf, self.view.entity_key, self.view.entities())
                    for leaf in tag_leaves
                    if leaf.field in ENTITY_FILTERS
                }
        found = {}
        for article in articles:
            spans = [
                (tag.start, tag.end)
                for leaf in tag_leaves
                for tag in tags.get(article.id, ())
                if tag_matches(leaf, tag.to_dict(), named.get(leaf))
            ]
            found[article.id] = all_spans(article.text, positive, spans)
        return found

    def hit_spans(self, query: str, article_id: str, *, typing: bool = False) -> list[tuple[int, int]]:
        """Every place in the article that ``query`` matched, in text order (``n`` / ``N`` go through them).

        The places :meth:`search` points at: words, phrases and designations where they occur,
        and the tags a tag filter kept. Raises ``KeyError`` for an unknown article and
        :class:`~store.query_language.QueryError` for a query that cannot be read.
        """
        node = parse_query(query, typing=typing)
        with self.view.lock:
            article = self.view.article(article_id)
        return self._query_spans(node, [article])[article_id] if node is not None else []

    # ------------------------------------------------------------------ timeline

    def timeline(
        self, entity_id: str | None = None, query: str | None = None, label: str | None = None
    ) -> list[TimelineItem]:
        """Articles by publication date, and the dates stated near what is asked, oldest first.

        For an entity, a query or a label: each place its concordance has (:meth:`concordance`)
        gives the dates stated in its sentence (a passage: also those inside it), and each of
        those articles its publication date. With none of the three, the whole corpus: every
        dated article, and the dates stated near its passages. Dates are as precise as stated
        (a year, a month, a day); relative ones are resolved against the publication date
        (:mod:`store.stated_dates`). Undated articles have no place on it.
        """
        if not self.annotations_loaded:
            self.finish_loading()
        if entity_id is None and query is None and label is None:
            with self.view.lock:
                listing = self.view.listing("", False)
                rows = listing.rows(0, len(listing))
                passages = [p for p in self.view.passages() if not p.orphaned]
            items = [TimelineItem(PartialDate.of(r.published), "published", r.id) for r in rows if r.published]
            places = [(p.article_id, p.start, p.end, p.id) for p in passages]
            return _in_order(items + self._stated_near(places, published=False), self.view)
        if label is not None:
            places = [(x.article_id, x.start, x.end, x.annotation_id) for x in self.concordance(label=label)]
        else:
            lines = self.concordance(entity_id=entity_id, query=query)
            places = [(x.article_id, x.start, x.start, x.annotation_id) for x in lines]
        return _in_order(self._stated_near(places, published=True), self.view)

    def _stated_near(self, places: list[tuple[str, int, int, str]], *, published: bool) -> list[TimelineItem]:
        """The dates stated near each ``(article, start, end, tag)``; ``published``: with the articles' dates."""
        by_article: dict[str, list[tuple[int, int, str]]] = {}
        for article_id, start, end, tag in places:
            by_article.setdefault(article_id, []).append((start, end, tag))
        items: list[TimelineItem] = []
        for articles in self._articles_in_chunks(by_article):
            for article in articles:
                if published and article.published:
                    items.append(TimelineItem(PartialDate.of(article.published), "published", article.id))
                # Each sentence read once, however many of the places are in it (a chronology
                # of a thousand rows may be one sentence naming the entity in every row).
                sentences: dict[tuple[int, int], str] = {}
                for start, end, tag in by_article[article.id]:
                    span = sentence_span(article.text, start, end)
                    if span in sentences:
                        continue
                    sentences[span] = tag
                    for stated in dates_in(article.text, *span, article.published):
                        items.append(_stated_item(article, stated, tag, span))
        return items

    # ------------------------------------------------------------------ related by words

    def related_by_words(self, article_id: str, limit: int = 10) -> list[tuple[Article, float, list[str]]]:
        """Articles that share this one's most telling words, best first, with those words.

        For an article with no tags yet (:meth:`related` ranks by shared entities): its words
        weighted by tf-idf (how often here, how rare in the corpus), the best
        :data:`TELLING_WORDS` of those found in another article too, asked as one ranked OR
        search. Raises ``KeyError`` for an unknown article.
        """
        with self.view.lock:
            article = self.view.article(article_id)
        counts = Counter(
            w for w in folded_words(article.text) if len(w) > 3 and not w.isdigit() and w not in FUNCTION_WORDS
        )
        if not counts:
            return []
        # The rarity of the article's most frequent words only: a server counts each one.
        frequencies = self.view.document_frequencies([word for word, _ in counts.most_common(CANDIDATE_WORDS)])
        total = max(self.view.count(), 1)
        weights = {
            word: count * math.log(total / frequencies[word])
            for word, count in counts.items()
            if frequencies.get(word, 0) >= 2
        }
        telling = sorted(weights, key=lambda word: (-weights[word], word))[:TELLING_WORDS]
        if not telling:
            return []
        hits = self.view.search(Or(tuple(Words((word,)) for word in telling)), limit + 1)
        hits = [hit for hit in hits if hit.article_id != article_id][:limit]
        with self.view.lock:
            others = self.view.articles_of(hit.article_id for hit in hits)
        found = []
        for hit in hits:
            other = others.get(hit.article_id)
            if other is not None:
                shared = set(folded_words(other.text))
                found.append((other, hit.score, [word for word in telling if word in shared]))
        return found

    # ------------------------------------------------------------------ co-occurrence

    def cooccurrence(self, entity_id: str, limit: int = 50) -> list[Cooccurrence]:
        """The entities seen with this one most often: in the same sentence, then the same article.

        Counted over its live tags (orphans and rejected suggestions aside), each article and
        each sentence once per other entity. Raises ``KeyError`` for an unknown entity.
        """
        if not self.annotations_loaded:
            self.finish_loading()
        with self.view.lock:
            self.view.entity(entity_id)
            own = [t for t in self.view.mentions(entity_id) if not t.orphaned and t.status != "rejected"]
        articles: Counter[str] = Counter()
        sentences: Counter[str] = Counter()
        by_article: dict[str, list[Annotation]] = {}
        for tag in own:
            by_article.setdefault(tag.article_id, []).append(tag)
        for chunk in self._articles_in_chunks(by_article):
            with self.view.lock:
                tags = self.view.annotations_of([a.id for a in chunk])
            for article in chunk:
                here = {(a.start, a.end) for a in by_article[article.id]}
                spans = {sentence_at(article.text, start) for start, _ in here}
                seen_in: dict[str, set[tuple[int, int]]] = {}
                for tag in tags.get(article.id, ()):
                    if tag.entity_id and tag.entity_id != entity_id and not tag.orphaned and tag.status != "rejected":
                        sentence = sentence_at(article.text, tag.start)
                        seen_in.setdefault(tag.entity_id, set()).update({sentence} & spans)
                for other, shared in seen_in.items():
                    articles[other] += 1
                    sentences[other] += len(shared)
        ranked = sorted(articles, key=lambda key: (-sentences[key], -articles[key], key))
        found = []
        with self.view.lock:
            for key in ranked:
                try:
                    found.append(Cooccurrence(self.view.entity(key), articles[key], sentences[key]))
                except KeyError:
                    continue
                if len(found) == limit:
                    break
        return sorted(found, key=lambda c: (-c.sentences, -c.articles, c.entity.name.casefold()))


def _stated_item(article: Article, stated: StatedDate, tag: str, span: tuple[int, int]) -> TimelineItem:
    """A stated date as a timeline item, with its sentence on one line (a long one cut around the date)."""
    first, last = max(span[0], stated.start - SENTENCE_AROUND), min(span[1], stated.end + SENTENCE_AROUND)
    sentence = " ".join(article.text[first:last].split())
    sentence = ("…" if first > span[0] else "") + sentence + ("…" if last < span[1] else "")
    return TimelineItem(
        stated.date,
        "stated",
        article.id,
        stated.start,
        stated.end,
        stated.text,
        stated.until,
        sentence,
        tag,
        stated.relative,
    )


def _in_order(items: list[TimelineItem], view: View) -> list[TimelineItem]:
    """Oldest first; on one date, publications first, then the list's order and the place in the text."""
    with view.lock:
        order = {key: rank for rank, key in enumerate(view.in_list_order({item.article_id for item in items}))}
    return sorted(
        items, key=lambda i: (i.date, i.kind != "published", order.get(i.article_id, len(order)), i.start or 0)
    )
