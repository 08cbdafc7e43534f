"""Sample on-site photos for the demo: a drawn scene, a caption bar and real EXIF.

The pictures are placeholders, but they carry what a field photo carries — the time it
was taken, GPS coordinates and a camera make — so attachment handling, EXIF extraction
and map views can be exercised against them (the desk reads them back with
``offline.photos.prepare_file``, the one EXIF reader). Output depends only on the arguments and
the state of the ``random.Random`` passed in.
"""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from PIL.ExifTags import GPS, IFD, Base
from PIL.TiffImagePlugin import IFDRational

CAMERA_MAKE = "CaseDesk Demo"
CAMERA_MODEL = "Field Camera"

_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)
# File-name fragments of fonts with Simplified Chinese glyphs, best first.
_CJK_FONT_HINTS = (
    "notosanscjksc",
    "notosanssc",
    "notosanscjk",
    "sourcehansans",
    "wqy-microhei",
    "wqy-zenhei",
    "notoserifcjk",
    "droidsansfallback",
)
_EXIF_TIME = "%Y:%m:%d %H:%M:%S"

Rgb = tuple[int, int, int]
_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """Return the path of an installed font with Chinese glyphs, or ``None``."""
    candidates: list[Path] = []
    for folder in _FONT_DIRS:
        if folder.is_dir():
            candidates.extend(path for path in folder.rglob("*") if path.suffix.lower() in (".ttc", ".otf", ".ttf"))
    # Regular weights first, then by name, so the choice is stable across runs.
    candidates.sort(key=lambda path: ("regular" not in path.name.lower(), path.name))
    for hint in _CJK_FONT_HINTS:
        for path in candidates:
            if hint in path.name.lower().replace("_", "-").replace(" ", ""):
                return str(path)
    return None


@lru_cache(maxsize=32)
def _font(size: int, cjk: bool) -> _Font:
    """Return a ``size`` px font: the CJK one if asked and found, else Pillow's."""
    path = find_cjk_font() if cjk else None
    if path is None:
        return ImageFont.load_default(size)
    if path.lower().endswith(".ttc"):
        # A collection holds JP/KR/SC/TC faces; prefer the Simplified Chinese one.
        for index in range(8):
            try:
                face = ImageFont.truetype(path, size, index=index)
            except OSError:
                break
            if "SC" in (face.getname()[0] or "").split():
                return face
    return ImageFont.truetype(path, size)


def sample_photo(
    rng: random.Random,
    caption: str,
    taken_at: datetime,
    lat: float,
    lon: float,
    size: tuple[int, int] = (1280, 960),
) -> bytes:
    """Return a JPEG on-site photo placeholder with a caption bar and EXIF.

    The scene (sky, ground, road, buildings, lamp post, trees) varies with ``rng`` and
    darkens with the hour of ``taken_at``. The caption is drawn only when a CJK font is
    installed (or the caption is plain ASCII); the timestamp and coordinates always are.
    EXIF holds ``DateTimeOriginal`` (plus ``OffsetTimeOriginal`` for an aware
    ``taken_at``), GPS latitude/longitude and ``Make`` = ``"CaseDesk Demo"``.
    """
    width, height = size
    light = _daylight(taken_at.hour)
    image, horizon = _backdrop(rng, width, height, light)
    draw = ImageDraw.Draw(image)
    scene = rng.choice(("street", "estate", "village"))
    if scene == "village":
        _draw_village(draw, rng, width, height, horizon, light)
    else:
        _draw_buildings(draw, rng, width, horizon, light, tall=scene == "estate")
        _draw_road(draw, rng, width, height, horizon, light)
        _draw_lamp(draw, rng, width, height, horizon, light)
    _draw_trees(draw, rng, width, height, horizon, light, roadside=scene != "village")
    _draw_caption(image, caption, taken_at, lat, lon)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, exif=_exif(taken_at, lat, lon))
    return buffer.getvalue()


# --- EXIF --------------------------------------------------------------------------


def _exif(taken_at: datetime, lat: float, lon: float) -> Image.Exif:
    exif = Image.Exif()
    stamp = taken_at.strftime(_EXIF_TIME)
    exif[Base.Make] = CAMERA_MAKE
    exif[Base.Model] = CAMERA_MODEL
    exif[Base.DateTime] = stamp
    details = exif.get_ifd(IFD.Exif)
    details[Base.DateTimeOriginal] = stamp
    details[Base.DateTimeDigitized] = stamp
    offset = taken_at.utcoffset()
    if offset is not None:
        details[Base.OffsetTimeOriginal] = _format_offset(offset)
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSVersionID] = b"\x02\x03\x00\x00"
    gps[GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
    gps[GPS.GPSLatitude] = _to_dms(abs(lat))
    gps[GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
    gps[GPS.GPSLongitude] = _to_dms(abs(lon))
    gps[GPS.GPSMapDatum] = "WGS-84"
    return exif


def _to_dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    """Degrees, minutes and seconds (to 1/10000 s, about 3 mm) as EXIF rationals."""
    total = round(Fraction(value) * 3600 * 10000)
    degrees, rest = divmod(total, 3600 * 10000)
    minutes, seconds = divmod(rest, 60 * 10000)
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 10000)


def _format_offset(offset: timedelta) -> str:
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _daylight(hour: int) -> float:
    """1.0 at midday, about 0.55 at dusk and 0.25 at night."""
    if 8 <= hour < 17:
        return 1.0
    if hour in (6, 7, 17, 18):
        return 0.55
    return 0.25


def _shade(colour: Rgb, factor: float) -> Rgb:
    r, g, b = colour
    return (
        min(255, int(r * factor)),
        min(255, int(g * factor)),
        min(255, int(b * factor)),
    )


def _mix(a: Rgb, b: Rgb, t: float) -> Rgb:
    return (
        int(a[0] + (b[0] - a[0]) * t),
        int(a[1] + (b[1] - a[1]) * t),
        int(a[2] + (b[2] - a[2]) * t),
    )


def _jitter(rng: random.Random, colour: Rgb, spread: int = 18) -> Rgb:
    return (
        max(0, min(255, colour[0] + rng.randint(-spread, spread))),
        max(0, min(255, colour[1] + rng.randint(-spread, spread))),
        max(0, min(255, colour[2] + rng.randint(-spread, spread))),
    )


def _backdrop(rng: random.Random, width: int, height: int, light: float) -> tuple[Image.Image, int]:
    """Return the sky-and-ground gradient and the row of its horizon."""
    horizon = int(height * rng.uniform(0.36, 0.5))
    overcast = rng.random() < 0.35
    if light >= 1.0:
        top, low = (
            ((150, 158, 168), (205, 208, 212))
            if overcast
            else (
                (78, 138, 205),
                (196, 218, 236),
            )
        )
    elif light >= 0.5:
        top, low = (62, 70, 118), (236, 168, 112)
    else:
        top, low = (8, 12, 32), (38, 44, 70)
    top, low = _jitter(rng, top), _jitter(rng, low)
    far = _shade(_jitter(rng, (128, 134, 112), 14), light)
    near = _shade(_jitter(rng, (92, 96, 80), 14), light)
    column = [_mix(top, low, y / max(1, horizon)) for y in range(horizon)]
    span = max(1, height - horizon)
    column += [_mix(far, near, (y - horizon) / span) for y in range(horizon, height)]
    strip = Image.new("RGB", (1, height))
    strip.putdata(column)
    return strip.resize((width, height), Image.Resampling.NEAREST), horizon


def _draw_buildings(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    horizon: int,
    light: float,
    tall: bool,
) -> None:
    x = rng.randint(-width // 20, 0)
    lit = light < 0.5
    while x < width:
        w = rng.randint(width // 9, width // 4)
        h = int(horizon * (rng.uniform(0.55, 0.95) if tall else rng.uniform(0.25, 0.6)))
        wall = _shade(
            _jitter(rng, rng.choice([(196, 186, 168), (214, 208, 196), (170, 160, 150)])),
            max(light, 0.35),
        )
        draw.rectangle((x, horizon - h, x + w, horizon + 2), fill=wall)
        draw.rectangle((x, horizon - h, x + w, horizon - h + 6), fill=_shade(wall, 0.8))
        cols, rows = max(2, w // 46), max(2, h // 52)
        cell_w, cell_h = w / cols, h / rows
        for row in range(rows):
            for col in range(cols):
                wx = int(x + col * cell_w + cell_w * 0.25)
                wy = int(horizon - h + 12 + row * cell_h)
                glow = lit and rng.random() < 0.45
                pane = (250, 214, 120) if glow else _shade((70, 86, 104), max(light, 0.4))
                draw.rectangle((wx, wy, wx + int(cell_w * 0.5), wy + int(cell_h * 0.5)), fill=pane)
        x += w + rng.randint(4, width // 30)


def _draw_road(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    horizon: int,
    light: float,
) -> None:
    vanish = int(width * rng.uniform(0.35, 0.65))
    left, right = (
        int(width * rng.uniform(-0.25, 0.1)),
        int(width * rng.uniform(0.9, 1.25)),
    )
    grey = rng.randint(70, 100)
    asphalt = _shade((grey, grey + 2, grey + 6), max(light, 0.4))
    kerb = _shade((176, 176, 170), max(light, 0.4))
    draw.polygon(
        [(vanish - 8, horizon), (vanish + 8, horizon), (right, height), (left, height)],
        fill=asphalt,
    )
    draw.line([(vanish - 8, horizon), (left, height)], fill=kerb, width=6)
    draw.line([(vanish + 8, horizon), (right, height)], fill=kerb, width=6)
    centre_bottom = (left + right) // 2
    marking = _shade((236, 232, 210), max(light, 0.5))
    for step in range(8):
        t0, t1 = (step + 0.2) / 8, (step + 0.6) / 8
        t0, t1 = t0 * t0, t1 * t1  # perspective: dashes grow towards the camera
        p0 = (vanish + (centre_bottom - vanish) * t0, horizon + (height - horizon) * t0)
        p1 = (vanish + (centre_bottom - vanish) * t1, horizon + (height - horizon) * t1)
        draw.line([p0, p1], fill=marking, width=max(2, int(14 * t1)))
    for _ in range(rng.randint(0, 3)):  # potholes and patches: the reason for the visit
        t = rng.uniform(0.45, 0.9)
        cx = vanish + (rng.uniform(left, right) - vanish) * t
        cy = horizon + (height - horizon) * t
        rx, ry = rng.uniform(30, 90) * t, rng.uniform(8, 22) * t
        draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=_shade(asphalt, 0.55))


def _draw_lamp(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    horizon: int,
    light: float,
) -> None:
    x = int(width * rng.choice((rng.uniform(0.05, 0.22), rng.uniform(0.78, 0.95))))
    base = int(horizon + (height - horizon) * rng.uniform(0.45, 0.75))
    top = int(horizon * rng.uniform(0.15, 0.4))
    pole = _shade((96, 102, 108), max(light, 0.35))
    draw.rectangle((x - 6, top, x + 6, base), fill=pole)
    reach = 70 if x < width // 2 else -70
    draw.line([(x, top), (x + reach, top + 10)], fill=pole, width=8)
    lit = light < 0.6 and rng.random() < 0.7
    head = (x + reach - 26, top + 4, x + reach + 26, top + 20)
    if lit:
        draw.ellipse(
            (head[0] - 30, head[1] - 24, head[2] + 30, head[3] + 40),
            fill=(120, 110, 70),
        )
    draw.rectangle(head, fill=(255, 236, 170) if lit else _shade((200, 204, 210), light))


def _draw_trees(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    horizon: int,
    light: float,
    roadside: bool,
) -> None:
    for _ in range(rng.randint(2, 6)):
        x = rng.randint(0, width)
        if roadside:  # keep the road itself clear: trees stand on the verges
            x = x // 4 if rng.random() < 0.5 else width - x // 4
        base = int(horizon + (height - horizon) * rng.uniform(0.05, 0.5))
        scale = 0.5 + (base - horizon) / max(1, height - horizon)
        trunk_h, crown = int(70 * scale), int(rng.uniform(40, 70) * scale)
        draw.rectangle((x - 5, base - trunk_h, x + 5, base), fill=_shade((92, 70, 50), light))
        green = _shade(_jitter(rng, (62, 118, 58), 16), max(light, 0.3))
        draw.ellipse(
            (x - crown, base - trunk_h - crown * 1.6, x + crown, base - trunk_h + 12),
            fill=green,
        )


def _draw_village(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    width: int,
    height: int,
    horizon: int,
    light: float,
) -> None:
    for band in range(6):  # fields in strips, narrowing towards the horizon
        t0, t1 = (band / 6) ** 1.6, ((band + 1) / 6) ** 1.6
        y0, y1 = horizon + (height - horizon) * t0, horizon + (height - horizon) * t1
        crop = rng.choice([(88, 140, 62), (168, 160, 80), (112, 150, 70)])
        draw.rectangle((0, y0, width, y1), fill=_shade(_jitter(rng, crop, 12), light))
    ditch_y = int(horizon + (height - horizon) * rng.uniform(0.3, 0.6))
    water = _shade(_jitter(rng, (96, 116, 120), 10), max(light, 0.3))
    draw.polygon(
        [(0, ditch_y), (width, ditch_y - 30), (width, ditch_y), (0, ditch_y + 34)],
        fill=water,
    )
    x = rng.randint(0, width // 6)
    while x < width:
        w, h = rng.randint(90, 170), rng.randint(50, 80)
        wall = _shade((222, 218, 206), max(light, 0.35))
        roof = _shade(_jitter(rng, (70, 74, 84), 10), max(light, 0.35))
        draw.rectangle((x, horizon - h, x + w, horizon + 4), fill=wall)
        draw.polygon(
            [
                (x - 10, horizon - h),
                (x + w // 2, horizon - h - 40),
                (x + w + 10, horizon - h),
            ],
            fill=roof,
        )
        draw.rectangle(
            (x + w // 3, horizon - h // 2, x + w // 3 + 22, horizon + 4),
            fill=_shade((120, 90, 60), light),
        )
        x += w + rng.randint(40, width // 5)


def _draw_caption(image: Image.Image, caption: str, taken_at: datetime, lat: float, lon: float) -> None:
    width, height = image.size
    bar = max(40, height // 9)
    box = (0, height - bar, width, height)
    image.paste(image.crop(box).point(lambda v: v * 0.3), box)
    draw = ImageDraw.Draw(image)
    big, small = max(12, bar * 2 // 5), max(10, bar // 4)
    margin = max(8, width // 60)
    stamp = (
        f"{taken_at:%Y-%m-%d %H:%M:%S}   "
        f"{'N' if lat >= 0 else 'S'} {abs(lat):.5f}  "
        f"{'E' if lon >= 0 else 'W'} {abs(lon):.5f}"
    )
    has_cjk = find_cjk_font() is not None
    if caption and (has_cjk or caption.isascii()):
        font = _font(big, has_cjk)
        room = width * 0.8 - margin
        caption = caption[:160]  # a caption bar, not an essay; keeps trimming cheap
        if draw.textlength(caption, font=font) > room:
            while caption and draw.textlength(caption + "…", font=font) > room:
                caption = caption[:-1]
            caption += "…"
        draw.text((margin, height - bar + bar // 10), caption, font=font, fill=(255, 255, 255))
        draw.text(
            (margin, height - small - bar // 8),
            stamp,
            font=_font(small, has_cjk),
            fill=(230, 230, 200),
        )
    else:
        draw.text(
            (margin, height - bar // 2 - small // 2),
            stamp,
            font=_font(small, False),
            fill=(230, 230, 200),
        )
    mark = _font(small, False)
    label = CAMERA_MAKE
    draw.text(
        (width - margin - draw.textlength(label, font=mark), height - small - bar // 8),
        label,
        font=mark,
        fill=(170, 170, 170),
    )
