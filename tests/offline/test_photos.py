"""Preparing attachments: real images made with Pillow, checked by decoding what comes out."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from offline.photos import PreparedFile, UnsupportedFile, prepare_file

GRAY, RED = (128, 128, 128), (255, 0, 0)
SHENZHEN = {1: "N", 2: (22.0, 32.0, 30.6), 3: "E", 4: (114.0, 3.0, 36.0)}  # 22.541833, 114.06
SANTIAGO = {1: "S", 2: (33.0, 27.0, 0.0), 3: "W", 4: (70.0, 40.0, 12.0)}  # -33.45, -70.67


def photo(
    size: tuple[int, int] = (4000, 3000),
    *,
    fmt: str = "JPEG",
    mode: str = "RGB",
    orientation: int | None = None,
    taken: str | None = None,
    offset: str | None = None,
    gps: dict[int, object] | None = None,
) -> bytes:
    """A gray picture whose stored top-left tenth is red, so we can see where that corner ends up."""
    image = Image.new(mode, size, GRAY if mode == "RGB" else None)
    if mode == "RGB":
        image.paste(RED, (0, 0, size[0] // 10, size[1] // 10))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken
    if offset is not None:
        exif.get_ifd(0x8769)[0x9011] = offset
    if gps is not None:
        exif.get_ifd(0x8825).update(gps)
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif.tobytes())
    return buffer.getvalue()


def near(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True))


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG that claims to be huge: the shape of a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


# --- images that need work ---------------------------------------------------------------------


def test_rotates_by_exif_and_shrinks_to_max_side() -> None:
    original = photo(orientation=6, taken="2024:05:01 09:30:00", gps=SHENZHEN)
    prepared = prepare_file(original, name="IMG_0001.JPG")

    assert prepared.media_type == "image/jpeg" and prepared.original_name == "IMG_0001.JPG"
    assert prepared.sha256 == hashlib.sha256(prepared.data).hexdigest()
    out = decode(prepared.data)
    assert out.format == "JPEG" and out.mode == "RGB"
    # Orientation 6: the stored picture is turned 90° clockwise, 4000x3000 becomes 3000x4000 → 1920x2560.
    assert out.size == (prepared.width, prepared.height) == (1920, 2560)
    # The stored top-left corner is now top-right.
    assert near(out.getpixel((1900, 20)), RED)
    assert near(out.getpixel((20, 20)), GRAY)
    assert near(out.getpixel((20, 2540)), GRAY)
    assert near(out.getpixel((1900, 2540)), GRAY)


def test_re_encoded_output_keeps_time_and_gps_without_orientation() -> None:
    prepared = prepare_file(photo(orientation=6, taken="2024:05:01 09:30:00", offset="+08:00", gps=SHENZHEN))
    exif = decode(prepared.data).getexif()
    assert exif.get(0x0112, 1) == 1
    assert exif.get_ifd(0x8769)[0x9003] == "2024:05:01 09:30:00"
    assert exif.get_ifd(0x8769)[0x9011] == "+08:00"
    assert exif.get_ifd(0x8825)[1] == "N"
    # Preparing the prepared file again changes nothing: it is upright, small, and keeps its metadata.
    again = prepare_file(prepared.data)
    assert again.data == prepared.data
    assert (again.taken_at, again.lat, again.lon) == (prepared.taken_at, prepared.lat, prepared.lon)


def test_shrinks_without_rotation() -> None:
    prepared = prepare_file(photo((3000, 600)), max_side=1000, quality=70)
    out = decode(prepared.data)
    assert out.size == (1000, 200) and out.format == "JPEG"
    assert near(out.getpixel((5, 5)), RED) and near(out.getpixel((995, 195)), GRAY)


@pytest.mark.parametrize("orientation", [3, 8])
def test_other_orientations(orientation: int) -> None:
    out = decode(prepare_file(photo((400, 300), orientation=orientation)).data)
    if orientation == 3:  # turned 180°: red corner to bottom-right
        assert out.size == (400, 300) and near(out.getpixel((395, 295)), RED)
    else:  # turned 90° counter-clockwise: red corner to bottom-left
        assert out.size == (300, 400) and near(out.getpixel((5, 395)), RED)
    assert near(out.getpixel((150, 200)), GRAY)


def test_rotated_transparent_png_becomes_jpeg_on_white() -> None:
    image = Image.new("RGBA", (40, 20), (0, 0, 255, 255))
    image.paste((0, 0, 0, 0), (0, 0, 20, 20))  # left half fully transparent
    exif = Image.Exif()
    exif[0x0112] = 8
    buffer = io.BytesIO()
    image.save(buffer, "PNG", exif=exif.tobytes())

    prepared = prepare_file(buffer.getvalue())
    out = decode(prepared.data)
    assert prepared.media_type == "image/jpeg" and out.mode == "RGB" and out.size == (20, 40)
    assert near(out.getpixel((10, 35)), (255, 255, 255))  # transparent half, now at the bottom
    assert near(out.getpixel((10, 5)), (0, 0, 255))


def test_large_png_is_shrunk_to_jpeg() -> None:
    prepared = prepare_file(photo((3000, 2000), fmt="PNG"))
    assert prepared.media_type == "image/jpeg" and (prepared.width, prepared.height) == (2560, 1707)
    assert decode(prepared.data).format == "JPEG"


# --- images kept as they are -------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "media_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")])
def test_small_upright_image_is_byte_identical(fmt: str, media_type: str) -> None:
    original = photo((800, 600), fmt=fmt, orientation=1)
    prepared = prepare_file(original, name="a.png")
    assert prepared.data == original
    assert prepared.sha256 == hashlib.sha256(original).hexdigest()
    assert prepared.media_type == media_type
    assert (prepared.width, prepared.height) == (800, 600)


def test_image_exactly_max_side_is_untouched() -> None:
    original = photo((2560, 100))
    assert prepare_file(original).data == original


def test_thumbnail_is_an_upright_jpeg_within_320() -> None:
    thumb = decode(prepare_file(photo(orientation=6)).thumbnail or b"")
    assert thumb.format == "JPEG" and thumb.size == (240, 320)
    assert near(thumb.getpixel((235, 5)), RED)

    small = decode(prepare_file(photo((100, 50), fmt="PNG")).thumbnail or b"")
    assert small.format == "JPEG" and small.size == (100, 50)


# --- capture time and place --------------------------------------------------------------------


def test_time_without_offset_is_china_time_and_gps_north_east() -> None:
    prepared = prepare_file(photo((64, 48), taken="2024:05:01 09:30:00", gps=SHENZHEN))
    assert prepared.taken_at == datetime(2024, 5, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert prepared.taken_at is not None and prepared.taken_at.utcoffset() == timedelta(hours=8)
    assert prepared.lat == pytest.approx(22 + 32 / 60 + 30.6 / 3600)
    assert prepared.lon == pytest.approx(114.06)


def test_time_with_offset_and_gps_south_west() -> None:
    prepared = prepare_file(photo((64, 48), taken="2023:12:31 23:59:58", offset="-05:30", gps=SANTIAGO))
    assert prepared.taken_at is not None
    assert prepared.taken_at.utcoffset() == -timedelta(hours=5, minutes=30)
    assert prepared.taken_at.replace(tzinfo=None) == datetime(2023, 12, 31, 23, 59, 58)
    assert prepared.lat == pytest.approx(-33.45)
    assert prepared.lon == pytest.approx(-(70 + 40 / 60 + 12 / 3600))


def test_metadata_is_read_from_the_original_even_when_resized() -> None:
    prepared = prepare_file(photo(orientation=6, taken="2024:05:01 09:30:00", gps=SANTIAGO), max_side=500)
    assert prepared.taken_at == datetime(2024, 5, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert (prepared.lat, prepared.lon) == (pytest.approx(-33.45), pytest.approx(-70.67))


def test_missing_or_bogus_metadata_gives_none() -> None:
    assert prepare_file(photo((64, 48))).taken_at is None
    bogus = prepare_file(photo((64, 48), taken="0000:00:00 00:00:00", gps={1: "N", 2: (95.0, 0.0, 0.0)}))
    assert (bogus.taken_at, bogus.lat, bogus.lon) == (None, None, None)


# --- documents and formats Pillow cannot read --------------------------------------------------


def test_pdf_is_untouched(tmp_path: Path) -> None:
    pdf = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    source = tmp_path / "reply letter.pdf"
    source.write_bytes(pdf)
    prepared = prepare_file(source)
    assert prepared == PreparedFile(pdf, hashlib.sha256(pdf).hexdigest(), "application/pdf", "reply letter.pdf")
    assert prepared.thumbnail is None and prepared.width is None


def test_type_comes_from_content_not_name() -> None:
    pdf = b"%PDF-1.4\n%%EOF\n"
    assert prepare_file(pdf, name="photo.jpg").media_type == "application/pdf"
    assert prepare_file(photo((10, 10), fmt="PNG"), name="scan.pdf").media_type == "image/png"
    assert prepare_file(pdf).original_name == "attachment.pdf"


def test_heic_pillow_cannot_open_is_kept_as_is() -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(100)
    prepared = prepare_file(heic, name="IMG_0002.HEIC")
    assert prepared.data == heic and prepared.media_type == "image/heic"
    assert (prepared.width, prepared.height, prepared.thumbnail) == (None, None, None)


# --- refusals ----------------------------------------------------------------------------------


def refused(source: bytes | Path, **limits: int) -> UnsupportedFile:
    with pytest.raises(UnsupportedFile) as caught:
        prepare_file(source, **limits)
    error = caught.value
    assert isinstance(error, ValueError) and str(error) == error.message_en
    assert error.message_en.isascii() and error.message_en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message_zh)
    return error


def test_refuses_unknown_content() -> None:
    error = refused(b"MZ\x90\x00 this is an .exe renamed to .jpg")
    assert error.code == "unsupported_type" and "PDF" in error.message_en and "PDF" in error.message_zh


def test_refuses_empty(tmp_path: Path) -> None:
    assert refused(b"").code == "empty_file"
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert refused(tmp_path / "empty.jpg").code == "empty_file"


def test_refuses_too_big(tmp_path: Path) -> None:
    data = photo((64, 48))
    assert refused(data, max_bytes=len(data) - 1).code == "file_too_large"
    assert prepare_file(data, max_bytes=len(data)).data == data
    (tmp_path / "big.pdf").write_bytes(b"%PDF-" + bytes(3 * 2**20))
    error = refused(tmp_path / "big.pdf", max_bytes=2 * 2**20)
    assert error.code == "file_too_large" and "2 MB" in error.message_en and "2 MB" in error.message_zh


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(photo((640, 480))[:3000], id="truncated-jpeg"),
        pytest.param(b"\xff\xd8\xff" + b"not really a jpeg" * 20, id="jpeg-magic-garbage"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(64), id="png-magic-garbage"),
    ],
)
def test_refuses_broken_images(data: bytes) -> None:
    assert refused(data).code == "broken_image"


@pytest.mark.parametrize(
    ("data", "limits"),
    [
        pytest.param(png_header(10_000, 10_000), {}, id="100MP-header-default-limit"),
        pytest.param(png_header(50_000, 50_000), {}, id="2.5GP-header-default-limit"),
        pytest.param(photo((1100, 1000)), {"max_pixels": 1_000_000}, id="just-over-limit"),
        pytest.param(photo((2100, 1000)), {"max_pixels": 1_000_000}, id="twice-the-limit"),
    ],
)
def test_refuses_decompression_bombs_and_restores_the_limit(data: bytes, limits: dict[str, int]) -> None:
    before = Image.MAX_IMAGE_PIXELS
    assert refused(data, **limits).code == "image_too_large"
    assert before == Image.MAX_IMAGE_PIXELS
    prepare_file(photo((64, 48)), max_pixels=5000)
    assert before == Image.MAX_IMAGE_PIXELS
