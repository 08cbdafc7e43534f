"""``import``: orders from a CSV or XLSX file, all or nothing.

Headers may be English field names or the Chinese column titles a hotline's export uses.
Every row is validated first; if any row is wrong, nothing is imported and every problem is
reported with its row number. Rows with an ``external_ref`` already in the database are
skipped, so importing the same file twice never duplicates an order.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.deadlines import SHANGHAI
from casework.lifecycle import Command
from casework.order import Channel, Importance, RequestKind
from casework.roles import CENTRE_ROLES
from casework.schemas import DispatchBody, OrderIntake
from casework.sla import Complexity, Urgency
from casework.times import time_of
from casework.vocabulary import zh_names
from server.auth.service import actor_of
from server.db import utcnow
from server.errors import ApiError
from server.models import Department, Order, User
from server.orders import service
from server.settings import Settings

HEADERS = {
    "外部编号": "external_ref",
    "渠道": "channel",
    "受理时间": "received_at",
    "姓名": "citizen_name",
    "市民姓名": "citizen_name",
    "电话": "citizen_phone",
    "联系电话": "citizen_phone",
    "回访电话": "callback_number",
    "匿名": "anonymous",
    "保密": "confidential",
    "允许联系": "contact_allowed",
    "诉求类型": "kind",
    "分类编码": "category_code",
    "复杂程度": "complexity",
    "紧急程度": "urgency",
    "重要程度": "importance",
    "标题": "title",
    "诉求内容": "description",
    "地址": "address",
    "区域": "district",
    "街道": "street",
    "纬度": "lat",
    "经度": "lon",
    "标签": "tags",
    "承办单位": "lead_department",
}

# Chinese values as exported by hotline systems, mapped to our codes: our own names
# (casework.vocabulary), then the other spellings other systems use.
VALUES = {
    **{
        name: code
        for enum in (Channel, RequestKind, Complexity, Urgency, Importance)
        for code, name in zh_names(enum).items()
    },
    "电话": "phone",  # other systems' spellings of the same codes
    "热线电话": "phone",
    "信箱": "mailbox",
    "网站": "website",
    "APP": "app",
    "普通": "ordinary",
    "是": "true",
    "否": "false",
}
BOOLEAN = {"true", "1", "yes", "y"}


@dataclass
class ImportResult:
    imported: int = 0
    dispatched: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.errors:
            return "nothing imported; fix these rows and run again:\n" + "\n".join(self.errors)
        return f"{self.imported} orders imported, {self.dispatched} dispatched, {self.skipped} already present"


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows as {field: text}, from .xlsx or .csv (UTF-8, or GB18030 as Chinese Excel saves it)."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        if sheet is None:
            raise ValueError(f"{path.name}: the workbook has no sheet to read")
        rows = [
            ["" if v is None else (v.isoformat() if isinstance(v, datetime) else str(v)) for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    else:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    header = [HEADERS.get(h.strip(), h.strip()) for h in rows[0]]
    return [
        dict(zip(header, (c.strip() for c in row), strict=False)) for row in rows[1:] if any(c.strip() for c in row)
    ]


def _intake(row: dict[str, str]) -> OrderIntake:
    def value(name: str) -> str:
        text = row.get(name, "")
        return VALUES.get(text, text)

    data: dict[str, Any] = {
        "channel": value("channel"),
        "citizen": {
            "name": row.get("citizen_name", ""),
            "phone": row.get("citizen_phone", ""),
            "callback_number": row.get("callback_number", ""),
            "anonymous": value("anonymous").lower() in BOOLEAN,
            "confidential": value("confidential").lower() in BOOLEAN,
            "contact_allowed": value("contact_allowed").lower() in BOOLEAN,
        },
        "kind": value("kind"),
        "category_code": row.get("category_code", ""),
        "title": row.get("title", ""),
        "description": row.get("description", ""),
    }
    for name in ("complexity", "urgency", "importance"):
        if row.get(name):
            data[name] = value(name)
    for name in ("address", "district", "street", "lat", "lon"):
        if row.get(name):
            data[name] = row[name]
    if row.get("tags"):
        data["tags"] = [t for t in row["tags"].replace("，", ",").split(",") if t.strip()]
    if row.get("received_at"):
        received = time_of(row["received_at"])
        data["received_at"] = received if received.tzinfo else received.replace(tzinfo=SHANGHAI)
    return OrderIntake.model_validate(data)


def import_orders(
    session: Session, settings: Settings, path: Path, as_user: str | None, dispatch: bool = False
) -> ImportResult:
    result = ImportResult()
    agent = session.scalar(
        select(User)
        .where(User.role.in_([r.value for r in CENTRE_ROLES]), *([User.username == as_user] if as_user else []))
        .order_by(User.id)
    )
    if agent is None:
        result.errors.append("no centre agent to record the intake (create one, or name one with --as)")
        return result
    rows = read_rows(path)
    departments = {d.code: d for d in session.scalars(select(Department))}
    parsed: list[tuple[int, dict[str, str], OrderIntake]] = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        try:
            parsed.append((number, row, _intake(row)))
        except (ValidationError, ValueError) as exc:
            result.errors.append(f"row {number}: {exc}".replace("\n", "; "))
        lead = row.get("lead_department", "")
        if dispatch and lead and lead not in departments:
            result.errors.append(f"row {number}: unknown department {lead!r}")
    if result.errors:
        return result
    now = utcnow()
    ctx = service.Context(session=session, actor=actor_of(agent), settings=settings, now=now)
    for number, row, body in parsed:
        ref = row.get("external_ref") or None
        if ref and session.scalar(select(Order.id).where(Order.external_ref == ref)):
            result.skipped += 1
            continue
        try:
            order = service.intake(ctx, body)
            order.external_ref = ref
            session.flush()  # before reading the version the dispatch is based on
            result.imported += 1
            lead = row.get("lead_department", "")
            if dispatch and lead:
                service.execute(
                    ctx,
                    order.id,
                    Command.DISPATCH,
                    DispatchBody(version=order.version, lead_department_id=departments[lead].id),
                )
                result.dispatched += 1
        except ApiError as exc:
            result.errors.append(f"row {number}: {exc.en}")
    if result.errors:
        session.rollback()
        result.imported = result.dispatched = 0
    return result
