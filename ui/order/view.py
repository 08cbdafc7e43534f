"""One work order as the desk sees it: header, tabs of its parts, the action bar and the reply editor.

Everything is read on the disk lane into an :class:`OrderSnapshot` and the widgets are filled on
the UI thread; the view reloads itself when ``Workspace.changed`` names its order. Thumbnails not
yet in the local cache come from the server (network lane) and are cached for offline use.
"""

from __future__ import annotations

import html
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casework.lifecycle import Command
from casework.notifications import DeadlineKind
from casework.roles import Role
from desktop.reads import Directory, OrderSnapshot
from desktop.tasks import Lane
from desktop.workspace import REPLY_DRAFT, Workspace
from ui.actions import ActionBar
from ui.errors import message_of, show_message
from ui.labels import (
    COLOURS,
    OUTCOME_COLOURS,
    Names,
    Urgency,
    callback_method_label,
    callback_outcome_label,
    channel_label,
    co_status_label,
    command_label,
    complexity_label,
    countdown,
    deadline_kind_label,
    extension_status_label,
    importance_label,
    item_state_label,
    kind_label,
    local_time,
    photo_tag_label,
    plain_tip,
    review_decision_label,
    review_level_label,
    role_label,
    state_label,
    urgency_label,
)
from ui.order.cohandling import CoHandlingPanel
from ui.order.image_viewer import ImageViewer
from ui.order.parts import ICON, badge_label, clear_layout, fit_columns, placeholder, value_label
from ui.order.reply_editor import ReplyEditor
from ui.reply_diff import ReplyDiff
from ui.undo import run_undo


class OrderView(QWidget):
    """The order ``order_id`` (None: nothing chosen). Reloads itself when the workspace says it changed.

    Signals:
        loaded(int): the order was (re)loaded and the widgets show it.
        missing(int): the order is not in the local store (revoked, or not pulled yet).
    """

    loaded = Signal(int)
    missing = Signal(int)
    print_requested = Signal(int)  # 打印回复单 of the order shown (the window opens the print preview)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.compact = compact  # narrow: beside the centre's dock
        self.workspace = workspace
        self.order_id: int | None = None
        self.snapshot: OrderSnapshot | None = None
        self.names = Names(Directory())  # the directory as read with the snapshot
        self._generation = 0
        self._unsaved: dict[int, tuple[str, str, str]] = {}  # replies typed on orders the user left
        self._pixmaps: dict[str, QPixmap] = {}
        self._fetching: set[str] = set()
        self._unreachable: set[str] = set()
        self._photo_items: dict[str, list[QListWidgetItem]] = {}

        self.stack = QStackedWidget()
        self.empty = QLabel(self.tr("请在列表中选择一张工单"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #888; font-size: 15px;")
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._build_content())
        # Says so when the order in view is no longer in the list beside it (the pane never follows).
        self.elsewhere = QLabel()
        self.elsewhere.setWordWrap(True)
        self.elsewhere.setStyleSheet("background: #e3f2fd; color: #0d47a1; padding: 4px 6px; border-radius: 3px;")
        self.elsewhere.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.elsewhere)
        layout.addWidget(self.stack)

        self._clock = QTimer(self, interval=60_000)
        self._clock.timeout.connect(self._show_countdown)
        self._clock.start()
        workspace.changed.connect(self._on_changed)
        workspace.undone.connect(self._on_undone)

    # --- public ----------------------------------------------------------------------------------------

    @property
    def order(self) -> dict[str, Any] | None:
        return self.snapshot.order if self.snapshot is not None else None

    def set_elsewhere(self, text: str) -> None:
        """A line above the order saying it has left the list beside it (empty: hide the line)."""
        self.elsewhere.setText(text)
        self.elsewhere.setVisible(bool(text) and self.order_id is not None)

    def show_order(self, order_id: int | None) -> None:
        """Show ``order_id`` (loaded off the UI thread); None shows the empty page."""
        if order_id != self.order_id:
            self._keep_unsaved()
            self.reply.keep_now()  # on disk before the next order loads (the disk lane is serial)
            # Until the next order has loaded, the editor is empty and read-only: nothing typed in that
            # moment could land in the order before, nor be overwritten when this one arrives.
            self.reply.set_order(None, self.names)
            self._unreachable.clear()
            self.set_elsewhere("")
        self.order_id = order_id
        if order_id is None:
            self.snapshot = None
            self.actions.set_order(None)  # no shortcut may act on an order no longer shown
            self.empty.setText(self.tr("请在列表中选择一张工单"))
            self.stack.setCurrentIndex(0)
            return
        self.reload()

    def reload(self) -> None:
        if self.order_id is None:
            return
        self._generation += 1
        generation, order_id = self._generation, self.order_id
        self.workspace.runner.run(
            self.workspace.reads.snapshot,
            order_id,
            label="order",
            on_done=lambda snap: self._loaded(generation, order_id, snap),
            owner=self,
        )

    def keep_drafts(self) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
        """Keep what is typed here now — the reply and an open action form — in the local drafts (closing
        the window); returns the (order id, key) kept and those dropped (emptied) by this call."""
        kept: set[tuple[int, str]] = set()
        dropped: set[tuple[int, str]] = set()
        if self.reply.order is not None:
            key = (self.reply.order["id"], REPLY_DRAFT)
            (kept if self.reply.keep_now() else dropped).add(key)
        form = self.actions.keep_form()
        if form is not None:
            (kept if form[1] else dropped).add(form[0])
        return kept, dropped

    def unsaved_orders(self) -> list[int]:
        """Orders with a reply typed but not saved (to ask about before closing the window)."""
        self._keep_unsaved()
        return sorted(self._unsaved)

    # --- building ----------------------------------------------------------------------------------------

    def _build_content(self) -> QWidget:
        content = QWidget()
        self.number = QLabel()
        self.number.setTextFormat(Qt.TextFormat.PlainText)
        self.number.setStyleSheet("color: #546e7a;")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badges = QHBoxLayout()
        self.badges.setSpacing(4)
        self.countdown = QLabel()
        self.countdown.setStyleSheet("font-weight: bold;")
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.undo_button = QToolButton()
        self.undo_button.setObjectName("undo_order")
        self.undo_button.setText(self.tr("撤销"))
        self.undo_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.undo_button.setMenu(QMenu(self.undo_button))
        self.undo_button.clicked.connect(self._undo_last)
        self.undo_button.hide()
        line = QHBoxLayout()
        line.addWidget(self.number)
        line.addLayout(self.badges)
        line.addWidget(self.undo_button)
        line.addStretch(1)
        line.addWidget(self.countdown)
        line.addWidget(self._print_button())
        self.actions = ActionBar(self.workspace, self)
        header = QFrame()
        header.setObjectName("order_header")
        header.setStyleSheet("#order_header { border-bottom: 1px solid #cfd8dc; }")
        head = QVBoxLayout(header)
        head.setContentsMargins(8, 6, 8, 6)
        head.setSpacing(4)
        # The header's line never widens the pane (badges, 撤销 and the countdown appear and go): the list
        # beside it keeps its width; at the narrowest the line is cut, not the list.
        line_widget = QWidget()
        line_widget.setLayout(line)
        line_widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        head.addWidget(line_widget)
        head.addWidget(self.title)
        head.addWidget(self.actions)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_overview(), self.tr("概况"))
        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels([self.tr("时间"), self.tr("操作人"), self.tr("操作"), self.tr("说明")])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setWordWrap(True)
        for column, width in enumerate((125, 70, 90)):
            self.timeline.setColumnWidth(column, width)
        self.tabs.addTab(self.timeline, self.tr("处理记录"))
        self.checks_host = QWidget()
        self.checks = QVBoxLayout(self.checks_host)
        self.checks_tab = self._scrolled(self.checks_host)
        self.tabs.addTab(self.checks_tab, command_label(Command.RECORD_ONSITE_CHECK))
        self.attachments = self._photo_list(wrap=True)
        self.tabs.addTab(self.attachments, self.tr("附件"))
        self.notes = QTextBrowser()
        self.tabs.addTab(self.notes, command_label(Command.ADD_NOTE))
        self.tabs.addTab(self._build_reply_page(), self.tr("答复"))
        self.reviews_host = QWidget()
        reviews = QVBoxLayout(self.reviews_host)
        self.chain = QLabel()
        self.chain.setWordWrap(True)
        self.chain.setTextFormat(Qt.TextFormat.RichText)
        self.reviews = QTreeWidget()
        self.reviews.setHeaderLabels(
            [self.tr("轮次"), self.tr("审核环节"), self.tr("审核人"), self.tr("结论"), self.tr("意见"), self.tr("时间")]
        )
        self.reviews.setRootIsDecorated(False)
        self.reviews.setWordWrap(True)
        for column, width in enumerate((40, 100, 70, 50, 200)):
            self.reviews.setColumnWidth(column, width)
        reviews.addWidget(self.chain)
        reviews.addWidget(self.reviews, 1)
        self.tabs.addTab(self.reviews_host, self.tr("审核记录"))
        self.supervision = QTreeWidget()
        self.supervision.setObjectName("supervision")
        self.supervision.setHeaderLabels([self.tr("时间"), self.tr("人员"), self.tr("类型"), self.tr("内容")])
        self.supervision.setRootIsDecorated(False)
        self.supervision.setWordWrap(True)
        for column, width in enumerate((125, 80, 80)):
            self.supervision.setColumnWidth(column, width)
        self.tabs.addTab(self.supervision, command_label(Command.SUPERVISE))

        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.tabs, 1)
        return content

    def _print_button(self) -> QToolButton:
        self.print_button = QToolButton()
        self.print_button.setObjectName("print_reply_sheet")
        self.print_button.setText(self.tr("打印回复单…"))
        self.print_button.setToolTip(self.tr("预览并打印本工单的回复单（Ctrl+P）"))
        self.print_button.setAutoRaise(True)
        self.print_button.clicked.connect(lambda: self.print_requested.emit(self.order_id) if self.order_id else None)
        return self.print_button

    def _build_overview(self) -> QWidget:
        host = QWidget()
        self.overview = QVBoxLayout(host)
        self.overview.setSpacing(8)
        self.request_box, self.request_form = self._group(self.tr("诉求"))
        self.citizen_box, self.citizen_form = self._group(self.tr("市民"))
        self.deadline_box, self.deadline_form = self._group(self.tr("时限"))
        self.handling_box, self.handling_form = self._group(self.tr("办理"))
        self.callback_box, self.callback_form = self._group(self.tr("回访与办结"))
        self.callback_box.hide()
        self.co_overview = CoHandlingPanel(citing=False)
        # First when there is one: on a replied or closed order the citizen's verdict is the news.
        for box in (self.callback_box, self.request_box, self.citizen_box, self.deadline_box):
            self.overview.addWidget(box)
        self.overview.addWidget(self.co_overview)  # 协办: each part's own deadlines, beside the order's
        self.overview.addWidget(self.handling_box)
        self.overview.addStretch(1)
        return self._scrolled(host)

    def _build_reply_page(self) -> QSplitter:
        """The request on the left, the reply on the right, and under it what changed since the last round.

        A split, not another tab: who writes or reviews a reply reads it against what the citizen asked.
        """
        host = QWidget()
        side = QVBoxLayout(host)
        side.setContentsMargins(0, 0, 4, 0)
        self.side_request_box, self.side_request_form = self._group(self.tr("诉求"))
        self.side_citizen_box, self.side_citizen_form = self._group(self.tr("市民"))
        for form in (self.side_request_form, self.side_citizen_form):
            # A narrow column: each value under its label, so no phone number or address is cut.
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        side.addWidget(self.side_request_box)
        self.co_side = CoHandlingPanel(citing=True)  # the co-departments' opinions, to cite in the reply
        self.co_side.cite.connect(self._cite)
        side.addWidget(self.co_side)
        side.addWidget(self.side_citizen_box)
        side.addStretch(1)
        request = self._scrolled(host)
        request.setMinimumWidth(160 if self.compact else 200)

        self.reply = ReplyEditor(self.workspace)
        self.reply.set_order(None, self.names)  # nothing to write into before an order has loaded
        self.reply_diff = ReplyDiff()
        self.reply_diff.hide()
        # The revision is compared as it is typed, after a pause (a long reply takes a while to compare).
        self._revision_timer = QTimer(self, singleShot=True, interval=400)
        self._revision_timer.timeout.connect(self._show_revision)
        for signal in (
            self.reply.text.textChanged,
            self.reply.basis.textChanged,
            self.reply.result.currentIndexChanged,
        ):
            signal.connect(self._revision_timer.start)
        self.reply_split = right = QSplitter(Qt.Orientation.Vertical)
        right.setObjectName("reply_diff_splitter")
        right.setChildrenCollapsible(False)
        right.addWidget(self.reply)
        right.addWidget(self.reply_diff)
        self._writing: bool | None = None  # whether the split was last proportioned for writing

        self.reply_page = QSplitter(Qt.Orientation.Horizontal)
        self.reply_page.setObjectName("reply_splitter")
        self.reply_page.setChildrenCollapsible(False)
        self.reply_page.addWidget(request)
        self.reply_page.addWidget(right)
        self.reply_page.setSizes([380, 620])
        return self.reply_page

    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(4)
        return box, form

    def _count(self, tab: QWidget, title: str) -> None:
        self.tabs.setTabText(self.tabs.indexOf(tab), title)

    def _scrolled(self, widget: QWidget) -> QScrollArea:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(widget)
        return scroll

    def _photo_list(self, wrap: bool) -> QListWidget:
        photos = QListWidget()
        photos.setViewMode(QListWidget.ViewMode.IconMode)
        photos.setIconSize(QSize(ICON, ICON))
        photos.setGridSize(QSize(ICON + 30, ICON + 42))
        photos.setResizeMode(QListWidget.ResizeMode.Adjust)
        photos.setMovement(QListWidget.Movement.Static)
        photos.setWordWrap(True)
        photos.setWrapping(wrap)
        photos.itemActivated.connect(self._open_item)
        return photos

    # --- filling -------------------------------------------------------------------------------------------

    def _on_changed(self, order_ids: set[int]) -> None:
        if self.order_id is not None and (not order_ids or self.order_id in order_ids):
            self.reload()

    def _loaded(self, generation: int, order_id: int, snapshot: OrderSnapshot | None) -> None:
        if generation != self._generation:
            return  # a newer load is on its way
        if snapshot is None:
            self.snapshot = None
            self.actions.set_order(None)
            self.stack.setCurrentIndex(0)
            self.empty.setText(self.tr("本地没有这张工单（可能已转出或尚未同步）"))
            self.missing.emit(order_id)
            return
        fresh = self.snapshot is None or self.snapshot.order["id"] != order_id
        if fresh:
            self._pixmaps.clear()  # only this order's thumbnails stay in memory
        for sha, data in snapshot.thumbnails.items():
            if sha not in self._pixmaps:
                pixmap = QPixmap()
                if pixmap.loadFromData(data):
                    self._pixmaps[sha] = pixmap
        self.snapshot = snapshot
        self.names = Names(snapshot.directory)
        order, names = snapshot.order, self.names
        self._photo_items = {}
        self._fill_header(snapshot)
        self.actions.set_order(order, names)
        self._fill_overview(order, names)
        self._fill_callbacks(snapshot)
        self._fill_timeline(snapshot)
        self._fill_checks(order, names)
        self._fill_attachments(snapshot)
        self._fill_notes(order, names)
        self.reply.set_order(order, names, self._unsaved.pop(order_id, None), snapshot.drafts.get(REPLY_DRAFT))
        self.co_overview.set_order(order, names)
        self.co_side.set_order(order, names, self.reply.writable())
        self.reply_diff.set_replies(order.get("replies") or [], order.get("reviews") or [], names, self._revision())
        self.reply_diff.setVisible(self.reply_diff.has_rounds())
        if self.reply_diff.has_rounds():
            self.reply.history.hide()  # every round's text is in the comparison, one pair at a time
        if self.reply.writable() != self._writing:
            # Who writes needs the editor; who reviews reads the comparison. Set when that changes,
            # not on every order, so a split the user dragged stays as dragged.
            self._writing = self.reply.writable()
            total = max(sum(self.reply_split.sizes()), 1000)
            share = 0.6 if self._writing else 0.4
            self.reply_split.setSizes([int(total * share), total - int(total * share)])
        rounds = len(order.get("replies") or [])
        title = self.tr("答复 (第%1轮)").replace("%1", str(rounds)) if rounds > 1 else self.tr("答复")
        self._count(self.reply_page, title)
        if fresh and Command.APPROVE.value in (order.get("allowed_commands") or ()):
            self.tabs.setCurrentWidget(self.reply_page)  # a reviewer opens an order on the reply to review
        self._fill_reviews(order, names)
        self._fill_supervision(order, names)
        self._fetch_missing_thumbnails()
        self.stack.setCurrentIndex(1)
        self.loaded.emit(order_id)

    def _fill_header(self, snapshot: OrderSnapshot) -> None:
        order = snapshot.order
        self.number.setText(
            self.tr("待上传（本机受理，尚未上传到中心）") if int(order.get("id") or 0) < 0 else order.get("number", "")
        )
        self.title.setText(order.get("title", ""))
        clear_layout(self.badges)
        self.badges.addWidget(badge_label(state_label(order["state"]), "#1565c0", solid=True))
        urgency = order.get("urgency", "normal")
        if urgency != "normal":
            colour = "#c62828" if urgency == "very_urgent" else "#ef6c00"
            self.badges.addWidget(badge_label(urgency_label(urgency), colour, solid=True))
        if order.get("importance") == "major":
            self.badges.addWidget(badge_label(importance_label("major"), "#6a1b9a", solid=True))
        if order.get("supervised"):
            self.badges.addWidget(badge_label(command_label(Command.SUPERVISE), "#c62828"))
        if order.get("reminders"):
            self.badges.addWidget(badge_label(self.tr("催办%1次").replace("%1", str(order["reminders"])), "#ef6c00"))
        callbacks = order.get("callbacks") or []
        if callbacks:
            last = callbacks[-1]
            outcome = last.get("outcome", "")
            badge = badge_label(
                self.tr("回访：%1").replace("%1", callback_outcome_label(outcome)),
                OUTCOME_COLOURS.get(outcome, "#78909c"),
            )
            badge.setObjectName("callback_badge")
            badge.setToolTip(self.tr("最近一次回访：%1").replace("%1", local_time(last.get("at"))))
            self.badges.addWidget(badge)
        if snapshot.in_flight:
            badge = badge_label(item_state_label("pending"), "#00838f")
            badge.setObjectName("pending_badge")
            badge.setToolTip(self.tr("%1 项修改尚未同步到中心").replace("%1", str(len(snapshot.in_flight))))
            self.badges.addWidget(badge)
        self._fill_undo(snapshot)
        if snapshot.problems:
            badge = badge_label(self.tr("同步问题"), "#c62828", solid=True)
            badge.setToolTip(self.tr("有修改被中心拒绝或冲突，请到“同步问题”处理"))
            self.badges.addWidget(badge)
        self._show_countdown()

    def _fill_undo(self, snapshot: OrderSnapshot) -> None:
        """The 撤销 button: the last unsent command at a click; earlier ones (with those after them) in its menu."""
        rows = snapshot.undoable
        menu = self.undo_button.menu()
        menu.clear()
        self.undo_button.setVisible(bool(rows))
        if not rows:
            return
        last = rows[-1]
        self.undo_button.setToolTip(
            self.tr("撤销尚未发送的“%1”（%2），工单恢复到操作之前")
            .replace("%1", command_label(last["name"]))
            .replace("%2", local_time(last["created_at"]))
        )
        for index in range(len(rows) - 1, -1, -1):
            row, after = rows[index], len(rows) - 1 - index
            text = self.tr("撤销“%1”（%2）及其后 %3 项操作") if after else self.tr("撤销“%1”（%2）")
            text = (
                text.replace("%1", command_label(row["name"]))
                .replace("%2", local_time(row["created_at"]))
                .replace("%3", str(after))
            )
            action = menu.addAction(text)
            action.triggered.connect(lambda _=False, m=row["mutation_id"]: self._undo(m))

    def _undo_last(self) -> None:
        rows = self.snapshot.undoable if self.snapshot is not None else []
        if rows:
            self._undo(rows[-1]["mutation_id"])

    def _undo(self, mutation_id: str) -> None:
        """Take back ``mutation_id`` and every unsent command of the order after it (the menu said so)."""
        run_undo(
            self.workspace,
            mutation_id,
            with_later=True,
            on_refused=lambda text: show_message(self, self.tr("无法撤销"), text),
            owner=self,
        )

    def _on_undone(self, undone: Any) -> None:
        """A reply or draft taken back: its text goes back into the editor as unsaved, not lost."""
        for command, args in zip(reversed(undone.commands), reversed(undone.args), strict=True):
            if command in (Command.SUBMIT_REPLY, Command.SAVE_DRAFT):
                text = (args.get("text") or "", args.get("result_code") or "", args.get("basis") or "")
                if any(text):
                    self._unsaved[undone.order_id] = text
                return

    def _show_countdown(self) -> None:
        order = self.order
        if order is None:
            return
        own = order.get("co_due_at")  # a co-department's own deadline (协办), while its part is outstanding
        due = own or order.get("due_at")
        text, urgency = countdown(due, datetime.now(UTC))
        if not text or order["state"] in ("replied", "closed", "invalid", "merged"):
            self.countdown.clear()
            return
        if own:
            signed = any(
                p.get("status") == "signed" and p.get("answer_by") == own for p in order.get("co_handling") or []
            )
            prefix = self.tr("协办反馈剩余") if signed else self.tr("协办签收剩余")
        else:
            prefix = self.tr("签收剩余") if order["state"] == "dispatched" else self.tr("答复剩余")
        shown = text if urgency is Urgency.OVERDUE else f"{prefix} {text}"
        self.countdown.setText(shown)
        self.countdown.setToolTip(self.tr("时限：%1").replace("%1", local_time(due)))
        self.countdown.setStyleSheet(f"font-weight: bold; color: {COLOURS[urgency].name()};")

    def _rows(self, form: QFormLayout, rows: list[tuple[str, str]]) -> None:
        while form.rowCount():
            form.removeRow(0)
        stacked = form.rowWrapPolicy() == QFormLayout.RowWrapPolicy.WrapAllRows
        for label, value in rows:
            if not value:
                continue
            if stacked:  # the label above its value: set apart by colour, or the two read as one list
                caption = QLabel(label)
                caption.setStyleSheet("color: #607d8b;")
                form.addRow(caption, value_label(value))
            else:
                form.addRow(label, value_label(value))

    def _fill_overview(self, order: dict[str, Any], names: Names) -> None:
        place = " ".join(p for p in (order.get("district"), order.get("street"), order.get("address")) if p)
        position = ""
        if order.get("lat") is not None and order.get("lon") is not None:
            position = f"{order['lat']:.6f}, {order['lon']:.6f}"
        channel = (self.tr("来源"), channel_label(order.get("channel", "")))
        received = (self.tr("受理时间"), local_time(order.get("received_at")))
        kind = (self.tr("类型"), kind_label(order.get("kind", "")))
        category = (self.tr("分类"), names.category(order.get("category_code")))
        complexity = (self.tr("难易"), complexity_label(order.get("complexity") or "simple"))
        description = (self.tr("诉求内容"), order.get("description", ""))
        address = (self.tr("地址"), place)
        coordinates = (self.tr("坐标"), position)
        tags = (self.tr("标签"), "、".join(order.get("tags") or []))
        instruction = (self.tr("领导批示"), order.get("leader_instruction", ""))
        self._rows(
            self.request_form,
            [channel, received, kind, category, complexity, description, address, coordinates, tags],
        )
        # Beside the reply what the citizen asked comes first, then where; the particulars after.
        self._rows(
            self.side_request_form,
            [description, address, coordinates, instruction, category, kind, channel, received, tags],
        )
        citizen = order.get("citizen") or {}
        masked = self.tr("（已隐藏）")
        name = citizen.get("name") or (self.tr("匿名") if citizen.get("anonymous") else masked)
        rows = [
            (self.tr("姓名"), name),
            (self.tr("电话"), citizen.get("phone") or masked),
            (self.tr("回访号码"), citizen.get("callback_number") or ""),
        ]
        flags = []
        if citizen.get("confidential"):
            flags.append(self.tr("市民要求保密"))
            flags.append(self.tr("允许承办单位联系") if citizen.get("contact_allowed") else self.tr("不得联系市民"))
        if citizen.get("masked"):
            flags.append(self.tr("部分信息已隐藏"))
        rows.append((self.tr("说明"), self.tr("；").join(flags)))
        self._rows(self.citizen_form, rows)
        self._rows(self.side_citizen_form, rows)

        deadlines = order.get("deadlines") or {}

        def due(key: str, on_time_key: str | None = None) -> str:
            text = local_time(deadlines.get(key))
            flag = deadlines.get(on_time_key) if on_time_key else None
            if text and flag is not None:
                text += " " + (self.tr("（按时）") if flag else self.tr("（超时）"))
            return text

        rows = [
            (deadline_kind_label(DeadlineKind.SIGN), due("sign_by", "signed_on_time")),
            (deadline_kind_label(DeadlineKind.ONSITE), due("onsite_by", "onsite_on_time")),
            (deadline_kind_label(DeadlineKind.REPLY), due("reply_by", "replied_on_time")),
            (deadline_kind_label(DeadlineKind.EXTENSION), due("reply_by_extended")),
        ]
        if deadlines.get("provisional"):
            rows.append((self.tr("注意"), self.tr("跨入节假日未公布的年份，时限为临时计算，公布后将重新计算")))
        self._rows(self.deadline_form, rows)

        lead = names.department(order.get("lead_department_id"))
        parts = {p["department_id"]: p.get("status", "") for p in order.get("co_handling") or []}
        co = "、".join(
            names.department(d) + (f"（{co_status_label(parts[d])}）" if d in parts else "")
            for d in order.get("co_department_ids") or []
        )
        rows = [
            (self.tr("主办单位"), lead),
            (self.tr("协办单位"), co),
            (role_label(Role.HANDLER), names.user(order.get("handler_id")) or self.tr("未分派")),
        ]
        extension = order.get("extension")
        if extension:
            status = extension_status_label(extension.get("status", ""))
            rows.append(
                (
                    self.tr("延期申请"),
                    self.tr("%1：%2个工作日，%3")
                    .replace("%1", status)
                    .replace("%2", str(extension.get("days")))
                    .replace("%3", extension.get("reason", "")),
                )
            )
        back = order.get("return_request")
        if back:
            rows.append((self.tr("退单申请"), back.get("reason", "")))
        rows.append((self.tr("领导批示"), order.get("leader_instruction", "")))
        if order.get("reopen_count"):
            rows.append((self.tr("重办次数"), str(order["reopen_count"])))
        self._rows(self.handling_form, rows)

    def _cite(self, quoted: str) -> None:
        """引用: a co-department's opinion goes into the reply where the cursor is."""
        if self.reply.writable():
            self.reply.insert_phrase(quoted)

    def _revision(self) -> tuple[str, str, str] | None:
        """The reply being revised after a return (or a 重办): what the editor holds, while it may be written."""
        order = self.reply.order or {}
        return self.reply.values() if self.reply.writable() and order.get("replies") else None

    def _show_revision(self) -> None:
        if self.reply.order is None:
            return
        self.reply_diff.set_draft(self._revision())
        self.reply_diff.setVisible(self.reply_diff.has_rounds())

    def _fill_callbacks(self, snapshot: OrderSnapshot) -> None:
        """The centre's callbacks (回访) with the citizen's satisfaction, and when the order was closed."""
        order, names = snapshot.order, self.names
        callbacks = order.get("callbacks") or []
        closes = [e for e in snapshot.events if e.get("action") in ("close", "close_at_once")]
        centre = self.tr("热线中心")  # a department's directory does not list the centre's agents
        rows = []
        if callbacks:
            last = callbacks[-1].get("outcome", "")
            rows.append((self.tr("市民满意度"), callback_outcome_label(last)))
        for number, callback in enumerate(callbacks, start=1):
            line = " · ".join(
                part
                for part in (
                    local_time(callback.get("at")),
                    callback_method_label(callback.get("method", "")),
                    callback_outcome_label(callback.get("outcome", "")),
                    names.user(callback.get("agent_id")) or centre,
                )
                if part
            )
            if callback.get("citizen_words"):
                line += "\n" + self.tr("市民：“%1”").replace("%1", callback["citizen_words"])
            if callback.get("notes"):
                line += "\n" + callback["notes"]
            rows.append((self.tr("第%1次回访").replace("%1", str(number)), line))
        if order.get("state") == "closed" and closes:
            close = closes[-1]
            note = ((close.get("after") or {}).get("input") or {}).get("note") or ""
            text = " · ".join(
                p for p in (local_time(close.get("at")), names.user(close.get("actor_id")) or centre) if p
            )
            rows.append((command_label(Command.CLOSE), text + ("\n" + note if note else "")))
        elif order.get("state") == "replied" and not callbacks:
            rows.append((command_label(Command.RECORD_CALLBACK), self.tr("已答复，等待中心回访")))
        self._rows(self.callback_form, rows)
        self.callback_box.setVisible(bool(rows))

    def _action(self, action: str) -> str:
        # command_label names the sync's intake too (casework.vocabulary.INTAKE_NAME).
        return self.tr("查看联系方式") if action == "reveal_contact" else command_label(action)

    def _fill_timeline(self, snapshot: OrderSnapshot) -> None:
        names = self.names
        self.timeline.clear()
        separator = self.tr("；")
        for event in snapshot.events:
            before, after = event.get("before") or {}, event.get("after") or {}
            details = []
            if "state" in after and before.get("state") != after.get("state"):
                details.append(f"{state_label(before.get('state', ''))} → {state_label(after['state'])}".strip(" →"))
            if after.get("handler_id") and before.get("handler_id") != after.get("handler_id"):
                details.append(self.tr("经办人：%1").replace("%1", names.user(after["handler_id"])))
            given = after.get("input") or {}
            if event.get("action") == "record_callback" and given.get("outcome"):
                details.append(
                    self.tr("%1回访，%2")
                    .replace("%1", callback_method_label(given.get("method", "phone")))
                    .replace("%2", callback_outcome_label(given["outcome"]))
                )
                if given.get("citizen_words"):
                    details.append(self.tr("市民：“%1”").replace("%1", str(given["citizen_words"])))
            for key in ("comment", "reason", "instruction", "note", "notes"):
                if given.get(key):
                    details.append(str(given[key]))
            actor = names.user(event.get("actor_id")) or (self.tr("系统") if not event.get("actor_id") else "")
            QTreeWidgetItem(
                self.timeline,
                [local_time(event.get("at")), actor, self._action(event.get("action", "")), separator.join(details)],
            )
        me = self.workspace.user.name
        for row in snapshot.in_flight:
            item = QTreeWidgetItem(
                self.timeline,
                [local_time(row["created_at"]), me, command_label(row["name"]), self.tr("待同步（尚未送达中心）")],
            )
            for column in range(4):
                font = item.font(column)
                font.setItalic(True)
                item.setFont(column, font)
                item.setForeground(column, QColor("#00838f"))
        self._count(self.timeline, self.tr("处理记录 (%1)").replace("%1", str(self.timeline.topLevelItemCount())))
        fit_columns(self.timeline, range(3))
        if self.timeline.topLevelItemCount():
            self.timeline.scrollToItem(self.timeline.topLevelItem(self.timeline.topLevelItemCount() - 1))

    def _fill_checks(self, order: dict[str, Any], names: Names) -> None:
        clear_layout(self.checks)
        checks = order.get("onsite_checks") or []
        if not checks:
            self.checks.addWidget(QLabel(self.tr("尚无现场核查记录")))
        for check in checks:
            box = QGroupBox(f"{local_time(check.get('checked_at'))}  {names.user(check.get('author_id'))}".strip())
            layout = QVBoxLayout(box)
            lines = []
            if check.get("lat") is not None and check.get("lon") is not None:
                lines.append(
                    self.tr("位置：%1, %2").replace("%1", f"{check['lat']:.6f}").replace("%2", f"{check['lon']:.6f}")
                )
            if check.get("notes"):
                lines.append(check["notes"])
            if lines:
                layout.addWidget(value_label("\n".join(lines)))
            photos = check.get("photos") or []
            if photos:
                strip = self._photo_list(wrap=False)
                strip.setFixedHeight(ICON + 52)
                for photo in photos:
                    self._add_photo(strip, photo["sha256"], photo_tag_label(photo.get("tag", "other")), "image/jpeg")
                layout.addWidget(strip)
            self.checks.addWidget(box)
        self.checks.addStretch(1)
        self._count(self.checks_tab, self.tr("现场核查 (%1)").replace("%1", str(len(checks))))

    def _fill_attachments(self, snapshot: OrderSnapshot) -> None:
        self.attachments.clear()
        order = snapshot.order
        shown: list[tuple[str, str, str, int, bool]] = []  # sha, media type, tag, size, uploaded
        for a in order.get("attachments") or []:
            shown.append((a["sha256"], a.get("media_type", ""), a.get("tag", "other"), a.get("size", 0), True))
        tags = {p["sha256"]: p.get("tag", "other") for c in order.get("onsite_checks") or [] for p in c["photos"]}
        known = {s[0] for s in shown}
        for sha, f in snapshot.files.items():
            if sha not in known:
                shown.append((sha, f["media_type"], tags.get(sha, "other"), f["size"], bool(f["uploaded"])))
        for sha, media_type, tag, size, uploaded in shown:
            caption = "PDF" if media_type == "application/pdf" else photo_tag_label(tag)
            item = self._add_photo(self.attachments, sha, caption, media_type)
            tip = f"{media_type} · {size / 1024:.0f} KB"
            if not uploaded:
                tip += " · " + self.tr("待上传")
            item.setToolTip(tip)
        if not shown:
            QListWidgetItem(self.tr("暂无附件"), self.attachments).setFlags(Qt.ItemFlag.NoItemFlags)
        self._count(self.attachments, self.tr("附件 (%1)").replace("%1", str(len(shown))))

    def _add_photo(self, photos: QListWidget, sha: str, caption: str, media_type: str) -> QListWidgetItem:
        item = QListWidgetItem(caption, photos)
        item.setData(Qt.ItemDataRole.UserRole, (sha, media_type))
        item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._photo_items.setdefault(sha, []).append(item)
        self._set_icon(item, sha, media_type)
        return item

    def _set_icon(self, item: QListWidgetItem, sha: str, media_type: str) -> None:
        if sha in self._pixmaps:
            item.setIcon(QIcon(self._pixmaps[sha]))
        elif media_type == "application/pdf":
            item.setIcon(QIcon(placeholder("PDF")))
        elif sha in self._unreachable:
            item.setIcon(QIcon(placeholder(self.tr("离线"))))
        else:
            item.setIcon(QIcon(placeholder(self.tr("加载中"))))

    def _fill_notes(self, order: dict[str, Any], names: Names) -> None:
        notes = order.get("notes") or []
        parts = [
            f"<p><span style='color:#607d8b'>{html.escape(local_time(n.get('created_at')))} "
            f"{html.escape(names.user(n.get('author_id')))}</span><br>{html.escape(n.get('text', ''))}</p>"
            for n in notes
        ]
        empty = html.escape(self.tr("暂无内部备注（备注仅单位内部和中心可见）"))
        self.notes.setHtml("".join(parts) or f"<p style='color:#888'>{empty}</p>")
        self._count(self.notes, self.tr("内部备注 (%1)").replace("%1", str(len(notes))))

    def _fill_supervision(self, order: dict[str, Any], names: Names) -> None:
        """督办, 催办 and the department's 督办反馈, oldest first (the tab shows only when there are any)."""
        entries = order.get("supervision") or []
        self.supervision.clear()
        for entry in entries:
            item = QTreeWidgetItem(
                [
                    local_time(entry.get("at")),
                    entry.get("actor_name") or names.user(entry.get("actor_id")),
                    command_label(entry.get("kind", "")),
                    entry.get("note", ""),
                ]
            )
            item.setToolTip(3, entry.get("note", ""))
            self.supervision.addTopLevelItem(item)
        index = self.tabs.indexOf(self.supervision)
        self.tabs.setTabVisible(index, bool(entries))
        self.tabs.setTabText(index, self.tr("督办 (%1)").replace("%1", str(len(entries))))

    def _fill_reviews(self, order: dict[str, Any], names: Names) -> None:
        chain = order.get("review_chain") or []
        level = int(order.get("review_level") or 0)
        steps = []
        current = self.tr("（当前）")
        for index, step in enumerate(chain):
            label = html.escape(review_level_label(step))
            if order["state"] == "in_review" and index == level:
                steps.append(f"<b style='color:#1565c0'>{label}{html.escape(current)}</b>")
            elif (order["state"] == "in_review" and index < level) or order["state"] in ("replied", "closed"):
                steps.append(f"<span style='color:#2e7d32'>{label} ✓</span>")
            else:
                steps.append(f"<span style='color:#78909c'>{label}</span>")
        self.chain.setText(html.escape(self.tr("审核流程：")) + " → ".join(steps))
        self.reviews.clear()
        for review in order.get("reviews") or []:
            approved = review.get("decision") == "approved"
            item = QTreeWidgetItem(
                self.reviews,
                [
                    str(review.get("round", "")),
                    review_level_label(review.get("level", "")),
                    names.user(review.get("reviewer_id")),
                    review_decision_label(review.get("decision", "")),
                    review.get("comment", ""),
                    local_time(review.get("at")),
                ],
            )
            item.setToolTip(4, plain_tip(review.get("comment", "")))
            item.setForeground(3, QColor("#2e7d32" if approved else "#c62828"))
        count = len(order.get("reviews") or [])
        self._count(self.reviews_host, self.tr("审核记录 (%1)").replace("%1", str(count)))
        fit_columns(self.reviews, range(4))

    # --- thumbnails and files ---------------------------------------------------------------------------

    def _fetch_missing_thumbnails(self) -> None:
        assert self.snapshot is not None
        for sha, items in self._photo_items.items():
            media_type = items[0].data(Qt.ItemDataRole.UserRole)[1]
            if sha in self._pixmaps or sha in self._fetching or sha in self._unreachable:
                continue
            if media_type == "application/pdf" or sha in self.snapshot.files:
                continue  # no thumbnail to fetch: a PDF, or a file attached here (its thumbnail is local)
            self._fetching.add(sha)
            self.workspace.runner.run(
                self.workspace.reads.fetch_thumbnail,
                sha,
                lane=Lane.NETWORK,
                label="thumbnail",
                on_done=lambda data, s=sha: self._thumbnail_arrived(s, data),
                on_error=lambda _exc, s=sha: self._thumbnail_failed(s),
                owner=self,
            )

    def _thumbnail_arrived(self, sha: str, data: bytes) -> None:
        self._fetching.discard(sha)
        pixmap = QPixmap()
        if not pixmap.loadFromData(data):
            self._thumbnail_failed(sha)
            return
        self._pixmaps[sha] = pixmap
        self.workspace.runner.run(self.workspace.reads.keep_thumbnail, sha, data, label="thumbnail", owner=self)
        for item in self._photo_items.get(sha, []):
            item.setIcon(QIcon(pixmap))

    def _thumbnail_failed(self, sha: str) -> None:
        # Offline or not allowed: a placeholder until the user opens another order and comes back.
        self._fetching.discard(sha)
        self._unreachable.add(sha)
        for item in self._photo_items.get(sha, []):
            item.setIcon(QIcon(placeholder(self.tr("离线"))))

    def _open_item(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if data:
            self.open_blob(*data, title=item.text())

    def open_blob(self, sha: str, media_type: str, title: str = "") -> None:
        """Open a photo in the image viewer, a PDF in the system's viewer; downloads it first if needed."""
        reads, runner = self.workspace.reads, self.workspace.runner

        def have(data: bytes | None) -> None:
            if data is None:
                runner.run(
                    reads.download,
                    sha,
                    lane=Lane.NETWORK,
                    label="download",
                    on_done=downloaded,
                    on_error=failed,
                    owner=self,
                )
            elif media_type == "application/pdf":
                runner.run(
                    _pdf_copy,
                    data,
                    sha,
                    on_done=lambda p: QDesktopServices.openUrl(QUrl.fromLocalFile(str(p))),
                    on_error=failed,
                    owner=self,
                )
            else:
                ImageViewer(data, title or self.tr("照片"), self.window()).show()

        def downloaded(data: bytes) -> None:
            runner.run(reads.keep_blob, data, label="cache", on_done=lambda _: have(data), on_error=failed, owner=self)

        def failed(exc: BaseException) -> None:
            show_message(self, self.tr("无法打开文件"), message_of(exc))

        runner.run(reads.blob, sha, label="open", on_done=have, on_error=failed, owner=self)

    # --- keeping what the user typed ------------------------------------------------------------------

    def _keep_unsaved(self) -> None:
        if self.order_id is not None and self.reply.order is not None and self.reply.is_dirty():
            self._unsaved[self.order_id] = self.reply.values()


def _pdf_copy(data: bytes, sha: str) -> Path:
    """A copy named ``….pdf`` for the system viewer (the cached file is sealed and has no extension)."""
    target = Path(tempfile.gettempdir()) / f"casedesk-{sha[:16]}.pdf"
    if not target.exists():
        target.write_bytes(data)
    return target
