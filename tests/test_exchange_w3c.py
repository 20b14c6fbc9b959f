"""W3C Web Annotation export and import (issue #11): round trips on every backend, other tools' annotations.

A promise tried the way the world would break it: a round trip on each backend with every kind
of tag on text whose characters are not all one UTF-16 unit; a Hypothesis-style annotation whose
position is wrong, one whose words are gone, one on a page we do not hold; odd but valid
JSON-LD; malformed, hostile and huge documents.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson
import pytest

from store import Store
from store.exchange.w3c import w3c_bytes, w3c_document
from store.exchange.w3c_reading import W3CFormatError, export_from_w3c, parse_w3c
from store.export import export_data
from tests.w3c_samples import ASTRAL_TEXT, ASTRAL_URL, PLAIN_URL, add_articles, tag_everything

_SAME = ("article_id", "start", "end", "quote", "prefix", "suffix", "labels", "note", "status", "author")


def _entity_of(store: Store, annotation) -> tuple[str, str] | None:
    if annotation.entity_id is None:
        return None
    entity = store.entity(annotation.entity_id)
    return entity.name, entity.type


def test_round_trip_reproduces_every_annotation_on_each_backend(open_store: Callable[..., Store]) -> None:
    """Export → W3C bytes → parse → import into a store with the same articles and no tags: nothing differs."""
    source = open_store("alice")
    add_articles(source)
    tags = tag_everything(source)
    raw = w3c_bytes(export_data(source))
    target = Store.in_memory()  # a second store of the same articles, untouched
    target.user = "bob"
    add_articles(target)
    assert target.annotations() == []
    reading = export_from_w3c(parse_w3c(raw), target)
    assert reading.not_anchored == []
    report = target.merge_export(reading.data)
    assert report.tags_added == len(tags) and report.orphaned == 0
    before = {a.id: a for a in source.annotations()}
    after = {a.id: a for a in target.annotations()}
    assert before.keys() == after.keys()
    for key, old in before.items():
        new = after[key]
        assert {f: getattr(new, f) for f in _SAME} == {f: getattr(old, f) for f in _SAME}, key
        assert new.created == old.created and new.updated == old.updated
        assert new.author == "alice" and not new.orphaned
        assert _entity_of(target, new) == _entity_of(source, old)
    assert {a.status for a in after.values()} == {"accepted", "suggested", "rejected"}
    again = target.merge_export(export_from_w3c(parse_w3c(raw), target).data)
    assert again.tags_added == 0  # the same file twice adds nothing
    source.close()


def test_round_trip_into_a_store_of_each_backend(open_store: Callable[..., Store]) -> None:
    """The other direction: tags made in memory land whole in a TinyDB, memory or PostgreSQL store."""
    source = Store.in_memory()
    add_articles(source)
    tag_everything(source)
    target = open_store()
    add_articles(target)
    reading = export_from_w3c(w3c_document(export_data(source)), target)
    target.merge_export(reading.data)
    expected = sorted((a.id, a.article_id, a.start, a.end, a.quote, a.labels, a.note) for a in source.annotations())
    got = sorted((a.id, a.article_id, a.start, a.end, a.quote, a.labels, a.note) for a in target.annotations())
    assert got == expected and reading.not_anchored == []
    target.close()


def test_positions_count_code_points_not_utf16_units() -> None:
    """Model §4.2.4/§4.2.5: characters are code points; astral ones before a tag must count once."""
    store = Store.in_memory()
    add_articles(store)
    tag_everything(store)
    items = w3c_document(export_data(store))["first"]["items"]
    astral = [i for i in items if i["target"]["dossier:article"] == "w3c-astral"]
    assert astral
    for item in astral:
        quote, position = item["target"]["selector"]
        assert ASTRAL_TEXT[position["start"] : position["end"]] == quote["exact"]
        utf16_start = len(ASTRAL_TEXT[: position["start"]].encode("utf-16-le")) // 2
        assert utf16_start > position["start"]  # astral characters come before every tag here


def test_target_source_is_the_url_else_our_urn_and_the_article_stays_known() -> None:
    store = Store.in_memory()
    add_articles(store)
    tag_everything(store)
    items = w3c_document(export_data(store))["first"]["items"]
    sources = {i["target"]["dossier:article"]: i["target"]["source"] for i in items}
    assert sources["w3c-plain"] == PLAIN_URL
    assert sources["w3c-astral"] == "https://example.org/news/zo%C3%AB-%C3%A5ngstr%C3%B6m?lang=fr"  # RFC 3987 §3.1
    seed = next(a for a in store.articles() if "Shoigu" in a.text)
    assert sources[seed.id] == f"urn:dossier:article:{seed.id}"  # the seeds have no URL


# ---------------------------------------------------------------------- other tools' annotations


def _hypothesis(source: str, exact: str, prefix: str, suffix: str, start: int, **extra) -> dict:
    """An annotation as Hypothesis writes one: a web page, three kinds of selector, a comment and tags."""
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": extra.pop("id", "https://hypothes.is/a/abc123"),
        "type": "Annotation",
        "creator": "acct:carol@hypothes.is",
        "created": "2024-03-01T09:30:00.123456Z",
        "body": [
            {"type": "TextualBody", "value": "Worth checking.", "format": "text/markdown"},
            {"type": "TextualBody", "purpose": "tagging", "value": "verify"},
        ],
        "target": [
            {
                "source": source,
                "selector": [
                    {
                        "type": "RangeSelector",
                        "startSelector": {"type": "XPathSelector", "value": "/main[1]/p[2]"},
                        "endSelector": {"type": "XPathSelector", "value": "/main[1]/p[2]"},
                    },
                    {"type": "TextPositionSelector", "start": start, "end": start + len(exact)},
                    {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix},
                ],
            }
        ],
        **extra,
    }


@pytest.fixture
def held() -> Store:
    store = Store.in_memory()
    add_articles(store)
    return store


def test_hypothesis_annotation_anchors_by_quote_though_its_position_is_wrong(held: Store) -> None:
    """Hypothesis counts UTF-16 units, on another rendering of the page: the quote decides."""
    start = ASTRAL_TEXT.index("Шойгу", ASTRAL_TEXT.index("Шойгу") + 1)  # the second one
    utf16 = len(ASTRAL_TEXT[:start].encode("utf-16-le")) // 2
    note = _hypothesis(f"{ASTRAL_URL}#section", "Шойгу", "and ", " left", utf16 + 7)
    reading = export_from_w3c([note], held)
    assert reading.not_anchored == []
    held.merge_export(reading.data)
    (tag,) = held.annotations()
    assert (tag.article_id, tag.start, tag.end, tag.quote) == ("w3c-astral", start, start + 5, "Шойгу")
    assert (tag.labels, tag.note, tag.author) == (("verify",), "Worth checking.", "acct:carol@hypothes.is")
    assert tag.created == "2024-03-01T09:30:00.123456+00:00" and not tag.orphaned


def test_words_gone_are_reported_and_kept_as_an_orphan(held: Store) -> None:
    gone = _hypothesis(PLAIN_URL, "words that were edited away", "", "", 3, id="https://hypothes.is/a/gone")
    reading = export_from_w3c(gone, held)
    ((key, reason),) = reading.not_anchored
    assert key == "https://hypothes.is/a/gone" and "no longer in the article" in reason
    report = held.merge_export(reading.data)
    (tag,) = held.annotations()
    assert report.orphaned == 1 and tag.orphaned and tag.quote == "words that were edited away"


def test_unknown_pages_and_unusable_selectors_are_reported_not_merged(held: Store) -> None:
    elsewhere = _hypothesis("https://elsewhere.example/page", "Plain", "", "", 0, id="https://h/a/1")
    whole_page = {"type": "Annotation", "id": "https://h/a/2", "target": PLAIN_URL, "bodyValue": "nice"}
    xpath_only = {
        "type": "Annotation",
        "id": "https://h/a/3",
        "target": {"source": PLAIN_URL, "selector": {"type": "XPathSelector", "value": "/p[1]"}},
    }
    no_target = {"type": "Annotation", "id": "https://h/a/4"}
    reading = export_from_w3c([elsewhere, whole_page, xpath_only, no_target, "https://h/a/5", 42], held)
    reasons = dict(reading.not_anchored)
    assert "no stored article" in reasons["https://h/a/1"]
    assert "whole page" in reasons["https://h/a/2"]
    assert "no TextQuoteSelector or TextPositionSelector" in reasons["https://h/a/3"]
    assert reasons["https://h/a/4"] == "no target"
    assert "not an embedded annotation" in reasons["https://h/a/5"] and "item 5" in reasons
    assert reading.data["annotations"] == []
    assert held.merge_export(reading.data).tags_added == 0


def test_odd_but_valid_json_ld_is_read(held: Store) -> None:
    """One selector not in a list, a string body, a single body, no type on the target, a page alone."""
    start = "Plain words here, plain words there.".index("words there")
    page = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://h/page/1",
        "type": ["AnnotationPage"],
        "items": [
            {
                "type": ["Annotation", "oa:Annotation"],
                "id": "https://h/a/odd",
                "motivation": ["highlighting"],
                "body": "https://example.org/comment/7",
                "creator": [{"type": "Person", "nickname": "dee"}],
                "target": {
                    "source": {"id": PLAIN_URL + "/"},
                    "selector": {"type": "TextPositionSelector", "start": start, "end": start + 11},
                },
            },
            {
                "type": "Annotation",
                "id": "https://h/a/odd2",
                "body": {"type": "TextualBody", "purpose": ["classifying"], "value": "claim"},
                "target": {"source": PLAIN_URL, "selector": {"type": "TextQuoteSelector", "exact": "Plain"}},
            },
        ],
    }
    reading = export_from_w3c(page, held)
    assert reading.not_anchored == []
    held.merge_export(reading.data)
    tags = {t.quote: t for t in held.annotations()}
    assert tags["words there"].note == "https://example.org/comment/7" and tags["words there"].author == "dee"
    assert tags["Plain"].labels == ("claim",) and tags["Plain"].start == 0


def test_collection_with_embedded_next_pages_and_a_referenced_one(held: Store) -> None:
    def note(n: int) -> dict:
        return {
            "type": "Annotation",
            "id": f"https://h/a/{n}",
            "target": {"source": PLAIN_URL, "selector": {"type": "TextQuoteSelector", "exact": "plain"}},
        }

    second = {"id": "https://h/p/2", "type": "AnnotationPage", "items": [note(2)], "next": "https://h/p/3"}
    first = {"id": "https://h/p/1", "type": "AnnotationPage", "items": [note(1)], "next": second}
    second_again = {"type": "AnnotationPage", "items": [note(1)]}
    second["prev"] = first  # a loop back must not be followed (nor is prev read)
    doc = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://h/c",
        "type": "AnnotationCollection",
        "total": 3,
        "first": first,
    }
    reading = export_from_w3c(doc, held)
    assert [a["id"] for a in reading.data["annotations"]] == [
        export_from_w3c(note(1), held).data["annotations"][0]["id"],
        export_from_w3c(note(2), held).data["annotations"][0]["id"],
    ]
    assert reading.not_anchored == [("https://h/p/3", "a next page only referenced, not embedded: not read")]
    assert export_from_w3c(second_again, held).not_anchored == []


# ---------------------------------------------------------------------- malformed and hostile


@pytest.mark.parametrize(
    "doc, says",
    [
        (b"{not json", "not JSON"),
        (b"", "not JSON"),
        (b'"just a string"', "expected a JSON object or list"),
        (b"12", "expected a JSON object or list"),
        (b'{"type": "Person"}', "not an Annotation, AnnotationCollection or AnnotationPage"),
        (b'{"type": 7}', "type: none"),
        (b'{"type": "AnnotationCollection", "first": "https://h/p/1"}', "fetches nothing"),
        (b'{"type": "AnnotationCollection", "total": 4}', "no first page"),
        (b'{"type": "AnnotationPage", "items": {"a": 1}}', "no list of items"),
        (b"[" * 5000 + b"]" * 5000, "not JSON"),
    ],
)
def test_malformed_documents_raise_a_clear_value_error(held: Store, doc: bytes, says: str) -> None:
    with pytest.raises(W3CFormatError, match=says) as caught:
        export_from_w3c(parse_w3c(doc), held)
    assert isinstance(caught.value, ValueError) and "Traceback" not in str(caught.value)


@pytest.mark.parametrize(
    "target",
    [
        7,
        None,
        [],
        {"source": PLAIN_URL, "selector": [{"type": "TextQuoteSelector", "exact": 5}]},
        {"source": PLAIN_URL, "selector": [{"type": "TextPositionSelector", "start": True, "end": 3}]},
        {"source": PLAIN_URL, "selector": [{"type": "TextPositionSelector", "start": -1, "end": 3}]},
        {"source": PLAIN_URL, "selector": [{"type": "TextPositionSelector", "start": 4, "end": 2}]},
        {"source": PLAIN_URL, "selector": [{"type": "TextPositionSelector", "start": 0, "end": 10**9}]},
        {"source": PLAIN_URL, "selector": [{"type": "TextPositionSelector", "start": "0", "end": "3"}]},
        {"source": ["a", "b"], "selector": "https://h/s/1"},
        {"source": {"id": 5}, "selector": None},
    ],
)
def test_wrong_types_inside_an_annotation_are_reported_never_raised(held: Store, target: object) -> None:
    annotation = {
        "type": "Annotation",
        "id": "https://h/a/bad",
        "target": target,
        "body": [None, 3, {"value": 4}],
        "creator": 9,
        "created": 5,
    }
    reading = export_from_w3c(annotation, held)
    assert [key for key, _ in reading.not_anchored] == ["https://h/a/bad"]
    assert reading.data["annotations"] == []


def test_escape_codes_in_notes_labels_names_and_ids_never_reach_the_terminal(held: Store) -> None:
    hostile = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202egnp.exe"
    annotation = {
        "type": "Annotation",
        "id": "https://h/a/" + hostile,
        "creator": {"name": hostile},
        "body": [
            {"type": "TextualBody", "purpose": "identifying", "value": "Evil " + hostile},
            {"type": "TextualBody", "purpose": "classifying", "value": "org" + hostile},
            {"type": "TextualBody", "purpose": "tagging", "value": hostile},
            {"type": "TextualBody", "value": hostile},
        ],
        "target": {"source": PLAIN_URL, "selector": {"type": "TextQuoteSelector", "exact": "here"}},
    }
    lost = dict(annotation, id="https://h/b/" + hostile, target={"source": "https://x/" + hostile, "selector": []})
    reading = export_from_w3c([annotation, lost], held)
    for key, reason in reading.not_anchored:
        assert not any(c in key + reason for c in "\x1b\x07\x9b\u202e")
    held.merge_export(reading.data)
    (tag,) = held.annotations()
    shown = [tag.note, tag.author, *tag.labels, *(e.name for e in held.entities()), *(e.type for e in held.entities())]
    for text in shown:
        assert not any(c in text for c in "\x1b\x07\x9b\u202e"), text
    out = w3c_bytes(export_data(held))
    assert not any(byte in out for byte in (b"\x1b", b"\x07", "\x9b".encode(), "\u202e".encode()))


def test_raw_escape_characters_in_an_export_are_written_as_json_escapes_and_read_back_whole() -> None:
    data = {
        "articles": [{"id": "a", "url": None}],
        "annotations": [
            {"id": "t", "article_id": "a", "start": 0, "end": 1, "quote": "\x9b", "note": "\x1b[31m\u202e\x7f"}
        ],
    }
    raw = w3c_bytes(data)
    assert b"\x1b" not in raw and "\x9b".encode() not in raw and "\u202e".encode() not in raw and b"\x7f" not in raw
    (item,) = orjson.loads(raw)["first"]["items"]
    assert item["target"]["selector"][0]["exact"] == "\x9b"
    assert item["body"][0]["value"] == "\x1b[31m\u202e\x7f"


def test_a_huge_document_is_read_in_one_pass(held: Store) -> None:
    """Twenty thousand annotations (a few megabytes): all anchored, none lost, no quadratic slowness."""
    words = "Plain words here, plain words there."
    items = [
        {
            "type": "Annotation",
            "id": f"https://h/a/{n}",
            "body": {"type": "TextualBody", "purpose": "tagging", "value": f"label {n % 7}"},
            "target": {
                "source": PLAIN_URL,
                "selector": {"type": "TextQuoteSelector", "exact": words[n % 30 : n % 30 + 5]},
            },
        }
        for n in range(20_000)
    ]
    doc = parse_w3c(
        orjson.dumps(
            {
                "type": "AnnotationCollection",
                "id": "https://h/c",
                "total": len(items),
                "first": {"type": "AnnotationPage", "items": items},
            }
        )
    )
    reading = export_from_w3c(doc, held)
    assert len(reading.data["annotations"]) == 20_000 and reading.not_anchored == []
    assert len({a["id"] for a in reading.data["annotations"]}) == 20_000


def test_duplicate_ids_in_one_file_keep_the_first_and_say_so(held: Store) -> None:
    one = {
        "type": "Annotation",
        "id": "https://h/a/dup",
        "target": {"source": PLAIN_URL, "selector": {"type": "TextQuoteSelector", "exact": "Plain"}},
    }
    two = dict(one, body="https://x/other")
    reading = export_from_w3c([one, two], held)
    assert len(reading.data["annotations"]) == 1
    assert reading.not_anchored == [
        ("https://h/a/dup", "another annotation in the file has the same id: kept the first")
    ]
