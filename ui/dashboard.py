"""The department's month at a glance: measure tiles, volume charts, and the ledger and reply-sheet exports.

Figures come from :mod:`desktop.measures` over the orders cached on this desk, computed off the UI
thread. The server's measures will be the authoritative ones; the page says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casework.roles import DEPARTMENT_ROLES
from desktop.exports import export_ledger, export_reply_sheet
from desktop.measures import Measures, Ratio, month_measures, month_orders, recent_months
from desktop.tasks import Task
from desktop.workspace import Workspace
from ui.labels import Names

#: Categories drawn one bar each; the rest share an "其他" bar (seven bars stay readable at 1366×768).
TOP_CATEGORIES = 6
ACCENT = QColor("#1f5f99")


def channel_label(channel: str) -> str:
    return {
        "phone": QCoreApplication.translate("Dashboard", "电话"),
        "mailbox": QCoreApplication.translate("Dashboard", "书记市长信箱"),
        "website": QCoreApplication.translate("Dashboard", "政府网站"),
        "weibo": QCoreApplication.translate("Dashboard", "微博"),
        "wechat": QCoreApplication.translate("Dashboard", "微信"),
        "app": QCoreApplication.translate("Dashboard", "移动客户端"),
    }.get(channel, channel)


def month_label(month: date) -> str:
    return (
        QCoreApplication.translate("Dashboard", "%1年%2月")
        .replace("%1", str(month.year))
        .replace("%2", str(month.month))
    )


class Tile(QFrame):
    """One measure: its name, its value in large type, and the counts behind it."""

    def __init__(self, caption: str, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setStyleSheet(
            "#tile { background: #ffffff; border: 1px solid #d0d7de; border-radius: 6px; }"
            "#tile QLabel { background: transparent; border: none; }"
        )
        self.setToolTip(tooltip)
        self.caption = QLabel(caption)
        self.caption.setStyleSheet("color: #57606a;")
        self.value = QLabel("—")
        big = QFont()
        big.setPointSize(20)
        big.setBold(True)
        self.value.setFont(big)
        self.value.setStyleSheet(f"color: {ACCENT.name()};")
        self.detail = QLabel("")
        self.detail.setStyleSheet("color: #57606a;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def show_ratio(self, ratio: Ratio) -> None:
        self.value.setText(ratio.percent)
        self.detail.setText(f"{ratio.numerator}/{ratio.denominator}" if ratio.denominator else self.tr("无数据"))


class Dashboard(QWidget):
    """Monthly measures of the orders on this desk, charts of the volume, and the two exports.

    A department's staff see their department's led orders; city leaders see every order on their
    desk. Recomputes when the month changes and, while visible, when the workspace changes.

    Signals:
        loaded(object): the :class:`desktop.measures.Measures` now shown.
        exported(object): the ``Path`` of a ledger or reply sheet just written.
    """

    loaded = Signal(object)
    exported = Signal(object)

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.clock = clock
        user = workspace.user
        #: Whose orders count: the user's department, or everything on the desk for leaders.
        self.department_id = user.department_id if user.role in DEPARTMENT_ROLES else None
        self.measures: Measures | None = None
        self._generation = 0
        self._dirty = True

        self.month_box = QComboBox()
        for month in recent_months(clock(), 24):
            self.month_box.addItem(month_label(month), month)
        self.month_box.currentIndexChanged.connect(lambda _: self.refresh())
        self.export_button = QPushButton(self.tr("导出台账"))
        self.export_button.setToolTip(self.tr("把所选月份的工单导出为 Excel 工作台账"))
        self.export_button.clicked.connect(lambda: self.export_ledger())
        self.status = QLabel()
        self.status.setStyleSheet("color: #57606a;")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("月份")))
        top.addWidget(self.month_box)
        top.addWidget(self.status, 1)
        top.addWidget(self.export_button)

        self.tiles: dict[str, Tile] = {}
        grid = QGridLayout()
        grid.setSpacing(8)
        specs = [
            ("orders", self.tr("工单量"), self.tr("本月派至本单位（或受理）的工单数")),
            ("on_time_signing", self.tr("及时签收率"), self.tr("按时签收 ÷（已签收 + 已超签收时限仍未签收）")),
            ("on_time_closure", self.tr("按时办结率"), self.tr("按时办结 ÷（已办结 + 未办结且已超期）")),
            ("satisfaction", self.tr("回访满意率"), self.tr("满意及基本满意 ÷ 回访联系上的次数")),
            ("resolution", self.tr("解决率"), self.tr("最新答复为“已解决” ÷ 已答复（待回访或已办结）")),
            ("return_requests", self.tr("退单率"), self.tr("申请过退单的工单 ÷ 本月工单")),
            ("review_returns", self.tr("审核退回率"), self.tr("审核中被退回修改过的工单 ÷ 曾答复的工单")),
            ("rehandling", self.tr("重办率"), self.tr("被要求重办的工单 ÷ 曾答复的工单")),
            ("handling_days", self.tr("平均办理时长"), self.tr("从派单到首次提交答复的平均天数")),
        ]
        for index, (key, caption, tooltip) in enumerate(specs):
            self.tiles[key] = Tile(caption, tooltip)
            grid.addWidget(self.tiles[key], index // 5, index % 5)

        self.category_chart = _chart(self.tr("分类工单量"))
        self.channel_chart = _chart(self.tr("来源渠道"))
        self.daily_chart = _chart(self.tr("每日受理量"))
        self.category_view = _view(self.category_chart)
        self.channel_view = _view(self.channel_chart)
        self.daily_view = _view(self.daily_chart)
        charts = QGridLayout()
        charts.addWidget(self.category_view, 0, 0)
        charts.addWidget(self.channel_view, 0, 1)
        charts.addWidget(self.daily_view, 1, 0, 1, 2)
        charts.setRowStretch(0, 3)  # the category bars need the height for one readable label each
        charts.setRowStretch(1, 2)

        note = QLabel(self.tr("以上为本机缓存工单的统计，仅供参考；正式考核以服务器统计为准。"))
        note.setStyleSheet("color: #8c959f;")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addLayout(charts, 1)
        layout.addWidget(note)

        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(200)
        self._reload.timeout.connect(self.refresh)
        workspace.changed.connect(self._on_changed)

    # --- public ---------------------------------------------------------------------------------

    @property
    def month(self) -> date:
        return self.month_box.currentData()

    def set_month(self, month: date) -> None:
        """Show ``month`` (any day in it), adding it to the picker when it is older than the list."""
        first = month.replace(day=1)
        index = self.month_box.findData(first)
        if index < 0:
            self.month_box.addItem(month_label(first), first)
            index = self.month_box.count() - 1
        if index == self.month_box.currentIndex():
            self.refresh()
        else:
            self.month_box.setCurrentIndex(index)  # refreshes

    def refresh(self) -> Task:
        """Recompute the month's measures off the UI thread; the newest computation wins."""
        self._dirty = False
        self._reload.stop()
        self._generation += 1
        generation = self._generation
        store, month, now, department = self.workspace.store, self.month, self.clock(), self.department_id

        def compute() -> tuple[Measures, Names]:
            return month_measures(store.orders(), month, now, department), Names(store)

        return self.workspace.runner.run(
            compute, label="dashboard", on_done=lambda result: self._show(generation, *result), owner=self
        )

    def export_ledger(self, path: Path | None = None) -> Task | None:
        """Write the selected month's 工作台账 (.xlsx); asks where when ``path`` is None."""
        month = self.month
        if path is None:
            suggested = self.tr("工作台账-%1.xlsx").replace("%1", f"{month:%Y-%m}")
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("导出工作台账"), str(Path.home() / suggested), self.tr("Excel 工作簿 (*.xlsx)")
            )
            if not chosen:
                return None
            path = Path(chosen)
        store, now, department = self.workspace.store, self.clock(), self.department_id

        def write(target: Path) -> Path:
            return export_ledger(month_orders(store.orders(), month, department), Names(store), target, now)

        return self._run_export(write, path, self.tr("正在导出台账……"))

    def print_reply_sheet(self, order_id: int, path: Path | None = None) -> Task:
        """Write the 回复单 of one order as a PDF; asks where (named after the order) when ``path`` is None."""
        store = self.workspace.store

        def write(target: Path) -> Path:
            order = store.order(order_id)
            if order is None:
                raise LookupError(order_id)
            return export_reply_sheet(order, Names(store), target)

        def ask(order: dict[str, Any] | None) -> None:
            suggested = self.tr("回复单-%1.pdf").replace("%1", (order or {}).get("number") or str(order_id))
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("打印回复单"), str(Path.home() / suggested), self.tr("PDF 文件 (*.pdf)")
            )
            if chosen:
                self._run_export(write, Path(chosen), self.tr("正在生成回复单……"))

        if path is None:
            # The dialog's suggested name needs the order number: read it off the UI thread first.
            return self.workspace.runner.run(
                store.order, order_id, label="order", on_done=ask, on_error=self._failed, owner=self
            )
        return self._run_export(write, path, self.tr("正在生成回复单……"))

    def _run_export(self, write: Callable[[Path], Path], path: Path, message: str) -> Task:
        self.status.setText(message)
        return self.workspace.runner.run(
            write, path, label="export", on_done=self._exported, on_error=self._failed, owner=self
        )

    # --- showing --------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self._reload.start()

    def _on_changed(self, _ids: Any) -> None:
        # Counting every order is not free: only while someone is looking.
        if self.isVisible():
            self._reload.start()
        else:
            self._dirty = True

    def _show(self, generation: int, measures: Measures, names: Names) -> None:
        if generation != self._generation:
            return
        self.measures = measures
        self.tiles["orders"].value.setText(str(measures.orders))
        self.tiles["orders"].detail.setText(month_label(measures.month))
        for key in (
            "on_time_signing",
            "on_time_closure",
            "satisfaction",
            "resolution",
            "return_requests",
            "review_returns",
            "rehandling",
        ):
            self.tiles[key].show_ratio(getattr(measures, key))
        days = measures.average_handling_days
        self.tiles["handling_days"].value.setText("—" if days is None else self.tr("%1天").replace("%1", f"{days:.1f}"))
        self.tiles["handling_days"].detail.setText(self.tr("派单至首次答复"))
        self._draw_categories(measures, names)
        self._draw_channels(measures)
        self._draw_daily(measures)
        self.loaded.emit(measures)

    def _draw_categories(self, measures: Measures, names: Names) -> None:
        chart = _clear(self.category_chart)
        items = list(measures.by_category.items())
        top, rest = items[:TOP_CATEGORIES], items[TOP_CATEGORIES:]
        labels = [names.category(code) or self.tr("未分类") for code, _ in top]
        values = [count for _, count in top]
        if rest:
            labels.append(self.tr("其他"))
            values.append(sum(count for _, count in rest))
        # Largest at the top: a horizontal bar chart draws its first category at the bottom.
        labels.reverse()
        values.reverse()
        bars = QBarSet(self.tr("工单量"))
        bars.setColor(ACCENT)
        bars.append(values)
        bars.setLabelColor(QColor("#24292f"))
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.append(labels or [""])
        axis_y.setTruncateLabels(False)  # a name is shown whole, never as "…"
        font = QFont(axis_y.labelsFont())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        axis_y.setLabelsFont(font)
        self.category_labels = list(labels)
        axis_x = _count_axis(max(values, default=0))
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_y)
        series.attachAxis(axis_x)
        chart.legend().setVisible(False)

    def _draw_channels(self, measures: Measures) -> None:
        chart = _clear(self.channel_chart)
        series = QPieSeries()
        total = sum(measures.by_channel.values())
        for channel, count in measures.by_channel.items():
            share = f"{count / total * 100:.0f}%" if total else ""
            label = self.tr("%1  %2（%3）").replace("%1", channel_label(channel)).replace("%2", str(count))
            series.append(label.replace("%3", share), count)
        series.setPieSize(0.75)
        chart.addSeries(series)
        legend = chart.legend()
        legend.setVisible(bool(total))
        legend.setAlignment(Qt.AlignmentFlag.AlignRight)

    def _draw_daily(self, measures: Measures) -> None:
        chart = _clear(self.daily_chart)
        series = QLineSeries()
        series.setName(self.tr("受理量"))
        for day, count in measures.daily_intake.items():
            series.append(day.day, count)
        pen = series.pen()
        pen.setColor(ACCENT)
        pen.setWidth(2)
        series.setPen(pen)
        series.setPointsVisible(True)
        chart.addSeries(series)
        days = len(measures.daily_intake)
        axis_x = QValueAxis()
        axis_x.setRange(1, max(days, 2))
        axis_x.setLabelFormat("%d")
        axis_x.setTickCount(min(days, 11) if days > 1 else 2)
        axis_x.setTitleText(self.tr("日"))
        axis_y = _count_axis(max(measures.daily_intake.values(), default=0))
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        chart.legend().setVisible(False)

    # --- exports --------------------------------------------------------------------------------

    def _exported(self, path: Path) -> None:
        self.status.setText(self.tr("已保存：%1").replace("%1", str(path)))
        self.exported.emit(path)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, OSError):
            self.status.setText(self.tr("保存失败：%1").replace("%1", error.strerror or str(error)))
        elif isinstance(error, LookupError):
            self.status.setText(self.tr("本机没有这张工单"))
        else:
            self.status.setText("")
            self.workspace.runner.error.emit(error)  # a bug: to the crash handler


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = chart.titleFont()
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(4)
    return chart


def _view(chart: QChart) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(160)  # the window still fits a 1366×768 screen
    return view


def _clear(chart: QChart) -> QChart:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
        axis.deleteLater()
    return chart


def _count_axis(top: int) -> QValueAxis:
    """An axis of whole counts from 0, with a little headroom and integer ticks."""
    axis = QValueAxis()
    upper = max(top + 1, 4)
    step = max(1, -(-upper // 5))
    axis.setRange(0, step * 5)
    axis.setTickCount(6)
    axis.setLabelFormat("%d")
    return axis
