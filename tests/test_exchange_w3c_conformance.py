"""The W3C export conforms to the Web Annotation Data Model, checked two independent ways.

(a) Our own JSON Schemas (``tests/fixtures/w3c_schemas``), written from the model's MUSTs with
each rule citing its section, validate every exported annotation and the collection; each rule
is shown to reject a document that breaks it, so the schemas are no rubber stamp.

(b) The W3C's own conformance material (web-platform-tests ``annotation-model``, JSON Schema
draft-04, copied to ``tests/fixtures/w3c_annotation_model``): every MUST assertion of the
``.test`` files whose assertion file we hold runs on every exported annotation, and the
selector and body definitions stand in for the assertion files we do not hold.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from store import Store
from store.exchange.w3c import w3c_document
from store.export import export_data
from tests.w3c_samples import add_articles, tag_everything

FIXTURES = Path(__file__).parent / "fixtures"
OURS = FIXTURES / "w3c_schemas"
WPT = FIXTURES / "w3c_annotation_model"
FORMATS = FormatChecker()


@pytest.fixture(scope="module")
def collection() -> dict[str, Any]:
    store = Store.in_memory()
    add_articles(store)
    tag_everything(store)
    return w3c_document(export_data(store))


def _ours() -> tuple[Draft202012Validator, Draft202012Validator]:
    schemas = {name: json.loads((OURS / f"{name}.schema.json").read_text()) for name in ("annotation", "collection")}
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in schemas.values()
    )
    return (
        Draft202012Validator(schemas["annotation"], registry=registry, format_checker=FORMATS),
        Draft202012Validator(schemas["collection"], registry=registry, format_checker=FORMATS),
    )


def test_the_format_checks_are_really_made() -> None:
    """``format`` is only an annotation unless checkers are installed (rfc3339-validator, rfc3986-validator)."""
    assert not FORMATS.conforms("not a uri", "uri")
    assert not FORMATS.conforms("2024-13-01T00:00:00Z", "date-time")
    assert FORMATS.conforms("urn:dossier:annotation:x%20y", "uri")


# ---------------------------------------------------------------------- (a) our own schemas


def test_every_exported_annotation_and_the_collection_meet_our_schemas(collection: dict[str, Any]) -> None:
    annotation_schema, collection_schema = _ours()
    items = collection["first"]["items"]
    assert len(items) == collection["total"] >= 9
    for item in items:
        errors = [e.message for e in annotation_schema.iter_errors(item)]
        assert errors == [], (item["id"], errors)
    assert [e.message for e in collection_schema.iter_errors(collection)] == []


def test_an_empty_export_is_a_valid_collection_without_a_page() -> None:
    _, collection_schema = _ours()
    empty = w3c_document({"articles": [], "annotations": []})
    assert empty["total"] == 0 and "first" not in empty
    collection_schema.validate(empty)


def _breaking(item: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """One copy of ``item`` per MUST, each breaking it."""

    def broken(change) -> dict[str, Any]:
        copied = copy.deepcopy(item)
        change(copied)
        return copied

    def selector(kind: str, copied: dict[str, Any]) -> dict[str, Any]:
        return next(s for s in copied["target"]["selector"] if s["type"] == kind)

    def textual(copied: dict[str, Any]) -> dict[str, Any]:
        return copied["body"][0]

    return [
        ("3.1 @context missing", broken(lambda c: c.pop("@context"))),
        ("3.1 @context without anno.jsonld", broken(lambda c: c.update({"@context": ["http://schema.org/", {}]}))),
        (
            "3.1 single @context in an array",
            broken(lambda c: c.update({"@context": ["http://www.w3.org/ns/anno.jsonld"]})),
        ),
        ("3.1 id missing", broken(lambda c: c.pop("id"))),
        ("3.1 id not an IRI", broken(lambda c: c.update({"id": "not an iri"}))),
        ("3.1 two ids", broken(lambda c: c.update({"id": ["urn:a:1", "urn:a:2"]}))),
        ("3.1 type without Annotation", broken(lambda c: c.update({"type": "Note"}))),
        ("3.1 target missing", broken(lambda c: c.pop("target"))),
        ("3.1 target empty", broken(lambda c: c.update({"target": []}))),
        ("3.2.4 TextualBody without value", broken(lambda c: textual(c).pop("value"))),
        ("3.2.4 TextualBody value not text", broken(lambda c: textual(c).update({"value": ["a", "b"]}))),
        ("3.2.5 body and bodyValue", broken(lambda c: c.update({"bodyValue": "x"}))),
        ("3.3.1 created not UTC Z", broken(lambda c: c.update({"created": "2024-01-01T10:00:00+02:00"}))),
        ("3.3.1 two created", broken(lambda c: c.update({"created": ["2024-01-01T10:00:00Z"] * 2}))),
        ("3.3.1 modified not a date", broken(lambda c: c.update({"modified": "yesterday"}))),
        ("3.3.2 agent with two ids", broken(lambda c: c.update({"creator": {"id": ["urn:a:1", "urn:a:2"]}}))),
        ("4 SpecificResource without source", broken(lambda c: c["target"].pop("source"))),
        ("4 two sources", broken(lambda c: c["target"].update({"source": ["urn:a:1", "urn:a:2"]}))),
        ("4.2.4 quote without exact", broken(lambda c: selector("TextQuoteSelector", c).pop("exact"))),
        ("4.2.4 two prefixes", broken(lambda c: selector("TextQuoteSelector", c).update({"prefix": ["a", "b"]}))),
        ("4.2.5 position without end", broken(lambda c: selector("TextPositionSelector", c).pop("end"))),
        ("4.2.5 negative start", broken(lambda c: selector("TextPositionSelector", c).update({"start": -1}))),
        ("4.2.5 start not an integer", broken(lambda c: selector("TextPositionSelector", c).update({"start": 1.5}))),
        ("4.2.5 start as text", broken(lambda c: selector("TextPositionSelector", c).update({"start": "3"}))),
        (
            "4.2.8 range without end",
            broken(lambda c: c["target"]["selector"].append({"type": "RangeSelector", "startSelector": "urn:s:1"})),
        ),
    ]


def test_our_schemas_reject_each_broken_must(collection: dict[str, Any]) -> None:
    annotation_schema, _ = _ours()
    item = next(i for i in collection["first"]["items"] if len(i.get("body", [])) >= 2)
    assert annotation_schema.is_valid(item)
    accepted = [name for name, bad in _breaking(item) if annotation_schema.is_valid(bad)]
    assert accepted == []


@pytest.mark.parametrize(
    "name, change",
    [
        ("5.1 no id", lambda c: c.pop("id")),
        ("5.1 no AnnotationCollection type", lambda c: c.update({"type": "OrderedCollection"})),
        ("5.1 negative total", lambda c: c.update({"total": -1})),
        ("5.1 total without first", lambda c: c.pop("first")),
        ("5.1 label not text", lambda c: c.update({"label": 5})),
        ("5.2 page without id", lambda c: c["first"].pop("id")),
        ("5.2 page without items", lambda c: c["first"].pop("items")),
        ("5.2 page with no annotation", lambda c: c["first"].update({"items": []})),
        ("5.2 startIndex negative", lambda c: c["first"].update({"startIndex": -2})),
        ("5.2 an item breaks 3.1", lambda c: c["first"]["items"][0].pop("target")),
    ],
)
def test_our_collection_schema_rejects_each_broken_must(collection: dict[str, Any], name: str, change) -> None:
    _, collection_schema = _ours()
    bad = copy.deepcopy(collection)
    change(bad)
    assert not collection_schema.is_valid(bad), name


# ---------------------------------------------------------------------- (b) the W3C's own tests


def _wpt_registry() -> Registry:
    resources = []
    for path in (WPT / "definitions").glob("*.json"):
        schema = json.loads(path.read_text())
        resources.append((schema.get("id", path.name), Resource.from_contents(schema, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


def _assertions(test_file: str) -> list[tuple[str, dict[str, Any] | None]]:
    names = json.loads((WPT / test_file).read_text())["assertions"]
    found = []
    for name in names:
        path = WPT / name
        found.append((name, json.loads(path.read_text()) if path.exists() else None))
    return found


MUST_TESTS = (
    "annotations/annotationMusts.test",
    "bodiesTargets/bodyMusts.test",
    "bodiesTargets/targetMusts.test",
    "specificResource/specificResourceMusts.test",
)


@pytest.mark.parametrize("test_file", MUST_TESTS)
def test_every_wpt_must_assertion_we_hold_passes_on_every_annotation(
    collection: dict[str, Any], test_file: str
) -> None:
    registry = _wpt_registry()
    ran = 0
    for name, assertion in _assertions(test_file):
        if assertion is None or assertion.get("assertionType") != "must":
            continue
        validator = Draft4Validator(assertion, registry=registry, format_checker=FORMATS)
        for item in collection["first"]["items"]:
            assert validator.is_valid(item) == (assertion["expectedResult"] == "valid"), (name, item["id"])
            ran += 1
    if test_file == "annotations/annotationMusts.test":
        assert ran >= 14 * collection["total"]  # all fourteen are held


def test_the_wpt_assertions_can_fail(collection: dict[str, Any]) -> None:
    """A broken annotation fails the W3C's own checks: the harness above is no rubber stamp."""
    registry = _wpt_registry()
    item = collection["first"]["items"][0]
    failing = set()
    for name, bad in _breaking(item):
        for _name, assertion in _assertions("annotations/annotationMusts.test"):
            if not Draft4Validator(assertion, registry=registry, format_checker=FORMATS).is_valid(bad):
                failing.add(name.split()[0])
    assert {"3.1", "3.2.5", "3.3.1"} <= failing


def _definition(ref: str) -> Draft4Validator:
    return Draft4Validator({"$ref": ref}, registry=_wpt_registry(), format_checker=FORMATS)


def test_selectors_and_bodies_meet_the_wpt_definitions(collection: dict[str, Any]) -> None:
    """For the assertion files not held (bodies, targets, selectors): the definitions they use."""
    quote = _definition("specificResource.json#/definitions/textQuoteSelectorDetected")
    position = _definition("specificResource.json#/definitions/textPositionSelectorDetected")
    quote_if = _definition("specificResource.json#/definitions/textQuoteSelectorTypeValidIfPresent")
    position_if = _definition("specificResource.json#/definitions/textPositionSelectorTypeValidIfPresent")
    selector_defined = _definition("specificResource.json#/definitions/selectorDefined")
    specific = _definition("specificResource.json#/definitions/specificeResourceDetected")
    target_must = _definition("bodyTarget.json#/definitions/optionalTargetPropertiesMust")
    body_must = _definition("bodyTarget.json#/definitions/optionalBodyPropertiesMust")
    textual = _definition("bodyTarget.json#/definitions/textualBodyFound")
    purpose = _definition("otherProperties.json#/definitions/purposeRecognizedIfPresent")
    creator = _definition("otherProperties.json#/definitions/creatorValidIfPresent")
    motivation = _definition("annotations.json#/definitions/singleMotivationPropertyFound")
    for item in collection["first"]["items"]:
        target = item["target"]
        for check in (specific, target_must, selector_defined):
            assert check.is_valid(target), (item["id"], list(check.iter_errors(target)))
        kinds = [s["type"] for s in target["selector"]]
        assert kinds == ["TextQuoteSelector", "TextPositionSelector"]
        assert quote.is_valid(target["selector"][0]) and position.is_valid(target["selector"][1])
        for selector in target["selector"]:
            assert quote_if.is_valid(selector) and position_if.is_valid(selector)
        for body in item.get("body", []):
            assert textual.is_valid(body) and body_must.is_valid(body) and purpose.is_valid(body), body
        assert creator.is_valid(item) and motivation.is_valid(item)
    assert not quote.is_valid({"type": "TextQuoteSelector", "prefix": "x"})
    assert not position.is_valid({"type": "TextPositionSelector", "start": -1, "end": 2})
    assert not textual.is_valid({"type": "TextualBody", "purpose": "tagging"})


def test_the_optional_features_we_claim_are_seen_by_the_wpt(collection: dict[str, Any]) -> None:
    """The optional assertions for what we write (body, creator, created, modified, one motivation) hold."""
    registry = _wpt_registry()
    claimed = {
        "annotations/3.1-bodyKeyFound.json",
        "annotations/3.3.1-annotationCreatorImplemented.json",
        "annotations/3.3.1-singleAnnotationCreatorImplemented.json",
        "annotations/3.3.1-annotationCreatedImplemented.json",
        "annotations/3.3.1-annotationModifiedImplemented.json",
        "annotations/3.3.5-annotationMotivationImplemented.json",
        "annotations/3.3.5-annotationSingleMotivationImplemented.json",
    }
    held = dict(_assertions("annotations/annotationOptionals.test"))
    assert claimed <= held.keys()
    for name in sorted(claimed):
        validator = Draft4Validator(held[name], registry=registry, format_checker=FORMATS)
        for item in collection["first"]["items"]:
            assert validator.is_valid(item), (name, item["id"])
