"""The order's co-handling parts (协办): each co-department's status, its own deadlines and the opinion
it gave — which the lead cites in the reply (``引用``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from casework.cohandling import CoStatus
from ui.labels import Names, co_status_label, local_time
from ui.order.parts import clear_layout, value_label

#: A part's colour by status: waiting (amber), in hand (blue), done (green), released (grey).
STATUS_COLOURS = {
    CoStatus.PENDING.value: "#ef6c00",
    CoStatus.SIGNED.value: "#1565c0",
    CoStatus.ANSWERED.value: "#2e7d32",
    CoStatus.WAIVED.value: "#757575",
}


class CoHandlingPanel(QGroupBox):
    """Every co-department's part of the order; hidden when nobody co-handles it.

    Signals:
        cite(str): the user asked to insert a co-department's opinion into the reply.
    """

    cite = Signal(str)

    def __init__(self, citing: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("协办意见"))
        self.citing = citing  # this panel offers 引用 (beside the reply editor)
        self.rows = QVBoxLayout(self)
        self.rows.setSpacing(8)
        self.cite_buttons: dict[int, QToolButton] = {}
        self.hide()

    def set_order(self, order: dict[str, Any] | None, names: Names, writable: bool = False) -> None:
        """Show ``order``'s parts; 引用 is offered where an opinion was given and the reply can be written."""
        clear_layout(self.rows)
        self.cite_buttons = {}
        parts = (order or {}).get("co_handling") or []
        self.setVisible(bool(parts))
        for part in parts:
            self.rows.addWidget(self._part(part, names, writable))

    def _part(self, part: dict[str, Any], names: Names, writable: bool) -> QWidget:
        host = QWidget()
        host.setObjectName(f"co_part_{part['department_id']}")
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        department = names.department(part["department_id"])
        status = part.get("status", "")
        head = QHBoxLayout()
        title = QLabel(department)
        title.setTextFormat(Qt.TextFormat.PlainText)  # names are data, never markup
        title.setStyleSheet("font-weight: bold;")
        title.setWordWrap(True)  # beside the reply the column is narrow
        badge = QLabel(co_status_label(status))
        badge.setObjectName("co_status")
        colour = STATUS_COLOURS.get(status, "#757575")
        badge.setStyleSheet(f"color: {colour}; border: 1px solid {colour}; border-radius: 3px; padding: 0px 5px;")
        head.addWidget(title)
        head.addWidget(badge)
        head.addStretch(1)
        opinion = part.get("opinion") or ""
        layout.addLayout(head)
        due = []
        if part.get("sign_by"):
            due.append(self.tr("签收时限 %1").replace("%1", local_time(part["sign_by"])))
        if part.get("answer_by"):
            due.append(self.tr("反馈时限 %1").replace("%1", local_time(part["answer_by"])))
        if due:
            line = QLabel("\n".join(due))
            line.setStyleSheet("color: #546e7a;")
            line.setWordWrap(True)
            layout.addWidget(line)
        if opinion:
            text = value_label(opinion)  # a department's text: plain, never markup
            text.setObjectName("co_opinion")
            layout.addWidget(text)
            who = names.user(part.get("answered_by"))
            if who or part.get("answered_at"):
                signed_off = QLabel(f"{who} {local_time(part.get('answered_at'))}".strip())
                signed_off.setTextFormat(Qt.TextFormat.PlainText)
                signed_off.setStyleSheet("color: #546e7a;")
                layout.addWidget(signed_off)
        if self.citing and opinion:  # under the opinion, where a narrow column still shows it
            button = QToolButton()
            button.setObjectName(f"cite_co_{part['department_id']}")
            button.setText(self.tr("引用"))
            button.setToolTip(self.tr("把该单位的协办意见插入答复"))
            button.setEnabled(writable)
            quoted = self.tr("%1协办意见：%2").replace("%1", department).replace("%2", opinion)
            button.clicked.connect(lambda _=False, q=quoted: self.cite.emit(q))
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            self.cite_buttons[part["department_id"]] = button
        if status == CoStatus.WAIVED.value:
            waived = value_label(self.tr("免除理由：%1").replace("%1", part.get("waive_reason") or ""))
            waived.setStyleSheet("color: #757575;")
            layout.addWidget(waived)
        return host
