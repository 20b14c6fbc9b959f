"""Read files and folders into parsed articles, reporting every file that cannot be used.

This is the pipeline from bytes to a clean article: decode (any reliable encoding), sanitise
(control and bidi characters out, odd spaces normalised), clean (drop the page around the
article, read its metadata). It knows nothing of the database: :mod:`store.store` decides what
is new, changed or already there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from store.cleaning import CleanedArticle, clean_article
from store.decoding import NotText, decode_bytes
from store.sanitize import sanitize_line, sanitize_text

#: File name endings that are read as articles.
ARTICLE_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown")


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A file that yielded an article."""

    origin: str
    raw_hash: str
    encoding: str
    article: CleanedArticle

    @property
    def text_hash(self) -> str:
        """Hash of the cleaned text: a new article's id, and how duplicates are recognised."""
        return hashlib.sha256(self.article.text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file that yielded nothing, and why."""

    origin: str
    reason: str


def discover(paths: Iterable[str | Path]) -> Iterator[Path | SkippedFile]:
    """Expand folders (recursively, in name order) into article files.

    A path named explicitly is read whatever its ending; inside folders only ``.txt`` and
    ``.md`` files are taken, and hidden files and folders are passed over.
    """
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if any(part.startswith(".") for part in relative):
                    continue
                if child.is_file() and child.suffix.lower() in ARTICLE_SUFFIXES:
                    yield child
        elif path.is_file():
            yield path
        elif path.exists():
            yield SkippedFile(str(path), "not a regular file")
        else:
            yield SkippedFile(str(path), "no such file or folder")


def parse_file(path: Path) -> ParsedFile | SkippedFile:
    """Read one file into an article, or say why it cannot be one. Never raises for bad input."""
    origin = str(path.resolve())
    try:
        data = path.read_bytes()
    except OSError as exc:
        return SkippedFile(origin, f"cannot be read ({exc.strerror or exc})")
    return parse_bytes(data, origin, markdown=path.suffix.lower() in (".md", ".markdown"))


def parse_bytes(data: bytes, origin: str, *, markdown: bool = False) -> ParsedFile | SkippedFile:
    """The pipeline on bytes already read: decode, sanitise, clean."""
    try:
        decoded = decode_bytes(data)
    except NotText as exc:
        return SkippedFile(origin, str(exc))
    article = clean_article(sanitize_text(decoded.text), markdown=markdown)
    if not article.paragraphs:
        return SkippedFile(origin, "no article text (only page furniture such as links and share lines)")
    article = CleanedArticle(
        title=sanitize_line(article.title) if article.title else None,
        source=sanitize_line(article.source) if article.source else None,
        author=sanitize_line(article.author) if article.author else None,
        published=article.published,
        url=article.url,
        paragraphs=article.paragraphs,
    )
    return ParsedFile(origin, hashlib.sha256(data).hexdigest(), decoded.encoding, article)
