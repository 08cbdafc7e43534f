"""SQLAlchemy models, one module per feature; importing this package registers them all."""

from server.models.audit import AuditHead, AuditRecord
from server.models.auth import AuthToken
from server.models.blobs import Attachment, Blob
from server.models.calendar import CalendarDayRow, CalendarYear
from server.models.devices import Device
from server.models.knowledge import (
    EntryVersionRow,
    KeywordRow,
    KnowledgeEntryRow,
    KnowledgeSequence,
    KnowledgeUse,
    ReplyTemplateRow,
)
from server.models.measures import MeasureDayCount, MeasureDayCounted, MeasureFact, MeasureTracker
from server.models.meta import ServerInstance
from server.models.notifications import Notification
from server.models.orders import (
    CallbackRecord,
    Category,
    Note,
    OnsiteCheck,
    Order,
    OrderCoHandling,
    OrderNumberCounter,
    ReplyVersion,
    ReviewRecord,
    order_co_departments,
)
from server.models.org import Department, User, leader_portfolio
from server.models.review import ReviewChainVersion
from server.models.sync import OrderAccess, OrderView, SyncMutation, Upload
from server.models.throttle import LoginThrottle

__all__ = [
    "Attachment",
    "AuditHead",
    "AuditRecord",
    "AuthToken",
    "Blob",
    "CalendarDayRow",
    "CalendarYear",
    "CallbackRecord",
    "Category",
    "Department",
    "Device",
    "EntryVersionRow",
    "KeywordRow",
    "KnowledgeEntryRow",
    "KnowledgeSequence",
    "KnowledgeUse",
    "LoginThrottle",
    "MeasureDayCount",
    "MeasureDayCounted",
    "MeasureFact",
    "MeasureTracker",
    "Note",
    "Notification",
    "OnsiteCheck",
    "Order",
    "OrderAccess",
    "OrderCoHandling",
    "OrderNumberCounter",
    "OrderView",
    "ReplyTemplateRow",
    "ReplyVersion",
    "ReviewChainVersion",
    "ReviewRecord",
    "ServerInstance",
    "SyncMutation",
    "Upload",
    "User",
    "leader_portfolio",
    "order_co_departments",
]
