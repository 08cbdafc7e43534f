"""Answers reach only live receivers: a window closed (a role switch, a sign-out, a language switch)
while its background work is in flight never gets the answer — no "Internal C++ object already
deleted" — and a bug that does reach the crash handler fails the test at once instead of opening a
dialog that waits for a click."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from casework.schemas import UserOut
from desktop.tasks import TaskRunner
from desktop.workspace import Workspace
from tests.fixtures.desk import HANDLER, put
from ui.main_window import MainWindow


def test_an_answer_for_a_destroyed_owner_is_dropped(qtbot: Any) -> None:
    runner = TaskRunner()
    gate = threading.Event()
    owner = QWidget()
    heard: list[Any] = []
    task = runner.run(gate.wait, 5, owner=owner, on_done=heard.append, on_error=heard.append)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner), timeout=2000)
    assert task.cancelled  # the owner's end cancelled it
    gate.set()
    assert runner.wait(5000)
    qtbot.wait(50)
    assert heard == []
    # The same with a live owner: the answer arrives.
    alive = QObject()
    runner.run(lambda: 42, owner=alive, on_done=heard.append)
    qtbot.waitUntil(lambda: heard == [42], timeout=2000)


def test_closing_the_window_while_its_reads_are_in_flight(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace]
) -> None:
    ws = make_workspace(HANDLER)
    for order_id in range(1, 30):
        put(ws, "dispatched", order_id=order_id, number=f"GY20261130-{order_id:04d}")
    gate = threading.Event()
    ws.runner.run(gate.wait, 10)  # the disk lane is busy: every read the window asks for waits behind it
    windows = []
    for _ in range(3):
        window = MainWindow(ws)
        windows.append(window)
        window.show()
        window.workspace.changed.emit(set())  # counts, list and order reads queued behind the gate
        qtbot.wait(150)
        window.close()
        window.deleteLater()
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(w) for w in windows), timeout=3000)
    gate.set()  # now the answers come, for windows that are gone
    assert ws.runner.wait(10_000)
    qtbot.wait(200)  # a crash here would be reported by pytest-qt as an exception in the event loop


def test_a_status_that_stops_the_desk_while_its_sync_starts(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace]
) -> None:
    """The click on 同步 that starts a new round tells the window at once; the window may stop the
    desk right there (a revoked one is erased: seen in CI as "cannot join thread before it is
    started", after which the erase never happened)."""
    ws = make_workspace(HANDLER)
    stopped: list[int] = []

    def on_status(status: Any) -> None:  # the first is start_sync's own (the thread's come queued)
        if not stopped:
            stopped.append(len(ws.stop_revoked(timeout=5)))

    ws.status_changed.connect(on_status)
    ws.start_sync(interval=3600, poll=None)
    assert stopped == [0]  # stopped, nothing unsent; a raise in the slot fails the test (pytest-qt)
    ws.start_sync()  # a stopped desk does not start again
    assert stopped == [0]
