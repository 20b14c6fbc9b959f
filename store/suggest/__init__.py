"""Entity suggestions: pure functions that read an article's text and propose mentions.

Each module is one idea and returns :class:`Candidate` records (start, end, entity_type, name,
source, rule):

* :mod:`.equipment` — designations ("Mi-35M", "S-400", "Bayraktar TB2"), with evidence;
* :mod:`.acronyms` — acronyms beside their long forms, and their later uses;
* :mod:`.persons` — people after a title ("Defense Minister Abdusalom Azizov"), and repeats;
* :mod:`.orgs` — names built on a head noun ("Russian Defence Ministry", "Minsk Agreement");
* :mod:`.dates`, :mod:`.money` — dates, date ranges and amounts of money;
* :mod:`.citations` — authors and publishers in a reference's slots;
* :mod:`.known_orgs` — organisations news names without structure ("NATO", "Kremlin");
* :mod:`.places` — countries, regions and cities from the packaged gazetteer (:mod:`.gazetteer`);
* :mod:`.model` — a statistical NER model, only when the user installed one (spaCy).

:func:`suggest` runs them all and keeps one candidate wherever several overlap
(:func:`store.suggest.candidates.resolve`); a model's mentions only fill places no rule
claimed. Nothing here touches a store or imports Textual: the caller decides what to do with
the proposals.
"""

from __future__ import annotations

from store.suggest.candidates import Candidate, resolve

__all__ = ["Candidate", "candidates", "resolve", "suggest"]


def warm() -> None:
    """Load what the first suggestions would wait for: the gazetteers and rigour's name tables.

    Seconds, once per process; the app does it in the background after its first screen.
    """
    from store.suggest.gazetteer import country_names, gazetteer
    from store.suggest.model import model_status
    from store.suggest.named_persons import is_given_name

    gazetteer()
    country_names()
    is_given_name("John")
    model_status()  # a model the user named is loaded here too


def candidates(text: str) -> list[Candidate]:
    """Every source's candidates for ``text``, overlapping ones included.

    The sources (and their packaged tables) are imported here, on first use: a program that
    only starts the helper process (:mod:`store.suggest.service`) does not load them.
    """
    from store.suggest.acronyms import acronyms
    from store.suggest.citations import citations
    from store.suggest.dates import dates
    from store.suggest.equipment import designations, named_classes
    from store.suggest.gazetteer import country_names, is_place
    from store.suggest.known_orgs import known_orgs
    from store.suggest.money import money
    from store.suggest.named_persons import named_persons
    from store.suggest.orgs import head_names
    from store.suggest.persons import titled_persons
    from store.suggest.places import countries_as_places, places

    return [
        *designations(text),
        *named_classes(text),
        *acronyms(text, country_names()),
        *titled_persons(text, is_place),
        *named_persons(text, is_place),
        *countries_as_places(text, head_names(text)),
        *known_orgs(text),
        *citations(text),
        *dates(text),
        *money(text),
        *places(text),
    ]


def suggest(text: str) -> list[Candidate]:
    """The candidates for ``text``, one wherever several overlap, in text order.

    A model's mentions (:mod:`.model`, when one is installed and named) are added only where
    no rule claimed any character: where the two disagree, the rule wins.
    """
    from store.spans import TakenSpans
    from store.suggest.model import model_candidates

    kept = resolve(candidates(text))
    extra = model_candidates(text)
    if not extra:
        return kept
    taken = TakenSpans((c.start, c.end) for c in kept)
    kept += [c for c in resolve(extra) if taken.take(c.start, c.end)]
    return sorted(kept, key=lambda c: (c.start, c.end))
