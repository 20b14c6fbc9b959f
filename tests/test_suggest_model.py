"""A spaCy pipeline the user names (DOSSIER_NER_MODEL) as one more source; the rules win.

No statistical model is on PyPI to test with, and none may be downloaded: the pipeline here is
a real spaCy pipeline saved to a folder, as ``nlp.to_disk`` makes them, whose entity
recogniser is spaCy's rule-based EntityRuler. Everything between Dossier and the model — finding
it by name, loading it once, reading its entities, mapping its labels, letting rules win — is
what a statistical model goes through too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from store.suggest import model as model_source
from store.suggest import suggest
from tests.conftest import ROOT

spacy = pytest.importorskip("spacy", reason="spaCy is in the test extras: pip install -e '.[test]'")

TEXT = (
    "Defence Minister Bakhodir Kurbanov met the delegation in Tashkent.\n\n"
    "The army showed its new bayraktars and the Uzbek crews that fly them.\n\n"
    "Officials of the Zarafshon Group watched."
)


@pytest.fixture
def pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A spaCy pipeline in a folder, named by the variable, its cache of pipelines empty."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PRODUCT", "pattern": "bayraktars"},  # no rule proposes it (lower case)
            {"label": "ORG", "pattern": "Zarafshon Group"},
            {"label": "ORG", "pattern": "Tashkent"},  # the gazetteer says PLACE: the rule wins
            {"label": "NORP", "pattern": "Uzbek"},  # a label Dossier has no type for
            {"label": "PERSON", "pattern": "Defence Minister Bakhodir"},  # longer, over the title rule's span
        ]
    )
    folder = tmp_path / "pipeline"
    nlp.to_disk(folder)
    monkeypatch.setenv(model_source.MODEL_VARIABLE, str(folder))
    model_source._pipeline.cache_clear()
    yield folder
    model_source._pipeline.cache_clear()


def _found(text: str) -> dict[str, tuple[str, str, str]]:
    return {text[c.start : c.end]: (c.entity_type, c.name, c.source) for c in suggest(text)}


def test_a_named_model_adds_its_mentions_where_no_rule_proposed_any(pipeline: Path) -> None:
    found = _found(TEXT)
    assert found["bayraktars"] == ("EQUIPMENT", "bayraktars", "model")  # PRODUCT → EQUIPMENT
    assert found["Zarafshon Group"][0] == "ORG"
    assert found["Tashkent"] == ("PLACE", "Tashkent", "gazetteer")  # the rule wins the disagreement
    assert found["Bakhodir Kurbanov"][0] == "PERSON" and found["Bakhodir Kurbanov"][2] != "model"
    assert "Defence Minister Bakhodir" not in found and "Uzbek" not in found
    assert "loaded" in (model_source.model_status() or "") or "proposed" in (model_source.model_status() or "")


def test_without_a_model_named_nothing_changes_and_spacy_is_not_imported() -> None:
    program = (
        "import os, sys; os.environ.pop('DOSSIER_NER_MODEL', None)\n"
        "from store.suggest import suggest, warm\n"
        "warm(); suggest('Defence Minister Bakhodir Kurbanov met them in Tashkent.')\n"
        "print('spacy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_a_model_that_cannot_be_loaded_is_said_once_and_suggestions_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(model_source.MODEL_VARIABLE, str(tmp_path / "no-such-model"))
    model_source._pipeline.cache_clear()
    try:
        status = model_source.model_status()
        assert status is not None and status.startswith("cannot load the model")
        found = _found(TEXT)
        assert found["Tashkent"][0] == "PLACE" and all(source != "model" for _t, _n, source in found.values())
    finally:
        model_source._pipeline.cache_clear()


def test_a_long_text_is_read_a_piece_at_a_time_at_the_right_offsets(pipeline: Path) -> None:
    paragraph = "Padding words about nothing in particular. " * 40
    text = "\n\n".join([paragraph] * 200 + ["The army showed its new bayraktars."])  # past one piece
    assert len(text) > model_source.PIECE_CHARS
    hits = [c for c in suggest(text) if c.source == "model"]
    assert [text[c.start : c.end] for c in hits] == ["bayraktars"]
