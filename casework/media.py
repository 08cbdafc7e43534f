"""Which files CaseDesk takes, known by their first bytes — never by a name or a claimed type.

Shared so that the desktop refuses offline exactly what the server would refuse later.
"""

from __future__ import annotations

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic"})
PDF = "application/pdf"


def sniff(head: bytes) -> str | None:
    """The media type from the first 16 bytes, or None for anything outside the allow-list."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return PDF
    return None
