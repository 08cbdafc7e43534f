"""The one way work leaves the UI thread: a task runner with results by signal.

Disk work (the local store, photo preparation) runs on one serial worker, so SQLite sees one
writer and edits happen in the order the user made them; network work runs on a small pool.
Results and errors come back as queued signals on the UI thread, and only to a receiver that is
still alive: a task asked for by a widget names it as its ``owner``, and once that object is gone
(a window closed, a user switched, signed out) the answer is dropped instead of reaching a deleted
C++ object. A task that runs longer than ``progress_delay`` announces itself (``busy``) so the UI
can show progress without flicker, and every task can be cancelled (its callbacks are then dropped;
the function sees ``task.cancelled``).
"""

from __future__ import annotations

import contextlib
import threading
import traceback
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot


def alive(owner: QObject | None) -> bool:
    """True while ``owner``'s C++ object exists (None: nobody to outlive)."""
    return owner is None or shiboken6.isValid(owner)


def guarded(owner: QObject | None, callback: Callable[..., Any] | None) -> Callable[..., Any] | None:
    """``callback`` that does nothing once ``owner`` has been destroyed."""
    if callback is None or owner is None:
        return callback

    def call(*args: Any) -> Any:
        return callback(*args) if alive(owner) else None

    return call


class Lane(StrEnum):
    DISK = "disk"  # serial: the store and the file cache
    NETWORK = "network"  # parallel: the server


class Task(QObject):
    """One piece of background work; connect to its signals or pass callbacks to :meth:`TaskRunner.run`."""

    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    progress = Signal(int, int)  # done, total
    finished = Signal()

    def __init__(self, label: str = "") -> None:
        super().__init__()
        self.label = label
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class _Job(QRunnable):
    def __init__(self, task: Task, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        super().__init__()
        self.task, self.fn, self.args, self.kwargs = task, fn, args, kwargs
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:
            # the worker thread's traceback rides on the exception to the error presenter (getattr there)
            exc.__casedesk_traceback__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._tell(self.task.failed, exc)
        else:
            self._tell(self.task.succeeded, result)
        self._tell(self.task.finished)

    @staticmethod
    def _tell(signal: Any, *args: Any) -> None:
        """Emit, unless the task went with the process's teardown while this ran: then nobody is listening."""
        with contextlib.suppress(RuntimeError):  # "Signal source has been deleted"
            signal.emit(*args)


class TaskRunner(QObject):
    """Runs functions off the UI thread. ``error`` carries every failure nobody handled."""

    error = Signal(object)
    busy = Signal(object)  # a Task still running after ``progress_delay`` ms
    idle = Signal(object)  # that Task finished

    def __init__(self, parent: QObject | None = None, network_threads: int = 4, progress_delay: int = 400) -> None:
        super().__init__(parent)
        self._disk = QThreadPool(self)
        self._disk.setMaxThreadCount(1)
        self._network = QThreadPool(self)
        self._network.setMaxThreadCount(network_threads)
        self.progress_delay = progress_delay
        self._running: set[Task] = set()

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        lane: Lane = Lane.DISK,
        label: str = "",
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
        pass_task: bool = False,
        **kwargs: Any,
    ) -> Task:
        """Run ``fn(*args, **kwargs)`` (with ``task=`` when ``pass_task``) on ``lane``.

        ``on_done(result)`` / ``on_error(exc)`` run on the UI thread unless the task was cancelled
        or its ``owner`` (the widget that asked) has been destroyed meanwhile — then the task is
        cancelled and its answer dropped; an error without ``on_error`` goes to :attr:`error`.
        """
        task = Task(label)
        if pass_task:
            kwargs["task"] = task
        self._running.add(task)
        if owner is not None:
            owner.destroyed.connect(task.cancel)

        def done(result: Any) -> None:
            if not task.cancelled and alive(owner) and on_done is not None:
                on_done(result)

        def failed(exc: BaseException) -> None:
            if task.cancelled or not alive(owner):
                return
            if on_error is not None:
                on_error(exc)
            else:
                self.error.emit(exc)

        def finished() -> None:
            self._running.discard(task)
            timer.stop()
            self.idle.emit(task)

        timer = QTimer(task)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self.busy.emit(task) if task in self._running else None)
        timer.start(self.progress_delay)
        task.succeeded.connect(done)
        task.failed.connect(failed)
        task.finished.connect(finished)
        pool = self._disk if lane is Lane.DISK else self._network
        pool.start(_Job(task, fn, args, kwargs))
        return task

    @Slot()
    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for every queued task (tests and shutdown only: it blocks)."""
        return self._disk.waitForDone(msecs) and self._network.waitForDone(msecs)

    @property
    def running(self) -> int:
        return len(self._running)
