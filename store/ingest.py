"""Read files and folders into parsed articles, reporting every file that cannot be used.

This is the pipeline from bytes to a clean article: decode (any reliable encoding), sanitise
(control and bidi characters out, odd spaces normalised), clean (drop the page around the
article, read its metadata). It knows nothing of the database: :mod:`store.store` decides what
is new, changed or already there.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from store import decoding
from store.cleaning import CleanedArticle, clean_article
from store.decoding import NotText, character_references, decode_bytes
from store.mhtml import MHTML_SUFFIXES, page_part
from store.sanitize import escape_undecodable, sanitize_line, sanitize_text
from store.web_pages import HTML_SUFFIXES, WebPage, companion_folders, is_web_page, looks_like_page, read_page

#: File name endings read as text.
TEXT_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown")
#: File name endings that are read as articles (web pages among them).
ARTICLE_SUFFIXES: tuple[str, ...] = (*TEXT_SUFFIXES, *HTML_SUFFIXES, *MHTML_SUFFIXES)


def origin_text(path: Path | str) -> str:
    r"""``path`` as text a store can keep: its own name, or, for bytes that are not UTF-8, ``\xNN``.

    A file name from another system (Latin-1 ``caf\xe9.txt`` on a UTF-8 disk) reaches Python as
    a string with lone surrogates (``surrogateescape``), which no JSON encoder, journal or
    PostgreSQL column accepts. Each such byte is written ``\xe9`` instead: the same file always
    gives the same origin (so importing it again finds it unchanged), and a person reading it
    sees which bytes the name holds.
    """
    return escape_undecodable(str(path))


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A file that yielded an article."""

    origin: str
    raw_hash: str
    encoding: str
    article: CleanedArticle
    #: Hash of the cleaned text: a new article's id, and how duplicates are recognised (made
    #: where the file is parsed, in a worker process during a large import).
    text_hash: str
    #: The language the file states (a web page's ``lang``), or None.
    language: str | None = None


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file that yielded nothing, and why."""

    origin: str
    reason: str


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A file :func:`discover` found to read, with its canonical path (its origin) already known.

    A folder's files are found under the folder's resolved path and links to folders are not
    followed, so a file that is not itself a link needs no resolving of its own (an import of
    10,000 files would otherwise spend more on ``lstat`` than on reading them).
    """

    path: Path
    origin: str


def discover(paths: Iterable[str | Path]) -> Iterator[FoundFile | SkippedFile]:
    """Expand folders (recursively, in name order) into article files.

    A path named explicitly is read whatever its ending; inside folders only ``.txt``, ``.md``
    and web pages (``.html``, ``.htm``, ``.xhtml``; single-file ``.mhtml``, ``.mht``) are
    taken, and hidden files and folders are passed over, as is a saved page's folder of
    scripts, styles and images (``page_files`` beside ``page.html``): it is part of the page,
    not articles of its own. Anything in a folder
    that is neither a folder nor a regular file (a named pipe, a socket, a device, a broken
    link) is reported whatever its name: it cannot be judged by its ending, and leaving it out
    silently would hide why a file the user expected is missing. Links are followed to files
    (reading is what :func:`parse_file` makes safe) but not to folders, which could loop or
    pull in a whole other tree; those are reported too, as is a folder that cannot be listed.
    """
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            yield from _walk(path.resolve())
        elif path.is_file():
            # An article is checked again on the opened file (read_limited); this early check
            # gives the reason at once. A Dossier export has its own, larger limit.
            size = path.stat().st_size
            too_big = size > decoding.MAX_FILE_BYTES and path.suffix.lower() != ".json"
            origin = origin_text(path.resolve())
            yield SkippedFile(origin, decoding.too_large(size)) if too_big else FoundFile(path, origin)
        elif path.exists():
            yield SkippedFile(origin_text(path), _not_regular(path.stat().st_mode))
        elif path.is_symlink():
            yield SkippedFile(origin_text(path), _kind(path))
        else:
            yield SkippedFile(origin_text(path), "no such file or folder")


def _walk(folder: Path) -> Iterator[FoundFile | SkippedFile]:
    """The files under a resolved folder, depth first in name order (as sorted paths are)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        yield SkippedFile(origin_text(folder), f"folder cannot be read ({exc.strerror or exc})")
        return
    companions = companion_folders([entry.name for entry in entries])
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = folder / entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in companions:
                    yield from _walk(child)
                continue
            plain_file = entry.is_file(follow_symlinks=False)
        except OSError:
            plain_file = False
        kind = "file" if plain_file else _kind(child)
        if kind == "file":
            if child.suffix.lower() in ARTICLE_SUFFIXES:
                yield FoundFile(child, origin_text(child if plain_file else child.resolve()))
        elif kind != "folder":
            yield SkippedFile(origin_text(child), kind)


def _kind(path: Path) -> str:
    """``"file"``, ``"folder"`` (not through a link), or why ``path`` is neither.

    Only ``stat`` and ``lstat`` are used: neither opens the file, so a named pipe cannot block.
    """
    try:
        own = path.lstat()
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if not stat.S_ISLNK(own.st_mode):
        if stat.S_ISDIR(own.st_mode):
            return "folder"
        return "file" if stat.S_ISREG(own.st_mode) else _not_regular(own.st_mode)
    try:
        target = path.stat()
    except OSError as exc:
        return f"broken symbolic link ({exc.strerror or exc})"
    if stat.S_ISDIR(target.st_mode):
        return "link to a folder (not followed)"
    return "file" if stat.S_ISREG(target.st_mode) else _not_regular(target.st_mode)


_SPECIAL: tuple[tuple[int, str], ...] = (
    (stat.S_IFIFO, "a named pipe"),
    (stat.S_IFSOCK, "a socket"),
    (stat.S_IFCHR, "a character device"),
    (stat.S_IFBLK, "a block device"),
    (stat.S_IFDIR, "a folder"),
)


def _not_regular(mode: int) -> str:
    """The skip reason for a file of this mode that is not a regular file."""
    what = next((name for kind, name in _SPECIAL if stat.S_IFMT(mode) == kind), None)
    return f"not a regular file ({what})" if what else "not a regular file"


def read_limited(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most :data:`store.decoding.MAX_FILE_BYTES`.

    Three promises, each against a file that lies or changes: the file is opened without
    blocking (a named pipe put in its place since the folder was listed would otherwise wait
    for a writer forever); its size is taken from the opened file (``fstat``), so the file
    measured is the file read; and no more than the limit plus one byte is ever read, so a file
    that grows meanwhile, or whose reported size is not its length (``/proc``), cannot fill
    memory.

    Raises:
        NotText: with the reason, for a file that is not regular or is too large.
        OSError: when the file cannot be opened or read.
    """
    limit = decoding.MAX_FILE_BYTES if limit is None else limit
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotText(_not_regular(info.st_mode))
        if info.st_size > limit:
            raise NotText(decoding.too_large(info.st_size, limit))
        chunks: list[bytes] = []
        remaining = limit + 1
        # Ask for the whole file at once: the usual single chunk is then returned uncopied.
        want = max(info.st_size + 1, 1 << 16)
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, want))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(descriptor)
    if remaining <= 0:
        raise NotText(decoding.too_large(None, limit))
    return b"".join(chunks)


def parse_file(path: Path, origin: str | None = None) -> ParsedFile | SkippedFile:
    """Read one file into an article, or say why it cannot be one. Never raises for bad input.

    ``origin`` is the file's canonical path when the caller knows it (:class:`FoundFile`).
    """
    origin = origin_text(path.resolve()) if origin is None else origin
    try:
        data = read_limited(path)
    except NotText as exc:
        return SkippedFile(origin, str(exc))
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket (sockets cannot be opened)
            try:
                return SkippedFile(origin, _not_regular(path.stat().st_mode))
            except OSError:
                return SkippedFile(origin, "not a regular file")
        return SkippedFile(origin, f"cannot be read ({exc.strerror or exc})")
    name = path.name.lower()
    if name.endswith(MHTML_SUFFIXES):
        return parse_page(data, origin, single_file=True)
    # A page named explicitly with another ending (story.php) is known by how it starts.
    if is_web_page(name) or (not name.endswith(TEXT_SUFFIXES) and looks_like_page(data)):
        return parse_page(data, origin)
    return parse_bytes(data, origin, markdown=name.endswith((".md", ".markdown")))


def parse_page(data: bytes, origin: str, *, single_file: bool = False) -> ParsedFile | SkippedFile:
    """A web page's bytes (an MHTML file's when ``single_file``): its article and what it states."""
    try:
        page: WebPage
        if single_file:
            part = page_part(data)
            page = read_page(part.html, charset=part.charset, address=part.address)
        else:
            page = read_page(data)
    except NotText as exc:
        return SkippedFile(origin, str(exc))
    text_hash = hashlib.sha256(page.article.text.encode("utf-8")).hexdigest()[:16]
    raw_hash = hashlib.sha256(data).hexdigest()
    return ParsedFile(origin, raw_hash, page.encoding, page.article, text_hash, page.language)


def parse_bytes(data: bytes, origin: str, *, markdown: bool = False) -> ParsedFile | SkippedFile:
    """The pipeline on bytes already read: decode, sanitise, clean."""
    try:
        decoded = decode_bytes(data)
    except NotText as exc:
        return SkippedFile(origin, str(exc))
    article = clean_article(sanitize_text(character_references(decoded.text)), markdown=markdown)
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
    text_hash = hashlib.sha256(article.text.encode("utf-8")).hexdigest()[:16]
    return ParsedFile(origin, hashlib.sha256(data).hexdigest(), decoded.encoding, article, text_hash)
