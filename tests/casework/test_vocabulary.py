"""The one vocabulary: every code a person reads has one Chinese and one English name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from casework import vocabulary
from casework.deadlines import SHANGHAI
from casework.order import CallbackOutcome, Channel, ResultCode, State
from casework.review import ReviewLevel
from casework.roles import Role
from casework.times import city_time, parse_time


def test_every_member_of_every_named_enum_has_both_names() -> None:
    for enum, table in vocabulary.NAMES.items():
        assert set(table) == {m.value for m in enum}, enum.__name__
        for code, name in table.items():
            assert name.zh and name.en, (enum.__name__, code)
        assert len({n.zh for n in table.values()}) == len(table), f"{enum.__name__}: two codes share a Chinese name"
        assert len({n.en for n in table.values()}) == len(table), f"{enum.__name__}: two codes share an English name"


def test_the_chosen_spellings() -> None:
    # product.md's lifecycle table names the replied state 已答复/待回访.
    assert vocabulary.zh(State, State.REPLIED) == "已答复/待回访"
    assert vocabulary.en(State, "replied") == "Replied"
    # A callback may be a text message or a visit: the citizen was not reached, not "the call failed".
    assert vocabulary.zh(CallbackOutcome, "unreachable") == "未联系上"
    assert vocabulary.zh(Channel, Channel.APP) == "移动客户端"
    assert vocabulary.zh(ResultCode, "explained") == "已解释说明"


def test_equal_codes_of_two_enums_keep_their_own_names() -> None:
    assert Role.SECTION_CHIEF == ReviewLevel.SECTION_CHIEF  # the same string …
    assert vocabulary.zh(Role, "section_chief") == "科长"  # … two names
    assert vocabulary.zh(ReviewLevel, "section_chief") == "科室负责人审核"


def test_unknown_and_missing_codes() -> None:
    assert vocabulary.zh(State, "teleported") == "teleported"
    assert vocabulary.name(ResultCode, None, english=True) == ""
    assert vocabulary.zh_names(State)["closed"] == "已办结"
    assert all(type(k) is str for k in vocabulary.zh_names(State))


def test_one_parser_reads_every_shape_of_time() -> None:
    moment = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)
    assert parse_time("2026-11-28T01:30:00Z") == moment
    assert parse_time("2026-11-28T01:30:00+00:00") == moment
    assert parse_time(str(moment)) == moment  # as the audit log keeps it
    assert parse_time("2026-11-28T09:30:00+08:00") == moment
    assert parse_time(moment) is moment
    assert parse_time("") is None and parse_time(None) is None
    local = city_time("2026-11-28T16:30:00Z")
    assert local is not None and local.tzinfo is SHANGHAI
    assert (local.day, local.hour, local.utcoffset()) == (29, 0, timedelta(hours=8))
    assert city_time(datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-5)))) == datetime(2026, 1, 1, 5, tzinfo=UTC)
