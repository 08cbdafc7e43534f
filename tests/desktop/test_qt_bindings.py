"""The Qt bindings the desk is installed with keep Python's reference counts (pyproject's PySide6 range).

PySide6 6.12.0 dropped one reference to ``True`` at every ``Signal.emit()`` and one to ``None`` at
every Python slot called from another thread's signal; on Python 3.11 both are counted objects, so
a desk that runs long enough aborts ("Fatal Python error: bool_dealloc" / "none_dealloc"), and
before that frees what it still uses. Each check runs in a child process, which such a release
kills: the test then fails with what the child printed instead of taking the test run with it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

EMITS = 5000  # more than True's references in a bare interpreter: 6.12.0 aborts, a sound release counts 0

SAME_THREAD = f"""
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Source(QObject):
    changed = Signal(int)

app = QCoreApplication([])
source, got = Source(), []
source.changed.connect(got.append)
before = sys.getrefcount(True), sys.getrefcount(None)
for i in range({EMITS}):
    source.changed.emit(i)
after = sys.getrefcount(True), sys.getrefcount(None)
print(len(got), before[0] - after[0], before[1] - after[1])
"""

OTHER_THREAD = f"""
import sys, threading
from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

class Source(QObject):
    changed = Signal(int)

class Sink(QObject):
    def __init__(self):
        super().__init__()
        self.got = 0

    @Slot(int)
    def take(self, value):
        self.got += 1
        if self.got == {EMITS}:
            QCoreApplication.quit()

app = QCoreApplication([])
source, sink = Source(), Sink()
source.changed.connect(sink.take)  # queued: the slot runs in the main thread's event loop
before = sys.getrefcount(True), sys.getrefcount(None)
worker = threading.Thread(target=lambda: [source.changed.emit(i) for i in range({EMITS})])
worker.start()
app.exec()
worker.join()
after = sys.getrefcount(True), sys.getrefcount(None)
print(sink.got, before[0] - after[0], before[1] - after[1])
"""


def _lost(script: str) -> tuple[int, int, int]:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    received, true_lost, none_lost = (int(n) for n in done.stdout.split())
    return received, true_lost, none_lost


def test_emitting_a_signal_keeps_the_references_to_true_and_none() -> None:
    received, true_lost, none_lost = _lost(SAME_THREAD)
    assert received == EMITS
    assert abs(true_lost) < 10 and abs(none_lost) < 10, (true_lost, none_lost)


def test_a_slot_called_from_another_thread_keeps_the_references() -> None:
    received, true_lost, none_lost = _lost(OTHER_THREAD)
    assert received == EMITS
    assert abs(true_lost) < 10 and abs(none_lost) < 10, (true_lost, none_lost)
