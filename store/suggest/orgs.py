"""Names built on a head noun: "Russian Defence Ministry", "Bank of England", "Minsk Agreement".

A run of capitalised words (with "of", "for", "the", "and", "de", "al"… between them) whose
head noun says what it names is a name of that kind: an organisation ("… Ministry", "… Forces",
"Department of …"), a document ("… Treaty", "… Agreement") or an event ("… Summit",
"Operation …", "Exercise …"). The head is the last capitalised word that is on one of the head
lists, and what follows it joins when it is an "of …" phrase ("Department of Defense").

A run is cut at titles ("Foreign Office Minister Tobias Ellwood" gives "Foreign Office"), and
loses a capitalised first word that only starts a sentence ("Yesterday Defence Ministry …") or
"The". A name of one word is not proposed ("Police", "the Coalition").

:func:`name_spans` gives the spans alone: the gazetteers read them to leave alone the place
names inside an organisation's name ("Tashkent State University", "Bank of England").
"""

from __future__ import annotations

import functools
import re

from store.suggest.candidates import Candidate, starts_sentence
from store.suggest.lexicon import (
    DOCUMENT_HEADS,
    EVENT_HEADS,
    FUNCTION_WORDS,
    MODIFIER_SUFFIXES,
    MONTHS,
    ORG_HEADS,
    TITLE_HEADS,
    WEEKDAYS,
    common_words,
    fold,
    words,
)

_TOKEN = re.compile(r"[^\W\d_][\w'&.-]*[\w&]|[^\W\d_]|\S")
_CONNECTORS = words("of for the and on de du des al el la le von van der")
#: Heads that come first: "Operation Inherent Resolve", "Exercise Eager Lion".
_LEADING_EVENT_HEADS = words("Operation Exercise")
#: A modifier that says who leads, backs or owns a body ("Russia-led", "Kremlin-backed",
#: "London-based"): it describes the name after it and is never part of it.
_MODIFIER = re.compile(r"-(?:" + "|".join(sorted(MODIFIER_SUFFIXES)) + r")$")

#: Heads of the names of newspapers, agencies and other outlets ("Asia Times", "Sky News",
#: "Eurasia Daily Monitor", "Washington Post"): organisations here, not in the other rules'
#: lists (a person's name is never read as ending in one).
_MEDIA_HEADS = words("times news monitor post herald gazette journal tribune telegraph chronicle")

#: A note's number glued after a name's last full stop ("… Border Troops.4").
_FOOTNOTE = re.compile(r"(?<=[a-z])\.\d{1,3}$")

Token = tuple[int, int, str]


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and word[:1].isalpha()


def _runs(folded: str) -> list[list[Token]]:
    """Runs of capitalised words joined by single spaces and connector words."""
    runs: list[list[Token]] = []
    current: list[Token] = []
    previous_end = -1
    for m in _TOKEN.finditer(folded):
        start, end, word = m.start(), m.end(), m.group()
        joined = bool(current) and folded[previous_end:start] == " "
        if _capitalised(word) or (word in _CONNECTORS and joined):
            if current and not joined:
                runs.append(current)
                current = []
            current.append((start, end, word))
            previous_end = end
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    return runs


def _segments(folded: str, run: list[Token]) -> list[list[Token]]:
    """A run cut at title words, dates, and an "and" right after a complete name; trimmed.

    A piece starts after a "<Name>-led" modifier ("the Moscow-led Customs Union").

    "Jordan Armed Forces and Iraqi Security Forces" is two names; "Securities and Exchange
    Commission" is one.
    """
    pieces: list[list[Token]] = [[]]
    for token in run:
        word = token[2]
        title = word.lower().removesuffix("'s") in TITLE_HEADS
        after_name = bool(pieces[-1]) and _head_kind(pieces[-1][-1][2]) is not None
        if title or word in MONTHS or word in WEEKDAYS or (word == "and" and after_name):
            pieces.append([])
            continue
        pieces[-1].append(token)
        if _FOOTNOTE.search(word):
            pieces.append([])  # a note's number ends the sentence ("… Border Troops.4 Next")
    out: list[list[Token]] = []
    for piece in pieces:
        cut = max((i + 1 for i, token in enumerate(piece) if _MODIFIER.search(token[2].lower())), default=0)
        piece = piece[cut:]
        while piece and (piece[0][2].lower() in FUNCTION_WORDS or piece[0][2] in _CONNECTORS):
            piece = piece[1:]
        while piece and piece[-1][2] in _CONNECTORS:
            piece = piece[:-1]
        if piece:
            out.append(piece)
    return out


def _head_kind(word: str) -> str | None:
    head = word.lower().removesuffix("'s").removesuffix("'")
    if head in DOCUMENT_HEADS:
        return "DOCUMENT"
    if head in EVENT_HEADS:
        return "EVENT"
    return "ORG" if head in ORG_HEADS or head in _MEDIA_HEADS else None


def _typed(piece: list[Token]) -> tuple[list[Token], str] | None:
    """The part of ``piece`` that is a name, and its type, or None.

    "Shigeo Morioka of the International Longevity Centre": the words before "of" hold no
    head, so they are not part of the name.
    """
    if piece[0][2] in _LEADING_EVENT_HEADS and len(piece) > 1 and _capitalised(piece[1][2]):
        cut = next((j for j, t in enumerate(piece) if t[2] == "and"), len(piece))
        return piece[:cut], "EVENT"
    for i in range(len(piece) - 1, -1, -1):
        kind = _head_kind(piece[i][2])
        if kind is None:
            continue
        end = i + 1
        if end < len(piece) and piece[end][2] in ("of", "for", "on"):
            end = _person_after(piece, i + 2)
        elif i == 0:
            return None  # a head alone, or before words that are not its "of" phrase
        start = 0
        joints = [j for j in range(1, i) if piece[j][2] in ("of", "for")]
        if joints and not any(_head_kind(t[2]) for t in piece[: joints[-1]]):
            start = joints[-1] + 1
            while start < i and piece[start][2] in _CONNECTORS:
                start += 1
        owners = [j for j in range(start, i) if piece[j][2].endswith(("'s", "’s"))]
        if owners:  # "Pearson's Financial Times": the owner is not part of the name
            start = owners[-1] + 1
        if piece[i][2].lower() in _MEDIA_HEADS:
            ands = [j for j in range(start, i) if piece[j][2] == "and"]
            if ands:  # "the Independent and The Times": outlets are listed, rarely named with "and"
                start = ands[-1] + 1
        while start < i and piece[start][2] in _CONNECTORS:
            start += 1
        return piece[start:end], kind
    return None


def _person_after(piece: list[Token], first: int) -> int:
    """Where the "of" phrase that ends ``piece`` ends: before a person's name that follows it.

    "the Scientific Council of the Institute for Asian Studies Igor Pankratenko": the name is
    a given name rigour knows and one or two capitalised words to the end of the run.
    """
    from store.suggest.named_persons import starts_person

    for j in range(max(first, len(piece) - 3), len(piece) - 1):
        rest = [t[2] for t in piece[j + 1 :]]
        if starts_person(piece[j][2]) and all(_capitalised(w) and w not in _CONNECTORS for w in rest):
            return j
    return len(piece)


def _opens_sentence(folded: str, token: Token) -> bool:
    """A word English writes lower-case that is capitalised only because it starts a sentence."""
    return starts_sentence(folded, token[0]) and token[2].lower() in common_words()


@functools.lru_cache(maxsize=8)
def _names(folded: str) -> tuple[tuple[int, int, str], ...]:
    found: list[tuple[int, int, str]] = []
    for run in _runs(folded):
        if len(run) < 2:
            continue
        for piece in _segments(folded, run):
            typed = _typed(piece)
            if typed is None:
                continue
            tokens, kind = typed
            if tokens[-1][2].lower() in _MEDIA_HEADS and _opens_sentence(folded, tokens[0]):
                tokens = tokens[1:]  # "Good News for all." starts a sentence, names no outlet
            if len(tokens) < 2 or tokens[0][2] in MONTHS or tokens[0][2] in WEEKDAYS:
                continue
            start, end = tokens[0][0], tokens[-1][1]
            if folded[end - 2 : end] in ("'s", "’s"):
                end -= 2
            footnote = _FOOTNOTE.search(folded, start, end)
            if footnote is not None:
                end = footnote.start()  # "… Border Troops.4": a note's number after the stop
            found.append((start, end, kind))
    return tuple(found)


def name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the names built on a head noun (see the module docstring)."""
    return [(s, e) for s, e, _ in _names(fold(text))]


def head_names(text: str) -> list[Candidate]:
    """ORG, DOCUMENT and EVENT candidates for names built on a head noun."""
    folded = fold(text)
    return [
        Candidate(start, end, kind, " ".join(folded[start:end].split()), "pattern", "head noun")
        for start, end, kind in _names(folded)
    ]
