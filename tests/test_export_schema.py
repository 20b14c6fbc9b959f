"""Every Dossier export conforms to the JSON Schema shipped with the package, and the schema can say no."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from store import Store
from store.export import export_data, json_schema
from tests.conftest import article_with, span_of

ROOT = Path(__file__).resolve().parent.parent


def validator() -> Draft202012Validator:
    schema = json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def tag_everything(store: Store) -> None:
    article = article_with(store, "Shoigu")
    mention = store.annotate(article.id, *span_of(article, "Shoigu"), entity="Sergei Shoigu", entity_type="PERSON")
    passage = store.annotate(article.id, 0, 30, labels=["lead", "Ж"], note="a note\nwith lines", status="suggested")
    store.link(mention.id, passage.id, "contradicts")


def test_an_export_of_every_kind_of_record_conforms(any_seeded: Store) -> None:
    tag_everything(any_seeded)
    data = export_data(any_seeded)
    assert data["links"] and data["entities"] and len(data["annotations"]) == 2
    errors = list(validator().iter_errors(json.loads(json.dumps(data))))
    assert errors == [], [e.message for e in errors]


def test_the_command_lines_export_conforms(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = Store.open(path)
    from store.seeding import seed_if_empty

    seed_if_empty(store)
    tag_everything(store)
    store.close()
    done = subprocess.run(
        [sys.executable, "-m", "tui", "export", "--store", str(path)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0
    validator().validate(json.loads(done.stdout))


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("format",), "other-format"),
        (("version",), 2),
        (("articles", 0, "text"), None),
        (("annotations", 0, "start"), -1),
        (("annotations", 0, "status"), "maybe"),
        (("annotations", 0, "created"), "yesterday"),
        (("annotations", 0, "orphaned"), "no"),
        (("entities", 0, "name"), ""),
        (("links", 0, "kind"), "likes"),
        (("articles", 0, "published"), "29/04/2021"),
    ],
)
def test_the_schema_says_no_to_a_broken_export(any_seeded: Store, where: tuple[object, ...], value: object) -> None:
    tag_everything(any_seeded)
    data = json.loads(json.dumps(export_data(any_seeded)))
    broken = copy.deepcopy(data)
    node = broken
    for key in where[:-1]:
        node = node[key]  # type: ignore[index]
    node[where[-1]] = value  # type: ignore[index]
    assert not validator().is_valid(broken)
    assert validator().is_valid(data)
