"""The work list: a table model over the local store, fetched a page at a time off the UI thread."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from casework.roles import Role
from desktop.reads import Filters, ListPage, ListQuery, WorkList
from desktop.tasks import Task, alive
from desktop.workspace import Workspace
from ui.labels import (
    COLOURS,
    Names,
    Urgency,
    countdown,
    local_time,
    role_label,
    state_label,
    time_zone_note,
    urgency_label,
)
from ui.work_table import WorkTable

PAGE = 200
_Index = QModelIndex | QPersistentModelIndex

#: (sort key in desktop.reads.SORTS or None, header) per column.
COLUMNS: list[tuple[str | None, str]] = [
    ("urgency", QT_TRANSLATE_NOOP("OrderListModel", "紧急程度")),
    ("number", QT_TRANSLATE_NOOP("OrderListModel", "工单编号")),
    ("title", QT_TRANSLATE_NOOP("OrderListModel", "标题")),
    (None, QT_TRANSLATE_NOOP("OrderListModel", "分类")),
    ("state", QT_TRANSLATE_NOOP("OrderListModel", "状态")),
    (None, ""),  # the handler: the role's name (ui.labels.role_label), see OrderListModel._headers
    ("received_at", QT_TRANSLATE_NOOP("OrderListModel", "受理时间")),
    ("due_at", QT_TRANSLATE_NOOP("OrderListModel", "剩余时限")),
    (None, QT_TRANSLATE_NOOP("OrderListModel", "同步")),
    (None, QT_TRANSLATE_NOOP("OrderListModel", "承办单位")),
    (None, QT_TRANSLATE_NOOP("OrderListModel", "所在列表")),
]
TIME_COLUMNS = (6, 7)  # shown in Beijing time, and say so
DEPARTMENT_COLUMN = 9  # the lead department: shown where more than one department's orders are listed
WHERE_COLUMN = 10  # a search across every list: which lists each hit is in


#: The roles data() answers, as plain ints (see OrderListModel.data).
_DISPLAY, _FOREGROUND, _FONT, _BACKGROUND, _TOOLTIP, _USER = (
    int(r)
    for r in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.UserRole,
    )
)
#: How long a page's follow-up queries wait for the view to paint its rows, at most (ms).
FOLLOW_AT_MOST = 100
_ANSWERED = frozenset((_DISPLAY, _FOREGROUND, _FONT, _BACKGROUND, _TOOLTIP, _USER))
_ENDED = frozenset(("closed", "invalid", "merged"))  # no countdown
_URGENT, _VERY_URGENT = QColor("#c62828"), QColor("#fdecea")
_NEW, _RETURNED = QColor("#1565c0"), QColor("#b26a00")
_brushes: dict[int, QBrush] = {}


def _brush(colour: QColor) -> QBrush:
    """One brush per colour, made once (a cell's colours are asked at every paint)."""
    key = colour.rgba()
    if key not in _brushes:
        _brushes[key] = QBrush(colour)
    return _brushes[key]


def _same(a: ListQuery, b: ListQuery) -> bool:
    """The same rows asked for (at another moment; the lists to name for search hits aside)."""
    return (a.work_list, a.filters, a.sort, a.descending) == (b.work_list, b.filters, b.sort, b.descending)


class OrderListModel(QAbstractTableModel):
    """Rows of the current work list and filters.

    ``loaded(total)`` fires when a fresh query's first page has arrived; on a list longer than the page
    ``total`` is the page's rows and :attr:`counting` is true until ``counted(total)`` brings the count
    (counting a large desk takes longer than its first page)."""

    loaded = Signal(int)  # total rows (the page's while counting)
    counted = Signal(int)  # total rows, counted after the page

    def __init__(self, workspace: Workspace, parent: Any = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.work_list = WorkList.MINE
        self.filters = Filters()
        self.sort_key = "due_at"
        self.descending = False
        self.names = Names(workspace.reads.directory())
        self._rows: list[dict[str, Any]] = []
        self._total = 0
        self._generation = 0  # answers to superseded queries are dropped
        self._fetching: Task | None = None
        self._query: ListQuery | None = None  # the query whose rows are shown
        self._asked: ListQuery | None = None  # the latest query asked for
        self._paging: Task | None = None
        self._after: list[Task] = []  # the hits' lists and the count, after the page
        self._painting: ListQuery | None = None  # the query whose follow-up waits for the first paint
        self._view: WorkTable | None = None  # where the rows are painted (paints_in)
        self.counting = False
        self._headers = [self.tr(h) if h else role_label(Role.HANDLER) for _, h in COLUMNS]
        #: The order in view: each query also tells whether it is in the list, and its state now.
        self.pinned: int | None = None
        self.pinned_listed = False
        self.pinned_state: str | None = None
        #: Work list → its name, in the order to name them; a search hit says which of these hold it.
        self.list_names: dict[str, str] = {}
        self._where: dict[int, list[str]] = {}  # search hits: order id → the lists holding it
        self._fonts: dict[bool, QFont] = {}
        self._terms: tuple[Filters | None, list[str]] = (None, [])  # the filters and their search terms
        self._countdown_tick = -1
        self._countdowns: dict[str | None, tuple[str, Urgency]] = {}

    @property
    def searching(self) -> bool:
        """A search is typed: the list shows hits from every list, not the current one."""
        return bool(self.filters.text.strip())

    @property
    def search_terms(self) -> list[str]:
        """The search's terms (asked by the hit delegate for each cell painted: split once per search)."""
        if self._terms[0] is not self.filters:
            self._terms = (self.filters, self.filters.text.split() if self.searching else [])
        return self._terms[1]

    def _countdown(self, due: str | None) -> tuple[str, Urgency]:
        """:func:`countdown` of ``due`` now, worked out once a second (a row's is asked for its text,
        colour and font at each paint)."""
        tick = int(time.monotonic())
        if tick != self._countdown_tick:
            self._countdown_tick, self._countdowns = tick, {}
        found = self._countdowns.get(due)
        if found is None:
            found = self._countdowns[due] = countdown(due, datetime.now(UTC))
        return found

    # --- querying ---------------------------------------------------------------------------------

    def show(self, work_list: WorkList | None = None, filters: Filters | None = None) -> Task:
        """Run the query for ``work_list`` and ``filters`` (current ones if None) off the UI thread."""
        if work_list is not None:
            self.work_list = work_list
        if filters is not None:
            self.filters = filters
        self._generation += 1
        generation = self._generation
        query = ListQuery(
            self.work_list, self.filters, self.sort_key, self.descending, datetime.now(UTC), tuple(self.list_names)
        )
        pinned = self.pinned
        # Another list, filter or sort: the queries still running for the last one are stopped (a
        # superseded keystroke gives the disk lane back at once). The same one asked again (a refresh
        # after a sync) lets the running one finish: its answer is shown, then the fresh one's.
        if not (self._asked is not None and _same(self._asked, query)):
            for running in [self._paging, *self._after]:
                if running is not None:
                    running.cancel()
            self._painting = None  # nor are the last rows' follow-ups asked for once painted
        self._asked = query

        def done(page: ListPage) -> None:
            if generation != self._generation and not (self._asked is not None and _same(query, self._asked)):
                return
            self.beginResetModel()
            self._rows, self._where = page.rows, {}
            self._total = len(page.rows) if page.total is None else page.total
            self.counting = page.total is None
            self.names = Names(page.directory)
            self._query = query
            self.pinned_listed, self.pinned_state = (
                page.pinned_listed if pinned == self.pinned else False,
                page.pinned_state,
            )
            self.endResetModel()
            self.loaded.emit(self._total)
            self._after_paint(query)

        self._paging = self.workspace.runner.run(
            self.workspace.reads.page, query, PAGE, pinned, label="list", on_done=done, owner=self, pass_task=True
        )
        return self._paging

    def paints_in(self, view: WorkTable) -> None:
        """The table showing these rows: a page's follow-up queries wait for it to paint them."""
        self._view = view
        view.painted.connect(self._on_painted)

    def _after_paint(self, query: ListQuery) -> None:
        """Ask for what follows the rows (the hits' lists, the count) once the view has painted them,
        so that those queries do not take the cores from the first paint (at the latest after
        :data:`FOLLOW_AT_MOST` ms: a hidden or minimised window paints nothing)."""
        self._painting = query
        if self._view is None or not alive(self._view) or not self._view.isVisible():
            self._follow(query)
            return
        QTimer.singleShot(FOLLOW_AT_MOST, self, lambda: self._follow(query))

    def _on_painted(self) -> None:
        if self._painting is not None:
            query = self._painting
            QTimer.singleShot(0, self, lambda: self._follow(query))  # once this paint is done

    def _follow(self, query: ListQuery) -> None:
        if self._painting is query:
            self._painting = None
            if self._query is query:  # not superseded meanwhile
                self._afterwards(query)

    def _afterwards(self, query: ListQuery) -> None:
        """What the rows on screen do not wait for: the lists holding each search hit, then the count."""
        for running in self._after:
            running.cancel()
        runner, reads = self.workspace.runner, self.workspace.reads

        def located(where: dict[int, list[str]]) -> None:
            if self._query is query and where:
                self._where.update(where)
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))

        def counted(total: int) -> None:
            if self._query is query:
                self._total, self.counting = total, False
                self.counted.emit(total)

        ids = [r["id"] for r in self._rows]
        named = replace(query, lists=tuple(self.list_names))  # as named now (the page may have been asked before)
        self._after = [
            runner.run(reads.located, named, ids, label="list-where", on_done=located, owner=self, pass_task=True)
        ]
        if self.counting:
            self._after.append(
                runner.run(reads.count, query, label="list-count", on_done=counted, owner=self, pass_task=True)
            )

    def refresh(self) -> Task:
        return self.show()

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        more = len(self._rows) < self._total or self.counting
        return not parent.isValid() and more and self._fetching is None

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        generation, offset, query = self._generation, len(self._rows), self._query
        if query is None:
            return

        def done(result: tuple[list[dict[str, Any]], dict[int, list[str]]]) -> None:
            self._fetching = None
            rows, where = result
            if generation != self._generation or not rows:
                return
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
            self._rows.extend(rows)
            self._where.update(where)
            self.endInsertRows()

        self._fetching = self.workspace.runner.run(
            self.workspace.reads.more, query, PAGE, offset, label="list-more", on_done=done, owner=self
        )

    def where_tag(self, index: _Index) -> str:
        """While searching: the name of the first work list holding the row's order (drawn before its title)."""
        if not self.searching or not index.isValid():
            return ""
        found = self.lists_of(self._rows[index.row()]["id"])
        return self.list_names.get(found[0], "") if found else self.list_names.get(WorkList.ALL.value, "")

    def lists_of(self, order_id: int) -> list[str]:
        """The work lists a search hit is in (their values), as last looked up."""
        return self._where.get(order_id, [])

    # --- model --------------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return self._total

    def row(self, row: int) -> dict[str, Any] | None:
        """The list columns of row ``row`` (id, number, state, actions …), or None past the end."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def order_id(self, row: int) -> int | None:
        return self._rows[row]["id"] if 0 <= row < len(self._rows) else None

    def row_of(self, order_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r["id"] == order_id), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if section in TIME_COLUMNS:
                return self.tr("%1：%2").replace("%1", self._headers[section]).replace("%2", time_zone_note())
            if section == WHERE_COLUMN:
                return self.tr("搜索结果所在的工作列表")
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][0]
        if key is None:
            return
        self.sort_key, self.descending = key, order == Qt.SortOrder.DescendingOrder
        self.show()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Asked ~7 times for each cell painted (~1,300 calls a frame): the roles are compared as plain
        # ints (an enum member's lookup cost 0.5 µs, ten of them a call) and the roles never answered
        # return at once.
        if role not in _ANSWERED or not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == _DISPLAY:
            return self._text(row, column)
        if role == _FOREGROUND:
            if column == 7 and row["state"] not in _ENDED:
                return _brush(COLOURS[self._countdown(row["due_at"])[1]])
            if column == 0 and row["urgency"] != "normal":
                return _brush(_URGENT)
            if column == 2 and (row.get("new") or row.get("returned")):
                return _brush(_RETURNED if row.get("returned") else _NEW)
            return None
        if role == _FONT:
            if column == 2 and row.get("new"):
                return self._font(True)  # unread, as in a mail client
            if row["urgency"] != "normal" or column == 7:
                return self._font(row["urgency"] != "normal" or self._countdown(row["due_at"])[1] >= Urgency.TODAY)
            return None
        if role == _BACKGROUND:
            return _brush(_VERY_URGENT) if row["urgency"] == "very_urgent" else None
        if role == _TOOLTIP:
            return self._tooltip(row, column)
        return row["id"]  # _USER

    def _font(self, bold: bool) -> QFont:
        """The application's font, bold or not, made once for this list."""
        if bold not in self._fonts:
            font = QFont()
            font.setBold(bold)
            self._fonts[bold] = font
        return self._fonts[bold]

    def _tooltip(self, row: dict[str, Any], column: int) -> str | None:
        if column in (2, WHERE_COLUMN):
            notes = [row["title"]]
            if self.searching:
                notes.append(self.tr("所在列表：%1").replace("%1", self._text(row, WHERE_COLUMN)))
            if row.get("new"):
                notes.append(self.tr("新：到达本机后还没有打开过"))
            if row.get("returned"):
                notes.append(self.tr("退回：审核退回、批示重办或退回申请未获同意，需要重新办理"))
            if row.get("draft"):
                notes.append(self.tr("草稿：本机保存着尚未提交的答复或表单内容，打开工单即可继续"))
            return "\n".join(notes)
        if column == 6 and row["received_at"]:
            return f"{local_time(row['received_at'])} {time_zone_note()}"
        if column == 7 and row["due_at"]:
            return self.tr("办理时限 %1").replace("%1", f"{local_time(row['due_at'])} {time_zone_note()}")
        return None

    def markers(self, row: dict[str, Any]) -> str:
        """The title's prefix: 【新】 until the user opens the order, 【退回】 while it is back for rework,
        【草稿】 while text typed for it is kept on this PC only (a reply or a form not yet submitted)."""
        return (
            (self.tr("【新】") if row.get("new") else "")
            + (self.tr("【退回】") if row.get("returned") else "")
            + (self.tr("【草稿】") if row.get("draft") else "")
        )

    def _text(self, row: dict[str, Any], column: int) -> str:
        match column:
            case 0:
                return urgency_label(row["urgency"]) + (" ★" if row["importance"] == "major" else "")
            case 1:
                # An order taken in on this desk and not uploaded yet has no number: 待上传.
                return self.tr("待上传") if row["id"] < 0 else row["number"]
            case 2:
                return (self.tr("【待上传】") if row["id"] < 0 else "") + self.markers(row) + row["title"]
            case 3:
                return self.names.category(row["category_code"])
            case 4:
                return state_label(row["state"])
            case 5:
                return self.names.user(row["handler_id"])
            case 6:
                return local_time(row["received_at"])
            case 7:
                if row["state"] in _ENDED:
                    return ""
                return self._countdown(row["due_at"])[0]
            case 8:
                return self.tr("待同步 %1").replace("%1", str(row["pending"])) if row["pending"] else ""
            case 9:
                return self.names.department(row.get("lead_department_id"))
            case 10:
                found = self.lists_of(row["id"])
                names = [self.list_names.get(v, v) for v in found]
                return self.tr("、").join(names) or self.list_names.get(WorkList.ALL.value, "")
        return ""
