"""The workbench: work lists with counts, the list with search and filters, the order, the sync bar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyleOptionViewItem,
    QSystemTrayIcon,
    QTableView,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from casework.roles import CENTRE_ROLES, Role
from casework.sync import INTAKE
from desktop.knowledge import citation
from desktop.reads import Filters, WorkList
from desktop.workspace import Phase, Progress, SyncStatus, Workspace
from ui.knowledge import KnowledgeButton, KnowledgePanel
from ui.labels import (
    CITY_ZONE,
    command_label,
    local_time,
    order_count,
    role_label,
    state_label,
    time_zone_note,
    urgency_label,
    work_list_label,
)
from ui.layout import LayoutMemory
from ui.list_filters import MoreFilters
from ui.menus import RowMenu, WindowMenus
from ui.notifications import Announcer, NotificationPanel
from ui.order.view import OrderView
from ui.order_list import DEPARTMENT_COLUMN, FOLLOW_AT_MOST, WHERE_COLUMN, OrderListModel
from ui.problems import ProblemsPanel
from ui.search import EmptyNote, HitDelegate, ResultKeys
from ui.undo import UndoNotice
from ui.work_table import WorkTable

if TYPE_CHECKING:  # other roles' panels, 统计, printing: imported when first needed (issue 14: the cold start)
    from ui.admin import AdminArea
    from ui.audit_queue import AuditQueue
    from ui.centre_board import CentreBoard
    from ui.centre_panel import CentrePanel
    from ui.dashboard import Dashboard
    from ui.intake import IntakeForm
    from ui.portfolio import Portfolio
    from ui.printing import ReplySheetPrinter

#: The work lists in the sidebar, in order (named by ui.labels.work_list_label, from casework.vocabulary).
LISTS: list[WorkList] = [
    WorkList.TO_SIGN,
    WorkList.MINE,
    WorkList.RETURNED,
    WorkList.TO_REVIEW,
    WorkList.CO_HANDLING,  # 协办: the department's own part of orders another department leads
    WorkList.SUBMITTED,
    WorkList.DUE_SOON,
    WorkList.OVERDUE,
    WorkList.WARNINGS,
    WorkList.SUPERVISED,
    WorkList.CLOSED,
    WorkList.ALL,
]

#: The hotline centre's lists (a centre agent or supervisor), in order.
CENTRE_LISTS: list[WorkList] = [
    WorkList.TO_DISPATCH,
    WorkList.TO_RULE,
    WorkList.TO_CALL_BACK,
    WorkList.OVERDUE,
    WorkList.SUPERVISED,
    WorkList.CLOSED,
    WorkList.ALL,
]

LEADER_ROLES = ("leader_in_charge", "top_leader")


#: The sidebar's width in a window of 1366×768 at the most (px); a wider window gives it more.
SIDEBAR_AT_MOST = 170

#: At the latest this long (ms) after the window is made, the sidebar is counted even without rows.
FIRST_COUNTS_AT_MOST = 2000


def lists_for(role: str) -> list[WorkList]:
    """The sidebar's lists of ``role``: the centre's or the departments' (and the leaders')."""
    return CENTRE_LISTS if Role(role) in CENTRE_ROLES else LISTS


#: Where each role starts: the first of these lists that is not empty.
OPENING_LISTS: dict[str, list[WorkList]] = {
    "handler": [WorkList.RETURNED, WorkList.MINE, WorkList.TO_SIGN, WorkList.CO_HANDLING, WorkList.ALL],
    "section_chief": [WorkList.TO_REVIEW, WorkList.TO_SIGN, WorkList.MINE, WorkList.CO_HANDLING, WorkList.ALL],
    "department_head": [
        WorkList.TO_REVIEW,
        WorkList.TO_SIGN,
        WorkList.CO_HANDLING,
        WorkList.OVERDUE,
        WorkList.ALL,
    ],
    "leader_in_charge": [WorkList.TO_REVIEW, WorkList.OVERDUE, WorkList.ALL],
    "top_leader": [WorkList.TO_REVIEW, WorkList.OVERDUE, WorkList.ALL],
    "centre_agent": [WorkList.TO_DISPATCH, WorkList.TO_CALL_BACK, WorkList.TO_RULE, WorkList.ALL],
    "centre_supervisor": [WorkList.TO_RULE, WorkList.TO_DISPATCH, WorkList.TO_CALL_BACK, WorkList.ALL],
}

#: Category and intake time: useful, but the list is narrow at 1366×768 (the header's menu shows them).
HIDDEN_AT_FIRST = (3, 6)
#: The columns' first widths (the title, column 2, takes what is left) and the title's least width.
COLUMN_WIDTHS = {0: 56, 1: 142, 3: 80, 4: 64, 5: 56, 6: 110, 7: 96, 8: 64, 9: 120, 10: 120}
TITLE_COLUMN = 2
TITLE_AT_LEAST = 140  # about eight Chinese characters
HANDLER_COLUMN = 5

DEADLINE_WINDOWS: list[tuple[int | None, str]] = [
    (None, QT_TRANSLATE_NOOP("MainWindow", "任意时限")),
    (4, QT_TRANSLATE_NOOP("MainWindow", "4小时内到期")),
    (24, QT_TRANSLATE_NOOP("MainWindow", "24小时内到期")),
    (72, QT_TRANSLATE_NOOP("MainWindow", "3天内到期")),
]


#: The demo city's users (server/demo) the role switch offers, by their role.
DEMO_ROLES = {
    "handler": Role.HANDLER,
    "chief": Role.SECTION_CHIEF,
    "head": Role.DEPARTMENT_HEAD,
    "leader": Role.LEADER_IN_CHARGE,
    "admin": Role.ADMIN,
    "agent": Role.CENTRE_AGENT,
    "supervisor": Role.CENTRE_SUPERVISOR,
}


class MainWindow(QMainWindow):
    """``switch_user(username)`` and ``switch_language(code)`` ask the application to rebuild."""

    switch_user = Signal(str)
    switch_language = Signal(str)
    sign_out = Signal()
    switch_server = Signal(str)  # the URL of the server to sign in to instead

    def __init__(self, workspace: Workspace, demo_users: list[str] | None = None, language: str = "zh") -> None:
        super().__init__()
        self.workspace = workspace
        self.language = language
        self._notified: set[int] = set()
        user = workspace.user
        self.lists = lists_for(user.role.value)
        self.setWindowTitle(
            self.tr("CaseDesk 12345工单办理 — %1（%2）")
            .replace("%1", user.name)
            .replace("%2", role_label(user.role.value))
        )
        self.resize(1366, 768)

        self.model = OrderListModel(workspace, self)
        self.order_view = OrderView(workspace, compact=user.role in CENTRE_ROLES)  # the centre's dock beside it
        self.problems = ProblemsPanel(workspace)
        # 统计 (and QtCharts) and 知识库 are built when first shown or asked for (see dashboard, knowledge):
        # until then an empty page stands in for each.
        self._dashboard: Dashboard | None = None
        self._dashboard_stand_in = QWidget()
        self._knowledge: KnowledgePanel | None = None
        self._knowledge_stand_in = QWidget()

        self._build_toolbar(demo_users or [])
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_workbench(), self.tr("工作台"))
        self.tabs.addTab(self.problems, self.tr("同步问题"))
        self.tabs.addTab(self._dashboard_stand_in, self.tr("统计"))
        self.notices = NotificationPanel(workspace)
        self.tabs.addTab(self.notices, self.tr("通知"))
        self.notices.unread_changed.connect(self._on_unread)
        self.notices.open_order.connect(self._show_from_elsewhere)
        self.audit_queue: AuditQueue | None = None
        self.portfolio: Portfolio | None = None
        if user.role.value in LEADER_ROLES:
            from ui.audit_queue import AuditQueue
            from ui.portfolio import Portfolio

            self.audit_queue = AuditQueue(workspace)
            self.audit_queue.open_order.connect(self._show_from_elsewhere)
            self.tabs.insertTab(1, self.audit_queue, self.tr("月度审核"))
            self.portfolio = Portfolio(workspace)
            self.portfolio.show_department.connect(self._show_department)
            self.tabs.insertTab(2, self.portfolio, self.tr("分管单位"))
        self.intake: IntakeForm | None = None
        self.centre_panel: CentrePanel | None = None
        if user.role in CENTRE_ROLES:  # the centre takes calls: 受理 beside the work lists
            from ui.centre_panel import CentrePanel
            from ui.intake import IntakeForm

            self.intake = IntakeForm(workspace, self.model.names)
            self.intake.saved.connect(lambda _id: self._refresh_timer.start())
            self._cite_on_intake(self.intake)
            self.tabs.insertTab(1, self.intake, command_label(INTAKE))
            self.centre_panel = CentrePanel(workspace, self.model.names)
            self.order_view.loaded.connect(self.centre_panel.show_order)
            dock = QDockWidget(self.tr("转办 / 回访"), self)
            dock.setObjectName("centre_dock")
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
            dock.setWidget(self.centre_panel)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.centre_dock = dock
            # Several rows (Ctrl/Shift+click) for a batch dispatch; the order in view is still the one clicked.
            self.table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
            self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.centre_board: CentreBoard | None = None
        if user.role.value == "centre_supervisor":  # the duty supervisor's day
            from ui.centre_board import CentreBoard

            self.centre_board = CentreBoard(workspace, self.model.names)
            self.centre_board.open_order.connect(self._show_from_elsewhere)
            self.tabs.insertTab(2, self.centre_board, self.tr("值班看板"))
        # 知识库 for every role: answers and policy bases, searched on the desk (offline too).
        self.tabs.addTab(self._knowledge_stand_in, self.tr("知识库"))
        self.tabs.currentChanged.connect(self._on_tab)
        self.admin_area: AdminArea | None = None
        if user.role.value == "admin":  # an administrator's work is here (they see no orders)
            from ui.admin import AdminArea

            self.admin_area = AdminArea(workspace)
            self.tabs.addTab(self.admin_area, self.tr("管理"))
            self.tabs.setCurrentWidget(self.admin_area)
        self.setCentralWidget(self.tabs)
        self._build_status_bar()
        self._build_shortcuts()
        self._tray = self._build_tray()
        self.announcer = Announcer(self, workspace, self._tray)

        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(self._apply_filters)
        self._refresh_timer = QTimer(self, singleShot=True, interval=100)
        self._refresh_timer.timeout.connect(self._refresh_lists)
        self._clock = QTimer(self, interval=60_000)  # countdowns move on
        self._clock.timeout.connect(self._refresh_lists)
        self._clock.start()

        workspace.changed.connect(self._on_changed)
        workspace.status_changed.connect(self._on_status)
        workspace.progress.connect(self._on_progress)
        self.problems.count_changed.connect(self._on_problem_count)
        self.model.loaded.connect(self._on_loaded)
        self.model.counted.connect(self._show_list_title)
        self._first_counts = True  # counts choose the list to open with, until the first sync has reported
        self._chosen_from: tuple[Any, ...] | None = None  # the list the order in view was chosen from
        self._auto_row = -1  # the list chosen for the user so far (another row: the user chose it)
        # 新 markers: opening an order in the pane clears its own; the list and the counts follow.
        self.order_view.loaded.connect(workspace.mark_seen)
        workspace.marks_changed.connect(self._on_changed)
        self._on_status(workspace.status)
        self._count_after_first_rows()
        self._install_manners()

    # --- building ---------------------------------------------------------------------------------

    def _build_toolbar(self, demo_users: list[str]) -> None:
        bar = QToolBar(self.tr("工具栏"))
        bar.setMovable(False)
        self.addToolBar(bar)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索全部列表：编号、标题、内容、地址、市民"))
        self.search.setToolTip(self.tr("在全部工单中搜索（Ctrl+F）；按 ↓ 或回车进入结果"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.search.textChanged.connect(self._on_search_typed)
        bar.addWidget(self.search)

        self.category = QComboBox()
        self.urgency = QComboBox()
        self.state = QComboBox()
        self.deadline = QComboBox()
        self.handler = QComboBox()
        self.department = QComboBox()
        self._fill_filters()
        self._filter_actions = []  # shown only over the work list they filter (the 工作台 tab)
        for combo in (self.category, self.urgency, self.state, self.deadline, self.handler, self.department):
            combo.currentIndexChanged.connect(self._apply_filters)
            self._filter_actions.append(bar.addWidget(combo))

        bar.addSeparator()
        self.sync_button = QPushButton(self.tr("立即同步"))
        self.sync_button.setToolTip(self.tr("立即与中心同步（F5）"))
        self.sync_button.clicked.connect(self.workspace.sync_now)
        bar.addWidget(self.sync_button)
        # The bell sits in the menu bar's corner: the toolbar keeps its room at 1366 px.
        self.bell = QToolButton()
        self.bell.setObjectName("notification_bell")
        self.bell.setText(self.tr("通知"))
        self.bell.setToolTip(self.tr("预警、督办、催办和督办反馈"))
        self.bell.setAutoRaise(True)
        self.bell.clicked.connect(lambda: self.tabs.setCurrentWidget(self.notices))
        self.menuBar().setCornerWidget(self.bell, Qt.Corner.TopRightCorner)

        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy())
        bar.addWidget(spacer)
        if demo_users:
            bar.addWidget(QLabel(self.tr("演示身份：")))
            self.demo_switch = QComboBox()
            for username in demo_users:
                self.demo_switch.addItem(self._demo_label(username), username)
            self.demo_switch.setCurrentIndex(max(0, self.demo_switch.findData(self.workspace.user.username)))
            # As wide as a short name, not the longest ("Section chief (Housing and Urban-Rural …)"): the
            # toolbar keeps room for the language switch at 1366 px; the list opens as wide as it needs.
            self.demo_switch.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.demo_switch.setMinimumContentsLength(14)
            self.demo_switch.view().setMinimumWidth(self.demo_switch.view().sizeHintForColumn(0) + 24)
            self.demo_switch.setToolTip(self.demo_switch.currentText())
            self.demo_switch.activated.connect(
                lambda i: (
                    self.switch_user.emit(self.demo_switch.itemData(i))
                    if self.demo_switch.itemData(i) != self.workspace.user.username
                    else None
                )
            )
            bar.addWidget(self.demo_switch)
        self.language_switch = QComboBox()
        self.language_switch.addItem("中文", "zh")
        self.language_switch.addItem("English", "en")
        self.language_switch.setCurrentIndex(0 if self.language == "zh" else 1)
        self.language_switch.activated.connect(lambda i: self.switch_language.emit(self.language_switch.itemData(i)))
        bar.addWidget(self.language_switch)

    def _demo_label(self, username: str) -> str:
        """A demo user by their role's name (the vocabulary's), and the department of those in one."""
        role = DEMO_ROLES.get(username)
        if role is None:
            return username
        if username in ("handler", "chief", "head"):
            return self.tr("%1（住建局）").replace("%1", role_label(role))
        return role_label(role)

    def _fill_filters(self) -> None:
        names = self.model.names
        self.category.addItem(self.tr("全部分类"), "")
        for code, category in sorted(names.categories.items()):
            if not category.get("parent_code"):
                self.category.addItem(names.category(code), code)
        self.urgency.addItem(self.tr("全部紧急程度"), "")
        for value in ("very_urgent", "urgent", "normal"):
            self.urgency.addItem(urgency_label(value), value)
        self.state.addItem(self.tr("全部状态"), "")
        for value in ("dispatched", "in_progress", "in_review", "replied", "closed", "return_requested"):
            self.state.addItem(state_label(value), value)
        for hours, text in DEADLINE_WINDOWS:
            self.deadline.addItem(self.tr(text), hours)
        self.department.addItem(self.tr("全部单位"), None)
        portfolio = set(self.workspace.user.portfolio)
        for department_id, department in sorted(names.departments.items()):
            if department.get("kind") == "department" and (
                self.workspace.user.role.value == "top_leader" or department_id in portfolio
            ):
                self.department.addItem(names.department(department_id), department_id)
        self.department.setVisible(self.workspace.user.role.value in LEADER_ROLES)
        self.handler.addItem(self.tr("全部经办人"), None)
        for user_id, user in sorted(names.users.items()):
            if user.get("department_id") == self.workspace.user.department_id and user.get("role") == "handler":
                self.handler.addItem(user["name"], user_id)

    def _list_text(self, name: str, count: int, new: int) -> str:
        """A work list's line in the sidebar: its name, its count and how many of those are new."""
        if new:
            return self.tr("%1  (%2 · 新%3)").replace("%1", name).replace("%2", str(count)).replace("%3", str(new))
        return f"{name}  ({count})" if count else name

    def _build_workbench(self) -> QWidget:
        self.sidebar = QListWidget()
        for work_list in self.lists:
            item = QListWidgetItem(work_list_label(work_list))
            item.setData(Qt.ItemDataRole.UserRole, work_list.value)
            item.setData(Qt.ItemDataRole.UserRole + 1, work_list_label(work_list))
            self.sidebar.addItem(item)
        # As wide as the longest list's name with its counts ("Awaiting my review  (12 · 3 new)") where the
        # window has room; at 1366×768 no wider than SIDEBAR_AT_MOST, so the titles keep theirs.
        metrics = self.sidebar.fontMetrics()
        widest = max(metrics.horizontalAdvance(self._list_text(work_list_label(wl), 99, 9)) for wl in self.lists)
        self.sidebar.setMaximumWidth(max(SIDEBAR_AT_MOST, widest + 2 * self.sidebar.frameWidth() + 12))
        self.sidebar_width = min(SIDEBAR_AT_MOST, self.sidebar.maximumWidth())
        self.sidebar.currentRowChanged.connect(self._on_list_chosen)

        self.table = WorkTable()
        self.table.setModel(self.model)
        self.model.paints_in(self.table)
        # The indicator first: enabling sorting sorts once, by it (the other way round, the list was
        # asked for twice at every start, by the header's default column and then by the due time).
        self.table.horizontalHeader().setSortIndicator(7, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        for column in HIDDEN_AT_FIRST:
            self.table.setColumnHidden(column, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._choose_columns)
        self.table.chosen.connect(self._on_row)
        self.table.drifted.connect(lambda: QTimer.singleShot(0, self, self._mark_in_view))
        self.list_title = QLabel()
        self.list_title.setStyleSheet("font-weight: bold; padding: 4px;")
        self._fitted_for: WorkList | None = None  # the list whose rows the columns were last fitted to
        # The title is as wide as the room beside 更多筛选, never wider: it must not widen the window.
        self.list_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.more_filters = MoreFilters()
        self.more_filters.changed.connect(self._apply_filters)

        middle = QWidget()
        layout = QVBoxLayout(middle)
        layout.setContentsMargins(0, 0, 0, 0)
        above = QHBoxLayout()
        above.addWidget(self.list_title, 1)
        above.addWidget(self.more_filters.button)
        layout.addLayout(above)
        layout.addWidget(self.more_filters)
        layout.addWidget(self.table)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.sidebar)
        splitter.addWidget(middle)
        splitter.addWidget(self.order_view)
        splitter.setStretchFactor(0, 1)  # a wider window widens the sidebar too, up to its longest name
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 4)
        splitter.setSizes([self.sidebar_width, 660, 556])
        return splitter

    def _choose_columns(self, position: Any) -> None:
        """The header's menu: show or hide columns (category and intake time start hidden)."""
        menu = QMenu(self)
        for column in range(self.model.columnCount()):
            action = menu.addAction(self.model.headerData(column, Qt.Orientation.Horizontal))
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: self.table.setColumnHidden(c, not on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(position))

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.online_label = QLabel()
        self.pending_label = QLabel()
        self.last_sync_label = QLabel()
        self.upload_bar = QProgressBar()
        self.upload_bar.setMaximumWidth(220)
        self.upload_bar.setFormat("%p%")
        self.upload_label = QLabel()
        self.cancel_upload = QPushButton(self.tr("取消上传"))
        self.cancel_upload.clicked.connect(self._cancel_sync)
        for widget in (self.upload_label, self.upload_bar, self.cancel_upload):
            widget.hide()
        bar.addPermanentWidget(self.upload_label)
        bar.addPermanentWidget(self.upload_bar)
        bar.addPermanentWidget(self.cancel_upload)
        # Permanent: a passing message (a new urgent order) must not hide the connection state,
        # nor the offer to take back the command just made (撤销, Ctrl+Z).
        self.undo_notice = UndoNotice(self.workspace, self)  # Ctrl+Z on this window
        bar.addPermanentWidget(self.undo_notice)
        bar.addPermanentWidget(self.online_label)
        bar.addPermanentWidget(self.pending_label)
        bar.addPermanentWidget(self.last_sync_label)
        self._upload_started: datetime | None = None

    def _build_shortcuts(self) -> None:
        """Window-wide keys; the same actions sit in the menu bar (ui/menus.py), so the menus show the keys."""
        find = QAction(self.tr("搜索"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        sync = QAction(self.tr("立即同步"), self)
        sync.setShortcut(QKeySequence(Qt.Key.Key_F5))
        sync.triggered.connect(self.workspace.sync_now)
        knowledge = QAction(self.tr("知识库"), self)
        knowledge.setShortcut(QKeySequence("Ctrl+K"))
        knowledge.triggered.connect(self.show_knowledge)
        self.addActions([find, sync, knowledge])
        self.find_action, self.sync_action, self.knowledge_action = find, sync, knowledge
        self.list_actions: list[QAction] = []
        for number, work_list in enumerate(self.lists[:9], start=1):
            action = QAction(work_list_label(work_list), self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, row=number - 1: self.sidebar.setCurrentRow(row))
            self.addAction(action)
            self.list_actions.append(action)

    def _build_tray(self) -> QSystemTrayIcon | None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return None
        tray = QSystemTrayIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation), self)
        tray.setToolTip("CaseDesk")
        tray.show()
        return tray

    # --- behaviour --------------------------------------------------------------------------------

    def _on_list_chosen(self, row: int) -> None:
        if row < 0:
            return
        work_list = WorkList(self.sidebar.item(row).data(Qt.ItemDataRole.UserRole))
        self.model.show(work_list=work_list)

    def _filters(self) -> Filters:
        hours = self.deadline.currentData()
        channel, tag, received_from, received_before = self.more_filters.values()
        return Filters(
            text=self.search.text(),
            category=self.category.currentData() or "",
            urgency=self.urgency.currentData() or "",
            state=self.state.currentData() or "",
            handler_id=self.handler.currentData(),
            department_id=self.department.currentData(),
            due_before=datetime.now(UTC) + timedelta(hours=hours) if hours else None,
            channel=channel,
            tag=tag,
            received_from=received_from,
            received_before=received_before,
        )

    def _apply_filters(self) -> None:
        self.model.show(filters=self._filters())

    def _on_loaded(self, total: int) -> None:
        self._show_list_title(total)
        if self._fitted_for != self.model.work_list:
            # Once per list, not at each keystroke of a search (measuring the rows' text cost a keystroke
            # most of its time) — and the columns do not jump while the user types.
            self._fitted_for = self.model.work_list
            _fit_columns(self.table, (0, 4, 5, 7))
        self.keep_title_readable()
        self._keep_in_view()

    def _show_list_title(self, total: int) -> None:
        """The list's name and how many orders it holds ("…" until a long list is counted)."""
        item = self.sidebar.currentItem()
        name = item.data(Qt.ItemDataRole.UserRole + 1) if item else ""
        count = "…" if self.model.counting else order_count(total)
        self.list_title.setText(self.tr("%1 · %2").replace("%1", name).replace("%2", count))

    def _keep_in_view(self) -> None:
        """The list changed under the order in view (refresh, sync, sort, filter, an action): mark its
        row again, or say that it left this list and where it is now. The pane never switches."""
        self._mark_in_view()
        current = self.order_view.order_id
        if current is None or self.model.pinned != current or self.model.pinned_listed:
            self.order_view.set_elsewhere("")
            return
        item = self.sidebar.currentItem()
        name = item.data(Qt.ItemDataRole.UserRole + 1) if item else ""
        state = state_label(self.model.pinned_state) if self.model.pinned_state else self.tr("不在本机")
        if self._chosen_from == self._list_key():
            # Chosen from this very list, which has not been changed since: the order itself moved on.
            text = self.tr("这张工单已不在「%1」列表中，现在的状态：%2。")
        else:
            # Opened from elsewhere, or the list, search or filters changed since it was chosen.
            text = self.tr("这张工单不在当前显示的「%1」列表中，它的状态：%2。")
        self.order_view.set_elsewhere(text.replace("%1", name).replace("%2", state))

    def _list_key(self) -> tuple[Any, ...]:
        """What the list shows: the work list, the search and the filters."""
        return (self.model.work_list, self.model.filters)

    def view_state(self) -> dict[str, Any]:
        """Where the user is: list, search, filters, tab, the order in view and its tab (kept across a
        language switch, which builds the window anew)."""
        return {
            "row": self.sidebar.currentRow(),
            "search": self.search.text(),
            "filters": [c.currentIndex() for c in self._filter_boxes()],
            "more_filters": self.more_filters.state(),
            "tab": self.tabs.currentIndex(),
            "order": self.order_view.order_id,
            "order_tab": self.order_view.tabs.currentIndex(),
        }

    def restore_view_state(self, state: dict[str, Any]) -> None:
        if state.get("row", -1) >= 0:
            self.sidebar.setCurrentRow(state["row"])
            self._first_counts = False  # the user's list: the opening choice must not move them
        for combo, index in zip(self._filter_boxes(), state.get("filters", []), strict=False):
            combo.setCurrentIndex(index)
        if "more_filters" in state:
            self.more_filters.restore(state["more_filters"])
        self.search.setText(state.get("search", ""))
        self.tabs.setCurrentIndex(state.get("tab", 0))
        if state.get("order") is not None:
            order_tab = state.get("order_tab", 0)
            self.order_view.loaded.connect(
                lambda _id: self.order_view.tabs.setCurrentIndex(order_tab), Qt.ConnectionType.SingleShotConnection
            )
            self._show(state["order"])

    def _on_selection(self, *_: Any) -> None:
        if self.centre_panel is not None:
            rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
            self.centre_panel.set_selection([i for i in (self.model.order_id(r) for r in rows) if i is not None])

    def _cite_on_intake(self, form: IntakeForm) -> None:
        """引用知识库… in the intake form's 直接办结 (its ``knowledge_slot``), searching for the title and the
        request as typed: the entry's answer and basis fill the answer (``fill_answer``), its id goes with
        close_at_once."""

        def sentence() -> str:
            return f"{form.title.text()} {form.description.toPlainText()}"

        self.intake_cite = KnowledgeButton(self.workspace, self.model.names, sentence, form)
        self.intake_cite.chosen.connect(
            lambda entry: form.fill_answer(str(entry.get("answer") or ""), citation(entry), [int(entry["id"])])
        )
        form.knowledge_slot.addWidget(self.intake_cite)
        form.knowledge_slot.addStretch(1)

    def show_knowledge(self) -> None:
        """Ctrl+K or 工具 → 知识库: the 知识库 tab in front, the cursor in its search box."""
        self.tabs.setCurrentWidget(self.knowledge)
        self.knowledge.focus_search()

    @property
    def dashboard(self) -> Dashboard:
        """The 统计 tab's panel: built (its module and QtCharts imported) the first time it is shown or
        asked for, in the place of the empty page that stood in for it."""
        if self._dashboard is None:
            from ui.dashboard import Dashboard

            self._dashboard = Dashboard(self.workspace)
            self._replace_stand_in(self._dashboard_stand_in, self._dashboard)
        return self._dashboard

    @property
    def knowledge(self) -> KnowledgePanel:
        """The 知识库 tab's panel: built the first time it is shown or asked for (Ctrl+K), likewise."""
        if self._knowledge is None:
            self._knowledge = KnowledgePanel(self.workspace, self.model.names)
            self._replace_stand_in(self._knowledge_stand_in, self._knowledge)
        return self._knowledge

    def _replace_stand_in(self, stand_in: QWidget, panel: QWidget) -> None:
        """``panel`` takes the tab of the empty page that stood in for it; the same tab stays in front."""
        index, current = self.tabs.indexOf(stand_in), self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)  # nothing changed for _on_tab
        text = self.tabs.tabText(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, panel, text)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(blocked)
        stand_in.deleteLater()

    def _on_tab(self, index: int) -> None:
        """The list's filters stand in the toolbar only while the list is in front (they filter nothing else)."""
        shown = self.tabs.widget(index)
        if shown is self._dashboard_stand_in and self._dashboard is None:
            self.dashboard  # noqa: B018 (built now, in place of its stand-in)
        elif shown is self._knowledge_stand_in and self._knowledge is None:
            self.knowledge  # noqa: B018
        for action in self._filter_actions:
            action.setVisible(index == 0)
        if self.centre_panel is not None:  # the order's 转办/回访 stand beside the work lists only
            self.centre_dock.setVisible(index == 0)

    def _on_search_typed(self, text: str) -> None:
        """The search covers every list: typed on another tab, it brings the work list with its results forward."""
        if text and self.tabs.currentIndex() != 0:
            self.tabs.setCurrentIndex(0)
        self._search_timer.start()

    def _filter_boxes(self) -> list[QComboBox]:
        return [self.category, self.urgency, self.state, self.deadline, self.handler, self.department]

    def _mark_in_view(self) -> None:
        current = self.order_view.order_id
        self.table.mark_row(self.model.row_of(current) if current is not None else None)

    def _on_row(self, row: int) -> None:
        """The user clicked a row or moved to it with the keyboard: the only way the pane switches."""
        order_id = self.model.order_id(row)
        if order_id is not None:
            self._show(order_id)

    def _show(self, order_id: int) -> None:
        self.model.pinned = order_id
        self.model.pinned_listed = self.model.row_of(order_id) is not None
        # Where it was chosen from (None: not from this list): says whether it left it or was never in it.
        self._chosen_from = self._list_key() if self.model.pinned_listed else None
        self.order_view.show_order(order_id)

    def _on_changed(self, order_ids: set[int]) -> None:
        self._refresh_timer.start()  # a burst of changes (a sync's verdicts) refreshes once

    def _refresh_lists(self) -> None:
        self.model.refresh()
        self._refresh_counts()

    def _count_after_first_rows(self) -> None:
        """The sidebar's first counts once the first rows are painted (at the latest
        :data:`FOLLOW_AT_MOST` ms after they arrived): counting every list is a pass over every order
        — on 50,000 cached orders far more than the first page — and must not delay it (issue 14)."""
        asked, waiting = False, False

        def count() -> None:
            nonlocal asked
            if not asked:
                asked = True
                if waiting:
                    self.table.painted.disconnect(count)
                self._refresh_counts()

        def arrived(_total: int) -> None:
            nonlocal waiting
            self.model.loaded.disconnect(arrived)
            if not asked:
                waiting = True
                self.table.painted.connect(count, Qt.ConnectionType.QueuedConnection)  # once that paint is done
                QTimer.singleShot(FOLLOW_AT_MOST, self, count)

        self.model.loaded.connect(arrived)
        QTimer.singleShot(FIRST_COUNTS_AT_MOST, self, count)  # a first page that never comes (it failed)

    def _refresh_counts(self) -> None:
        workspace, reads = self.workspace, self.workspace.reads

        def work() -> dict[str, Any]:
            # Read before counting: counts begun after the first sync reported include what it brought.
            settled = workspace.first_sync_reported or not workspace.status.online
            now = datetime.now(UTC)
            counts: dict[str, Any] = reads.counts(self.lists, now)
            counts["_urgent"] = reads.urgent_to_sign(now, limit=20)
            counts["_settled"] = settled
            return counts

        self.workspace.runner.run(work, label="counts", on_done=self._show_counts, owner=self)

    def _show_counts(self, counts: dict[str, Any]) -> None:
        if self._first_counts:
            current = self.sidebar.currentRow()
            if current in (-1, self._auto_row):
                # Not chosen by the user yet: open where this role's work is. Until the first sync of
                # the session has reported (at once when offline) that is a guess from local counts.
                self._auto_row = self._opening_row(counts)
                if self._auto_row != current:
                    self.sidebar.setCurrentRow(self._auto_row)
                # Settled once the session's first sync has reported and the desk holds orders: an empty
                # desk (a new profile opened offline) keeps choosing until its first orders arrive.
                self._first_counts = not (counts.get("_settled") and counts.get(WorkList.ALL.value))
            else:
                self._first_counts = False  # the user chose a list: never move them away from it
        for row in range(self.sidebar.count()):
            item = self.sidebar.item(row)
            name = item.data(Qt.ItemDataRole.UserRole + 1)
            key = item.data(Qt.ItemDataRole.UserRole)
            count, new = counts.get(key, 0), counts.get(f"{key}:new", 0)
            item.setText(self._list_text(name, count, new))
        fresh = [i for i in counts.get("_urgent", []) if i not in self._notified]
        if fresh:
            self._notified.update(fresh)
            self._notify_urgent(len(fresh))

    def _opening_row(self, counts: dict[str, Any]) -> int:
        """The first list with something in it, in the order that matters to this role (OPENING_LISTS)."""
        preferred = OPENING_LISTS.get(self.workspace.user.role.value, [WorkList.TO_REVIEW, WorkList.MINE])
        rows = {wl: i for i, wl in enumerate(self.lists)}
        for work_list in preferred:
            if counts.get(work_list.value):
                return rows[work_list]
        return rows[preferred[0]]

    def _notify_urgent(self, count: int) -> None:
        message = self.tr("有 %1 件紧急工单待签收").replace("%1", str(count))
        if self._tray is not None:
            self._tray.showMessage(self.tr("紧急工单"), message, QSystemTrayIcon.MessageIcon.Warning, 10_000)
        self.statusBar().showMessage(message, 10_000)
        QApplication.alert(self)

    def _on_status(self, status: SyncStatus) -> None:
        if status.needs_sign_in:
            text = self.tr("● 登录已过期，请重新登录")
            colour = "#c62828"
        elif status.online:
            text = self.tr("● 在线") + (self.tr("（同步中…）") if status.syncing else "")
            colour = "#2e7d32"
        else:
            text = self.tr("● 离线（工作已保存在本机，联网后自动同步）")
            colour = "#b26a00"
        self.online_label.setText(text)
        self.online_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.pending_label.setText(self.tr("待同步 %1 项").replace("%1", str(status.pending)))
        self.last_sync_label.setText(
            self.tr("上次同步 %1").replace("%1", local_time(status.last_sync.isoformat()))
            if status.last_sync
            else self.tr("尚未同步")
        )
        if not status.syncing:
            for widget in (self.upload_label, self.upload_bar, self.cancel_upload):
                widget.hide()
            self._upload_started = None

    def _on_progress(self, progress: Progress) -> None:
        if progress.phase is not Phase.UPLOAD or not progress.bytes_total:
            return
        if self._upload_started is None:
            self._upload_started = datetime.now(UTC)
        sent, total = progress.bytes_sent, progress.bytes_total
        self.upload_bar.setValue(int(sent * 100 / total))
        elapsed = (datetime.now(UTC) - self._upload_started).total_seconds()
        remaining = int(elapsed * (total - sent) / sent) if sent and elapsed > 0.5 else None
        text = self.tr("上传照片 %1 / %2 MB").replace("%1", f"{sent / 1e6:.1f}").replace("%2", f"{total / 1e6:.1f}")
        if remaining is not None:
            text += self.tr("，约剩 %1 秒").replace("%1", str(remaining))
        self.upload_label.setText(text)
        for widget in (self.upload_label, self.upload_bar, self.cancel_upload):
            widget.show()

    def _cancel_sync(self) -> None:
        self.workspace.cancel_sync()

    def _show_department(self, department_id: int) -> None:
        """A leader's drill-down: every order of the department in the workbench."""
        self.tabs.setCurrentIndex(0)
        index = self.department.findData(department_id)
        if index < 0:  # not in the combo (say, another kind of unit): add it for this view
            self.department.addItem(self.model.names.department(department_id), department_id)
            index = self.department.count() - 1
        self.department.setCurrentIndex(index)
        self.sidebar.setCurrentRow(self.lists.index(WorkList.ALL))

    def _show_from_elsewhere(self, order_id: int) -> None:
        """Open an order chosen outside the work lists (the audit queue) in the workbench."""
        self.tabs.setCurrentIndex(0)
        self._show(order_id)
        self.model.refresh()  # says whether it is in the list beside it

    def _on_unread(self, count: int) -> None:
        """The bell and the 通知 tab say how many notifications are unread."""
        if count:
            self.bell.setText(self.tr("通知 %1").replace("%1", str(count)))
            self.bell.setStyleSheet(
                "QToolButton { color: white; background: #c62828; border-radius: 3px; padding: 2px 8px; }"
            )
            title = self.tr("通知 (%1)").replace("%1", str(count))
        else:
            self.bell.setText(self.tr("通知"))
            self.bell.setStyleSheet("")
            title = self.tr("通知")
        # The menu bar lays its corner out only when a corner widget is set: set again, the bell gets the
        # width of its new text (else "通知 1" in red shrank to "…" in the width of "通知").
        self.menuBar().setCornerWidget(self.bell, Qt.Corner.TopRightCorner)
        self.tabs.setTabText(self.tabs.indexOf(self.notices), title)

    def _on_problem_count(self, count: int) -> None:
        self.tabs.setTabText(
            self.tabs.indexOf(self.problems),
            self.tr("同步问题 (%1)").replace("%1", str(count)) if count else self.tr("同步问题"),
        )

    #: Say what stays on this PC when the window closes (the application turns it on; a window it
    #: replaces, on switching language or user, closes quietly). ``close_notice`` is the message shown.
    notice_on_close = False
    close_notice: Any = None

    @property
    def printer(self) -> ReplySheetPrinter:
        """The reply sheet's print preview, made (and its module imported) at the first print."""
        if self._printer is None:
            from ui.printing import ReplySheetPrinter

            self._printer = ReplySheetPrinter(self.workspace, self)
        return self._printer

    # --- a desktop application's manners: menus, search everywhere, empty lists, layout -----------

    def _install_manners(self) -> None:
        """Menus, the row menu, the reply sheet's print preview, search across lists, empty-list notes."""
        self.data_dir: Path | None = None  # the application sets it (else found from the profile's folder)
        self.settings: QSettings | None = None
        self.layout_memory: LayoutMemory | None = None
        for number, bar in enumerate(self.findChildren(QToolBar)):
            bar.setObjectName(bar.objectName() or f"toolbar_{number}")  # saveState/restoreState know it by name
        self._printer: ReplySheetPrinter | None = None
        self.order_view.print_requested.connect(lambda order_id: self.printer.preview(order_id))
        self.menus = WindowMenus(self)
        self.row_menu = RowMenu(self)
        self.model.list_names = {wl.value: work_list_label(wl) for wl in self.lists}
        # Number and title: where a search hit is seen; before the title, the hit's work list.
        self.hit_delegate = HitDelegate(lambda: self.model.search_terms, self.table)
        self.title_delegate = HitDelegate(lambda: self.model.search_terms, self.table, tag=self.model.where_tag)
        self.table.setItemDelegateForColumn(1, self.hit_delegate)
        self.table.setItemDelegateForColumn(2, self.title_delegate)
        self.result_keys = ResultKeys(self.search, self.table, before_enter=self._search_at_once)
        self.empty_note = EmptyNote(self.table)
        leader = self.workspace.user.role.value in LEADER_ROLES
        self.table.setColumnHidden(DEPARTMENT_COLUMN, not leader)
        if leader:
            # A leader's list spans departments: 承办单位 instead of the handler, and a wider list, so
            # the title stays readable at 1366×768 (the header's menu brings the handler back).
            self.table.setColumnHidden(HANDLER_COLUMN, True)
            splitter = self.order_view.parentWidget()
            if isinstance(splitter, QSplitter):
                splitter.setSizes([self.sidebar_width, 700, 526])
        self.table.setColumnHidden(WHERE_COLUMN, True)  # the hit's list is drawn before its title; a column on demand
        # Every time shown is Beijing time: a clock in the status bar says so, and the time headers' tooltips.
        self.city_clock = QLabel()
        self.city_clock.setToolTip(self.tr("本软件显示的时间均为北京时间（UTC+8），与本机时区无关"))
        self.statusBar().addPermanentWidget(self.city_clock)
        self._city_tick = QTimer(self, interval=20_000)
        self._city_tick.timeout.connect(self._show_city_time)
        self._city_tick.start()
        self._show_city_time()
        self.order_view.timeline.headerItem().setToolTip(0, time_zone_note())
        self.model.loaded.connect(self._show_search_scope)
        self.model.counted.connect(self._show_search_scope)
        self.model.loaded.connect(self.result_keys.results_ready)
        # A bound method, not a lambda: the connection ends with this window (the workspace outlives it).
        self.workspace.status_changed.connect(self._explain_empty)

    def _show_city_time(self) -> None:
        self.city_clock.setText(self.tr("北京时间 %1").replace("%1", f"{datetime.now(CITY_ZONE):%H:%M}"))

    def remember_layout(self, settings: QSettings) -> LayoutMemory:
        """Restore the window's size, splitters and columns from ``settings``, and save them on close."""
        self.settings = settings
        splitter = self.order_view.parentWidget()
        assert isinstance(splitter, QSplitter)
        self.layout_memory = LayoutMemory(self, settings, splitter, self.table, self.workspace.user.role.value)
        QTimer.singleShot(0, self, self.keep_title_readable)  # widths saved in a wider window or language
        return self.layout_memory

    def reset_columns(self) -> None:
        """视图 → 列 → 恢复默认列宽: every column back to its first width (the title takes the rest)."""
        for column, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(column, width)

    def keep_title_readable(self) -> None:
        """The title is what a person reads: when other columns leave it less than TITLE_AT_LEAST
        (say, widths saved in English at 1920 and opened in Chinese at 1366), they go back to their
        first widths."""
        if self.table.isVisible() and self.table.columnWidth(TITLE_COLUMN) < TITLE_AT_LEAST:
            self.reset_columns()

    def _search_at_once(self) -> bool:
        """Enter in the search box: search now rather than after the typing pause; True if results are coming."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self._apply_filters()
            return True
        return False

    def _show_search_scope(self, total: int) -> None:
        if self.model.searching:
            self.list_title.setText(
                self.tr("在全部工单中搜索「%1」：%2")
                .replace("%2", "…" if self.model.counting else order_count(total))
                .replace("%1", self.search.text().strip())
            )
        self._explain_empty()

    def _explain_empty(self, _status: Any = None) -> None:
        """Say why the list is empty: nothing matches the search or filters, nothing synced yet, or nothing there."""
        if self.model.total or self.model.rowCount():
            self.empty_note.say("")
            return
        status = self.workspace.status
        item = self.sidebar.currentItem()
        name = item.data(Qt.ItemDataRole.UserRole + 1) if item else ""
        filters = self._filters()
        # Nothing ever pulled to this PC (a first sync is due), not merely none this session.
        never_synced = status.last_sync is None and not self.workspace.reads.ever_pulled()
        if self.model.searching:
            text = self.tr("没有与「%1」匹配的工单").replace("%1", self.search.text().strip())
        elif filters != Filters():
            text = self.tr("%1 中没有符合筛选条件的工单").replace("%1", name)
        elif never_synced and status.online:
            text = self.tr("尚未同步：正在下载…")
        elif never_synced:
            text = self.tr("尚未同步：离线，联网后自动下载")
        else:
            text = self.tr("%1 没有工单").replace("%1", name)
        self.empty_note.say(text)

    def closeEvent(self, event: Any) -> None:
        self._clock.stop()
        kept, dropped = self.order_view.keep_drafts()  # what is typed goes to the local drafts now
        if self.intake is not None:
            self.intake.keep_draft()  # a call half typed stays on this PC
        if self.notice_on_close:
            from ui.close_notice import what_stays

            self.close_notice = what_stays(self.workspace, kept, dropped)
        super().closeEvent(event)


def _shown_width(table: QTableView, column: int) -> int:
    """The width ``column`` needs for the rows on screen (Qt's sizeHintForColumn measures every row
    loaded — 200 rows, each asked for eight roles: a third of a second on a loaded machine)."""
    model = table.model()
    first = max(0, table.rowAt(0))
    last = table.rowAt(table.viewport().height() - 1)
    last = model.rowCount() - 1 if last < 0 else last
    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    delegate = table.itemDelegateForColumn(column) or table.itemDelegate()
    widths = (delegate.sizeHint(option, model.index(row, column)).width() for row in range(first, last + 1))
    return max(widths, default=0) + (1 if table.showGrid() else 0)


def _fit_columns(table: QTableView, columns: tuple[int, ...]) -> None:
    """Widen a column that would cut a shown row (English is wider than Chinese), as far as the title
    keeps TITLE_AT_LEAST; never narrow one."""
    for column in columns:
        needed, width = _shown_width(table, column), table.columnWidth(column)
        room = table.columnWidth(TITLE_COLUMN) - TITLE_AT_LEAST  # the title stretches: it gives what others take
        if needed > width and room > 0:
            table.setColumnWidth(column, width + min(needed - width, room))
