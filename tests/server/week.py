"""A hand-built week of orders for the measures, the bulletin and the ledger tests (shared, not a test module)."""

from __future__ import annotations

from datetime import datetime

from casework.deadlines import SHANGHAI
from tests.server.support import Api, Clock


def at(clock: Clock, day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """Move the test clock to a Beijing time in late 2026 (forward only) and return it."""
    moment = datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)
    assert moment >= clock.now
    clock.now = moment
    return moment


def replied(api: Api, oid: int, writer: str, reviewers: list[str], result: str = "resolved") -> None:
    api.command(oid, "submit_reply", writer, text="经核实，已处理完毕。", result_code=result)
    for reviewer in reviewers:
        api.command(oid, "approve", reviewer)


def build_week(api: Api, clock: Clock) -> dict[str, int]:
    """Five orders for 住建局 (ZJJ) and one handed on from 城管局 (CGJ), Monday to Wednesday.

    a  resolved, replied Tue 10:00 (on time), callback satisfied, closed on time.
    b  signed late (Wed 10:00), no reply: overdue from Wed 17:30.
    c  major: 4 hours at the city leaders' levels; replied Tue 11:30 (explained), callback
       unsatisfied, reopened Tue 14:00 (new deadline Thu 17:30).
    d  dispatched to CGJ, which asked to return it; re-dispatched to ZJJ Mon 11:00; unsigned.
    e  ZJJ asked to return it; refused Wed 10:00 (counts as signed then, late); no reply.
    """
    at(clock, 23, 9)
    a = api.dispatched("ZJJ", category_code="0101")["id"]
    b = api.dispatched("ZJJ", category_code="0101", channel="wechat")["id"]
    c = api.dispatched("ZJJ", category_code="0102", importance="major")["id"]
    d = api.dispatched("CGJ", category_code="0101")["id"]
    e = api.dispatched("ZJJ", category_code="0102")["id"]

    at(clock, 23, 10)
    api.command(a, "sign", "zj_chief")
    api.command(c, "sign", "zj_chief")
    api.command(d, "request_return", "cg_chief", reason_code="not_our_duty", reason="道路维修属住建局")
    api.command(e, "request_return", "zj_handler", reason_code="not_our_duty", reason="非本单位职责")
    api.command(a, "submit_reply", "zj_handler", text="已修复路面。", result_code="resolved")

    at(clock, 23, 11)
    api.command(d, "rule_return", "agent", accept=True, new_lead_department_id=api.department_id("ZJJ"))

    at(clock, 23, 16, 30)  # c reaches the city leader in charge
    replied(api, c, "zj_handler", ["zj_chief", "zj_head"], result="explained")
    at(clock, 24, 9, 30)
    api.command(c, "approve", "leader_zj")
    at(clock, 24, 10)
    for reviewer in ("zj_chief", "zj_head"):
        api.command(a, "approve", reviewer)
    at(clock, 24, 11, 30)
    assert api.command(c, "approve", "mayor")["state"] == "replied"

    at(clock, 24, 14)
    api.command(a, "record_callback", "agent", outcome="satisfied")
    api.command(a, "close", "agent")
    api.command(c, "record_callback", "agent", outcome="unsatisfied")
    api.command(c, "reopen", "agent", instruction="请彻底解决")

    at(clock, 25, 10)
    api.command(b, "sign", "zj_chief")
    api.command(e, "rule_return", "agent", accept=False, comment="属住建局职责")
    return {"a": a, "b": b, "c": c, "d": d, "e": e}
