"""Attaching files offline: prepare (rotate, shrink, read EXIF), cache durably, describe for the outbox."""

from __future__ import annotations

from pathlib import Path

from offline.blobcache import BlobCache
from offline.photos import PreparedFile, UnsupportedFile, prepare_file
from offline.store import LocalFile


def keep(cache: BlobCache, prepared: PreparedFile) -> LocalFile:
    """Put the bytes and the thumbnail in the cache (fsynced) and return the row for ``Store.record``."""
    sha = cache.put(prepared.data)
    if prepared.thumbnail is not None and not cache.has_thumbnail(sha):
        cache.put_thumbnail(sha, prepared.thumbnail)
    return LocalFile(
        sha256=sha,
        media_type=prepared.media_type,
        size=len(prepared.data),
        name=prepared.original_name,
        taken_at=prepared.taken_at,
        lat=prepared.lat,
        lon=prepared.lon,
        width=prepared.width,
        height=prepared.height,
    )


def add_files(
    cache: BlobCache, sources: list[Path], max_side: int = 2560
) -> tuple[list[LocalFile], list[tuple[Path, UnsupportedFile]]]:
    """Prepare and cache several files (a camera card's folder, say): the ones kept, and the ones
    refused with the reason to show. Nothing is recorded in the store here."""
    kept: list[LocalFile] = []
    refused: list[tuple[Path, UnsupportedFile]] = []
    for source in sources:
        try:
            kept.append(keep(cache, prepare_file(source, max_side=max_side)))
        except UnsupportedFile as exc:
            refused.append((source, exc))
    return kept, refused
