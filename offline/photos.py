"""Preparing a photo or document the user attaches, before it is cached and uploaded.

Done once, at attach time and off the network: phone photos are turned upright and shrunk so a
weak connection does not carry 10 MB per picture, the thumbnail is made here so lists never decode
full images, and capture time and place are read before re-encoding could lose them.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import struct
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Pillow is imported when a file is attached, not at every start of the desk
    from PIL import Image

from casework.deadlines import SHANGHAI
from casework.media import sniff

THUMBNAIL_SIDE = 320
#: Phones and cameras without an offset tag record local time; our users are in China.
LOCAL_ZONE = SHANGHAI  # casework's one definition of the city's zone

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_ORIENTATION = 0x0112
_DATE_TIME_ORIGINAL, _OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4

_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
}


class UnsupportedFile(ValueError):
    """A file we will not attach, with a reason to show the user in Chinese and English."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code, self.message_zh, self.message_en = code, message_zh, message_en


@dataclass(frozen=True)
class PreparedFile:
    """The bytes to cache and upload, with what the case view shows about them."""

    data: bytes = field(repr=False)
    sha256: str
    media_type: str
    original_name: str
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = field(default=None, repr=False)
    taken_at: datetime | None = None
    lat: float | None = None
    lon: float | None = None


def prepare_file(
    source: bytes | Path,
    *,
    name: str | None = None,
    max_side: int = 2560,
    quality: int = 85,
    max_bytes: int = 50 * 1024 * 1024,
    max_pixels: int = 80_000_000,
) -> PreparedFile:
    """Check ``source`` and make it ready to cache; raise :class:`UnsupportedFile` if we will not take it.

    An image that is already upright and small enough keeps its bytes untouched; otherwise it is
    rotated, shrunk to ``max_side`` and re-encoded as JPEG, keeping capture time and GPS.
    OS errors reading ``source`` propagate: they are not a property of the file's content.
    """
    data = _read(source, max_bytes)
    if not data:
        raise UnsupportedFile("empty_file", "文件是空的", "The file is empty")
    media_type = sniff(data[:16])
    if media_type is None:
        raise UnsupportedFile(
            "unsupported_type",
            "只接受 JPEG、PNG、WebP、HEIC 图片和 PDF 文件",
            "Only JPEG, PNG, WebP, HEIC images and PDF files are accepted",
        )
    if name is None:
        name = source.name if isinstance(source, Path) else "attachment" + _EXTENSIONS[media_type]
    if media_type == "application/pdf":
        return PreparedFile(data, hashlib.sha256(data).hexdigest(), media_type, name)
    return _prepare_image(data, media_type, name, max_side, quality, max_pixels)


def _read(source: bytes | Path, max_bytes: int) -> bytes:
    if isinstance(source, Path):
        # Look at the size before reading, so a 4 GB video picked by mistake is never loaded.
        if source.stat().st_size > max_bytes:
            raise _too_big(max_bytes)
        with source.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may have grown since stat()
    else:
        data = bytes(source)
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    return data


def _too_big(max_bytes: int) -> UnsupportedFile:
    limit = f"{max_bytes // 2**20} MB" if max_bytes >= 2**20 else f"{max_bytes} B"
    return UnsupportedFile("file_too_large", f"文件超过 {limit} 的上限", f"The file is larger than the {limit} limit")


def _prepare_image(
    data: bytes, media_type: str, name: str, max_side: int, quality: int, max_pixels: int
) -> PreparedFile:
    from PIL import Image, UnidentifiedImageError

    # Pillow reads its bomb limit from a module global; set ours only for this call.
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as original:
                original.load()  # decode now: a truncated or corrupt file fails here, not later
                return _process(original, data, media_type, name, max_side, quality)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UnsupportedFile("image_too_large", "图片像素过多", "The image has too many pixels") from exc
    except UnidentifiedImageError as exc:
        if media_type == "image/heic":
            # Without a HEIF plugin Pillow cannot decode HEIC; the server accepts it by its magic bytes.
            return PreparedFile(data, hashlib.sha256(data).hexdigest(), media_type, name)
        raise _broken() from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _broken() from exc
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _broken() -> UnsupportedFile:
    return UnsupportedFile("broken_image", "图片已损坏或无法识别", "The image is broken or cannot be read")


def _process(
    original: Image.Image, data: bytes, media_type: str, name: str, max_side: int, quality: int
) -> PreparedFile:
    from PIL import Image, ImageOps

    exif = original.getexif()
    exif_ifd, gps = _sub_ifds(exif)
    taken_at = _taken_at(exif_ifd.get(_DATE_TIME_ORIGINAL), exif_ifd.get(_OFFSET_TIME_ORIGINAL))
    lat, lon = _position(gps)
    rotated = exif.get(_ORIENTATION) in range(2, 9)
    image = ImageOps.exif_transpose(original) if rotated else original
    resized = max(image.size) > max_side
    if resized:
        scale = max_side / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    if rotated or resized:
        buffer = io.BytesIO()
        _flatten(image).save(buffer, "JPEG", quality=quality, exif=_kept_exif(exif_ifd, gps).tobytes())
        data, media_type = buffer.getvalue(), "image/jpeg"
    thumb = image.copy()
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    buffer = io.BytesIO()
    _flatten(thumb).save(buffer, "JPEG", quality=80)
    return PreparedFile(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        original_name=name,
        width=image.width,
        height=image.height,
        thumbnail=buffer.getvalue(),
        taken_at=taken_at,
        lat=lat,
        lon=lon,
    )


def _flatten(image: Image.Image) -> Image.Image:
    """An RGB or L image JPEG can hold; transparency goes on white, as a viewer would show it."""
    from PIL import Image

    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _sub_ifds(exif: Image.Exif) -> tuple[dict[int, Any], dict[int, Any]]:
    """The Exif and GPS IFDs; malformed EXIF must never stop a photo from being attached."""
    try:
        return exif.get_ifd(_EXIF_IFD), exif.get_ifd(_GPS_IFD)
    except (OSError, SyntaxError, ValueError, KeyError, TypeError, struct.error):
        return {}, {}


def _kept_exif(exif_ifd: dict[int, Any], gps: dict[int, Any]) -> Image.Exif:
    """Only capture time and GPS: the pixels are upright now, and the rest may describe the old ones."""
    from PIL import Image

    kept = Image.Exif()
    if times := {tag: exif_ifd[tag] for tag in (_DATE_TIME_ORIGINAL, _OFFSET_TIME_ORIGINAL) if tag in exif_ifd}:
        kept.get_ifd(_EXIF_IFD).update(times)
    if gps:
        kept.get_ifd(_GPS_IFD).update(gps)
    return kept


def _position(gps: dict[int, Any]) -> tuple[float | None, float | None]:
    """Where the photo was taken, or (None, None) when the GPS block is missing or malformed."""
    lat = _coordinate(gps.get(_GPS_LAT), gps.get(_GPS_LAT_REF), "S", 90)
    lon = _coordinate(gps.get(_GPS_LON), gps.get(_GPS_LON_REF), "W", 180)
    return (None, None) if lat is None or lon is None else (lat, lon)


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return value.strip("\x00 ") if isinstance(value, str) else None


def _taken_at(stamp: Any, offset: Any) -> datetime | None:
    stamp = _text(stamp)
    try:
        local = datetime.strptime(stamp or "", "%Y:%m:%d %H:%M:%S")
    except ValueError:  # missing, or the "0000:00:00 00:00:00" some cameras write
        return None
    if match := re.fullmatch(r"([+-])(\d{2}):(\d{2})", _text(offset) or ""):
        sign = -1 if match[1] == "-" else 1
        delta = timedelta(hours=int(match[2]), minutes=int(match[3]))
        if delta < timedelta(hours=24):
            return local.replace(tzinfo=timezone(sign * delta))
    return local.replace(tzinfo=LOCAL_ZONE)


def _coordinate(value: Any, ref: Any, negative_ref: str, limit: float) -> float | None:
    """Degrees, minutes, seconds (as rationals) to signed decimal degrees."""
    try:
        parts = [float(part) for part in (value if isinstance(value, tuple | list) else (value,))]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not 1 <= len(parts) <= 3 or not all(math.isfinite(part) for part in parts):
        return None
    degrees = sum(part / unit for part, unit in zip(parts, (1, 60, 3600), strict=False))
    if degrees > limit:
        return None
    return -degrees if (_text(ref) or "").upper() == negative_ref else degrees
