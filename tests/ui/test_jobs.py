"""The background-job helper: off the GUI thread, delayed progress, cancel, typed errors."""

from __future__ import annotations

import threading
import time

from pytestqt.qtbot import QtBot

from kokuho_pc.domain.errors import Cancelled, TransferError
from kokuho_pc.services.jobs_protocol import CancelToken, ProgressReporter
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.error_dialog import ErrorDialog
from kokuho_pc.ui.widgets.progress_dialog import ProgressDialog
from kokuho_pc.ui.widgets.qt import QApplication, QThread, QWidget
from kokuho_pc.ui.widgets.qt import qt_object_alive as qt_alive


def _progress_dialogs() -> list[ProgressDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ProgressDialog)
            and w.isVisible()]


def test_work_runs_off_the_gui_thread_and_result_comes_back_on_it(
    qtbot: QtBot, jobs: JobRunner
) -> None:
    gui_ident = threading.get_ident()
    gui_thread = QThread.currentThread()
    seen: dict[str, object] = {}

    def work(progress: ProgressReporter, cancel: CancelToken) -> int:
        seen["work_ident"] = threading.get_ident()
        seen["work_is_gui_qthread"] = QThread.currentThread() is gui_thread
        return 42

    def on_success(value: int) -> None:
        seen["value"] = value
        seen["callback_ident"] = threading.get_ident()

    jobs.run(work, on_success)
    qtbot.waitUntil(lambda: "value" in seen, timeout=3000)
    assert seen["work_ident"] != gui_ident
    assert seen["work_is_gui_qthread"] is False
    assert seen["callback_ident"] == gui_ident
    assert seen["value"] == 42


def test_store_work_is_serialised_on_one_thread(qtbot: QtBot, jobs: JobRunner) -> None:
    idents: list[int] = []
    overlapping: list[bool] = []
    running = threading.Lock()

    def work(progress: ProgressReporter, cancel: CancelToken) -> None:
        overlapping.append(not running.acquire(blocking=False))
        try:
            idents.append(threading.get_ident())
            time.sleep(0.02)
        finally:
            if not overlapping[-1]:
                running.release()

    done: list[None] = []
    for _ in range(4):
        jobs.run(work, done.append, store=True)
    qtbot.waitUntil(lambda: len(done) == 4, timeout=3000)
    assert len(set(idents)) == 1
    assert threading.get_ident() not in idents
    assert not any(overlapping)


def test_fast_work_shows_no_progress_dialog(qtbot: QtBot, jobs: JobRunner) -> None:
    done: list[str] = []
    job = jobs.run(lambda p, c: "ok", done.append, progress_label="処理しています…")
    qtbot.waitUntil(lambda: done == ["ok"], timeout=2000)
    qtbot.wait(700)  # well past the 0.5 s threshold
    assert job.dialog is None
    assert _progress_dialogs() == []


def test_slow_work_shows_progress_after_half_a_second(qtbot: QtBot, jobs: JobRunner) -> None:
    release = threading.Event()
    done: list[str] = []

    def work(progress: ProgressReporter, cancel: CancelToken) -> str:
        progress(1, 3, "1件目を処理しています…")
        release.wait(5)
        return "ok"

    started = time.monotonic()
    job = jobs.run(work, done.append, progress_label="処理しています…")
    qtbot.wait(300)
    assert _progress_dialogs() == []
    qtbot.waitUntil(lambda: bool(_progress_dialogs()), timeout=2000)
    assert time.monotonic() - started >= 0.45
    dialog = _progress_dialogs()[0]
    assert dialog.label.text() == "1件目を処理しています…"
    assert dialog.bar.maximum() == 3
    release.set()
    qtbot.waitUntil(lambda: done == ["ok"], timeout=2000)
    assert job.dialog is None
    qtbot.waitUntil(lambda: _progress_dialogs() == [], timeout=1000)


def test_cancel_button_stops_the_work(qtbot: QtBot, jobs: JobRunner) -> None:
    failures: list[BaseException] = []

    def work(progress: ProgressReporter, cancel: CancelToken) -> None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            cancel.raise_if_cancelled()
            time.sleep(0.01)

    jobs.run(work, lambda _r: None, failures.append, progress_label="送信しています…")
    qtbot.waitUntil(lambda: bool(_progress_dialogs()), timeout=2000)
    dialog = _progress_dialogs()[0]
    dialog.cancel_button.click()
    assert dialog.label.text() == "中止しています…"
    qtbot.waitUntil(lambda: bool(failures), timeout=2000)
    assert isinstance(failures[0], Cancelled)


def test_typed_error_goes_to_on_failure(qtbot: QtBot, jobs: JobRunner) -> None:
    failures: list[BaseException] = []

    def work(progress: ProgressReporter, cancel: CancelToken) -> None:
        raise TransferError()

    jobs.run(work, lambda _r: None, failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=2000)
    assert isinstance(failures[0], TransferError)


def test_default_failure_opens_the_error_dialog(qtbot: QtBot, jobs: JobRunner) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()

    def work(progress: ProgressReporter, cancel: CancelToken) -> None:
        raise TransferError()

    job = jobs.run(work, lambda _r: None, parent=parent)
    qtbot.waitUntil(lambda: job.done, timeout=2000)
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)]
    assert len(dialogs) == 1
    assert dialogs[0].message_label.text() == TransferError.default_message


def test_unexpected_error_is_logged_without_its_message(
    qtbot: QtBot, jobs: JobRunner, caplog: object
) -> None:
    import logging

    import pytest

    assert isinstance(caplog, pytest.LogCaptureFixture)
    failures: list[BaseException] = []

    def work(progress: ProgressReporter, cancel: CancelToken) -> None:
        raise KeyError("山田太郎")

    with caplog.at_level(logging.ERROR, logger="kokuho_pc.ui.jobs"):
        jobs.run(work, lambda _r: None, failures.append)
        qtbot.waitUntil(lambda: bool(failures), timeout=2000)
    assert "builtins.KeyError" in caplog.text
    assert "山田太郎" not in caplog.text


def test_result_is_dropped_when_the_parent_window_is_gone(
    qtbot: QtBot, jobs: JobRunner
) -> None:
    parent = QWidget()
    release = threading.Event()
    delivered: list[object] = []
    job = jobs.run(lambda p, c: release.wait(5), delivered.append, delivered.append,
                   parent=parent)
    parent.deleteLater()
    qtbot.waitUntil(lambda: not qt_alive(parent), timeout=1000)
    release.set()
    qtbot.waitUntil(lambda: job.done, timeout=2000)
    assert delivered == []
