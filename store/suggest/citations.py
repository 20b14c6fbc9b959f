"""Authors and publishers in the notes and references at the end of an article.

A reference in the common note styles (Chicago, MLA, APA-like) puts its parts in fixed slots:

    7. Mashrab, Fozil, "Russia Turns to …," The Jamestown Foundation, November 17 2017, Accessed …
    2. Hasanova, Gunay. "Uzbekistan, Russia ink deal …" AzerNews.az. November 30, 2016. Accessed …

The author comes first, inverted ("Surname, Given"); the publisher, the outlet or the body that
issued the text comes right after the quoted title and right before the date. These slots are
read only on a reference line: one that starts with a note number ("7. ") or holds a citation's
"Accessed"/"Retrieved" or a web address. The author is a PERSON, one span with its comma, named
in natural order ("Fozil Mashrab"); the publisher is an ORG, with a leading "The" when the
reference writes one ("The Diplomat").
"""

from __future__ import annotations

import re

from store.suggest.candidates import Candidate
from store.suggest.lexicon import MONTHS, fold

_LINE = re.compile(r"[^\n]+")
_REFERENCE = re.compile(r"^\s*\d{1,3}\.\s|\b(?:Accessed|Retrieved|accessed|retrieved)\b|https?://|www\.")
_NAME_WORD = r"[A-Z][\w.'&-]*[\w&]"
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
#: The quoted title's closing quote, then the publisher, then the date ("…," East Time, April 8 2017).
_PUBLISHER = re.compile(
    r"[\"”][.,]?\s+(?P<publisher>"
    + _NAME_WORD
    + r"(?: (?:of|the|and|for|on|"
    + _NAME_WORD
    + r"))*)[.,]\s+(?:(?:"
    + _MONTH
    + r")\b|\d{4}\b)"
)
#: The inverted author at the start of a note ("7. Mashrab, Fozil, "…", "Ibid. Mashrab, Fozil").
_AUTHOR = re.compile(
    r"^\s*(?:\d{1,3}\.\s+)?(?:Ibid\.\s+)?(?P<surname>[A-Z][a-z'-]*[A-Z]?[a-z]+), (?P<given>[A-Z][a-z]+)"
    r"(?=[.,]?\s*[\"“]|\s+[A-Z])"
)


def citations(text: str) -> list[Candidate]:
    """PERSON candidates for the authors and ORG candidates for the publishers of references."""
    folded = fold(text)
    found: list[Candidate] = []
    for line in _LINE.finditer(folded):
        if not _REFERENCE.search(line.group()):
            continue
        offset = line.start()
        author = _AUTHOR.match(line.group())
        if author is not None and author.group("surname") not in MONTHS:
            start, end = offset + author.start("surname"), offset + author.end("given")
            name = f"{author.group('given')} {author.group('surname')}"
            found.append(Candidate(start, end, "PERSON", name, "pattern", "citation author"))
        for m in _PUBLISHER.finditer(line.group()):
            publisher = m.group("publisher")
            if publisher.split()[0] in MONTHS:
                continue
            start = offset + m.start("publisher")
            found.append(Candidate(start, start + len(publisher), "ORG", publisher, "pattern", "citation publisher"))
    return found
