"""Choosing the photos of an on-site check: file dialog, drag and drop, paste, or a camera card's folder.

Every file is prepared (rotated, shrunk, thumbnailed) and cached by ``Workspace.add_files`` on the
disk lane, one file per task, so tiles appear as they are ready and the UI thread never reads a
file. Also home of the two helpers every desk dialog uses to speak the user's language.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPixmap,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnsupportedFile
from desktop.workspace import LocalFile, Workspace
from ui.errors import message_of, show_message
from ui.labels import photo_tag_label

TAGS = ("before", "after", "other")
THUMB = 112  # the tile's picture, in pixels
_IMAGE_SUFFIXES = "*.jpg *.jpeg *.png *.webp *.heic *.JPG *.JPEG *.PNG *.WEBP *.HEIC"


def _expand(paths: list[Path]) -> list[Path]:
    """Files to attach: the files given, and every visible file under the folders given, by name."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.parts)
            )
        elif path.is_file():
            found.append(path)
    return found


def _save_pasted(image: QImage) -> Path:
    """The clipboard's image as a PNG in a fresh temp folder (removed once it is cached)."""
    folder = Path(tempfile.mkdtemp(prefix="casedesk-paste-"))
    path = folder / f"paste-{datetime.now():%Y%m%d-%H%M%S}.png"
    if not image.save(str(path), "PNG"):
        shutil.rmtree(folder, ignore_errors=True)
        raise OSError(f"cannot save the pasted image to {path}")
    return path


class _Tile(QFrame):
    """One photo: its thumbnail, its name, its tag and a remove button."""

    removed = Signal(object)  # the tile
    tag_changed = Signal()

    def __init__(self, file: LocalFile, tag: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.file = file
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(THUMB + 24)
        self.picture = QLabel(self.tr("（无预览）"))
        self.picture.setFixedSize(THUMB, THUMB)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: #f0f0f0; color: #888;")
        name = QLabel(self.fontMetrics().elidedText(file.name, Qt.TextElideMode.ElideMiddle, THUMB))
        name.setToolTip(file.name)
        self.tag = QComboBox()
        for value in TAGS:
            self.tag.addItem(photo_tag_label(value), value)
        self.tag.setCurrentIndex(TAGS.index(tag) if tag in TAGS else TAGS.index("other"))
        self.tag.currentIndexChanged.connect(lambda _: self.tag_changed.emit())
        remove = QToolButton()
        remove.setText("×")
        remove.setToolTip(self.tr("移除这张照片"))
        remove.clicked.connect(lambda: self.removed.emit(self))
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(name, 1)
        top.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(top)
        layout.addWidget(self.tag)

    def set_thumbnail(self, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.picture.setPixmap(
                pixmap.scaled(
                    QSize(THUMB, THUMB), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
            )
        elif self.file.media_type == "application/pdf":
            self.picture.setText("PDF")


class _Batch:
    """Files added together (one drop, one folder): refusals are reported once, at its end."""

    def __init__(self, total: int, cleanup: Path | None) -> None:
        self.total = total
        self.done = 0
        self.refused: list[tuple[Path, UnsupportedFile]] = []
        self.failed: list[tuple[Path, BaseException]] = []
        self.cleanup = cleanup


class PhotoPicker(QWidget):
    """A grid of photos with a tag each (整改前/整改后/其他).

    Photos come from 添加照片 (file dialog), 导入文件夹 (a whole folder, e.g. a camera card),
    dropped files or folders, and Ctrl+V of an image or of copied files. They are prepared by
    ``workspace.add_files`` off the UI thread while a progress bar shows.

    Signals:
        changed(): a photo was added or removed, or a tag changed.
        busy_changed(bool): preparing files started (True) or everything is ready (False).
        refused(list): ``[(Path, UnsupportedFile | OSError)]`` files of a finished batch that were not taken;
            also shown to the user in a message box.
    """

    changed = Signal()
    busy_changed = Signal(bool)
    refused = Signal(object)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, default_tag: str = "other") -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.default_tag = default_tag
        self._tiles: list[_Tile] = []
        self._batches: list[_Batch] = []
        self.setAcceptDrops(True)

        add = QPushButton(self.tr("添加照片…"))
        add.clicked.connect(self.choose_files)
        folder = QPushButton(self.tr("导入文件夹…"))
        folder.setToolTip(self.tr("导入一个文件夹（如相机存储卡）中的全部照片"))
        folder.clicked.connect(self.choose_folder)
        paste = QPushButton(self.tr("粘贴"))
        paste.setToolTip(self.tr("粘贴剪贴板中的图片（Ctrl+V）"))
        paste.clicked.connect(self.paste)
        self.count = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(folder)
        buttons.addWidget(paste)
        buttons.addStretch(1)
        buttons.addWidget(self.progress)
        buttons.addWidget(self.count)

        self.hint = QLabel(self.tr("把照片或文件夹拖到这里，或按 Ctrl+V 粘贴截图"))
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet("color: #777; padding: 16px;")
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(4, 4, 4, 4)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        inner_layout.addWidget(self.hint)
        inner_layout.addWidget(self._grid_host)
        inner_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(inner)
        self.scroll.setMinimumHeight(THUMB + 90)
        self.scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.scroll, 1)

        shortcut = QShortcut(QKeySequence.StandardKey.Paste, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.paste)
        self._update_count()

    # --- what the dialog reads ------------------------------------------------------------------

    def photos(self) -> list[tuple[LocalFile, str]]:
        """The photos in the order shown, each with its tag ("before", "after" or "other")."""
        return [(tile.file, tile.tag.currentData()) for tile in self._tiles]

    def is_busy(self) -> bool:
        return bool(self._batches)

    def set_tag(self, index: int, tag: str) -> None:
        """Set the tag of the ``index``-th photo (keyboard users and tests)."""
        combo = self._tiles[index].tag
        combo.setCurrentIndex(combo.findData(tag))

    def clear(self) -> None:
        for tile in list(self._tiles):
            self._remove(tile)

    # --- adding -------------------------------------------------------------------------------------

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("添加照片"),
            "",
            self.tr("图片和 PDF") + f" ({_IMAGE_SUFFIXES} *.pdf *.PDF);;" + self.tr("所有文件") + " (*)",
        )
        if names:
            self.add_paths(names)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("导入文件夹"))
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: Path | str) -> None:
        """Every file in ``folder`` and its subfolders (a camera card's DCIM, say)."""
        self.add_paths([folder])

    def add_paths(self, paths: Iterable[Path | str], cleanup: Path | None = None) -> None:
        """Prepare and add these files (folders are expanded); ``cleanup`` is a temp folder to delete after."""
        paths = [Path(p) for p in paths]
        batch = _Batch(0, cleanup)
        self._start(batch)
        self._run(lambda: _expand(paths), on_done=lambda files: self._prepare(batch, files), batch=batch)

    def paste(self) -> None:
        """Add the clipboard's image (a screenshot) or the files copied in a file manager."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is not None and mime.hasUrls() and any(url.isLocalFile() for url in mime.urls()):
            self.add_paths(url.toLocalFile() for url in mime.urls() if url.isLocalFile())
        elif mime is not None and mime.hasImage():
            self.add_image(QGuiApplication.clipboard().image())

    def add_image(self, image: QImage) -> None:
        """Add an image that is not a file yet (pasted or dropped): saved to a temp PNG, then added."""
        if image.isNull():
            return
        batch = _Batch(0, None)
        self._start(batch)

        def saved(path: Path) -> None:
            batch.cleanup = path.parent
            self._prepare(batch, [path])

        self._run(lambda: _save_pasted(image), on_done=saved, batch=batch)

    # --- drag and drop ----------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if (mime.hasUrls() and any(url.isLocalFile() for url in mime.urls())) or mime.hasImage():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        local = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
        if local:
            self.add_paths(local)
        elif mime.hasImage():
            self.add_image(QImage(mime.imageData()))
        else:
            event.ignore()
            return
        event.acceptProposedAction()

    # --- the pipeline -------------------------------------------------------------------------------

    def _run(self, fn: Any, *, on_done: Any, batch: _Batch) -> None:
        self.workspace.runner.run(fn, on_done=on_done, on_error=lambda exc: self._failed(batch, None, exc), owner=self)

    def _prepare(self, batch: _Batch, files: list[Path]) -> None:
        batch.total = len(files)
        self._show_progress()
        if not files:
            self._finish(batch)
            return
        for path in files:
            self.workspace.add_files(
                [path],
                on_done=lambda result, p=path: self._prepared(batch, p, result),
                on_error=lambda exc, p=path: self._failed(batch, p, exc),
                owner=self,
            )

    def _prepared(self, batch: _Batch, path: Path, result: tuple[list[LocalFile], list[Any]]) -> None:
        kept, refused = result
        batch.refused += refused
        known = {tile.file.sha256 for tile in self._tiles}
        for file in kept:
            if file.sha256 in known:
                continue  # the same photo twice is one photo
            tile = self._add_tile(file)
            self.workspace.runner.run(
                self.workspace.reads.thumbnail,
                file.sha256,
                on_done=lambda data, t=tile: t.set_thumbnail(data) if t in self._tiles else None,
                on_error=lambda _: None,  # no preview is not worth a message
                owner=self,
            )
        self._step(batch)

    def _failed(self, batch: _Batch, path: Path | None, exc: BaseException) -> None:
        if not isinstance(exc, OSError | UnsupportedFile):
            self.workspace.runner.error.emit(exc)  # a bug: to the crash handler
        batch.failed.append((path or Path(), exc))
        if path is None:  # listing the folder or saving the paste failed: nothing more comes
            self._finish(batch)
        else:
            self._step(batch)

    def _step(self, batch: _Batch) -> None:
        batch.done += 1
        self._show_progress()
        if batch.done >= batch.total:
            self._finish(batch)

    def _start(self, batch: _Batch) -> None:
        self._batches.append(batch)
        self._show_progress()
        if len(self._batches) == 1:
            self.busy_changed.emit(True)

    def _finish(self, batch: _Batch) -> None:
        if batch not in self._batches:
            return
        self._batches.remove(batch)
        if batch.cleanup is not None:
            self.workspace.runner.run(shutil.rmtree, batch.cleanup, ignore_errors=True, owner=self)
        self._show_progress()
        problems: list[tuple[Path, BaseException]] = [*batch.refused, *batch.failed]
        if problems:
            self.refused.emit(problems)
            self._report(problems)
        if not self._batches:
            self.busy_changed.emit(False)

    def _report(self, problems: list[tuple[Path, BaseException]]) -> None:
        lines = [f"{path.name}: {message_of(exc)}" if path.name else message_of(exc) for path, exc in problems]
        text = self.tr("有 %1 个文件未能添加。").replace("%1", str(len(problems)))
        show_message(self, self.tr("部分文件未添加"), text + "\n\n" + "\n".join(lines[:10]), "\n".join(lines))

    def _show_progress(self) -> None:
        total = sum(b.total for b in self._batches)
        done = sum(b.done for b in self._batches)
        self.progress.setVisible(bool(self._batches))
        self.progress.setRange(0, total)  # (0, 0) while a folder is being listed: a busy bar
        self.progress.setValue(done)
        self.progress.setFormat(self.tr("正在处理照片 %1/%2").replace("%1", str(done)).replace("%2", str(total)))

    # --- tiles --------------------------------------------------------------------------------------

    def _add_tile(self, file: LocalFile) -> _Tile:
        tile = _Tile(file, self.default_tag)
        tile.removed.connect(self._remove)
        tile.tag_changed.connect(self.changed)
        self._tiles.append(tile)
        self._relayout()
        self.changed.emit()
        return tile

    def _remove(self, tile: _Tile) -> None:
        # The cached blob stays: it is content-addressed, and another check may use the same photo.
        self._tiles.remove(tile)
        tile.deleteLater()
        self._relayout()
        self.changed.emit()

    def _relayout(self) -> None:
        for tile in self._tiles:
            self._grid.removeWidget(tile)
        columns = max(1, (self.scroll.viewport().width() - 8) // (THUMB + 30))
        for index, tile in enumerate(self._tiles):
            self._grid.addWidget(tile, index // columns, index % columns)
        self.hint.setVisible(not self._tiles)
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(self.tr("%1 张").replace("%1", str(len(self._tiles))))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()
