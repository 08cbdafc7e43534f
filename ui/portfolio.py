"""A city leader's portfolio: the month's measures of each department in their line, as the server
computes them (the authoritative figures), with their rank, a drill-down to the department's
orders, and the monthly bulletin and ledger to save."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casework.measures import DepartmentMeasures, Ranking
from desktop.measures import recent_months
from desktop.tasks import Lane
from desktop.workspace import Workspace
from ui.errors import message_of, show_message
from ui.labels import local_time, rate_label


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def portfolio_figures(workspace: Workspace, month: str) -> tuple[list[DepartmentMeasures], dict[int, int | None]]:
    """The measures of every department the leader oversees, and the city-wide rank of each."""
    user = workspace.user
    ranking: Ranking = workspace.reads.ranking(month)
    if user.role.value == "leader_in_charge":
        wanted = set(user.portfolio)
        measures = [e.measures for e in ranking.entries if e.measures.department_id in wanted]
    else:  # the top leader oversees every department
        measures = [e.measures for e in ranking.entries]
    ranks = {e.measures.department_id: e.rank for e in ranking.entries}
    return measures, ranks


class Portfolio(QWidget):
    """``show_department(id)`` asks the window for the department's orders."""

    show_department = Signal(int)
    loaded = Signal(int)  # departments shown

    COLUMNS = 9

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.measures: list[DepartmentMeasures] = []
        self.month = QComboBox()
        for month in recent_months(datetime.now(UTC), 12):
            label = self.tr("%1年%2月").replace("%1", str(month.year)).replace("%2", str(month.month))
            self.month.addItem(label, f"{month:%Y-%m}")
        self.month.currentIndexChanged.connect(self.refresh)
        self.status = QLabel()
        self.table = QTableWidget(0, self.COLUMNS)
        headers = [
            self.tr("全市排名"),
            self.tr("承办单位"),
            self.tr("派单量"),
            *(
                rate_label(k)
                for k in (
                    "on_time_signing_rate",
                    "on_time_closure_rate",
                    "satisfaction_rate",
                    "resolution_rate",
                    "rehandling_rate",
                )
            ),
            self.tr("超期未结"),
        ]
        self.table.setHorizontalHeaderLabels(headers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.cellDoubleClicked.connect(lambda row, _: self._drill(row))
        self.orders = QPushButton(self.tr("查看该单位工单"))
        self.orders.clicked.connect(lambda: self._drill(self.table.currentRow()))
        self.bulletin = QPushButton(self.tr("导出月度通报（PDF）"))
        self.bulletin.clicked.connect(lambda: self.save_report("pdf"))
        self.ledger = QPushButton(self.tr("导出工作台账（Excel）"))
        self.ledger.clicked.connect(lambda: self.save_report("xlsx"))

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("月份")))
        top.addWidget(self.month)
        top.addWidget(self.status, 1)
        top.addWidget(self.orders)
        top.addWidget(self.bulletin)
        top.addWidget(self.ledger)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self._loaded_once = False

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded_once:
            self.refresh()

    def refresh(self) -> None:
        """Ask the server for the month's figures (network lane); offline, say so and keep the last."""
        self._loaded_once = True
        self.status.setText(self.tr("正在从中心获取本月指标…"))
        self.workspace.runner.run(
            portfolio_figures,
            self.workspace,
            self.month.currentData(),
            lane=Lane.NETWORK,
            label="portfolio",
            on_done=self._show,
            on_error=self._failed,
            owner=self,
        )

    def _failed(self, error: BaseException) -> None:
        self.status.setText(self.tr("无法获取指标：%1").replace("%1", message_of(error)))

    def _show(self, result: tuple[list[DepartmentMeasures], dict[int, int | None]]) -> None:
        measures, ranks = result
        self.measures = measures
        self.table.setRowCount(len(measures))
        for row, m in enumerate(measures):
            values = [
                str(ranks.get(m.department_id) or "—"),
                m.department_name,
                str(m.dispatched),
                _percent(m.on_time_signing_rate),
                _percent(m.on_time_closure_rate),
                _percent(m.satisfaction_rate),
                _percent(m.resolution_rate),
                _percent(m.rehandling_rate),
                str(m.open_overdue),
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, m.department_id)
                if column != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if column == 8 and m.open_overdue:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, column, item)
        self.status.setText(
            (self.tr("1 个单位，数据截至 %2") if len(measures) == 1 else self.tr("%1 个单位，数据截至 %2"))
            .replace("%1", str(len(measures)))
            .replace("%2", local_time(measures[0].as_of) if measures else "—")
        )
        self.loaded.emit(len(measures))

    def _drill(self, row: int) -> None:
        if 0 <= row < len(self.measures):
            self.show_department.emit(self.measures[row].department_id)

    def save_report(self, kind: str, path: Path | None = None) -> None:
        """Download the month's bulletin (pdf) or ledger (xlsx) and save it where the user says."""
        month = self.month.currentData()
        if path is None:
            name = f"{'通报' if kind == 'pdf' else '工作台账'}-{month}.{kind}"
            chosen, _ = QFileDialog.getSaveFileName(self, self.tr("保存"), str(Path.home() / name))
            if not chosen:
                return
            path = Path(chosen)
        target = path

        def fetch() -> Path:
            data = self.workspace.reads.bulletin(month, kind)
            partial = target.with_name(target.name + ".part")
            partial.write_bytes(data)
            partial.replace(target)  # never a half-written file under the chosen name
            return target

        self.status.setText(self.tr("正在生成…"))
        self.workspace.runner.run(
            fetch,
            lane=Lane.NETWORK,
            label="bulletin",
            on_done=lambda saved: self.status.setText(self.tr("已保存：%1").replace("%1", str(saved))),
            on_error=lambda exc: (
                self.status.setText(""),
                show_message(self, self.tr("导出失败"), message_of(exc)),
            ),
            owner=self,
        )
