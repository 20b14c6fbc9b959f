"""Turn the bytes of a file into text, or say clearly why they are not text.

Scraped corpora mix encodings: UTF-8 with and without BOM, UTF-16 from Windows tools, legacy
single-byte code pages (cp1251 for Russian, cp1252 for Western text). Detection must be
reliable enough that a cp1251 file comes out as correct Cyrillic, and a file that is not text
at all (an image, a PDF, an archive) must be refused with a reason instead of being imported
as mojibake.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import charset_normalizer

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


def too_large(size: int | None) -> str:
    """The reason given for a file over :data:`MAX_FILE_BYTES`; ``size`` is None when unknown.

    The size is unknown for a file that grew while it was read, or one whose reported size is
    not its length (``/proc`` files report 0): reading stopped at the limit.
    """
    limit = f"{MAX_FILE_BYTES / 1e6:.0f} MB"
    if size is None:
        return f"too large (over the {limit} limit)"
    return f"too large ({size / 1e6:.0f} MB; the limit is {limit})"


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data`` as text.

    Order matters: a BOM is certain; strict UTF-8 almost never succeeds on text that is not
    UTF-8; mostly-ASCII text with a few stray high bytes is cp1252 (statistical detectors
    misread such files, e.g. a lone ``£`` as Japanese cp932); everything else goes to
    charset-normalizer, whose answer is accepted only if it reads as clean text.

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
    decoded = _decode_unmarked(data)
    if _looks_binary(decoded.text):
        raise NotText("binary file (mostly control characters)")
    return decoded


def _decode_unmarked(data: bytes) -> Decoded:
    """Decode bytes that carry no byte-order mark."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    high = sum(1 for b in data if b >= 0x80)
    if high <= max(8, len(data) // 200):
        try:
            return Decoded(data.decode("cp1252"), "cp1252")
        except UnicodeDecodeError:
            pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise NotText("not text in any encoding that could be detected")
    return Decoded(str(best), best.encoding)


def _looks_binary(text: str) -> bool:
    """True when more than 2% of the characters are control characters other than whitespace.

    ESC does not count: text full of terminal escape sequences (a coloured log, a scraped
    terminal page) is still text, and ingest strips the sequences.
    """
    controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t\f\x1b") or 0x7F <= ord(ch) < 0xA0)
    return controls > len(text) // 50
