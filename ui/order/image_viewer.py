"""A photo at full size in its own window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)


class ImageViewer(QWidget):
    """A photo at full size in its own window: fits the window first; Ctrl+= / Ctrl+- zoom, Ctrl+0 fits."""

    def __init__(self, data: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(title)
        self.pixmap = QPixmap()
        self.pixmap.loadFromData(data)
        self.fit = True
        self.scale = 1.0
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll = QScrollArea()
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setWidget(self.picture)
        self.scroll.setStyleSheet("background: #263238;")
        bar = QHBoxLayout()
        for text, keys, slot in (
            (self.tr("适应窗口"), "Ctrl+0", self.zoom_to_fit),
            (self.tr("放大"), "Ctrl+=", lambda: self.zoom(1.25)),
            (self.tr("缩小"), "Ctrl+-", lambda: self.zoom(0.8)),
            (self.tr("原始大小"), "Ctrl+1", self.actual_size),
        ):
            button = QPushButton(text)
            button.setToolTip(self.tr("%1（%2）").replace("%1", text).replace("%2", keys))
            button.clicked.connect(slot)
            QShortcut(QKeySequence(keys), self, activated=slot)
            bar.addWidget(button)
        bar.addStretch(1)
        self.size_label = QLabel(f"{self.pixmap.width()} × {self.pixmap.height()}")
        bar.addWidget(self.size_label)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.close)
        self.resize(1000, 700)
        self._render()

    def zoom_to_fit(self) -> None:
        self.fit = True
        self._render()

    def actual_size(self) -> None:
        self.fit, self.scale = False, 1.0
        self._render()

    def zoom(self, factor: float) -> None:
        if self.fit:
            self.scale = self._fit_scale()
        self.fit = False
        self.scale = min(8.0, max(0.05, self.scale * factor))
        self._render()

    def _fit_scale(self) -> float:
        if self.pixmap.isNull():
            return 1.0
        area = self.scroll.viewport().size()
        return min(1.0, area.width() / self.pixmap.width(), area.height() / self.pixmap.height())

    def _render(self) -> None:
        if self.pixmap.isNull():
            self.picture.setText(self.tr("无法显示这张图片"))
            return
        scale = self._fit_scale() if self.fit else self.scale
        size = self.pixmap.size() * scale
        self.picture.setPixmap(
            self.pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        )
        self.picture.resize(self.picture.pixmap().size())

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.fit:
            self._render()
