"""The one name matcher, for typed text and for a text's words.

Typed text is matched against names by pickers, the palette and merge proposals; a text's words
against names by suggestions and unlinked mentions (:mod:`store.known_names`, with
:func:`word_key` and :func:`same_word` from here).

Two ways a typed text finds a name, and a name is offered when either holds:

* **typed letters in order**: analysts type fragments ("shoi", "csto", "mi35"); the folded
  query's characters appear in order in the folded name. Contiguous runs, word starts and a
  match at the very beginning score higher, so ``csto`` ranks ``CSTO`` above ``Collective
  Security Treaty Organization``, and an exact name beats everything;
* **another spelling of the same name**: "Sergei Shoigu" for "Sergey Shoigu", "Abdusalom Azizov"
  for "Abusalom Azizov", "Шойгу" for "Shoigu". Both are transliterated to Latin letters
  (rigour's ``ascii_text``) and compared with rapidfuzz's weighted ratio; a name at least
  :data:`VARIANT_AT_LEAST` similar that shares a three-letter run with the query is offered.
  (Without such a run nothing typed is the same name; the run is also what a database can look
  up, so a server store offers exactly what the folder store offers.)
"""

from __future__ import annotations

import functools

from store.search_index import fold

#: How similar (rapidfuzz ``WRatio``, 0-100) another spelling must be to be offered.
VARIANT_AT_LEAST = 75.0
#: An exact name (folded, or in Latin letters) scores this; nothing else comes near.
EXACT = 1000.0
#: Words this short (in Latin letters) must be spelled alike: an acronym has no sound to match.
EXACT_UP_TO = 4
#: How similar (rapidfuzz ``ratio``, 0-100) two spellings of one word must be.
SAME_WORD_AT_LEAST = 75.0


#: The ASCII characters :func:`squash` drops (all but letters, digits and the space), as bytes.
_ASCII_DROPPED = bytes(c for c in range(128) if not (chr(c).isalnum() or c == 32))


def squash(text: str) -> str:
    """``text`` folded (case and accents), with only letters, digits and spaces kept.

    Every article's list filter text is squashed when it is saved to a server: an ASCII text
    (most titles) is done by one ``bytes.translate`` (a fifth of a test per character).
    """
    folded = fold(text)
    if folded.isascii():
        return folded.encode("ascii").translate(None, _ASCII_DROPPED).decode("ascii")
    return "".join(ch for ch in folded if ch.isalnum() or ch == " ")


def fuzzy_score(query: str, candidate: str) -> float | None:
    """Score ``candidate`` for ``query`` (higher is better), or ``None`` if it does not match."""
    q = letters(query)
    c = latin(candidate)
    if not q:
        return 0.0
    if c.replace(" ", "") == q:
        return EXACT
    score = 0.0
    position = 0
    previous = -2
    for ch in q:
        found = c.find(ch, position)
        if found == -1:
            return None
        if found == previous + 1:
            score += 5
        if found == 0 or c[found - 1] == " ":
            score += 8
        score += 1
        previous = found
        position = found + 1
    if c.startswith(q):
        score += 50
    elif q in c:
        score += 25
    return score - 0.05 * len(c)


def latin(text: str) -> str:
    """``text`` in lower-case Latin letters, digits and single spaces (Шойгу → shoigu).

    rigour (and the tables it loads: 0.13 s, 26 MB) is imported the first time a name that is
    not plain ASCII is compared, not when the app starts.
    """
    if not text.isascii():
        from rigour.text import ascii_text

        text = ascii_text(text)
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def letters(text: str) -> str:
    """The letters and digits a name is matched on: :func:`latin` without its spaces.

    A server store keeps them for every name and alias (``entity_names.squashed``), so that it
    can look up, in any script, the names these rules would offer.
    """
    return latin(text).replace(" ", "")


def letter_runs(query: str) -> list[str]:
    """The three-letter runs of the query's words in Latin letters: another spelling shares one."""
    runs = {word[i : i + 3] for word in latin(query).split() for i in range(len(word) - 2)}
    return sorted(runs)


def name_score(query: str, name: str) -> float | None:
    """How well ``name`` answers ``query`` (higher is better), or ``None`` when it does not.

    Typed letters in order score 70-100, another spelling its similarity (75-100, a little
    less than the same letters typed), an exact name :data:`EXACT`.
    """
    typed = fuzzy_score(query, name)
    if typed == EXACT:
        return EXACT
    query_latin, name_latin = latin(query), latin(name)
    if query_latin and query_latin == name_latin:
        return EXACT
    scores = [70.0 + min(max(typed, 0.0), 29.9)] if typed is not None else []
    name_letters = name_latin.replace(" ", "")
    if query_latin and name_latin and any(run in name_letters for run in letter_runs(query)):
        from rapidfuzz import fuzz

        similar = fuzz.WRatio(query_latin, name_latin)
        if similar >= VARIANT_AT_LEAST:
            scores.append(similar * 0.99)
        elif same_words(query, name):  # the same words by sound, as a text's mention is found
            scores.append(VARIANT_AT_LEAST * 0.99)
    return max(scores) if scores else None


@functools.lru_cache(maxsize=100_000)
def word_key(word: str) -> str:
    """The key a word is matched on: its sound, or for short words and codes, its letters."""
    spelled = latin(word).replace(" ", "")
    if len(spelled) <= EXACT_UP_TO or any(ch.isdigit() for ch in spelled):
        return spelled
    from rigour.text import metaphone

    sound = metaphone(spelled)
    collapsed = "".join(ch for i, ch in enumerate(sound) if i == 0 or ch != sound[i - 1])
    return collapsed or spelled


@functools.lru_cache(maxsize=100_000)
def same_word(text_word: str, name_word: str) -> bool:
    """Whether a word of the text is a spelling of a name's word (not only a word that sounds alike)."""
    if text_word.islower() and not name_word.islower():
        return False
    a, b = latin(text_word), latin(name_word)
    if a == b:
        return True
    if len(b) <= EXACT_UP_TO or any(ch.isdigit() for ch in b):
        return False
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) >= SAME_WORD_AT_LEAST


def same_words(query: str, name: str) -> bool:
    """Whether every word of ``query`` is a spelling of the name's word in its place (Shoygu, Шойгу)."""
    asked, words = latin(query).split(), latin(name).split()
    return (
        bool(words)
        and len(asked) == len(words)
        and all(word_key(a) == word_key(b) and same_word(a, b) for a, b in zip(asked, words, strict=True))
    )


def best_name(query: str, names: tuple[str, ...]) -> tuple[float, str] | None:
    """The best-scoring of several names (a canonical name and its aliases)."""
    best: tuple[float, str] | None = None
    for name in names:
        score = name_score(query, name)
        if score is not None and (best is None or score > best[0]):
            best = (score, name)
    return best


def words_score(query: str, haystack: str, *, folded: bool = False) -> float | None:
    """Score for list filters: every word of ``query`` must occur in ``haystack`` (folded).

    Stricter than :func:`fuzzy_score`, as a list filter should be: ``trea`` keeps the
    articles about a treaty, not every title with a t, r, e and a in order. Words found at the
    start of a word of the haystack, and early in it, score higher. ``folded``: the haystack is
    already :func:`squash`-ed (a backend keeps it so).
    """
    words = squash(query).split()
    target = " " + (haystack if folded else squash(haystack))
    if not words:
        return 0.0
    score = 0.0
    for word in words:
        at = target.find(" " + word)
        if at != -1:
            score += 10 - min(at, 400) / 100
            continue
        at = target.find(word)
        if at == -1:
            return None
        score += 5 - min(at, 400) / 100
    return score
