"""Tagged stores for the W3C Web Annotation tests: every kind of tag, on non-ASCII text.

The astral article holds characters outside the Basic Multilingual Plane (one code point, two
UTF-16 code units each) before its tags, so a position counted in the wrong unit shows.
"""

from __future__ import annotations

from store import Store, seed_if_empty
from store.models import Annotation

#: An article whose words come after astral characters (mathematical letters, emoji).
ASTRAL_TEXT = (
    "𝔗𝔥𝔢 𝔡𝔞𝔶 😀 began in Tōkyō. Сергей Шойгу met Zoë Ångström at the café.\n\n"
    "😀😀 Later Zoë said: «déjà vu» — and Шойгу left. 𝕰𝖓𝖉."
)
ASTRAL_URL = "https://example.org/news/zoë-ångström?lang=fr"
PLAIN_URL = "https://example.org/news/plain"


def add_articles(store: Store) -> None:
    """The seed articles, and two of our own: the astral one (a non-ASCII URL) and a plain one."""
    seed_if_empty(store)
    store.merge_export(
        {
            "articles": [
                {"id": "w3c-astral", "title": "Astral", "url": ASTRAL_URL, "text": ASTRAL_TEXT},
                {"id": "w3c-plain", "title": "Plain", "url": PLAIN_URL, "text": "Plain words here, plain words there."},
            ]
        }
    )


def tag_everything(store: Store) -> list[Annotation]:
    """Entity mentions, passages with labels and notes, every status, on seeds and our articles."""
    text = ASTRAL_TEXT

    def at(words: str, nth: int = 0) -> tuple[int, int]:
        start = -1
        for _ in range(nth + 1):
            start = text.index(words, start + 1)
        return start, start + len(words)

    tags = [
        store.annotate("w3c-astral", *at("Шойгу"), entity="Sergei Shoigu", entity_type="PERSON"),
        store.annotate("w3c-astral", *at("Шойгу", 1), entity="Sergei Shoigu", note="second mention ✓"),
        store.annotate("w3c-astral", *at("Zoë", 1), entity="Zoë Ångström", entity_type="PERSON", labels=["à revoir"]),
        store.annotate("w3c-astral", *at("Tōkyō"), entity="Tōkyō", entity_type="PLACE", status="suggested"),
        store.annotate("w3c-astral", *at("«déjà vu»"), labels=["quote", "🔥 hot"], note="Line one.\nLine two: «ç»."),
        store.annotate("w3c-astral", *at("𝕰𝖓𝖉"), note="astral words 𝕰𝖓𝖉", status="rejected"),
        store.annotate("w3c-plain", *at_in(store, "w3c-plain", "words", 1), labels=["second"]),
    ]
    seed = next(a for a in store.articles() if "Shoigu" in a.text)
    start = seed.text.index("Shoigu")
    tags.append(store.annotate(seed.id, start, start + len("Shoigu"), entity="Sergei Shoigu"))
    tags.append(store.annotate(seed.id, 0, 40, labels=["lede"], note="the opening"))
    return tags


def at_in(store: Store, article_id: str, words: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the ``nth`` occurrence of ``words`` in a stored article."""
    text = store.article(article_id).text
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return start, start + len(words)
