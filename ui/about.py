"""帮助 → 关于 CaseDesk, and 工具 → 首选项: small dialogs, opened non-modal (``open``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from casework.version import version
from ui.labels import role_label
from ui.lock import DEFAULT_IDLE_MINUTES, IDLE_LOCK_SETTING, IDLE_MINUTES_RANGE

#: Background sync interval offered in the preferences, in seconds.
SYNC_INTERVALS = (15, 600)
DEFAULT_SYNC_INTERVAL = 60


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class AboutDialog(QDialog):
    """Version, server, signed-in user, data folder, and a button that opens the logs folder."""

    def __init__(self, server: str, user: str, role: str, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("关于 CaseDesk"))
        self.setObjectName("about_dialog")
        self.logs_dir = data_dir / "logs"
        title = QLabel(self.tr("CaseDesk 12345工单办理"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        form = QFormLayout()
        self.version = _plain(version())
        self.server = _plain(server)
        self.user = _plain(self.tr("%1（%2）").replace("%1", user).replace("%2", role_label(role)) if role else user)
        self.data_dir = _plain(str(data_dir))
        form.addRow(self.tr("版本"), self.version)
        form.addRow(self.tr("服务器"), self.server)
        form.addRow(self.tr("当前用户"), self.user)
        form.addRow(self.tr("数据文件夹"), self.data_dir)
        self.open_logs = QPushButton(self.tr("打开日志文件夹"))
        self.open_logs.clicked.connect(self.show_logs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.open_logs, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def show_logs(self) -> bool:
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.logs_dir)))


class PreferencesDialog(QDialog):
    """Language, background sync interval, the idle lock's minutes, and where the data lives (shown,
    not changed here).

    ``language_chosen(code)`` fires on OK when the language changed; the interval is written to
    ``settings`` ("sync_interval", seconds) and used from the next sign-in.
    """

    language_chosen = Signal(str)

    def __init__(
        self, settings: QSettings | None, language: str, data_dir: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("首选项"))
        self.setObjectName("preferences_dialog")
        self.settings = settings
        self.initial_language = language
        self.language = QComboBox()
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(language)))
        self.interval = QSpinBox()
        self.interval.setRange(*SYNC_INTERVALS)
        self.interval.setSuffix(self.tr(" 秒"))
        saved = settings.value("sync_interval", DEFAULT_SYNC_INTERVAL) if settings is not None else None
        self.interval.setValue(int(float(saved or DEFAULT_SYNC_INTERVAL)))
        self.interval.setToolTip(self.tr("后台自动同步的间隔；下次登录起生效"))
        self.idle_lock = QSpinBox()
        self.idle_lock.setObjectName("idle_lock_minutes")
        self.idle_lock.setRange(*IDLE_MINUTES_RANGE)
        self.idle_lock.setSuffix(self.tr(" 分钟"))
        saved_lock = settings.value(IDLE_LOCK_SETTING, DEFAULT_IDLE_MINUTES) if settings is not None else None
        self.idle_lock.setValue(max(1, round(float(saved_lock or DEFAULT_IDLE_MINUTES))))
        self.idle_lock.setToolTip(self.tr("无操作多长时间后锁定窗口（解锁需输入密码）；立即生效"))
        self.data_dir = _plain(str(data_dir))
        form = QFormLayout()
        form.addRow(self.tr("界面语言"), self.language)
        form.addRow(self.tr("同步间隔"), self.interval)
        form.addRow(self.tr("自动锁定"), self.idle_lock)
        form.addRow(self.tr("数据文件夹"), self.data_dir)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def accept(self) -> None:
        if self.settings is not None:
            self.settings.setValue("sync_interval", self.interval.value())
            self.settings.setValue(IDLE_LOCK_SETTING, self.idle_lock.value())
            self.settings.sync()
        super().accept()
        chosen = self.language.currentData()
        if chosen != self.initial_language:
            self.language_chosen.emit(chosen)
