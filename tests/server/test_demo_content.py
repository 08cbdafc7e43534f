"""The demo city data is consistent, and sample photos carry round-trippable EXIF."""

from __future__ import annotations

import io
import math
import os
import random
import re
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from casework.deadlines import SHANGHAI
from casework.roles import Role
from offline.photos import prepare_file
from server.demo import content, photos
from server.demo.content import (
    CATEGORIES,
    CITY_CENTRE,
    DEPARTMENTS,
    PLACES,
    REPLY_TEMPLATES,
    REQUEST_TEMPLATES,
    STAFF,
)
from server.demo.photos import sample_photo

DEPARTMENT_CODES = {spec.code for spec in DEPARTMENTS}
ROLES = {role.value for role in Role}


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def test_departments_are_unique_and_of_known_kinds() -> None:
    assert len(DEPARTMENT_CODES) == len(DEPARTMENTS)
    kinds = [spec.kind for spec in DEPARTMENTS]
    assert set(kinds) == {"centre", "department", "leadership"}
    assert kinds.count("centre") == 1
    assert kinds.count("department") >= 12
    for spec in DEPARTMENTS:
        assert spec.code.isascii() and spec.code.isupper()
        assert spec.name and spec.name_en


def test_category_tree_is_two_levels_with_departments_on_leaves() -> None:
    codes = {spec.code for spec in CATEGORIES}
    assert len(codes) == len(CATEGORIES)
    tops = [spec for spec in CATEGORIES if spec.parent is None]
    leaves = content.leaf_categories()
    assert len(tops) >= 8
    assert len(leaves) >= 30
    for spec in leaves:
        assert spec.parent in codes
        assert content.category(spec.parent).parent is None
        assert spec.code.startswith(spec.parent)
        assert spec.department in DEPARTMENT_CODES
        assert content.department(spec.department).kind == "department"


def test_every_leaf_category_has_request_templates() -> None:
    leaves = {spec.code for spec in content.leaf_categories()}
    assert set(REQUEST_TEMPLATES) == leaves
    for code in leaves:
        assert len(REQUEST_TEMPLATES[code]) >= 2, code
    templates = [t for group in REQUEST_TEMPLATES.values() for t in group]
    assert len(templates) >= 80
    assert {t.kind for t in templates} == set(content.REQUEST_KINDS)
    for template in templates:
        assert template.title
        assert "{place}" in template.description
        text = template.description.format(place="通湖路通达小区", days=3)
        assert "{" not in text and "}" not in text


def test_reply_templates_cover_every_result_code() -> None:
    assert set(REPLY_TEMPLATES) == set(content.RESULT_CODES)
    for code, replies in REPLY_TEMPLATES.items():
        assert len(replies) >= 4, code
        for reply in replies:
            assert "{" not in reply.format(place="通湖路通达小区")


@pytest.mark.parametrize(
    "texts",
    [
        content.ONSITE_NOTES,
        content.INTERNAL_NOTES,
        content.RETURN_COMMENTS,
        content.LEADER_INSTRUCTIONS,
        content.CALLBACK_NOTES,
        content.RETURN_REASONS,
        content.EXTENSION_REASONS,
        content.HOT_TAGS,
    ],
)
def test_note_lists_are_filled(texts: list[str]) -> None:
    assert len(texts) >= 5
    assert all(text.strip() for text in texts)


def test_places_lie_near_the_city_centre() -> None:
    assert len(PLACES) >= 30
    assert len({place.address for place in PLACES}) == len(PLACES)
    for place in PLACES:
        assert _km(CITY_CENTRE, (place.lat, place.lon)) < 20, place.address
        assert place.district and place.street and place.address
    for district, code in content.DISTRICT_DEPARTMENTS.items():
        assert code in DEPARTMENT_CODES
        assert content.district_department(district) == code


def test_staff_belong_to_existing_departments_with_valid_roles() -> None:
    usernames = [person.username for person in STAFF]
    assert len(set(usernames)) == len(usernames)
    for person in STAFF:
        assert person.department in DEPARTMENT_CODES
        assert person.role in ROLES
        assert re.fullmatch(r"[a-z]+", person.username), person.username
        assert set(person.portfolio) <= DEPARTMENT_CODES
    assert {person.role for person in STAFF} == ROLES


def test_every_department_is_staffed_for_review() -> None:
    for spec in DEPARTMENTS:
        if spec.kind != "department":
            continue
        roles = [p.role for p in STAFF if p.department == spec.code]
        assert roles.count("section_chief") >= 1, spec.code
        assert roles.count("department_head") >= 1, spec.code
        assert roles.count("handler") >= 1, spec.code
    for code in ("ZJJ", "CGJ"):
        assert sum(p.department == code and p.role == "handler" for p in STAFF) >= 2


def test_demo_logins_have_the_right_roles() -> None:
    by_name = {person.username: person for person in STAFF}
    expected = {
        "handler": ("handler", "ZJJ"),
        "chief": ("section_chief", "ZJJ"),
        "head": ("department_head", "ZJJ"),
        "leader": ("leader_in_charge", content.LEADERSHIP_CODE),
        "mayor": ("top_leader", content.LEADERSHIP_CODE),
        "agent": ("centre_agent", content.CENTRE_CODE),
        "admin": ("admin", content.CENTRE_CODE),
    }
    for username, (role, department) in expected.items():
        assert username in by_name, username
        assert by_name[username].role == role
        assert by_name[username].department == department
        assert content.DEMO_LOGINS[username] == role
    assert "ZJJ" in by_name["leader"].portfolio


def test_leader_portfolios_cover_every_department() -> None:
    leaders = [p for p in STAFF if p.role == "leader_in_charge"]
    assert len(leaders) == 2
    covered = {code for leader in leaders for code in leader.portfolio}
    departments = {spec.code for spec in DEPARTMENTS if spec.kind == "department"}
    assert departments <= covered


def test_citizen_names_and_mobile_numbers_are_plausible_and_seeded() -> None:
    rng = random.Random(12345)
    names = [content.citizen_name(rng) for _ in range(50)]
    numbers = [content.mobile_number(rng) for _ in range(50)]
    for name in names:
        assert 2 <= len(name) <= 3
        assert name[0] in content.SURNAMES
    for number in numbers:
        assert re.fullmatch(r"1[3-9]\d{9}", number), number
    again = random.Random(12345)
    assert [content.citizen_name(again) for _ in range(50)] == names


TAKEN_AT = datetime(2026, 11, 28, 9, 41, 7)


def test_photo_is_a_jpeg_of_the_asked_size() -> None:
    data = sample_photo(random.Random(1), "路面坑洼 整改前", TAKEN_AT, 32.7893, 119.4512)
    assert data[:3] == b"\xff\xd8\xff"
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (1280, 960)
        assert image.getexif()[0x010F] == "CaseDesk Demo"  # Make
    small = sample_photo(random.Random(1), "x", TAKEN_AT, 32.78, 119.46, size=(400, 300))
    with Image.open(io.BytesIO(small)) as image:
        assert image.size == (400, 300)


@pytest.mark.parametrize(
    ("taken_at", "lat", "lon"),
    [
        (TAKEN_AT, 32.7893, 119.4512),
        (datetime(2026, 1, 3, 22, 5, 0, tzinfo=timezone(timedelta(hours=8))), 32.7, 119.5),
        (datetime(2025, 7, 1, 6, 30, 59), -33.8688, -151.2093),
    ],
)
def test_photo_exif_round_trips(taken_at: datetime, lat: float, lon: float) -> None:
    """The desk's one EXIF reader finds what the demo wrote (a time without an offset is Beijing time)."""
    found = prepare_file(sample_photo(random.Random(7), "现场核查", taken_at, lat, lon))
    assert found.taken_at == (taken_at if taken_at.tzinfo else taken_at.replace(tzinfo=SHANGHAI))
    assert found.lat == pytest.approx(lat, abs=1e-4)
    assert found.lon == pytest.approx(lon, abs=1e-4)


def test_photo_exif_of_a_bare_jpeg_is_empty() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG")
    found = prepare_file(buffer.getvalue())
    assert (found.taken_at, found.lat, found.lon) == (None, None, None)


def test_photo_is_deterministic_for_a_seed() -> None:
    def make(seed: int) -> bytes:
        return sample_photo(random.Random(seed), "路灯不亮", TAKEN_AT, 32.78, 119.46)

    assert make(3) == make(3)
    assert make(3) != make(4)


def test_photo_caption_with_a_found_font(monkeypatch: pytest.MonkeyPatch) -> None:
    # No CJK font may be installed here; stand in any TrueType font to drive that path.
    fallback = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    if not os.path.exists(fallback):
        pytest.skip("no TrueType font to stand in for a CJK one")
    photos._font.cache_clear()
    monkeypatch.setattr(photos, "find_cjk_font", lambda: fallback)
    try:
        data = sample_photo(random.Random(2), "现场核查" * 40, TAKEN_AT, 32.78, 119.46)
    finally:
        photos._font.cache_clear()
    assert prepare_file(data).taken_at == TAKEN_AT.replace(tzinfo=SHANGHAI)
