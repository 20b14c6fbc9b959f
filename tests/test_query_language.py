"""The search language: the parser (and its errors), the ranking, and its answers on every store."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import QueryError, Store
from store.designations import designations_in, query_key
from store.query_language import And, Designation, Filter, Not, Or, Words, parse_query
from tests.conftest import span_of


def w(*terms: str, prefix: bool = False) -> Words:
    return Words(terms, prefix)


# ---------------------------------------------------------------------- the parser


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("shoigu treaty", And((w("shoigu"), w("treaty")))),
        ("shoigu AND treaty", And((w("shoigu"), w("treaty")))),
        ('"Military-Technical Cooperation"', w("military", "technical", "cooperation")),
        ("treat*", w("treat", prefix=True)),
        ("csto OR odkb", Or((w("csto"), w("odkb")))),
        ("(csto OR odkb) AND NOT uzbekistan", And((Or((w("csto"), w("odkb"))), Not(w("uzbekistan"))))),
        ("-uzbekistan", Not(w("uzbekistan"))),
        ("NOT NOT x", w("x")),
        ("a OR (b OR c)", Or((w("a"), w("b"), w("c")))),
        ("a (b c)", And((w("a"), w("b"), w("c")))),
        ("x x x", w("x")),
        ("and or not", And((w("and"), w("or"), w("not")))),  # lower case: words
        ("Russia's", w("russia", "s")),
        ("Mi-35", Designation("~mi35")),
        ("Ми-35М", Designation("~mi35m")),
        ("S400", Designation("~s400")),
        ('"Mi-35"', w("mi", "35")),  # quoted: exactly these words
        ('entity:"Sergey Shoigu"', Filter("entity", "Sergey Shoigu")),
        ("type:equipment", Filter("type", "EQUIPMENT")),
        ("LABEL:claim", Filter("label", "claim")),
        ("status:Suggested", Filter("status", "suggested")),
        ('note:"check the date"', Filter("note", "check the date")),
        ("after:2016", Filter("after", "2016", date(2016, 1, 1), date(2016, 12, 31))),
        ("before:2017-02", Filter("before", "2017-02", date(2017, 2, 1), date(2017, 2, 28))),
        ("before:2016-02-29", Filter("before", "2016-02-29", date(2016, 2, 29), date(2016, 2, 29))),
        ("10:30 …", w("10", "30")),  # not a filter name: words
        ("— …", None),  # nothing to ask
        ("", None),
    ],
)
def test_queries_read_as_an_analyst_means_them(query: str, tree: object) -> None:
    assert parse_query(query) == tree


def test_while_typing_the_last_bare_word_is_also_a_prefix() -> None:
    assert parse_query("shoigu trea", typing=True) == And((w("shoigu"), w("trea", prefix=True)))
    assert parse_query("shoigu trea ", typing=True) == And((w("shoigu"), w("trea")))
    assert parse_query('"shoigu trea"', typing=True) == w("shoigu", "trea")
    assert parse_query("Mi-3", typing=True) == Designation("~mi3", prefix=True)


@pytest.mark.parametrize(
    ("query", "position", "says"),
    [
        ('shoigu "treaty', 7, "not closed"),
        ("(csto OR odkb", 0, "not closed"),
        ("csto)", 4, "closes no ("),
        ("OR csto", 0, "OR needs a term before it"),
        ("csto OR", 5, "OR needs a term after it"),
        ("csto AND", 5, "AND needs a term after it"),
        ("csto AND AND odkb", 5, "AND needs a term after it"),
        ("csto NOT", 5, "NOT needs a term after it"),
        ("csto -", 5, None),  # a lone dash is punctuation: no error
        ("a ()", 2, "nothing between"),
        ("a (OR b)", 3, "OR needs a term before it"),
        ("shoigu foo:bar", 7, "no filter “foo:”"),
        ("entity:", 0, "entity: needs a value"),
        ('entity:"" x', 0, "entity: needs a value"),
        ("before:yesterday", 0, "needs a date"),
        ("x after:2017-13", 2, "is not a date"),
        ("status:maybe", 0, "status: is one of accepted, suggested, rejected"),
        ("(" * 65 + "a" + ")" * 65, 64, "parentheses inside each other"),
    ],
)
def test_a_malformed_query_says_what_and_where(query: str, position: int, says: str | None) -> None:
    if says is None:
        parse_query(query)
        return
    with pytest.raises(QueryError) as raised:
        parse_query(query)
    assert raised.value.position == position and says in str(raised.value)
    assert f"at character {position + 1}" in str(raised.value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab "()-:*ORANDNOT entity:before:2017 Ми-35\\\x00\u202e')), max_size=60))
def test_any_text_is_read_or_refused_with_a_query_error(query: str) -> None:
    try:
        parse_query(query)
        parse_query(query, typing=True)
    except QueryError as error:
        assert 0 <= error.position <= len(query)


def test_a_query_costs_what_it_asks_not_how_it_is_written() -> None:
    for query in ("the " * 2000, "NOT " * 2000 + "x", "a OR " * 2000 + "b", "(" * 60 + "x" + ")" * 60):
        started = time.perf_counter()
        parse_query(query)
        assert time.perf_counter() - started < 0.05, query[:20]
    assert parse_query("the " * 2000) == w("the")


# ---------------------------------------------------------------------- designations


def test_designations_in_text_and_queries() -> None:
    text = "Mi-35M and Ми-35, Mi35 and S-400, S400; a Mi-350 and the Mi-3. Not ¹0 nor 2016-2017."
    found = {text[start:end]: (base, full) for start, end, base, full in designations_in(text)}
    assert found == {
        "Mi-35M": ("~mi35", "~mi35m"),
        "Ми-35": ("~mi35", None),
        "Mi35": ("~mi35", None),
        "S-400": ("~s400", None),
        "S400": ("~s400", None),
        "Mi-350": ("~mi350", None),
        "Mi-3": ("~mi3", None),
    }
    assert query_key("Mi-35") == "~mi35" and query_key("mi-35m") == "~mi35m" and query_key("2016") is None
    assert query_key("shoigu") is None and query_key("¹0") is None


# ---------------------------------------------------------------------- on every store


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    texts = {
        "a.txt": "Helicopter deal\n\nUzbekistan bought twelve Mi-35M helicopters. The Mi-35M is a gunship.",
        "b.txt": "Air defence\n\nThe S400 system and two Ми-35 helicopters were discussed with Shoigu.",
        "c.txt": "Old news\n\nThe Mi-350 is no helicopter anyone ordered. Shoigu spoke. Shoigu left. Shoigu came back.",
        "d.txt": "Treaty\n\nThe treaty was signed in 2016, said Shoigu; a Mi35 flew over. The S-400 stayed home.",
    }
    for name, text in texts.items():
        (folder / name).write_text(text)
    return folder


@pytest.fixture
def corpus(open_store: Callable[[], Store], tmp_path: Path) -> Store:
    store = open_store()
    store.import_paths([_corpus(tmp_path)])
    return store


def _titles(store: Store, query: str, **kwargs: object) -> list[str]:
    return [store.article(hit.article_id).title or "" for hit in store.search(query, **kwargs)]


def test_a_designation_finds_its_variants_and_not_its_neighbours(corpus: Store) -> None:
    assert sorted(_titles(corpus, "Mi-35")) == ["Air defence", "Helicopter deal", "Treaty"]
    assert sorted(_titles(corpus, "Ми-35")) == ["Air defence", "Helicopter deal", "Treaty"]
    assert _titles(corpus, "Mi-35M") == ["Helicopter deal"]
    assert sorted(_titles(corpus, "S-400")) == ["Air defence", "Treaty"]
    assert _titles(corpus, "Mi-350") == ["Old news"]
    hit = next(h for h in corpus.search("Mi-35") if corpus.article(h.article_id).title == "Air defence")
    assert corpus.article(hit.article_id).text[hit.start : hit.end] == "Ми-35"
    assert hit.snippet[hit.highlight[0] : hit.highlight[1]] == "Ми-35"


def test_operators_and_filters_on_every_store(corpus: Store) -> None:
    treaty = corpus.article(next(a.id for a in corpus.articles() if a.title == "Treaty"))
    corpus.set_metadata(treaty.id, published=date(2016, 11, 29), source="Eurasianet", author="Joshua Kucera")
    start, end = span_of(treaty, "Shoigu")
    corpus.annotate(treaty.id, start, end, entity="Sergey Shoigu", entity_type="PERSON")
    old = corpus.article(next(a.id for a in corpus.articles() if a.title == "Old news"))
    for nth in range(3):
        corpus.annotate(old.id, *span_of(old, "Shoigu", nth), entity="Sergey Shoigu", entity_type="PERSON")
    corpus.annotate(old.id, 0, 8, labels=["Claim"], note="Check the DATE")
    assert sorted(_titles(corpus, "shoigu NOT helicopters")) == ["Old news", "Treaty"]
    assert _titles(corpus, 'entity:"Sergey Shoigu"') == ["Old news", "Treaty"]  # three mentions rank first
    assert _titles(corpus, "entity:shoigu treaty") == ["Treaty"]
    assert _titles(corpus, "entity:shoi") == ["Old news", "Treaty"]
    assert _titles(corpus, "type:person -entity:nobody") == ["Old news", "Treaty"]
    assert _titles(corpus, "label:claim") == ["Old news"]
    assert _titles(corpus, 'note:"the date"') == ["Old news"]
    assert _titles(corpus, "status:suggested") == []
    assert _titles(corpus, "source:eurasia author:kucera") == ["Treaty"]
    assert _titles(corpus, "after:2016-10 before:2016-12") == ["Treaty"]
    assert _titles(corpus, "before:2016-11-29") == [] and _titles(corpus, "after:2016-11-29") == []
    assert "Treaty" not in _titles(corpus, "NOT after:2015") and "Treaty" in _titles(corpus, "NOT after:2016")
    assert len(_titles(corpus, "NOT before:2017")) == 3  # undated articles are not before anything
    assert sorted(_titles(corpus, "(S-400 OR Mi-35M) -treaty")) == ["Air defence", "Helicopter deal"]
    hit = corpus.search("label:claim")[0]
    assert (hit.start, hit.end) == (0, 8)
    with pytest.raises(QueryError, match="no filter"):
        corpus.search("shoigu colour:red")


def test_rarer_words_and_more_occurrences_rank_higher(corpus: Store) -> None:
    """BM25: "shoigu" is in three articles, "helicopter(s)" in three; Old news says Shoigu thrice."""
    assert _titles(corpus, "shoigu")[0] == "Old news"
    # OR: the article with the rare word outranks those with the common one.
    assert _titles(corpus, "gunship OR shoigu")[0] == "Helicopter deal"
    # a word of the title counts more than the same word in the text
    assert _titles(corpus, "treaty OR signed")[0] == "Treaty"


def test_two_thousand_repeated_words_are_quick_on_every_store(corpus: Store) -> None:
    """The promise: 2,000 repeated words < 50 ms. 2,000 different words ask 2,000 things: < 200 ms."""
    for query, within in (
        ("shoigu " * 2000, 0.05),
        ('"shoigu spoke" ' * 1000, 0.05),
        ("NOT " * 1999 + "shoigu", 0.05),
        (" ".join(f"w{n}" for n in range(2000)), 0.2),
    ):
        corpus.search(query)  # warm
        started = time.perf_counter()
        corpus.search(query)
        assert time.perf_counter() - started < within, query[:30]


def test_a_filter_answers_what_the_store_holds_now(corpus: Store) -> None:
    """A filter's answer is kept between searches (typing re-asks it): never past a change."""
    old = next(a for a in corpus.articles() if a.title == "Old news")
    treaty = next(a for a in corpus.articles() if a.title == "Treaty")
    corpus.annotate(old.id, 0, 8, labels=["claim"])
    assert _titles(corpus, "label:claim") == ["Old news"]
    passage = corpus.annotate(treaty.id, 0, 6, labels=["claim"])
    assert sorted(_titles(corpus, "label:claim")) == ["Old news", "Treaty"]
    corpus.remove_annotation(passage.id)
    assert _titles(corpus, "label:claim") == ["Old news"]
    tag = corpus.annotate(treaty.id, *span_of(treaty, "Shoigu"), entity="Sergey Shoigu", entity_type="PERSON")
    assert _titles(corpus, "type:PERSON") == ["Treaty"]
    corpus.retype_entity(tag.entity_id, "ORG")
    assert _titles(corpus, "type:PERSON") == [] and _titles(corpus, "type:org") == ["Treaty"]
    corpus.undo()
    assert _titles(corpus, "type:PERSON") == ["Treaty"]
