"""Checking what a blob really is, and thumbnails made once."""

from __future__ import annotations

import io
import os
import tempfile
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from casework.media import IMAGE_TYPES, sniff


class RejectedBlob(Exception):
    """Content we do not store, with a reason in Chinese and English."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def validate(path: Path, max_pixels: int) -> str:
    """Return the media type, or raise :class:`RejectedBlob`."""
    with path.open("rb") as handle:
        media_type = sniff(handle.read(16))
    if media_type is None:
        raise RejectedBlob(
            "unsupported_type",
            "只接受 JPEG、PNG、WebP、HEIC 图片和 PDF 文件",
            "Only JPEG, PNG, WebP, HEIC images and PDF files are accepted",
        )
    if media_type in IMAGE_TYPES:
        _check_image(path, max_pixels)
    return media_type


def _check_image(path: Path, max_pixels: int) -> None:
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise RejectedBlob("image_too_large", "图片像素过多", "The image has too many pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise RejectedBlob("broken_image", "图片已损坏或无法识别", "The image is broken or cannot be read") from exc
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def thumbnail(source: Path, target: Path, size: int) -> Path | None:
    """Make the thumbnail once (auto-rotated by EXIF); None when the blob is not a readable image."""
    if target.exists():
        return target
    try:
        with Image.open(source) as opened:
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((size, size))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".thumb-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(buffer.getvalue())
    os.replace(tmp, target)
    return target
