"""The department's month at a glance: measure tiles, volume charts, and the ledger and reply-sheet exports.

The figures are the server's (:meth:`desktop.workspace.Workspace.month_figures`, fetched off the UI
thread): the same as the leaders', the ranking's, the bulletin's and the ledger's. The page says
when they stand (截至 …, Beijing time) and, without the server, that it shows the ones kept.
"""

from __future__ import annotations

import calendar
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

from casework.measures import days, percent
from casework.order import ResultCode
from casework.roles import DEPARTMENT_ROLES
from desktop.measures import MonthFigures, recent_months
from desktop.tasks import Lane, Task
from desktop.workspace import Workspace
from ui.labels import Names, channel_label, local_time, rate_label, result_label

#: Categories drawn one bar each; the rest share an "其他" bar (seven bars stay readable at 1366×768).
TOP_CATEGORIES = 6
ACCENT = QColor("#1f5f99")


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

    def show_ratio(self, value: float | None, numerator: int, denominator: int) -> None:
        self.value.setText(percent(value))
        self.detail.setText(f"{numerator}/{denominator}" if denominator else self.tr("无数据"))

    def clear(self) -> None:
        self.value.setText("—")
        self.detail.setText("")


class Dashboard(QWidget):
    """The server's monthly measures, charts of the volume, and the two exports.

    A department's staff see their department's figures; a leader in charge their portfolio's, the
    others the city's, added up. Fetches when the month changes and, while visible, when the
    workspace changes (a sync brought news).

    Signals:
        loaded(object): the :class:`desktop.measures.MonthFigures` now shown (None: none to show).
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
        self.figures: MonthFigures | None = None
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
            ("dispatched", self.tr("派单量"), self.tr("本月派至本单位的工单数")),
            (
                "on_time_signing_rate",
                rate_label("on_time_signing_rate"),
                self.tr("本月派单中按时签收 ÷（已签收 + 超时未签收）"),
            ),
            (
                "on_time_closure_rate",
                rate_label("on_time_closure_rate"),
                self.tr("本月按时办结 ÷（本月办结 + 统计时点超期未办结）"),
            ),
            ("satisfaction_rate", rate_label("satisfaction_rate"), self.tr("本月回访中满意及基本满意 ÷ 回访接通")),
            (
                "resolution_rate",
                rate_label("resolution_rate"),
                self.tr("本月答复中结果为“%1” ÷ 本月答复").replace("%1", result_label(ResultCode.RESOLVED)),
            ),
            ("return_rate", rate_label("return_rate"), self.tr("本月退单申请 ÷ 本月派单")),
            ("rehandling_rate", rate_label("rehandling_rate"), self.tr("本月被要求重办 ÷ 本月答复")),
            (
                "avg_handling_days",
                self.tr("平均办理时长"),
                self.tr("派单（或重办）至答复的平均工作日，不含市领导审核时间"),
            ),
            ("avg_leader_review_days", self.tr("市领导审核"), self.tr("答复在市领导审核环节的平均工作日")),
        ]
        for index, (key, caption, tooltip) in enumerate(specs):
            self.tiles[key] = Tile(caption, tooltip)
            grid.addWidget(self.tiles[key], index // 5, index % 5)

        self.category_chart = _chart(self.tr("分类工单量"))
        self.channel_chart = _chart(self.tr("来源渠道"))
        self.daily_chart = _chart(self.tr("每日派单量"))
        self.category_view = _view(self.category_chart)
        self.channel_view = _view(self.channel_chart)
        self.daily_view = _view(self.daily_chart)
        charts = QGridLayout()
        charts.addWidget(self.category_view, 0, 0)
        charts.addWidget(self.channel_view, 0, 1)
        charts.addWidget(self.daily_view, 1, 0, 1, 2)
        charts.setRowStretch(0, 3)  # the category bars need the height for one readable label each
        charts.setRowStretch(1, 2)

        #: Whose figures and when they stand, or that they are the ones kept while offline.
        self.source = QLabel()
        self.source.setStyleSheet("color: #57606a;")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.source)
        layout.addLayout(grid)
        layout.addLayout(charts, 1)

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
        """Fetch the month's figures from the server off the UI thread (the ones kept when it does
        not answer); the newest request wins."""
        self._dirty = False
        self._reload.stop()
        self._generation += 1
        generation = self._generation
        self.source.setText(self.tr("正在读取服务器统计……"))
        return self.workspace.runner.run(
            self.workspace.month_figures,
            self.month,
            label="dashboard",
            lane=Lane.NETWORK,  # a server that does not answer must not hold up the store's lane
            on_done=lambda figures: self._show(generation, figures),
            owner=self,
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
        reads, now, department = self.workspace.reads, self.clock(), self.department_id

        def write(target: Path) -> Path:
            from desktop.exports import export_ledger  # the exports at the first export (issue 14: the start)

            return export_ledger(reads.month_orders(month, department), Names(reads.directory()), target, now)

        return self._run_export(write, path, self.tr("正在导出台账……"))

    def print_reply_sheet(self, order_id: int, path: Path | None = None) -> Task:
        """Write the 回复单 of one order as a PDF; asks where (named after the order) when ``path`` is None."""
        reads = self.workspace.reads

        def write(target: Path) -> Path:
            from desktop.exports import export_reply_sheet

            order = reads.order(order_id)
            if order is None:
                raise LookupError(order_id)
            return export_reply_sheet(order, Names(reads.directory()), target)

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
                reads.order, order_id, label="order", on_done=ask, on_error=self._failed, owner=self
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

    def _show(self, generation: int, figures: MonthFigures | None) -> None:
        if generation != self._generation:
            return
        self.figures = figures
        if figures is None:
            missing = self.tr("离线：本机还没有%1的统计，连上服务器后显示。")
            self.source.setText(missing.replace("%1", month_label(self.month)))
            for tile in self.tiles.values():
                tile.clear()
            for chart in (self.category_chart, self.channel_chart, self.daily_chart):
                _clear(chart)
            self.loaded.emit(None)
            return
        when = local_time(figures.as_of)
        if figures.offline:
            self.source.setText(self.tr("离线：显示截至 %1（北京时间）的数据").replace("%1", when))
        else:
            self.source.setText(self.tr("服务器统计，截至 %1（北京时间）").replace("%1", when))
        counts, rates, ratios = figures.counts, figures.rates, figures.ratios
        self.tiles["dispatched"].value.setText(str(counts.dispatched))
        self.tiles["dispatched"].detail.setText(month_label(figures.month))
        for key, (numerator, denominator) in ratios.items():
            self.tiles[key].show_ratio(getattr(rates, key), numerator, denominator)
        for key in ("avg_handling_days", "avg_leader_review_days"):
            value = getattr(rates, key)
            tile = self.tiles[key]
            tile.value.setText("—" if value is None else self.tr("%1天").replace("%1", days(value)))
            tile.detail.setText(self.tr("工作日，%1件答复").replace("%1", str(counts.replied)))
        self._draw_categories(figures)
        self._draw_channels(figures)
        self._draw_daily(figures)
        self.loaded.emit(figures)

    def _draw_categories(self, figures: MonthFigures) -> None:
        chart = _clear(self.category_chart)
        items = figures.by_category
        top, rest = items[:TOP_CATEGORIES], items[TOP_CATEGORIES:]
        labels = [v.name or self.tr("未分类") for v in top]
        values = [v.count for v in top]
        if rest:
            labels.append(self.tr("其他"))
            values.append(sum(v.count for v in rest))
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

    def _draw_channels(self, figures: MonthFigures) -> None:
        chart = _clear(self.channel_chart)
        series = QPieSeries()
        total = sum(v.count for v in figures.by_channel)
        for channel, count in ((v.code, v.count) for v in figures.by_channel):
            share = f"{count / total * 100:.0f}%" if total else ""
            label = self.tr("%1  %2（%3）").replace("%1", channel_label(channel)).replace("%2", str(count))
            series.append(label.replace("%3", share), count)
        series.setPieSize(0.75)
        chart.addSeries(series)
        legend = chart.legend()
        legend.setVisible(bool(total))
        legend.setAlignment(Qt.AlignmentFlag.AlignRight)

    def _draw_daily(self, figures: MonthFigures) -> None:
        chart = _clear(self.daily_chart)
        series = QLineSeries()
        series.setName(self.tr("派单量"))
        daily = figures.by_day
        for volume in daily:
            series.append(volume.day.day, volume.count)
        pen = series.pen()
        pen.setColor(ACCENT)
        pen.setWidth(2)
        series.setPen(pen)
        series.setPointsVisible(True)
        chart.addSeries(series)
        count = calendar.monthrange(figures.month.year, figures.month.month)[1]  # the whole month; the line stops today
        axis_x = QValueAxis()
        axis_x.setRange(1, count)
        axis_x.setLabelFormat("%d")
        axis_x.setTickCount(11)
        axis_x.setTitleText(self.tr("日"))
        axis_y = _count_axis(max((v.count for v in daily), default=0))
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
