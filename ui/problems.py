"""The conflicts and rejections panel: edits the server did not take, until the user decides.

A conflict on free text (someone changed the draft on the server meanwhile) opens a side-by-side
merge: the server's version on the left, the user's own on the right, editable. A rejection shows
what the user wrote, to copy or to send again. Nothing leaves the outbox without a click, and a
discard asks first: what the user typed is never dropped silently.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.tasks import Task
from desktop.workspace import Workspace
from ui.errors import present_error, ui_language
from ui.labels import command_label, item_state_label, plain_tip, result_label

_ID = Qt.ItemDataRole.UserRole


def reason_text(row: dict[str, Any]) -> str:
    """Why the server did not take the edit, in the UI language (the server sends both)."""
    zh, en = row.get("error_zh") or "", row.get("error_en") or ""
    found = (en or zh) if ui_language() == "en" else (zh or en)
    if found:
        return found
    if row.get("status") == "conflict":
        return QCoreApplication.translate("ProblemsPanel", "服务器上的内容已被他人修改")
    return QCoreApplication.translate("ProblemsPanel", "服务器未接受此操作")


def is_text_conflict(row: dict[str, Any]) -> bool:
    """A conflict the merge view can show: the server sent its text."""
    return row.get("status") == "conflict" and "text" in (row.get("server_values") or {})


def written_content(args: dict[str, Any]) -> str:
    """What the user wrote in a command's body, as plain text to read and copy."""
    fields = [
        # An intake (受理) kept after a refusal: the call as it was taken.
        ("title", QCoreApplication.translate("ProblemsPanel", "标题")),
        ("description", QCoreApplication.translate("ProblemsPanel", "诉求内容")),
        ("address", QCoreApplication.translate("ProblemsPanel", "地址")),
        ("text", QCoreApplication.translate("ProblemsPanel", "内容")),
        ("reply", QCoreApplication.translate("ProblemsPanel", "答复")),
        ("basis", QCoreApplication.translate("ProblemsPanel", "依据")),
        ("comment", QCoreApplication.translate("ProblemsPanel", "意见")),
        ("reason", QCoreApplication.translate("ProblemsPanel", "理由")),
        ("notes", QCoreApplication.translate("ProblemsPanel", "核查情况")),
        ("note", QCoreApplication.translate("ProblemsPanel", "备注")),
        ("instruction", QCoreApplication.translate("ProblemsPanel", "批示")),
    ]
    parts = [(key, label, str(args[key]).strip()) for key, label in fields if str(args.get(key) or "").strip()]
    if args.get("result_code"):
        parts.append(("", QCoreApplication.translate("ProblemsPanel", "答复结果"), result_label(args["result_code"])))
    if args.get("photos"):
        photos = QCoreApplication.translate("ProblemsPanel", "%1 张").replace("%1", str(len(args["photos"])))
        parts.append(("", QCoreApplication.translate("ProblemsPanel", "照片"), photos))
    if len(parts) == 1 and parts[0][0] == "text":
        return parts[0][2]  # the common case, a text alone: no label in front of it
    field = QCoreApplication.translate("ProblemsPanel", "%1：%2")
    return "\n\n".join(field.replace("%1", label).replace("%2", value) for _, label, value in parts)


def _heading() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # the order's number and the server's reason
    label.setWordWrap(True)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    return label


class _ConflictPage(QWidget):
    """Side by side: the server's text (read-only) and the user's (editable, to merge in)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = _heading()
        self.hint = QLabel(
            self.tr(
                "服务器上的内容在你离线期间已被修改。左侧是服务器上的版本，右侧是你的版本；可以在右侧合并两者后重新提交。"
            )
        )
        self.hint.setWordWrap(True)
        self.server_caption = QLabel()
        self.server_text = QPlainTextEdit()
        self.server_text.setReadOnly(True)
        self.server_text.setStyleSheet("QPlainTextEdit { background: #f4f4f4; }")
        self.mine_caption = QLabel(self.tr("我的版本（可编辑）"))
        self.mine_text = QPlainTextEdit()
        self.take_mine = QPushButton(self.tr("采用我的版本"))
        self.take_mine.setToolTip(self.tr("按你原来写的内容重新提交"))
        self.take_server = QPushButton(self.tr("采用服务器版本"))
        self.take_server.setToolTip(self.tr("放弃你的修改，保留服务器上的内容"))
        self.merge = QPushButton(self.tr("合并后重新提交"))
        self.merge.setToolTip(self.tr("提交右侧编辑后的内容"))
        self.merge.setDefault(True)

        bold = QFont()
        bold.setBold(True)
        for caption in (self.server_caption, self.mine_caption):
            caption.setFont(bold)
        left = QVBoxLayout()
        left.addWidget(self.server_caption)
        left.addWidget(self.server_text)
        right = QVBoxLayout()
        right.addWidget(self.mine_caption)
        right.addWidget(self.mine_text)
        sides = QHBoxLayout()
        sides.addLayout(left, 1)
        sides.addLayout(right, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.take_server, self.take_mine, self.merge):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addLayout(sides, 1)
        layout.addLayout(buttons)

    @property
    def buttons(self) -> list[QPushButton]:
        return [self.take_mine, self.take_server, self.merge]


class _RejectionPage(QWidget):
    """What the user wrote, read-only, with copy, discard and retry."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = _heading()
        self.caption = QLabel(self.tr("你写的内容"))
        bold = QFont()
        bold.setBold(True)
        self.caption.setFont(bold)
        self.content = QPlainTextEdit()
        self.content.setReadOnly(True)
        self.copy = QPushButton(self.tr("复制内容"))
        self.discard = QPushButton(self.tr("放弃"))
        self.retry = QPushButton(self.tr("重新提交"))
        self.retry.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy)
        buttons.addStretch(1)
        buttons.addWidget(self.discard)
        buttons.addWidget(self.retry)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.caption)
        layout.addWidget(self.content, 1)
        layout.addLayout(buttons)

    @property
    def buttons(self) -> list[QPushButton]:
        return [self.discard, self.retry]


class ProblemsPanel(QWidget):
    """Every conflict and rejection in the outbox; pick one to merge, retry or discard it.

    Loads off the UI thread and reloads whenever the workspace announces a change.

    Signals:
        count_changed(int): how many problems there are, after a load that changed the number
            (the first load always announces it).
    """

    count_changed = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._rows: list[dict[str, Any]] = []
        self._count = -1
        self._generation = 0
        self._shown: str | None = None  # mutation id on the detail pages
        self._merged: dict[str, str] = {}  # the right pane's text per conflict, kept across reloads
        self._busy: str | None = None  # mutation id being resolved

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("工单"), self.tr("操作"), self.tr("原因"), self.tr("状态")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.tree.setColumnWidth(0, 260)
        self.tree.setColumnWidth(1, 90)
        self.tree.setColumnWidth(3, 70)
        self.tree.currentItemChanged.connect(self._on_current)

        self.empty = QLabel(self.tr("没有冲突或被拒绝的操作。"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.conflict = _ConflictPage()
        self.rejection = _RejectionPage()
        self.pages = QStackedWidget()
        for page in (self.empty, self.conflict, self.rejection):
            self.pages.addWidget(page)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.conflict.mine_text.textChanged.connect(self._remember_merge)
        self.conflict.take_mine.clicked.connect(lambda: self._resolve("retry"))
        self.conflict.take_server.clicked.connect(self._take_server)
        self.conflict.merge.clicked.connect(self._merge)
        self.rejection.copy.clicked.connect(self._copy)
        self.rejection.discard.clicked.connect(self._discard)
        self.rejection.retry.clicked.connect(lambda: self._resolve("retry"))

        # Bursts of change notices (a sync round) become one reload.
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(50)
        self._reload.timeout.connect(self.refresh)
        workspace.changed.connect(self._on_changed)  # a bound slot: disconnected when this panel goes
        self.refresh()

    # --- public ---------------------------------------------------------------------------------

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The problem rows as last loaded (outbox rows, with ``order_number`` and ``order_title``)."""
        return list(self._rows)

    @property
    def count(self) -> int:
        return len(self._rows)

    def refresh(self) -> Task:
        """Reload the problems off the UI thread; the newest load wins."""
        self._generation += 1
        generation = self._generation
        return self.workspace.runner.run(
            self.workspace.reads.problems,
            label="problems",
            on_done=lambda rows: self._loaded(generation, rows),
            owner=self,
        )

    def select(self, mutation_id: str) -> bool:
        """Show the problem with this mutation id; False when it is not (or no longer) listed."""
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item.data(0, _ID) == str(mutation_id):
                self.tree.setCurrentItem(item)
                return True
        return False

    # --- loading --------------------------------------------------------------------------------

    def _on_changed(self, _ids: Any) -> None:
        self._reload.start()

    def _loaded(self, generation: int, rows: list[dict[str, Any]]) -> None:
        if generation != self._generation:
            return  # a newer load is on its way
        current = self._current_id()
        index = next((i for i, r in enumerate(self._rows) if r["mutation_id"] == current), 0)
        self._rows = rows
        ids = {r["mutation_id"] for r in rows}
        self._merged = {k: v for k, v in self._merged.items() if k in ids}
        if self._busy not in ids:
            self._busy = None

        self.tree.blockSignals(True)
        self.tree.clear()
        for row in rows:
            order = row["order_number"] or self.tr("工单 %1（已不在本机）").replace("%1", str(row["order_id"]))
            if row["order_title"]:
                order = f"{order}  {row['order_title']}"
            item = QTreeWidgetItem(
                [order, command_label(row["name"]), reason_text(row), item_state_label(row["status"])]
            )
            item.setData(0, _ID, row["mutation_id"])
            item.setToolTip(0, plain_tip(order))  # holds the order's title
            item.setToolTip(2, plain_tip(reason_text(row)))
            self.tree.addTopLevelItem(item)
        self.tree.blockSignals(False)

        # Keep the user on the row they were on; when it is gone, on its neighbour.
        if not (current and self.select(current)) and rows:
            self.tree.setCurrentItem(self.tree.topLevelItem(min(index, len(rows) - 1)))
        self._show(self._row(self._current_id()))
        if len(rows) != self._count:
            self._count = len(rows)
            self.count_changed.emit(self._count)

    # --- the detail pages -----------------------------------------------------------------------

    def _current_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, _ID) if item is not None else None

    def _row(self, mutation_id: str | None) -> dict[str, Any] | None:
        return next((r for r in self._rows if r["mutation_id"] == mutation_id), None)

    def _on_current(self, *_: Any) -> None:
        self._show(self._row(self._current_id()))

    def _show(self, row: dict[str, Any] | None) -> None:
        if row is None:
            self._shown = None
            self.pages.setCurrentWidget(self.empty)
            return
        same = row["mutation_id"] == self._shown
        self._shown = row["mutation_id"]
        order = row["order_number"] or str(row["order_id"])
        heading = (
            self.tr("工单 %1 · %2：%3")
            .replace("%1", order)
            .replace("%2", command_label(row["name"]))
            .replace("%3", reason_text(row))
        )
        if is_text_conflict(row):
            page = self.conflict
            page.heading.setText(heading)
            server = row["server_values"]
            caption = self.tr("服务器版本")
            if server.get("result_code"):
                caption += self.tr("（答复结果：%1）").replace("%1", result_label(server["result_code"]))
            page.server_caption.setText(caption)
            page.server_text.setPlainText(str(server.get("text") or ""))
            if not same:  # a reload must not reset what the user is merging
                page.mine_text.blockSignals(True)
                page.mine_text.setPlainText(self._merged.get(row["mutation_id"], row["args"].get("text", "")))
                page.mine_text.blockSignals(False)
        else:
            page = self.rejection
            page.heading.setText(heading)
            content = written_content(row["args"])
            page.content.setPlainText(content or self.tr("（此操作没有填写内容）"))
            page.copy.setEnabled(bool(content))
        for button in page.buttons:
            button.setEnabled(self._busy is None)
        self.pages.setCurrentWidget(page)

    def _remember_merge(self) -> None:
        if self._shown is not None:
            self._merged[self._shown] = self.conflict.mine_text.toPlainText()

    # --- decisions ------------------------------------------------------------------------------

    def _merge(self) -> None:
        self._resolve("retry", {"text": self.conflict.mine_text.toPlainText()})

    def _take_server(self) -> None:
        if self._confirm_discard(self.tr("采用服务器版本后，你写的内容将被删除，无法恢复。确定吗？")):
            self._resolve("discard")

    def _discard(self) -> None:
        if self._confirm_discard(self.tr("放弃后，这项操作和你写的内容将被删除，无法恢复。确定吗？")):
            self._resolve("discard")

    def _confirm_discard(self, question: str) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("放弃修改"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _resolve(self, action: str, changes: dict[str, Any] | None = None) -> None:
        row = self._row(self._shown)
        if row is None or self._busy is not None:
            return
        self._busy = row["mutation_id"]
        for button in self.conflict.buttons + self.rejection.buttons:
            button.setEnabled(False)
        # Success arrives as workspace.changed, which reloads this panel.
        self.workspace.resolve(row["mutation_id"], action, changes, on_error=self._resolve_failed, owner=self)

    def _resolve_failed(self, error: BaseException) -> None:
        self._busy = None
        if isinstance(error, KeyError):
            self.refresh()  # resolved meanwhile (another window, a sync): show what is left
        else:  # said by the one error presenter; a bug goes to the crash handler
            self._show(self._row(self._shown))
            present_error(self, error, title=self.tr("未能处理"), on_bug=self.workspace.runner.error.emit)

    def _copy(self) -> None:
        row = self._row(self._shown)
        if row is not None:
            QGuiApplication.clipboard().setText(written_content(row["args"]))
