"""The small word lists the suggesters share, and the text helpers built on them.

Every list here is a closed class of English (offices and ranks, the head nouns that say what
kind of thing a name names, months, magnitudes) or a short piece of domain knowledge (weapon
class nouns, aircraft and vehicle makers). None was taken from an article: the lists describe
how names are *built*, so they hold for texts nobody here has read. Anything long and open
(countries, cities, English vocabulary) comes from a package or a generated data file instead.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources


def words(text: str) -> frozenset[str]:
    """The set of the whitespace-separated words of ``text`` (how the lists below are written)."""
    return frozenset(text.split())


# ---- what a capitalised name's head noun says it names -------------------------------------

#: Heads of organisation names ("Collective Security Treaty Organization", "Defence Ministry",
#: "Syrian Democratic Forces", "Bank of England").
ORG_HEADS = words(
    """
    organization organisation agency ministry ministries council forces force army navy command
    department office committee commission union alliance coalition party front movement group
    brigade brigades battalion battalions regiment division corps service services bank fund
    company corporation institute institution university college academy center centre bureau
    authority administration association federation assembly parliament congress senate court
    tribunal directorate secretariat network guard guards unit units mission headquarters league
    society foundation board police militia government cabinet staff fleet squadron wing
    consortium industries inc ltd plc llc
    """
)

#: Heads of the names of treaties, laws and other documents.
DOCUMENT_HEADS = words(
    """
    treaty agreement convention protocol accord accords resolution charter act declaration
    memorandum pact doctrine statute constitution communique communiqué
    """
)

#: Heads of the names of events (a summit, a war, an exercise).
EVENT_HEADS = words("summit conference war exercise exercises operation games olympics forum")

#: Heads of the names of equipment classes spelled out beside an acronym ("Multiple Launch
#: Rocket System (MLRS)").
EQUIPMENT_HEADS = words(
    """
    system systems vehicle vehicles missile missiles launcher launchers aircraft helicopter
    helicopters drone drones rifle rifles carrier carriers gun guns howitzer howitzers
    """
)

#: Heads of place names that are not in a gazetteer's city list ("Kurdistan Region").
PLACE_HEADS = words("republic kingdom emirates region province territory territories oblast strip")

#: Second halves of a hyphenated modifier that says who leads, backs or owns a body
#: ("Russia-led", "Kremlin-backed", "London-based"): the name before the hyphen is a name of
#: its own, and the modifier is never part of the name after it.
MODIFIER_SUFFIXES = words(
    "led backed dominated based owned funded sponsored brokered controlled allied aligned run linked supported"
)

# ---- titles: offices, ranks, honorifics ------------------------------------------------------

#: Words that end a title before a person's name ("Defense Minister", "Lt. Col.", "Mr").
#: Lower-case forms; the ones also used as ordinary adjectives are in ``CAPITAL_ONLY_TITLES``.
TITLE_HEADS = words(
    """
    president vice-president premier minister secretary secretary-general chancellor ambassador
    envoy spokesman spokeswoman spokesperson governor mayor senator congressman congresswoman
    commander chief chairman chairwoman director leader king queen prince princess emir sheikh
    sultan pope patriarch ayatollah cardinal archbishop bishop imam rabbi judge prosecutor
    deputy representative speaker adviser advisor consul attaché attache negotiator chief-of-staff
    general gen. lieutenant lt. colonel col. major maj. captain capt. sergeant sgt. corporal cpl.
    private pvt. pfc. admiral adm. commodore brigadier brig. marshal ensign specialist spc.
    airman seaman officer counterpart
    mr mr. mrs mrs. ms ms. dr dr. sir dame lord lady baroness baron prof. professor rev. reverend
    sen. rep. gov. amb. pres. supt.
    """
)

#: Title words that are also plain adjectives or nouns ("general public", "major cities",
#: "private sector", "officer"): they count only when capitalised.
CAPITAL_ONLY_TITLES = words(
    "general major private marshal specialist officer deputy leader chief director speaker lady lord"
)

#: Words that may stand in a title before its head ("Deputy Prime Minister", "Staff Sgt.",
#: "Acting Defence Secretary", "Chief Warrant Officer").
TITLE_MODIFIERS = words(
    """
    deputy vice acting former ex first prime chief senior top interim foreign defense defence
    interior home finance justice health trade economy energy education culture state federal
    army navy naval air military armed forces security intelligence police national regional
    staff master command petty warrant field rear lance flight wing group lieutenant brigadier
    major general attorney crown grand supreme special assistant executive permanent opposition
    """
)

# ---- equipment -------------------------------------------------------------------------------

#: Nouns that say a designation beside them is a weapon or platform ("Mi-35 helicopters").
EQUIPMENT_CLASS_NOUNS = words(
    """
    aircraft airplane airplanes plane planes jet jets fighter fighters fighter-bomber bomber
    bombers interceptor interceptors helicopter helicopters gunship gunships chopper choppers
    drone drones uav uavs ucav tank tanks apc apcs ifv ifvs vehicle vehicles carrier carriers
    transporter transporters truck trucks howitzer howitzers gun guns cannon launcher launchers
    mlrs rocket rockets missile missiles torpedo torpedoes interceptor radar radars submarine
    submarines frigate frigates corvette corvettes destroyer destroyers cruiser cruisers warship
    warships vessel vessels boat boats rifle rifles pistol pistols mortar mortars grenade
    grenades munition munitions bomb bombs warhead warheads airliner airliners airlifter
    transport freighter tanker tankers artillery armour armor sam sams manpads atgm atgms
    """
)

#: Nouns that count as class nouns only beside a weapon word ("S-400 air defence systems").
WEAK_CLASS_NOUNS = words("system systems complex complexes platform platforms variant variants version")

#: Words that make ``WEAK_CLASS_NOUNS`` count.
WEAPON_WORDS = words(
    """
    air defense defence missile missiles rocket rockets weapon weapons artillery anti-aircraft
    anti-tank anti-ship launch radar strike combat attack armoured armored
    """
)

#: Makers and design bureaus whose name before a code makes it a designation
#: ("Sukhoi Su-30", "Bayraktar TB2", "Kamaz 53949").
MAKERS = words(
    """
    Sukhoi Mikoyan Tupolev Ilyushin Antonov Yakovlev Kamov Mil Beriev Kamaz KamAZ Ural Uralvagonzavod
    Almaz-Antey Kalashnikov Boeing Lockheed Northrop Grumman Raytheon Airbus Dassault Eurocopter
    Saab Embraer Bell Sikorsky Bayraktar Baykar Aselsan Otokar Hyundai Norinco Chengdu Shenyang
    Xian Harbin Rafael Elbit Leonardo Agusta AgustaWestland Rheinmetall Krauss-Maffei BAE Thales
    MBDA Textron Hawker Pilatus Zlin
    """
)

#: Letter prefixes of Soviet, Russian and US designations that name a design bureau or a vehicle
#: family by themselves ("Mi-8", "Su-30", "BTR-82A"): a code after them needs no class noun.
DESIGN_PREFIXES = words(
    """
    Mi Su MiG Tu Ka Il An Yak Be BTR BMP BMD BRDM BM TOS Kh AK RPG AH UH CH MQ RQ KC
    """
)

#: Prefixes of warships' names ("HMS Ocean", "USS Hopper", "FS Forbin", "RFS Moskva").
SHIP_PREFIXES = words("HMS USS USNS HMAS HMCS HMNZS INS FS RFS TCG ROKS JS PNS KRI BNS SAS ITS ESPS HNLMS HDMS")

# ---- dates and money -------------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sep", "Sept"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for name in names
}

WEEKDAYS = words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")

#: Number words that scale an amount of money ("1.5 billion", "20m", "3.4bn").
MAGNITUDES = words("thousand million billion trillion k m bn mn mln tn trn crore lakh")

# ---- words that join the parts of a name -------------------------------------------------------

#: Lower-case words allowed inside a capitalised name ("Bank of England", "Minister for the
#: Middle East", "Islamic State of Iraq and the Levant").
NAME_CONNECTORS = words("of for the on and de du des da di del al el la le von van der bin ibn")

#: English function words and sentence adverbs: capitalised at a sentence's start, never the first
#: word of a name ("Yesterday Defence Ministry officials…", "In Baghdad…").
FUNCTION_WORDS = words(
    """
    a an the this that these those its his her their our my your it he she they we i you there here
    in on at for from by with without after before during since until under over into onto upon
    about above below between among against across through throughout despite although though
    unlike like as if when while where whereas whether because so but and or nor yet also both
    either neither each every all some many several most more much few other another such no not
    yesterday today tomorrow tonight meanwhile however moreover furthermore nevertheless thus then
    now later earlier still already again once instead indeed perhaps last next first according
    following including even only just
    """
)

#: Lower-case particles that may start or sit inside a person's name ("Haider al-Abadi").
NAME_PARTICLES = words("al el bin ibn bint abu de da di del della van von der den la le du dos das ter")


@functools.cache
def common_words() -> frozenset[str]:
    """Lower-case words that English news writes lower-case more often than capitalised.

    Generated by ``store/suggest/build_common_words.py`` from a news corpus (counts only, no text): a word is
    in it when its lower-case occurrences outnumber its capitalised ones in mid-sentence. "nice",
    "reading", "split" and "mobile" are in it; "paris", "jordan" and "carter" are not.
    """
    data = resources.files("store.suggest").joinpath("common_words.txt").read_text(encoding="utf-8")
    return frozenset(line for line in data.splitlines() if line and not line.startswith("#"))


# ---- text helpers ------------------------------------------------------------------------------

_OPENERS = "\"'“‘«([{—–-*•"
_ENDERS = ".!?…:;"


def sentence_initial(text: str, start: int) -> bool:
    """True when the word at ``start`` begins a sentence, a line or a quotation.

    A capital there says nothing about the word (every sentence starts with one), so the
    suggesters treat such words as unknown rather than as names.
    """
    i = start - 1
    while i >= 0 and (text[i] in " \t" or text[i] in _OPENERS):
        i -= 1
    return i < 0 or text[i] == "\n" or text[i] in _ENDERS


_FOLD_CACHE: dict[str, str] = {}
#: Letters with no Unicode decomposition that English text writes as a plain letter.
_PLAIN = {"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "ʿ": "'", "ʾ": "'"}


def _fold_char(ch: str) -> str:
    folded = _FOLD_CACHE.get(ch)
    if folded is None:
        if ch in _PLAIN:
            folded = _PLAIN[ch]
        elif ch in "’‘ʼ`´":
            folded = "'"
        elif ch in "‐‑‒–":
            folded = "-"
        else:
            base = unicodedata.normalize("NFKD", ch)[:1]
            folded = base if base.isascii() and base.isalpha() and ch.isalpha() else ch
        _FOLD_CACHE[ch] = folded
    return folded


def fold(text: str) -> str:
    """``text`` with accents dropped and curly quotes and dashes made plain, one for one.

    Every character becomes exactly one character, so an offset into the folded text is the same
    offset into the original: gazetteer names and patterns match "Şanlıurfa" as "Sanlıurfa"
    and "Mi‑35" as "Mi-35" while the candidates still point at the text as written.
    """
    if text.isascii():
        return text
    return _fold_long(text) if len(text) > FOLD_CACHED_FROM else _fold_text(text)


#: Texts longer than this are folded once for all the suggesters (each folds the article).
FOLD_CACHED_FROM = 2000


@functools.lru_cache(maxsize=4)
def _fold_long(text: str) -> str:
    return _fold_text(text)


def _fold_text(text: str) -> str:
    """One translation of the text's non-ASCII characters (in C), not a Python call per character."""
    table = {ord(ch): _fold_char(ch) for ch in set(text) if not ch.isascii()}
    return text.translate(table)


def fold_name(name: str) -> str:
    """A gazetteer name folded as :func:`fold` folds text (its accents dropped)."""
    return fold(unicodedata.normalize("NFC", name))


WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?\.?|\d+(?:[.,]\d+)*")


def is_capitalised(word: str) -> bool:
    """First character an upper-case letter (``Mosul``, ``ISIL``, ``McChrystal``, ``al-Abadi`` is not)."""
    return bool(word) and word[0].isupper()
