"""A statistical NER model (spaCy) as one more source of suggestions, when the user installed one.

The default install needs no model and downloads nothing. spaCy's official models are not on
PyPI (Explosion releases them on GitHub), and copies that others put on PyPI are a supply-chain
risk, so Dossier never depends on one. An analyst who wants one installs a model they trust
and names it::

    pip install 'dossier[nlp]'                   # spaCy itself, from PyPI
    python -m spacy download en_core_web_sm      # Explosion's own release (or a wheel you checked)
    export DOSSIER_NER_MODEL=en_core_web_sm      # an installed package's name or a pipeline folder

The model is used when spaCy imports and :data:`MODEL_VARIABLE` names a pipeline spaCy can
load; without the variable spaCy is not even imported. Its labels are mapped onto Dossier's
types (:data:`LABELS`); labels without a counterpart (NORP, CARDINAL, ORDINAL…) are dropped.
The rules win where the two disagree: a model's mention is proposed only where no pattern or
gazetteer proposed anything (:func:`store.suggest.suggest`), since a rule read evidence a
model only weighs. A model that cannot be loaded is said once by :func:`model_status` and
suggestions go on without it.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from store.suggest.candidates import Candidate

#: Names the pipeline to load: a package (``en_core_web_sm``) or a folder made by ``nlp.to_disk``.
MODEL_VARIABLE = "DOSSIER_NER_MODEL"
#: spaCy's labels (OntoNotes, and WikiNER's PER/LOC) → Dossier's entity types.
LABELS = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "PRODUCT": "EQUIPMENT",
    "EVENT": "EVENT",
    "LAW": "DOCUMENT",
    "DATE": "DATE",
    "MONEY": "MONEY",
}
#: Text is given to the model a piece at a time, cut at paragraph ends (spaCy's own limit is
#: a million characters, and its memory grows with the piece).
PIECE_CHARS = 100_000


@functools.cache
def _pipeline(name: str) -> tuple[Any, str]:
    """The loaded pipeline (or ``None``) and what to say about it."""
    try:
        import spacy
    except ImportError:
        return None, f"{MODEL_VARIABLE}={name!r}, but spaCy is not installed (pip install 'dossier[nlp]')"
    try:
        nlp = spacy.load(name)
    except (OSError, ValueError, ImportError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, f"cannot load the model {name!r}: {reason}"
    if "ner" not in nlp.pipe_names and "entity_ruler" not in nlp.pipe_names:
        return None, f"the model {name!r} finds no entities (its pipeline: {', '.join(nlp.pipe_names) or 'empty'})"
    return nlp, f"model {name!r} (spaCy {spacy.__version__}): its mentions are proposed where no rule proposed any"


def model_status() -> str | None:
    """What the model source is doing, in one line; ``None`` when no model is asked for."""
    name = os.environ.get(MODEL_VARIABLE, "").strip()
    return _pipeline(name)[1] if name else None


def model_candidates(text: str) -> list[Candidate]:
    """The model's mentions in ``text`` as candidates (source ``model``); none without a model."""
    name = os.environ.get(MODEL_VARIABLE, "").strip()
    if not name:
        return []
    nlp = _pipeline(name)[0]
    if nlp is None:
        return []
    found: list[Candidate] = []
    for offset, piece in _pieces(text):
        for ent in nlp(piece).ents:
            kind = LABELS.get(ent.label_)
            surface = " ".join(ent.text.split())
            if kind is None or not surface:
                continue
            start, end = offset + ent.start_char, offset + ent.end_char
            found.append(Candidate(start, end, kind, surface, "model", f"model:{ent.label_}"))
    return found


def _pieces(text: str) -> list[tuple[int, str]]:
    """``text`` in pieces of at most about :data:`PIECE_CHARS`, cut after a blank line where one is."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + PIECE_CHARS, len(text))
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            end = cut + 2 if cut > start else end
        pieces.append((start, text[start:end]))
        start = end
    return pieces
