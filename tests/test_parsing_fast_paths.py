"""The shortcuts taken when a file is read and cleaned decide exactly as the code they skip.

Reading and cleaning were made faster by not running an expression where its answer is known
(a Latin-1 text without control characters, an ASCII line without any word a case-blind
expression needs, a line that cannot end like an image name) and by counting words only as far
as asked. Each function's previous code is kept here as the reference and compared with the new
over random lines full of what the expressions look for, in every case, with the characters
``re.I`` takes for ASCII letters (``ſ`` for s, ``ı`` for i, the Kelvin sign for k).
"""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from store import cleaning, decoding, sanitize
from store.metadata import parse_date_line

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------- the references (as they were)


def reference_is_prose(line: str) -> bool:
    words = len(line.split())
    return (words >= 10 and line.rstrip().endswith(cleaning._TERMINAL)) or len(line) >= 160


def reference_is_noise(line: str) -> bool:
    short = len(line) < 200
    words = len(line.split())
    return bool(
        cleaning._IMAGE_NAME.match(line)
        or (cleaning._NO_LETTERS.match(line) and len(line) <= 40 and parse_date_line(line) is None)
        or cleaning._COUNTER.match(line)
        or (short and cleaning._PROMO.search(line))
        or (words <= 4 and cleaning._SOCIAL.search(line) and not line.endswith((".", "!", "?")))
        or (words <= 8 and cleaning._APPEAL.match(line))
        or (short and cleaning._SEE_ALSO.match(line))
    )


def reference_footer_mark(unit: str) -> bool:
    if cleaning._FOOTER_START.match(unit):
        return True
    lowered = unit.lower()
    return ("if you" in lowered and cleaning._FOOTER_ERRORS.search(unit) is not None) or (
        "comment" in lowered and cleaning._FOOTER_COMMENTS.search(unit) is not None
    )


def reference_sanitize_text(text: str) -> str:
    if any(char in text for char in sanitize._SEPARATOR_CHARS):
        text = sanitize._LINE_SEPARATORS.sub("\n", text)
    text = sanitize._SPACES.sub(" ", text)
    text = sanitize._STRIP.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if "  " in text:
        text = sanitize._RUNS_OF_SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def reference_looks_binary(text: str) -> bool:
    allowed = len(text) // 50
    if allowed < 1000:
        return len(decoding._CONTROL.findall(text)) > allowed
    return any(found > allowed for found, _ in enumerate(decoding._CONTROL.finditer(text), start=1))


# ---------------------------------------------------------------------- random lines

#: What the expressions look for, and near misses.
FRAGMENTS = [
    "subscribe",
    "unsubscribe",
    "sign up for",
    "sign up",
    "newsletter",
    "follow us",
    "join us on",
    "share this",
    "share on",
    "share",
    "download our app",
    "download the app",
    "click here",
    "telegram",
    "vk",
    "support",
    "donate",
    "become a member",
    "views: 1,234",
    "read more:",
    "see also:",
    "if you find an error",
    "if you found a typo",
    "comments",
    "comment",
    "publish",
    "prohibited",
    "deleted",
    "moderation",
    "rules",
    "tags:",
    "dear readers",
    "copyright",
    "©",
    "photo.jpg",
    "image_01.jpeg",
    ".png",
    ".tiff",
    ".svg",
    "img.gif\n",
    "12.03.2021",
    "—",
    "...",
]
#: The characters a case-blind expression also takes for ASCII letters, and other non-ASCII.
ODD = ["ſ", "ı", "İ", "\u212a", "é", "£", "Ш", "\u00a0", "ß", "\x85"]


@st.composite
def lines(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(
            st.one_of(
                st.sampled_from(FRAGMENTS),
                st.sampled_from(FRAGMENTS).map(str.upper),
                st.sampled_from(FRAGMENTS).map(str.title),
                st.sampled_from(ODD),
                st.text(st.sampled_from("abcsikSIK .,:;!?'\"-_()%+0123456789\t"), max_size=12),
                st.text(max_size=8),
            ),
            max_size=14,
        )
    )
    separator = draw(st.sampled_from(["", " ", "  ", ", "]))
    return separator.join(parts)


any_line = st.one_of(lines(), st.text(max_size=300), st.text(st.characters(max_codepoint=0x17F), max_size=300))


@SETTINGS
@given(any_line)
@example("photo.JPG")
@example("pic.ſvg")
@example("ſubscribe to our newsletter")
@example("Sıgn up for news")
@example("\u212aeep up: click here")
@example("word " * 9)
@example("a b c d e f g h")
@example("Support us: " + "word " * 7)  # nine words: not an appeal
@example("Donate " + "now " * 7)  # eight words: an appeal
@example("Telegram a b c")
@example("Telegram a b c d")
@example("x" * 160)
@example("x" * 159)
@example("one two three four five six seven eight nine.")
@example("one two three four five six seven eight nine ten.")
@example("Comments are published after moderation")
@example("comments: we delete spam")
@example("ıf you find an error")
def test_cleaning_predicates_are_the_references(line: str) -> None:
    assert cleaning._is_noise(line) == reference_is_noise(line)
    assert cleaning.is_prose(line) == reference_is_prose(line)
    assert cleaning._footer_mark(line) == reference_footer_mark(line)


@SETTINGS
@given(st.lists(any_line, max_size=8).map("\n".join))
@example("a\u00a0 b\t\x1b[0m \u202e\r\nc  ")
def test_sanitize_text_is_the_reference(text: str) -> None:
    assert sanitize.sanitize_text(text) == reference_sanitize_text(text)


@SETTINGS
@given(st.text(st.sampled_from("ab\x00\x01\x1b\x7f\x85\x9f\xe9Ш\n"), max_size=400))
def test_looks_binary_is_the_reference(text: str) -> None:
    assert decoding._looks_binary(text) == reference_looks_binary(text)


def test_looks_binary_of_a_large_text() -> None:
    """Past 50,000 characters the reference stops counting early; the answer is the same."""
    for text in ("a" * 60_000, "a\x00" * 30_000, "a" * 58_800 + "\x01" * 1_200, "Ш" * 50_000 + "\x01" * 1_001):
        assert decoding._looks_binary(text) == reference_looks_binary(text)


@given(st.sampled_from(["", "a ", "A. "]), st.sampled_from(["", " b", "."]))
def test_the_words_looked_for_are_in_every_match(before: str, after: str) -> None:
    """Every phrase the case-blind expressions match holds one of the words their shortcut looks for."""
    promos = ["subscribe", "unsubscribe", "sign up for", "newsletter", "follow us", "join us on", "share this"]
    promos += ["share on", "download our app", "download the app", "click here"]
    for phrase in promos:
        line = before + phrase.upper() + after
        assert cleaning._PROMO.search(line) and any(word in line.lower() for word in cleaning._PROMO_WORDS)
    for rule in ("publish", "prohibit", "delete", "moderat", "rules"):
        for line in (f"{before}comments {rule}{after}", f"{before}{rule.title()} comment{after}"):
            assert cleaning._FOOTER_COMMENTS.search(line)
            assert any(word in line.lower() for word in cleaning._COMMENT_RULE_WORDS)
    assert cleaning._IMAGE_NAME.pattern.endswith(cleaning._IMAGE_END.pattern[1:])
