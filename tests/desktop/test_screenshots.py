"""Every main screen in both languages, as PNGs in ``screenshots/`` (``<screen>_<lang>.png``) to be looked at.

A handler of the housing bureau in Gaoyou with a realistic desk: a dozen orders in hand, one
worked order open (two on-site checks with photos, a returned review, a second-round draft), a
draft in conflict with the server, and the month's closed orders behind the dashboard. Each PNG
must not be blank, and the English one must differ from the Chinese one.
"""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter
from PySide6.QtWidgets import QApplication, QWidget

from casework.lifecycle import Command
from casework.roles import Role
from casework.schemas import CategoryOut, DepartmentOut, SaveDraftBody, UserOut
from casework.sync import MutationStatus
from desktop.i18n import Languages
from desktop.measures import CITY_TIME
from desktop.workspace import Workspace
from offline.worklists import WorkList
from tests.fixtures.desk import GAOYOU, HANDLER, keep_figures, put
from tests.fixtures.gestures import click_list_item, click_row
from tests.fixtures.orders import citizen, deadlines, result
from ui.actions import OnsiteCheckDialog
from ui.main_window import LISTS, MainWindow
from ui.sign_in import SignInDialog

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
LANGUAGES = ("zh", "en")


LEADER = UserOut(
    id=2,
    username="chenm",
    name="陈明",
    role=Role.LEADER_IN_CHARGE,
    department_id=None,
    portfolio=[3, 4],
    may_sign=False,
    active=True,
)
WORKED = 1  # the order open in the workbench
CONFLICTED = 3  # its draft conflicts with the server's

CATEGORIES = [
    ("01", "城乡建设", None),
    ("01.01", "建筑施工", "01"),
    ("01.02", "路灯照明", "01"),
    ("01.03", "物业管理", "01"),
    ("01.04", "老旧小区改造", "01"),
    ("01.05", "市政设施", "01"),
    ("01.06", "住房保障", "01"),
    ("01.07", "违法建设", "01"),
]


# --- pictures -------------------------------------------------------------------------------------


def street_photo(seed: int, lit: bool, trench: bool = False, size: tuple[int, int] = (320, 240)) -> bytes:
    """A JPEG of a street at dusk with its lamp posts — lit or dark — and maybe a cable trench."""
    rng = random.Random(seed)
    width, height = 1600, 1200
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = ((18, 28, 58), (70, 84, 120)) if not lit else ((24, 36, 74), (96, 104, 140))
    for y in range(height // 2):
        t = y / (height / 2)
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    for i in range(7):  # buildings along the street
        x = i * 240 + rng.randint(-30, 30)
        h = rng.randint(180, 380)
        draw.rectangle([x, height // 2 - h, x + 200, height // 2], fill=(44 + i * 3, 48 + i * 2, 60))
        for wy in range(height // 2 - h + 20, height // 2 - 20, 50):
            for wx in range(x + 16, x + 190, 42):
                if rng.random() < 0.45:
                    draw.rectangle([wx, wy, wx + 18, wy + 24], fill=(230, 200, 120))
    draw.polygon(
        [(0, height), (width, height), (width * 0.62, height // 2), (width * 0.38, height // 2)], fill=(60, 62, 66)
    )
    draw.rectangle([0, height // 2, width, height // 2 + 8], fill=(90, 90, 92))
    for k in range(5):  # lane marks
        y = height // 2 + 60 + k * 120
        draw.rectangle([width // 2 - 6 - k * 2, y, width // 2 + 6 + k * 2, y + 50 + k * 10], fill=(210, 210, 200))
    if trench:
        draw.polygon([(250, 1180), (700, 1180), (660, 900), (420, 900)], fill=(110, 78, 48))
        draw.rectangle([420, 880, 700, 900], fill=(235, 120, 30))
    glow = Image.new("RGB", (width, height))
    glow_draw = ImageDraw.Draw(glow)
    for side in (-1, 1):
        for k in range(4):
            x = int(width / 2 + side * (120 + k * 200) * (1 + k * 0.5))
            base, top_y = height // 2 + 40 + k * 140, height // 2 - 260 + k * 40
            draw.line([(x, base), (x, top_y)], fill=(150, 150, 155), width=10 + k * 4)
            head = [x - 30 - k * 6, top_y - 16, x + 30 + k * 6, top_y + 12]
            draw.ellipse(head, fill=(255, 236, 170) if lit else (95, 95, 100))
            if lit:
                glow_draw.ellipse([x - 150, top_y - 80, x + 150, top_y + 220], fill=(120, 100, 40))
    if lit:
        image = ImageChops.add(image, glow.filter(ImageFilter.GaussianBlur(60)))
    buffer = io.BytesIO()
    image.resize(size).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def camera_file(path: Path, data: bytes, taken: str) -> Path:
    """A camera's JPEG with the time and place it was taken (EXIF)."""
    image = Image.open(io.BytesIO(data))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = taken
    exif.get_ifd(0x8825).update(GAOYOU)
    image.save(path, "JPEG", quality=88, exif=exif.tobytes())
    return path


# --- the desk -------------------------------------------------------------------------------------


def _sha(seed: int) -> str:
    return f"{seed:02x}" * 32


def _deadlines(due: datetime | None, **flags: Any) -> dict[str, Any]:
    return deadlines(reply_by=due.isoformat() if due else None, calendar_version="2026.1", **flags)


def _event(seq: int, at: datetime, actor: int, action: str, before: str = "", after: str = "", **given: Any) -> Any:
    event: dict[str, Any] = {"seq": seq, "at": at.isoformat(), "actor_id": actor, "action": action}
    event["before"] = {"state": before} if before else {}
    event["after"] = ({"state": after} if after else {}) | ({"input": given} if given else {})
    return event


def _number(at: datetime, serial: int) -> str:
    return f"GY{at.astimezone(CITY_TIME):%Y%m%d}-{serial:04d}"


def directories(ws: Workspace) -> None:
    ws.store.set_directory(
        "categories", [CategoryOut(code=c, name=n, parent_code=p, department_code="ZJ") for c, n, p in CATEGORIES]
    )
    ws.store.set_directory(
        "departments",
        [
            DepartmentOut(id=1, code="C", name="12345热线中心", name_en="Hotline Centre", kind="centre"),
            DepartmentOut(id=3, code="ZJ", name="市住房和城乡建设局", name_en="Housing Bureau", kind="department"),
            DepartmentOut(id=4, code="CG", name="市城市管理局", name_en="City Management", kind="department"),
            DepartmentOut(id=5, code="GD", name="国网高邮市供电公司", name_en="Gaoyou Power Supply", kind="department"),
        ],
    )


def fill_desk(ws: Workspace, now: datetime) -> None:
    """The handler's orders, the worked one, a conflicted draft and the month's closed orders."""
    directories(ws)
    for seed, lit, trench in ((1, False, True), (2, False, False), (3, True, False), (4, True, False)):
        ws.cache.put_thumbnail(_sha(seed), street_photo(seed, lit, trench))
    _worked_order(ws, now)

    hour = timedelta(hours=1)
    day = timedelta(days=1)
    others: list[tuple[int, str, dict[str, Any]]] = [
        (
            2,
            "dispatched",
            {
                "title": "海潮路夜间施工噪音扰民",
                "urgency": "very_urgent",
                "category_code": "01.01",
                "street": "海潮街道",
                "address": "海潮路与屏淮路交叉口东北角工地",
                "description": "海潮路一工地连续多日夜间22点后仍在打桩施工，噪音很大，周边居民无法休息，要求立即制止。",
                "received_at": now - 35 * timedelta(minutes=1),
                "due_at": now + 25 * timedelta(minutes=1),
                "handler_id": None,
            },
        ),
        (
            3,
            "in_progress",
            {
                "title": "盂城花园小区3号楼电梯频繁故障",
                "category_code": "01.03",
                "street": "高邮街道",
                "address": "盂城花园小区3号楼",
                "description": "3号楼电梯本月已故障4次，多次困人，物业维修后仍反复出现问题，请相关部门督促彻底整改。",
                "received_at": now - 2 * day,
                "due_at": now + 5 * hour,
                "handler_id": 7,
                "version": 1,
            },
        ),
        (
            4,
            "in_progress",
            {
                "title": "东湖新村老旧小区改造工程进度缓慢",
                "urgency": "normal",
                "importance": "major",
                "category_code": "01.04",
                "street": "高邮街道",
                "address": "东湖新村",
                "kind": "complaint",
                "description": "东湖新村改造工程9月开工，至今雨污分流管道仍未完工，路面开挖后长期未恢复，出行困难。",
                "received_at": now - 4 * day,
                "due_at": now + 2 * day + 3 * hour,
                "handler_id": 7,
            },
        ),
        (
            5,
            "dispatched",
            {
                "title": "屏淮路人行道地砖破损积水",
                "urgency": "normal",
                "category_code": "01.05",
                "street": "海潮街道",
                "address": "屏淮路实验小学门口",
                "description": "屏淮路实验小学门口人行道地砖大面积破损松动，雨天积水，学生上下学容易滑倒。",
                "received_at": now - 3 * hour,
                "due_at": now + 21 * hour,
                "handler_id": None,
            },
        ),
        (
            6,
            "in_review",
            {
                "title": "南海路工地渣土车沿途撒漏",
                "urgency": "normal",
                "category_code": "01.01",
                "street": "城南经济新区",
                "address": "南海路",
                "description": "南海路沿线渣土车未密闭运输，泥土沿途撒漏，雨后路面泥泞。",
                "received_at": now - 5 * day,
                "due_at": now + 3 * day,
                "handler_id": 7,
                "draft": {
                    "round": 1,
                    "text": "经现场核实，已责令施工单位对渣土车加装密闭篷布，并安排专人冲洗路面。",
                    "result_code": "resolved",
                    "basis": "",
                    "author_id": 7,
                    "at": (now - 3 * hour).isoformat(),
                },
            },
        ),
        (
            7,
            "replied",
            {
                "title": "秦邮路公租房申请条件咨询",
                "urgency": "normal",
                "kind": "consultation",
                "category_code": "01.06",
                "channel": "website",
                "street": "高邮街道",
                "address": "秦邮路",
                "description": "咨询本市公共租赁住房的申请条件和办理流程。",
                "received_at": now - 6 * day,
                "due_at": now - 1 * day,
                "handler_id": 7,
                "replies": [
                    {
                        "round": 1,
                        "text": "您好！公共租赁住房申请条件及流程请见市住建局网站“住房保障”栏目……",
                        "result_code": "explained",
                        "basis": "",
                        "author_id": 7,
                        "at": (now - 2 * day).isoformat(),
                    }
                ],
            },
        ),
        (
            8,
            "in_progress",
            {
                "title": "马棚街道居民楼顶违规搭建",
                "urgency": "urgent",
                "kind": "report",
                "category_code": "01.07",
                "street": "马棚街道",
                "address": "马棚街道光明路28号",
                "channel": "mailbox",
                "description": "光明路28号顶楼住户在楼顶私自搭建彩钢板房，存在安全隐患，且影响其他住户。",
                "received_at": now - 6 * day,
                "due_at": now - 5 * hour,
                "handler_id": 7,
                "reminders": 2,
            },
        ),
        (
            9,
            "in_progress",
            {
                "title": "武安路雨水井盖缺失",
                "urgency": "urgent",
                "category_code": "01.05",
                "street": "高邮街道",
                "address": "武安路与府前街交叉口",
                "description": "武安路与府前街交叉口西侧雨水井盖缺失，已有电动车掉入，请尽快补装。",
                "received_at": now - 20 * hour,
                "due_at": now + 2 * hour + 40 * timedelta(minutes=1),
                "handler_id": 7,
            },
        ),
        (
            10,
            "in_progress",
            {
                "title": "城南新区安置小区外墙渗水",
                "urgency": "normal",
                "category_code": "01.03",
                "street": "城南经济新区",
                "address": "城南新区御湖苑12幢",
                "description": "御湖苑12幢西侧外墙多处渗水，室内墙面发霉，开发商一直推诿。",
                "received_at": now - 3 * day,
                "due_at": now + 4 * day + 6 * hour,
                "handler_id": 7,
            },
        ),
        (
            11,
            "in_progress",
            {
                "title": "琵琶路排水管道堵塞污水外溢",
                "urgency": "normal",
                "category_code": "01.05",
                "street": "高邮街道",
                "address": "琵琶路菜场北侧",
                "description": "琵琶路菜场北侧排水管道堵塞，污水外溢到路面，气味难闻。",
                "received_at": now - 1 * day,
                "due_at": now + 1 * day + 2 * hour,
                "handler_id": 7,
            },
        ),
        (
            12,
            "in_progress",
            {
                "title": "净土寺塔周边停车难问题建议",
                "urgency": "normal",
                "kind": "suggestion",
                "category_code": "01.05",
                "channel": "wechat",
                "street": "高邮街道",
                "address": "净土寺塔景区周边",
                "description": "建议在净土寺塔周边规划建设公共停车场，缓解节假日停车难。",
                "received_at": now - 2 * day,
                "due_at": now + 6 * day,
                "handler_id": 8,
            },
        ),
    ]
    for serial, (order_id, state, fields) in enumerate(others, start=31):
        received = fields.pop("received_at")
        due = fields.pop("due_at")
        put(
            ws,
            state,
            order_id=order_id,
            number=_number(received, serial),
            received_at=received.isoformat(),
            dispatched_at=(received + timedelta(minutes=8)).isoformat(),
            due_at=due.isoformat(),
            deadlines=_deadlines(due, sign_by=due.isoformat() if state == "dispatched" else None),
            lat=None,
            lon=None,
            tags=[],
            citizen=citizen(random.Random(order_id).choice(["李**", "陈**", "刘**", "周**"]), "139****2468"),
            **fields,
        )
    _conflict(ws, CONFLICTED)
    _closed_this_month(ws, now)
    keep_figures(ws, now)  # the server's figures, as fetched before the desk went offline


def _worked_order(ws: Workspace, now: datetime) -> None:
    day, hour = timedelta(days=1), timedelta(hours=1)
    received = now - 4 * day - 3 * hour
    checked = received + day + 2 * hour
    fixed = checked + day + 5 * hour
    submitted = checked + 3 * hour
    due = now + day + 5 * hour
    events = [
        _event(1, received, 1, "intake", after="received"),
        _event(2, received + 8 * timedelta(minutes=1), 1, "dispatch", "received", "dispatched"),
        _event(3, received + 40 * timedelta(minutes=1), 7, "sign", "dispatched", "in_progress"),
        _event(4, checked, 7, "record_onsite_check"),
        _event(5, checked + 1 * hour, 5, "add_note", note="请联系照明管理所抢修，周三前修好，并补拍整改后照片。"),
        _event(6, submitted, 7, "submit_reply", "in_progress", "in_review"),
        _event(7, submitted + 2 * hour, 5, "approve", "in_review", "in_review", comment="同意"),
        _event(
            8,
            submitted + 20 * hour,
            4,
            "return_for_rework",
            "in_review",
            "in_progress",
            comment="请补充整改后照片，并写明后续巡查安排。",
        ),
        _event(9, fixed, 7, "record_onsite_check"),
        _event(10, fixed + 1 * hour, 7, "save_draft"),
    ]
    first_reply = (
        "您好！关于您反映的文汇路路灯不亮问题，经现场核实，系附近管网施工挖断地下电缆所致，我局已通知照明管理所抢修。"
    )
    draft = (
        "您好！关于您反映的文汇路路灯不亮问题，经现场核实，系附近管网施工挖断地下电缆所致。"
        "我局已协调照明管理所完成电缆抢修，该路段12盏路灯已全部恢复照明，并已要求施工单位做好管线保护。"
        "今后我局将每周对该路段开展一次夜间巡查。感谢您对我们工作的监督。"
    )
    put(
        ws,
        "in_progress",
        order_id=WORKED,
        events=events,
        number=_number(received, 27),
        title="文汇路路灯不亮",
        urgency="urgent",
        kind="complaint",
        channel="phone",
        category_code="01.02",
        complexity="simple",
        description="市民反映文汇路（盂城驿至秦邮路段）约300米路灯连续5天夜间不亮，路段有学校和菜场，"
        "晚上行人、电动车较多，存在安全隐患，希望尽快修复。",
        address="文汇路（盂城驿至秦邮路段）",
        district="高邮市",
        street="高邮街道",
        lat=32.7810,
        lon=119.4478,
        tags=["夜间照明", "安全隐患"],
        citizen=citizen("张**", "138****5678", confidential=True),
        handler_id=7,
        supervised=True,
        reminders=1,
        received_at=received.isoformat(),
        dispatched_at=(received + 8 * timedelta(minutes=1)).isoformat(),
        due_at=due.isoformat(),
        deadlines=_deadlines(
            due,
            sign_by=(received + 2 * hour).isoformat(),
            onsite_by=(received + 2 * day).isoformat(),
            signed_on_time=True,
            onsite_on_time=True,
        ),
        co_department_ids=[5],
        onsite_checks=[
            {
                "client_id": str(uuid.UUID(int=1)),
                "author_id": 7,
                "checked_at": checked.isoformat(),
                "lat": 32.781012,
                "lon": 119.447803,
                "notes": "该路段共12盏路灯，其中9盏不亮。系附近管网施工挖断地下电缆所致，已通知照明管理所抢修。",
                "photos": [{"sha256": _sha(1), "tag": "before"}, {"sha256": _sha(2), "tag": "before"}],
            },
            {
                "client_id": str(uuid.UUID(int=2)),
                "author_id": 7,
                "checked_at": fixed.isoformat(),
                "lat": 32.781120,
                "lon": 119.447910,
                "notes": "电缆已接通，12盏路灯全部恢复照明。",
                "photos": [{"sha256": _sha(3), "tag": "after"}, {"sha256": _sha(4), "tag": "after"}],
            },
        ],
        attachments=[
            {"sha256": _sha(seed), "media_type": "image/jpeg", "size": 412_000 + seed * 9_000, "tag": tag}
            for seed, tag in ((1, "before"), (2, "before"), (3, "after"), (4, "after"))
        ],
        notes=[
            {
                "client_id": str(uuid.UUID(int=3)),
                "author_id": 5,
                "text": "请联系照明管理所抢修，周三前修好，并补拍整改后照片。",
                "created_at": (checked + hour).isoformat(),
            }
        ],
        replies=[
            {
                "round": 1,
                "text": first_reply,
                "result_code": "partly_resolved",
                "basis": "",
                "author_id": 7,
                "at": submitted.isoformat(),
            }
        ],
        review_chain=["section_chief", "department_head"],
        review_level=0,
        reviews=[
            {
                "round": 1,
                "level": "section_chief",
                "reviewer_id": 5,
                "decision": "approved",
                "comment": "同意",
                "at": (submitted + 2 * hour).isoformat(),
            },
            {
                "round": 1,
                "level": "department_head",
                "reviewer_id": 4,
                "decision": "returned",
                "comment": "请补充整改后照片，并写明后续巡查安排。",
                "at": (submitted + 20 * hour).isoformat(),
            },
        ],
        draft={
            "round": 2,
            "text": draft,
            "result_code": "resolved",
            "basis": "《高邮市城市照明管理办法》第十二条",
            "author_id": 7,
            "at": (fixed + hour).isoformat(),
        },
    )


def _conflict(ws: Workspace, order_id: int) -> None:
    """A draft written offline that the server answered with a conflict: someone changed it meanwhile."""
    mine = "经现场核实，3号楼电梯主板老化，物业已联系维保单位更换主板，预计本周五完成。"
    mutation = ws.store.record(ws.actor, order_id, Command.SAVE_DRAFT, SaveDraftBody(version=1, text=mine))
    server = "已督促物业公司对3号楼电梯进行全面检修，并要求维保单位每周巡检一次。"
    ws.store.mark(
        [
            result(
                mutation.id,
                MutationStatus.CONFLICT,
                code="text_conflict",
                message_zh="答复草稿已被李娜修改",
                message_en="Li Na changed the draft meanwhile",
                server_values={"text": server, "result_code": "partly_resolved"},
            )
        ]
    )


def _closed_this_month(ws: Workspace, now: datetime) -> None:
    """The month's finished orders, for the dashboard: varied categories, channels and outcomes."""
    rng = random.Random(12345)
    local = now.astimezone(CITY_TIME)
    start = local.replace(day=1, hour=8, minute=0, second=0, microsecond=0)
    span = max((local - start).total_seconds() - 3 * 86400, 3600)
    titles = ["小区路灯损坏", "楼道墙面开裂", "物业收费不透明", "工地扬尘污染", "窨井盖破损", "公租房维修申请"]
    categories = ["01.01", "01.02", "01.03", "01.03", "01.04", "01.05", "01.05", "01.06", "01.07"]
    channels = ["phone"] * 6 + ["wechat"] * 2 + ["website", "mailbox", "app"]
    for index in range(26):
        received = start + timedelta(seconds=rng.uniform(0, span))
        replied = received + timedelta(hours=rng.uniform(20, 90))
        on_time = rng.random() < 0.9
        code = rng.choice(["resolved"] * 6 + ["partly_resolved", "explained", "explained"])
        outcome = rng.choice(["satisfied"] * 7 + ["basically_satisfied"] * 2 + ["unsatisfied"])
        put(
            ws,
            "closed",
            order_id=100 + index,
            number=_number(received, 100 + index),
            title=f"{rng.choice(['海潮', '盂城', '文游', '秦邮', '屏淮', '武安'])}路{rng.choice(titles)}",
            urgency="normal",
            category_code=rng.choice(categories),
            channel=rng.choice(channels),
            handler_id=rng.choice([7, 8]),
            received_at=received.isoformat(),
            dispatched_at=(received + timedelta(minutes=10)).isoformat(),
            due_at=None,
            deadlines=_deadlines(
                replied, signed_on_time=rng.random() < 0.95, replied_on_time=on_time, closed_on_time=on_time
            ),
            replies=[
                {
                    "round": 1,
                    "text": "已处理。",
                    "result_code": code,
                    "basis": "",
                    "author_id": 7,
                    "at": replied.isoformat(),
                }
            ],
            callbacks=[
                {
                    "method": "phone",
                    "outcome": outcome,
                    "notes": "",
                    "agent_id": 1,
                    "at": (replied + timedelta(days=1)).isoformat(),
                }
            ],
        )


def fill_audit(ws: Workspace, now: datetime) -> None:
    """The month's answered orders in a city leader's line: some audited already, the rest waiting."""
    directories(ws)
    local = now.astimezone(CITY_TIME)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    answered = [
        ("文汇路路灯不亮", 3, "closed", "resolved", True),
        ("海潮路夜间施工噪音扰民", 3, "closed", "resolved", True),
        ("秦邮路公租房申请条件咨询", 3, "replied", "explained", True),
        ("盂城花园小区3号楼电梯频繁故障", 3, "replied", "partly_resolved", False),
        ("屏淮路人行道地砖破损积水", 4, "replied", "resolved", False),
        ("南海路工地渣土车沿途撒漏", 4, "closed", "resolved", False),
        ("马棚街道居民楼顶违规搭建", 4, "replied", "not_feasible", False),
        ("武安路雨水井盖缺失", 4, "closed", "resolved", False),
    ]
    for index, (title, department, state, code, audited) in enumerate(answered):
        replied = start + (local - start) * (index + 1) / (len(answered) + 1)
        received = replied - timedelta(days=2)
        put(
            ws,
            state,
            order_id=200 + index,
            number=_number(received, 60 + index),
            title=title,
            urgency="normal",
            lead_department_id=department,
            handler_id=7,
            received_at=received.isoformat(),
            dispatched_at=received.isoformat(),
            due_at=None,
            deadlines=_deadlines(None),
            replies=[
                {
                    "round": 1,
                    "text": "经现场核实，已处理完毕。",
                    "result_code": code,
                    "basis": "",
                    "author_id": 7,
                    "at": replied.isoformat(),
                }
            ],
            audit_marks=[{"leader_id": LEADER.id, "comment": "", "at": now.isoformat()}] if audited else [],
        )


# --- taking the pictures ----------------------------------------------------------------------------


def save(widget: QWidget, screen: str, language: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()  # pending layouts, as the event loop would run them
    path = SCREENSHOTS / f"{screen}_{language}.png"
    path.unlink(missing_ok=True)
    assert widget.grab().save(str(path))
    return path


def assert_pictures(paths: dict[str, Path]) -> None:
    """Each PNG exists and shows something; the English differs from the Chinese."""
    images = {}
    for language, path in paths.items():
        assert path.is_file(), path
        image = Image.open(path).convert("RGB")
        colours = image.getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 16, f"{path.name} is (nearly) blank"
        images[language] = image
    zh, en = images["zh"], images["en"]
    assert zh.size != en.size or ImageChops.difference(zh, en).getbbox() is not None, "en and zh look the same"


@pytest.fixture
def desk(qtbot: Any, make_workspace: Callable[[UserOut], Workspace], languages: Languages) -> Iterator[Any]:
    """``open(language)``: the main window at 1366×768 on the filled desk, with the worked order open."""
    workspace = make_workspace(HANDLER)
    fill_desk(workspace, datetime.now(UTC))
    windows: list[MainWindow] = []

    def open_(language: str) -> MainWindow:
        for old in windows:
            old.close()
        assert languages.use(language) == language
        window = MainWindow(workspace, ["handler", "chief", "head", "leader"], language)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        windows.append(window)
        # The first counts choose the opening list; then the handler goes to the orders in hand.
        everything = LISTS.index(WorkList.ALL)
        qtbot.waitUntil(lambda: window.sidebar.item(everything).text().endswith(")"), timeout=15000)
        mine = LISTS.index(WorkList.MINE)
        with qtbot.waitSignal(window.model.loaded, timeout=15000):
            click_list_item(qtbot, window.sidebar, mine)
        qtbot.waitUntil(lambda: window.model.row_of(WORKED) is not None, timeout=15000)
        with qtbot.waitSignal(window.order_view.loaded, timeout=15000):
            click_row(qtbot, window.table, window.model.row_of(WORKED))  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: "(1)" in window.tabs.tabText(window.tabs.indexOf(window.problems)), timeout=15000)
        return window

    yield open_
    for window in windows:
        window.close()


# --- the screens ----------------------------------------------------------------------------------


def test_workbench_and_the_order_tabs(qtbot: Any, desk: Callable[[str], MainWindow]) -> None:
    shots: dict[str, dict[str, Path]] = {}
    for language in LANGUAGES:
        window = desk(language)
        view = window.order_view
        assert window.model.total >= 6
        shots.setdefault("workbench", {})[language] = save(window, "workbench", language)
        for index, screen in (
            (0, "order_overview"),
            (1, "order_timeline"),
            (2, "order_checks"),
            (5, "order_reply"),
            (6, "order_reviews"),
        ):
            view.tabs.setCurrentIndex(index)
            shots.setdefault(screen, {})[language] = save(view, screen, language)
        view.tabs.setCurrentIndex(0)
    for paths in shots.values():
        assert_pictures(paths)


def test_onsite_check_dialog_with_photos(qtbot: Any, desk: Callable[[str], MainWindow], tmp_path: Path) -> None:
    files = [
        camera_file(
            tmp_path / "IMG_20261126_190412.jpg", street_photo(5, False, True, (1600, 1200)), "2026:11:26 19:04:12"
        ),
        camera_file(
            tmp_path / "IMG_20261126_190455.jpg", street_photo(6, False, False, (1600, 1200)), "2026:11:26 19:04:55"
        ),
        camera_file(
            tmp_path / "IMG_20261127_193010.jpg", street_photo(7, True, False, (1600, 1200)), "2026:11:27 19:30:10"
        ),
    ]
    shots = {}
    for language in LANGUAGES:
        window = desk(language)
        bar = window.order_view.actions
        with qtbot.waitSignal(bar.dialog_opened, timeout=15000) as opened:
            bar.trigger(Command.RECORD_ONSITE_CHECK)
        dialog: OnsiteCheckDialog = opened.args[0]
        dialog.picker.add_paths(files)
        qtbot.waitUntil(lambda d=dialog: len(d.picker.photos()) == 3 and not d.picker.is_busy(), timeout=15000)
        for index, tag in enumerate(("before", "before", "after")):
            dialog.picker.set_tag(index, tag)
        dialog.notes.setPlainText("电缆已接通，12盏路灯全部恢复照明；施工单位已在开挖处设置警示标志。")
        qtbot.waitUntil(
            lambda d=dialog: all(
                t.picture.pixmap() is not None and not t.picture.pixmap().isNull() for t in d.picker._tiles
            ),
            timeout=5000,
        )
        shots[language] = save(dialog, "onsite_check", language)
        dialog.reject()
    assert_pictures(shots)


def test_problems_panel_with_a_conflict(qtbot: Any, desk: Callable[[str], MainWindow]) -> None:
    shots = {}
    for language in LANGUAGES:
        window = desk(language)
        window.tabs.setCurrentWidget(window.problems)
        qtbot.waitUntil(lambda w=window: w.problems.pages.currentWidget() is w.problems.conflict, timeout=15000)
        assert "GY" in window.problems.conflict.heading.text()
        shots[language] = save(window, "problems", language)
    assert_pictures(shots)


def test_dashboard(qtbot: Any, desk: Callable[[str], MainWindow]) -> None:
    shots = {}
    for language in LANGUAGES:
        window = desk(language)
        with qtbot.waitSignal(window.dashboard.loaded, timeout=15000):
            window.tabs.setCurrentWidget(window.dashboard)
        assert window.dashboard.figures is not None and window.dashboard.figures.counts.dispatched >= 20
        qtbot.wait(200)  # charts lay out their axes and legends on the event loop
        shots[language] = save(window, "dashboard", language)
    assert_pictures(shots)


def test_sign_in_dialog(qtbot: Any, languages: Languages) -> None:
    shots = {}
    for language in LANGUAGES:
        languages.use(language)
        dialog = SignInDialog("https://12345.gaoyou.gov.cn", "wangjg", lambda *_: None, language)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.buttons.accepted.emit()  # no password: the dialog says what is missing
        assert dialog.error.text()
        shots[language] = save(dialog, "sign_in", language)
        dialog.close()
    assert_pictures(shots)


def test_monthly_audit_queue(qtbot: Any, make_workspace: Callable[[UserOut], Workspace], languages: Languages) -> None:
    workspace = make_workspace(LEADER)
    fill_audit(workspace, datetime.now(UTC))
    shots = {}
    for language in LANGUAGES:
        languages.use(language)
        window = MainWindow(workspace, None, language)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        queue = window.audit_queue
        assert queue is not None
        window.tabs.setCurrentWidget(queue)
        qtbot.waitUntil(lambda q=queue: q.table.rowCount() == 8, timeout=15000)
        queue.table.selectRow(0)
        assert queue.mark.isEnabled()
        shots[language] = save(window, "audit_queue", language)
        window.close()
    assert_pictures(shots)
