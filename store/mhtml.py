"""Pages saved as one file (``.mhtml``, ``.mht``): the page inside, its encoding and address.

Chrome and Edge save "Webpage, Single File" as MHTML (RFC 2557): a MIME message whose first
``text/html`` part is the page, followed by its images and styles as parts of their own. The
page part names its encoding (``charset``) and the message the address it was saved from
(``Snapshot-Content-Location``, or the part's ``Content-Location``). The message's ``Date`` is
when it was saved, not when the article was published, and is not read.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import Message

from store.decoding import NotText

#: File name endings read as pages saved as one file.
MHTML_SUFFIXES: tuple[str, ...] = (".mhtml", ".mht")


@dataclass(frozen=True, slots=True)
class PagePart:
    """The HTML of a single-file page, the encoding its part names, and the address it came from."""

    html: bytes
    charset: str | None
    address: str | None


def page_part(data: bytes) -> PagePart:
    """The page inside an MHTML file.

    Raises:
        NotText: for a file that is not MHTML or holds no HTML part.
    """
    if not data.strip():
        raise NotText("empty file")
    head = data[:4096].lower()
    if b"mime-version" not in head and b"content-type" not in head:
        raise NotText("not a page saved as a single file (no MIME header)")
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    part = next((part for part in message.walk() if part.get_content_type() == "text/html"), None)
    if part is None:
        raise NotText("no HTML page inside the single-file page")
    html = part.get_payload(decode=True)
    if not isinstance(html, bytes) or not html.strip():
        raise NotText("the single-file page's HTML part is empty")
    address = _header(message, "Snapshot-Content-Location") or _header(part, "Content-Location")
    return PagePart(html, part.get_content_charset(), address)


def _header(message: Message, name: str) -> str | None:
    """A header's value when it is a web address."""
    value = str(message.get(name) or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else None
