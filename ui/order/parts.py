"""Small pieces the order's widgets share: placeholders, badges, plain-text values, column fitting."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QSizePolicy,
    QTreeWidget,
)

ICON = 96  # thumbnail size in the lists


def placeholder(text: str) -> QPixmap:
    pixmap = QPixmap(ICON, ICON)
    pixmap.fill(QColor("#eceff1"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#78909c"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap


def badge_label(text: str, colour: str, solid: bool = False) -> QLabel:
    label = QLabel(text)
    if solid:
        label.setStyleSheet(f"background: {colour}; color: white; border-radius: 3px; padding: 1px 6px;")
    else:
        label.setStyleSheet(f"color: {colour}; border: 1px solid {colour}; border-radius: 3px; padding: 0px 5px;")
    return label


def clear_layout(layout: Any) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


def fit_columns(tree: QTreeWidget, columns: range) -> None:
    """Widen a column that would cut its header or a row (English is wider than Chinese); never narrow one."""
    for column in columns:
        needed = max(tree.sizeHintForColumn(column), tree.header().sectionSizeHint(column))
        if needed > tree.columnWidth(column):
            tree.setColumnWidth(column, needed)


def value_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # a citizen's text, never markup (a label guesses)
    label.setWordWrap(True)
    # Grow to the form's width, keeping the height-for-width that word wrap set (a new policy drops it).
    policy = label.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Expanding)
    label.setSizePolicy(policy)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
