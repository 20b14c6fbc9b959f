"""The fast search vector is, byte for byte, the one the straightforward code made.

``vector_literal`` was rewritten for speed (it is most of a server import's client time). The
literal it made before is kept here as the reference, unchanged, and compared with the new one
over random text of every kind the new code treats apart (ASCII, non-ASCII characters that are
not word characters, accented and Cyrillic words, characters whose fold is not their lower case
or splits differently, quotes and backslashes, words too long for the server, texts past the
last position or with more than 256 of a word, texts too large for a vector) and over the seeds.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from store.ingest import ParsedFile, parse_file
from store.postgres_search import MAX_POSITION, MAX_POSITIONS_PER_LEXEME, designation_lexemes, vector_literal
from store.search_index import WORD, fold, folded_words

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SETTINGS = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------- the reference (as it was)

_MAX_POSITION = 16383
_MAX_POSITIONS_PER_LEXEME = 256
_MAX_LEXEME_BYTES = 2046
_MAX_VECTOR_CHARS = 800_000


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _usable(term: str) -> bool:
    return len(term) > 0 and (len(term) * 4 <= _MAX_LEXEME_BYTES or len(term.encode()) <= _MAX_LEXEME_BYTES)


def reference_vector_literal(title: str | None, text: str) -> str:
    """``store.postgres_search.vector_literal`` before it was made faster (commit 0bd5cc9)."""
    in_title = {fold(word) for word in WORD.findall(title or "")}
    if text.isascii():
        terms = WORD.findall(text.lower())
    else:
        words = WORD.findall(text)
        folded = {word: fold(word) for word in set(words)}
        terms = list(map(folded.__getitem__, words))
    positions: dict[str, list[int]] = {}
    for number, term in enumerate(terms, start=1):
        kept = positions.get(term)
        if kept is None:
            positions[term] = [number]
        else:
            kept.append(number)
    parts: list[str] = []
    add = parts.append
    for term, numbers in positions.items():
        if len(term) * 4 > _MAX_LEXEME_BYTES and not _usable(term):
            continue
        quoted = _quote(term) if "'" in term or "\\" in term else f"'{term}'"
        weight = "A" if term in in_title else ""
        if len(numbers) == 1:
            add(f"{quoted}:{min(numbers[0], _MAX_POSITION)}{weight}")
            continue
        if len(numbers) > _MAX_POSITIONS_PER_LEXEME:
            numbers = numbers[:_MAX_POSITIONS_PER_LEXEME]
        if numbers[-1] > _MAX_POSITION:
            numbers = [min(n, _MAX_POSITION) for n in numbers]
        add(f"{quoted}:{(weight + ',').join(map(str, numbers))}{weight}")
    literal = " ".join(parts)
    if len(literal) > _MAX_VECTOR_CHARS:
        literal = " ".join(_quote(term) for term in positions if _usable(term))[:_MAX_VECTOR_CHARS]
        literal = literal[: literal.rfind("' '") + 1] if len(literal) == _MAX_VECTOR_CHARS else literal
    return literal


def test_the_limits_are_the_references() -> None:
    assert (MAX_POSITION, MAX_POSITIONS_PER_LEXEME) == (_MAX_POSITION, _MAX_POSITIONS_PER_LEXEME)


# ---------------------------------------------------------------------- random text

#: Characters each new code path turns on: ASCII word and non-word characters (quotes,
#: backslash, underscore, digits); non-ASCII non-word characters (£, curly quotes, odd spaces,
#: a lone surrogate); letters whose fold differs from their lower case or is longer (Turkish İ
#: and ı, ß, the ligature ﬁ, ŉ, full-width letters and digits, ½, Greek ͺ which folds to a
#: space, half-width ﾞ which folds to nothing); combining marks alone and after letters;
#: Cyrillic, Greek, CJK, Arabic ligatures.
SPECIAL = (
    "aBzZ09_ '\\\"-.,\n\t\x00\x1b"
    "£€’“”\u00a0\u2028\u3000\ufffd\udc80"
    "ÉéÀçñÖøİıßẞﬁﬂŉＡｚ０９½²ͺǅﾞﾟ"
    "\u0301\u0307\u0308\u0345"
    "ШойгуЁёЙй"
    "ΣσςΑ"
    "中文ー"
    "\ufdfa\ufc5e"
)
characters = st.one_of(st.sampled_from(SPECIAL), st.characters())
#: Words drawn from a small pool repeat, so lexemes get several positions (and a title shares them).
pool_words = st.text(characters, min_size=1, max_size=6)


@st.composite
def texts_of_repeated_words(draw: st.DrawFn) -> str:
    pool = draw(st.lists(pool_words, min_size=1, max_size=12))
    separators = st.sampled_from([" ", "  ", "\n\n", ", ", "£", "’", "'", "\\", "-", "\u0301 ", "ͺ"])
    parts = draw(st.lists(st.tuples(st.sampled_from(pool), separators), max_size=120))
    return "".join(word + separator for word, separator in parts)


any_text = st.one_of(st.text(characters, max_size=400), texts_of_repeated_words(), st.text(max_size=400))
titles = st.one_of(st.none(), st.text(characters, max_size=40), texts_of_repeated_words())


def expected_literal(title: str | None, text: str) -> str:
    """The reference's literal of the words, then the designation keys without positions."""
    return reference_vector_literal(title, text) + designation_lexemes(text)


@SETTINGS
@given(titles, any_text)
@example(None, "")
@example("", "no words? £ ’ ")
@example("£", "£5 £ 5£")
@example("İstanbul", "İstanbul istanbul ISTANBUL ıstanbul")
@example("Straße", "STRASSE straße Strasse ﬁnance finance")
@example("ＡＢ", "ＡＢ ab ０１２ 012 ½ 1⁄2")
@example("It's", "It's a back\\slash and it’s O'Brien's")
@example("Шойгу", "Шойгу ШОЙГУ шойгу Shoigu Sergei Шойгу.")
@example("x", "a\u0301 á a ͺ ͺa \ufdfa ﾞ ﾞ")
def test_vector_literal_is_the_references(title: str | None, text: str) -> None:
    """The words' literal is the reference's; the designation keys follow it, without positions."""
    assert vector_literal(title, text) == expected_literal(title, text)


@SETTINGS
@given(any_text)
def test_folded_words_are_the_folds_of_the_words(text: str) -> None:
    assert folded_words(text) == [fold(word) for word in WORD.findall(text)]


# ---------------------------------------------------------------------- the limits


def _words(rng: random.Random, count: int, vocabulary: list[str]) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(count))


@pytest.mark.parametrize("seed", range(3))
def test_past_the_last_position_and_many_of_a_word(seed: int) -> None:
    """More than 16,383 words (later ones sit at the last position), some over 256 times."""
    rng = random.Random(seed)
    vocabulary = ["the", "a", "of", "Шойгу", "£", "café", "İ", "x'y", *(f"w{n}" for n in range(300))]
    text = _words(rng, 20_000, vocabulary)
    assert vector_literal("The café", text) == expected_literal("The café", text)
    ascii_text = _words(rng, 17_000, [w for w in vocabulary if w.isascii()])
    assert vector_literal("w1 the", ascii_text) == expected_literal("w1 the", ascii_text)


@pytest.mark.parametrize("times", [255, 256, 257, 300])
def test_more_than_256_of_a_word(times: int) -> None:
    """The server keeps 256 positions of a lexeme; a word just under, at and over that."""
    for text in ("the " * times, "the cat " * times + "end", "Шойгу " * times + "the " * (times + 1)):
        for title in (None, "The cat", "Шойгу"):
            assert vector_literal(title, text) == expected_literal(title, text)


def test_quotes_and_backslashes_in_a_lexeme_are_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    """No word of the tokenizer folds to a quote or a backslash today; if one ever did, it is escaped."""
    monkeypatch.setattr("store.postgres_search.folded_words", str.split)
    assert vector_literal("it's", "it's a\\b it's") == "'it''s':1A,3A 'a\\\\b':2"
    assert vector_literal(None, "O'Brien") == "'O''Brien':1"
    assert vector_literal(None, "a\\b") == "'a\\\\b':1"


@pytest.mark.parametrize(
    "word",
    [
        "a" * 511,  # the longest that is always kept without measuring it
        "a" * 2046,  # exactly the server's limit
        "a" * 2047,  # one byte over: dropped
        "é" * 600,  # 1,200 bytes: kept though 600 characters could be 2,400 bytes
        "é" * 1023,  # 2,046 bytes: kept
        "é" * 1024,  # 2,048 bytes: dropped
        "Ш" * 1500,
        "中" * 700,
    ],
)
def test_words_too_long_for_the_server(word: str) -> None:
    for text in (f"{word} short {word}", word, f"before {word.upper()} after £", f"ﾞ {word} ﾞ"):
        for title in (None, word, "short"):
            assert vector_literal(title, text) == expected_literal(title, text)


def test_a_text_too_large_for_a_vector() -> None:
    """Over 800,000 characters of literal: the words without positions, cut at a whole word."""
    rng = random.Random(7)
    words = [f"{rng.randrange(36**6):06x}{n}" for n in range(90_000)]
    for text in (" ".join(words), " ".join(words) + " Шойгу café"):
        literal = vector_literal(words[0], text)
        assert len(literal) <= _MAX_VECTOR_CHARS
        assert literal == expected_literal(words[0], text)


# ---------------------------------------------------------------------- real articles


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda path: path.name)
def test_seed_articles(path: Path) -> None:
    parsed = parse_file(path)
    assert isinstance(parsed, ParsedFile)
    article = parsed.article
    assert vector_literal(article.title, article.text) == expected_literal(article.title, article.text)
    raw = path.read_text(encoding="utf-8")  # the page as it was, with its furniture
    assert vector_literal(raw[:80], raw) == expected_literal(raw[:80], raw)
