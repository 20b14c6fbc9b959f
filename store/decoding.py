"""Turn the bytes of a file into text, or say clearly why they are not text.

Scraped corpora mix encodings: UTF-8 with and without BOM, UTF-16 from Windows tools, legacy
single-byte code pages (cp1251 for Russian, cp1252 for Western text). Detection must be
reliable enough that a cp1251 file comes out as correct Cyrillic, and a file that is not text
at all (an image, a PDF, an archive) must be refused with a reason instead of being imported
as mojibake.
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass

from store.charclass import CharClass

#: Files larger than this are refused: they are almost never a single article.
MAX_FILE_BYTES = 50 * 1024 * 1024

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class NotText(ValueError):
    """Raised when bytes cannot be turned into text; the message is the user-facing reason."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text and the encoding it was read with."""

    text: str
    encoding: str


def too_large(size: int | None, limit_bytes: int = MAX_FILE_BYTES) -> str:
    """The reason given for a file over :data:`MAX_FILE_BYTES`; ``size`` is None when unknown.

    The size is unknown for a file that grew while it was read, or one whose reported size is
    not its length (``/proc`` files report 0): reading stopped at the limit.
    """
    limit = f"{limit_bytes / 1e6:.0f} MB"
    if size is None:
        return f"too large (over the {limit} limit)"
    return f"too large ({size / 1e6:.0f} MB; the limit is {limit})"


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data`` as text.

    Order matters: a BOM is certain; strict UTF-8 almost never succeeds on text that is not
    UTF-8; an encoding the file declares itself (``declared``: a web page's ``<meta
    charset>``) comes next, when the bytes decode in it; mostly-ASCII text with a few stray
    high bytes is cp1252 (statistical detectors misread such files, e.g. a lone ``£`` as
    Japanese cp932); everything else goes to charset-normalizer, whose answer is accepted only
    if it reads as clean text. A declaration comes after UTF-8 because pages copied or saved
    by other tools are often re-encoded as UTF-8 with the old declaration left in; bytes in a
    legacy code page are almost never valid UTF-8 by chance.

    Raises:
        NotText: with the reason, for empty, binary or undecodable input.
    """
    if not data.strip():
        raise NotText("empty file")
    if len(data) > MAX_FILE_BYTES:
        raise NotText(too_large(len(data)))
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise NotText(f"starts with a {encoding} byte-order mark but is not valid {encoding}") from exc
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise NotText(f"binary file ({what})")
    if b"\x00" in data[:65536]:
        raise NotText("binary file (contains NUL bytes)")
    decoded = _decode_unmarked(data, declared)
    if _looks_binary(decoded.text):
        raise NotText("binary file (mostly control characters)")
    return decoded


def _decode_unmarked(data: bytes, declared: str | None = None) -> Decoded:
    """Decode bytes that carry no byte-order mark."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if declared is not None:
        try:
            return Decoded(data.decode(declared), declared)
        except (UnicodeDecodeError, LookupError):
            pass  # the declaration is wrong: the bytes are judged as any file's
    mixed = _utf8_with_strays(data)
    if mixed is not None:
        return mixed
    high = len(data.translate(None, _ASCII_BYTES))
    if high <= max(8, len(data) // 200):
        try:
            return Decoded(data.decode("cp1252"), "cp1252")
        except UnicodeDecodeError:
            pass
    return _detect(data)


_ASCII_BYTES = bytes(range(0x80))
_STRAY_BYTES = re.compile("[\udc80-\udcff]+")


def _utf8_with_strays(data: bytes) -> Decoded | None:
    """UTF-8 with a few bytes that are not UTF-8, each read as cp1252; None for other text.

    A UTF-8 file edited or concatenated with a Western legacy tool carries a stray ``é`` or
    ``£`` among its UTF-8 quotes and accents; read whole as a legacy code page, every one of
    those turns to mojibake. The test is how the non-ASCII bytes fall: in UTF-8 with strays,
    most form valid multi-byte characters; in legacy text almost none do, since a valid pair
    needs a lead byte followed by a continuation byte (in cp1251 Russian that is a rare
    capital before ``»``: a few per hundred letters). So: the file is UTF-8 with strays when
    its invalid bytes are no more than its valid multi-byte characters.
    """
    text = data.decode("utf-8", "surrogateescape")  # each invalid byte becomes U+DC80+byte
    strays = sum(len(run) for run in _STRAY_BYTES.findall(text))
    ascii_count = len(data) - len(data.translate(None, _ASCII_BYTES))
    valid = len(text) - ascii_count - strays
    if not 0 < strays <= valid:
        return None
    text = _STRAY_BYTES.sub(
        lambda run: run.group().encode("utf-8", "surrogateescape").decode("cp1252", "replace"), text
    )
    return Decoded(text, "utf-8+cp1252")


def _detect(data: bytes) -> Decoded:
    """Ask charset-normalizer; where it cannot tell code pages apart, prefer cp1252.

    Short Western text often reads equally well (same chaos, same coherence) as cp1250, cp1252
    or cp1257, and the detector then names whichever it tried first: French ``à`` came out as
    cp1250 ``ŕ``. Between candidates the evidence cannot separate, the most widely used legacy
    code page is the likeliest.
    """
    import charset_normalizer  # only imports need it: the app opens without paying for it

    results = charset_normalizer.from_bytes(data)
    best = results.best()
    if best is None:
        raise NotText("not text in any encoding that could be detected")
    tied = (r for r in results if (r.chaos, r.coherence) == (best.chaos, best.coherence))
    if any("cp1252" in r.could_be_from_charset for r in tied):
        try:
            return Decoded(data.decode("cp1252"), "cp1252")
        except UnicodeDecodeError:
            pass
    return Decoded(str(best), best.encoding)


#: C0 controls other than whitespace and ESC, DEL and the C1 controls: what binary data is full of.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
_CONTROL_CHARS = CharClass(_CONTROL)


def _looks_binary(text: str) -> bool:
    """True when more than 2% of the characters are control characters other than whitespace.

    ESC does not count: text full of terminal escape sequences (a coloured log, a scraped
    terminal page) is still text, and ingest strips the sequences.
    """
    allowed = len(text) // 50
    counted = _CONTROL_CHARS.latin1_count(text)  # every file is read: the fast count where it can be
    if counted is not None:
        return counted > allowed
    if allowed < 1000:  # a short text: counting every match costs nothing
        return len(_CONTROL.findall(text)) > allowed
    return any(found > allowed for found, _ in enumerate(_CONTROL.finditer(text), start=1))


#: A character reference as HTML writes one, always closed by ``;``: ``&#163;``, ``&#xA3;``,
#: ``&pound;``. Unclosed ones (``&notice``, ``R&D``) are text, not references.
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def character_references(text: str) -> str:
    """``&#163;`` → ``£``: the HTML character references left in a text file, decoded.

    Scraped text often keeps them (the BBC corpus's titles write "&#163;8m"). Only references
    closed by a semicolon and known to HTML are decoded, so plain text that happens to hold an
    ampersand stays as written (HTML5's lenient rules would read "&notice" as "¬ice"). What a
    reference stands for is text like any other: a control character it names is neutralised
    with the rest afterwards.
    """
    if "&" not in text:
        return text
    return _REFERENCE.sub(lambda found: html.unescape(found.group()), text)
