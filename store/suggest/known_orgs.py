"""Organisations that news names without any structure to recognise them by.

"NATO", "the Kremlin", "the Taliban", "TASS", "Rosoboronexport": no head noun, no title, no
long form beside them, yet every reader of news on military and political affairs knows them.
This is a small gazetteer of such names, kept to general knowledge: each entry is a body that
an encyclopaedia of international affairs lists under that name. It is not taken from any
article. The groups and where their names come from:

* international and regional organisations and blocs, with the acronyms their own charters
  and websites use (UN system agencies, NATO, EU, OSCE, CSTO, CIS, SCO, EAEU/EEU, ASEAN,
  OPEC, GCC…; the UN's list of intergovernmental organisations with observer status);
* seats of government that news uses for the government itself: "Kremlin" (the Russian
  presidency), "Pentagon" (the US Department of Defense), "White House" (the US presidency);
* news agencies and outlets quoted as sources (the major wire services: Reuters, AFP, AP,
  TASS, RIA Novosti, Interfax, Xinhua, Anadolu…; national papers such as Pravda);
* armed groups under the names on the UN Security Council's sanctions lists and in the UK's
  list of proscribed organisations ("Taliban", "Islamic State", "al-Qaeda", "Hezbollah");
* the state arms exporters and the largest defence companies by SIPRI's Top 100.

Names are matched case-sensitively as whole words, as their bodies and the major style guides
write them ("NATO", and "Nato" as the BBC and the Guardian write it); "nato" is not a hit. Ambiguous short forms are
left out ("WHO", "AU", "ICC" beside a cricket score, "AP" as an abbreviation of a place).
"""

from __future__ import annotations

import functools
import re

import ahocorasick

from store.suggest.candidates import Candidate
from store.suggest.lexicon import MODIFIER_SUFFIXES

#: Name as written → the entity's name. One name per line: "written = name" or just "name".
_KNOWN = """
United Nations
UN = United Nations
U.N. = United Nations
UN Security Council = United Nations Security Council
United Nations Security Council
UNESCO
UNICEF
UNHCR
IAEA = International Atomic Energy Agency
NATO = North Atlantic Treaty Organization
Nato = North Atlantic Treaty Organization
North Atlantic Treaty Organization
European Union
EU = European Union
OSCE = Organization for Security and Co-operation in Europe
CSTO = Collective Security Treaty Organization
Collective Security Treaty Organization
Collective Security Treaty Organisation = Collective Security Treaty Organization
CIS = Commonwealth of Independent States
Commonwealth of Independent States
SCO = Shanghai Cooperation Organisation
Shanghai Cooperation Organisation
Shanghai Cooperation Organization = Shanghai Cooperation Organisation
EAEU = Eurasian Economic Union
EEU = Eurasian Economic Union
Eurasian Economic Union
ASEAN = Association of Southeast Asian Nations
OPEC = Organization of the Petroleum Exporting Countries
GCC = Gulf Cooperation Council
Gulf Cooperation Council
African Union
Arab League
IMF = International Monetary Fund
International Monetary Fund
World Bank
WTO = World Trade Organization
World Trade Organization
OECD = Organisation for Economic Co-operation and Development
Interpol
Europol
Red Cross
ICRC = International Committee of the Red Cross
Kremlin
Pentagon
White House
Reuters
AFP = Agence France-Presse
Agence France-Presse
Associated Press
TASS
RIA Novosti
Interfax
Xinhua
Anadolu Agency
Al Jazeera
Pravda
Izvestia
Kommersant
IRNA = Islamic Republic News Agency
Taliban
Islamic State
ISIS = Islamic State
ISIL = Islamic State
Daesh = Islamic State
al-Qaeda
al-Qaida = al-Qaeda
Al-Qaeda = al-Qaeda
Hezbollah
Hamas
Boko Haram
al-Shabab
PKK = Kurdistan Workers' Party
Rosoboronexport
Rostec
Almaz-Antey
Lockheed Martin
Raytheon
Northrop Grumman
BAE Systems
General Dynamics
Baykar
"""


@functools.cache
def _table() -> tuple[dict[str, str], ahocorasick.Automaton]:
    names: dict[str, str] = {}
    automaton = ahocorasick.Automaton()
    for line in _KNOWN.strip().splitlines():
        written, _, name = (part.strip() for part in line.partition("="))
        names[written] = name or written
        automaton.add_word(written, written)
    automaton.make_automaton()
    return names, automaton


#: Before a name: no word character or hyphen, except a prefix ("anti-Taliban", "pro-Kremlin").
_PREFIX = re.compile(r"(?:^|(?<=[^\w-])|(?<=\b[Aa]nti-)|(?<=\b[Pp]ro-))$")
#: After a name: no word character, and a hyphen only before a modifier ("NATO-led").
_AFTER = re.compile(r"(?:-(?:" + "|".join(sorted(MODIFIER_SUFFIXES)) + r")\b|(?![\w]|-\w))")


def known_orgs(text: str) -> list[Candidate]:
    """ORG candidates for every whole-word use of a name in the gazetteer above."""
    names, automaton = _table()
    found: list[Candidate] = []
    for last, written in automaton.iter_long(text):
        start, end = last - len(written) + 1, last + 1
        if start > 0 and not _PREFIX.search(text, max(0, start - 5), start):
            continue
        if not _AFTER.match(text, end):
            continue
        found.append(Candidate(start, end, "ORG", names[written], "gazetteer", "known org"))
    return found


def is_known_org(word: str) -> bool:
    """Whether ``word`` as written is a name in the gazetteer above ("NATO", "Kremlin")."""
    return word in _table()[0]
