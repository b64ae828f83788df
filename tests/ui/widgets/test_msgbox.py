"""Message boxes open with show() and report through callbacks; Japanese buttons."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kokuho_pc.ui.widgets import msgbox
from kokuho_pc.ui.widgets.progress_dialog import ProgressDialog
from kokuho_pc.ui.widgets.qt import QMessageBox, Qt, QWidget


def _parent(qtbot: QtBot) -> QWidget:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    return parent


def test_confirm_runs_exactly_one_callback(qtbot: QtBot) -> None:
    calls: list[str] = []
    parent = _parent(qtbot)  # keep a reference: qtbot holds widgets weakly
    box = msgbox.confirm(parent, "確定指示", "確定しますか。",
                         lambda: calls.append("yes"), lambda: calls.append("no"))
    assert box.isVisible() and not calls  # non-blocking
    yes = box.button(QMessageBox.StandardButton.Yes)
    no = box.button(QMessageBox.StandardButton.No)
    assert (yes.text(), no.text()) == ("はい", "いいえ")
    assert box.defaultButton() is no
    yes.click()
    assert calls == ["yes"]
    box2 = msgbox.confirm(None, "確定指示", "確定しますか。",
                          lambda: calls.append("yes"), lambda: calls.append("no"))
    qtbot.keyClick(box2, Qt.Key.Key_Escape)
    assert calls == ["yes", "no"]


def test_information_and_warning_callbacks(qtbot: QtBot) -> None:
    closed: list[str] = []
    box = msgbox.information(None, "送信", "送信しました。", lambda: closed.append("info"))
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.button(QMessageBox.StandardButton.Ok).click()
    parent = _parent(qtbot)
    warn = msgbox.warning(parent, "媒体", "媒体が見つかりません。",
                          lambda: closed.append("warn"))
    assert warn.icon() == QMessageBox.Icon.Warning
    warn.button(QMessageBox.StandardButton.Ok).click()
    assert closed == ["info", "warn"]


def test_progress_dialog_escape_and_close_mean_cancel(qtbot: QtBot) -> None:
    dialog = ProgressDialog("送信しています…", cancellable=True)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.cancel_requested, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # stays until the job ends
    assert not dialog.cancel_button.isEnabled()
    dialog.close()
    assert dialog.isVisible()
    dialog.finish()
    assert not dialog.isVisible()
    fixed = ProgressDialog("ログインしています…", cancellable=False)
    qtbot.addWidget(fixed)
    fixed.show()
    assert not fixed.cancel_button.isVisible()
    with qtbot.assertNotEmitted(fixed.cancel_requested):
        qtbot.keyClick(fixed, Qt.Key.Key_Escape)
    fixed.set_progress(3, 10, "3件目")
    assert fixed.bar.maximum() == 10 and fixed.bar.value() == 3
    assert fixed.label.text() == "3件目"
    fixed.finish()
