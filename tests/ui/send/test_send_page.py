"""The 移入・送信 screen driven for real: real simulator process, demo profile, approved media."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from kokuho_pc.transfer.staging import StagingArea
from kokuho_pc.ui.send.send_page import SendPage
from kokuho_pc.ui.widgets.qt import QItemSelectionModel
from tests.transfer.harness import submissions, tree_hash, write_files
from tests.ui.transfer_env import TIMEOUT, TransferEnv, shot, sim_env, transfer_env, tsukuba_set
from tests.ui.widget_scan import my_numbers_on_screen

__all__ = ["sim_env", "transfer_env"]


@pytest.fixture
def page(qtbot: QtBot, transfer_env: TransferEnv) -> Iterator[SendPage]:
    widget = SendPage(transfer_env.context)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: not widget.picker.loading, timeout=TIMEOUT)
    yield widget
    qtbot.waitUntil(lambda: not transfer_env.context.jobs.active_jobs(), timeout=TIMEOUT)


def choose(qtbot: QtBot, page: SendPage, env: TransferEnv) -> None:
    assert page.picker.choose_path(env.usb)
    qtbot.waitUntil(lambda: page.medium is not None and not page.loading, timeout=TIMEOUT)
    assert page.check_button.isEnabled(), (page.files_label.text(), page.banner.text())


def media_cells(page: SendPage) -> dict[str, tuple[str, str, bool]]:
    model = page.picker.model
    out = {}
    for row in range(model.rowCount()):
        name = str(model.data(model.index(row, 0)))
        enabled = bool(model.flags(model.index(row, 0)))
        out[name] = (str(model.data(model.index(row, 1))), str(model.data(model.index(row, 2))),
                     enabled)
    return out


def test_media_listed_unapproved_disabled_with_reason(qtbot: QtBot, page: SendPage,
                                                      transfer_env: TransferEnv) -> None:
    cells = media_cells(page)
    assert cells["USB-01"] == ("疑似媒体", "使用許可済み", True)
    kind, reason, enabled = cells["STICK-99"]
    assert kind == "疑似媒体" and not enabled
    assert reason == "この媒体は使用許可されていません(未登録の媒体です)。"
    assert not page.picker.choose_path(transfer_env.stick)
    assert page.medium is None and not page.check_button.isEnabled()
    assert not page.send_button.isEnabled()


def test_send_a_valid_set_and_see_it_accepted(qtbot: QtBot, page: SendPage,
                                              transfer_env: TransferEnv,
                                              qtmodeltester: ModelTester) -> None:
    env = transfer_env
    files = tsukuba_set(first=100)
    write_files(env.usb, files)
    before_medium, before_count = tree_hash(env.usb), submissions(env.sim)
    choose(qtbot, page, env)
    model = page.files_model
    assert model.total_count() == 2
    assert [model.data(model.index(0, c)) for c in (0, 1, 4)] == [
        sorted(files)[0], "資格情報(世帯)", "未送信"]
    assert model.data(model.index(0, 3)) == "R8.10.6 09:00"
    assert not page.send_button.isEnabled()  # nothing checked yet
    qtbot.mouseClick(page.check_button, qtbot_left())
    qtbot.waitUntil(lambda: page.check_view.report is not None, timeout=TIMEOUT)
    assert page.check_view.report.valid
    assert "誤りはありません" in page.check_view.summary.text()
    assert page.send_button.isEnabled()
    shot(page, "send_checked")
    qtbot.mouseClick(page.send_button, qtbot_left())
    qtbot.waitUntil(lambda: page.last_result is not None and not page.busy, timeout=TIMEOUT)
    result = page.last_result
    assert result is not None and result.all_accepted
    assert submissions(env.sim) == before_count + 1
    rm = page.result_model
    assert rm.data(rm.index(0, 1)) == str(result.outcomes[0].submission_id)
    assert rm.data(rm.index(0, 2)) == "12人"
    assert str(rm.data(rm.index(0, 4))).startswith("受付済")
    assert "一時ファイルは削除しました" in page.banner.text() and page.banner.level == "ok"
    assert StagingArea(env.profile.staging_dir).leftover_files() == []
    assert tree_hash(env.usb) == before_medium  # the medium is never modified
    qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)
    assert page.files_model.data(page.files_model.index(0, 4)) == "送信済"
    assert not page.send_button.isEnabled()  # a new check is needed for another send
    shot(page, "send_result")
    assert my_numbers_on_screen([page]) == []
    for model in (page.picker.model, page.files_model, page.result_model):
        qtmodeltester.check(model)
    page.clear_for_lock()  # the idle lock empties everything shown
    assert page.files_model.rowCount() == page.result_model.rowCount() == 0
    assert page.picker.model.rowCount() == 0 and not page.send_button.isEnabled()
    page.restore_after_unlock()
    qtbot.waitUntil(lambda: page.picker.model.rowCount() == 3, timeout=TIMEOUT)


def test_invalid_set_shows_located_errors_and_send_stays_disabled(
        qtbot: QtBot, page: SendPage, transfer_env: TransferEnv,
        qtmodeltester: ModelTester) -> None:
    env = transfer_env
    files = tsukuba_set(first=200)
    name = sorted(files)[1]  # KSK02
    broken = bytearray(files[name])
    broken[300 + 30] = ord("X")  # the second record's 世帯番号
    files[name] = bytes(broken)
    write_files(env.usb, files)
    before = submissions(env.sim)
    choose(qtbot, page, env)
    qtbot.mouseClick(page.check_button, qtbot_left())
    qtbot.waitUntil(lambda: not page.busy, timeout=TIMEOUT)
    assert page.banner.text() == ""
    report = page.check_view.report
    assert report is not None and not report.valid
    cm = page.check_view.model
    assert [cm.headerData(i, orientation()) for i in range(4)] == ["ファイル", "行", "項目",
                                                                   "内容"]
    rows = [[str(cm.data(cm.index(r, c))) for c in range(4)] for r in range(cm.rowCount())]
    assert [name, "2", "世帯番号", "KSK01ファイルにない世帯番号です。"] in rows
    assert all(r[1].isdigit() and r[2] and r[3] for r in rows)  # every problem located
    assert page.check_view.summary.level == "error"
    assert not page.send_button.isEnabled()
    assert submissions(env.sim) == before
    shot(page, "send_check_errors")
    qtmodeltester.check(cm)
    assert my_numbers_on_screen([page]) == []


def test_selection_decides_the_files_and_a_lone_ksk01_is_refused(
        qtbot: QtBot, page: SendPage, transfer_env: TransferEnv) -> None:
    env = transfer_env
    write_files(env.usb, tsukuba_set(first=300))
    choose(qtbot, page, env)
    page.files_table.selectionModel().select(
        page.files_model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    assert page.chosen_names() == (page.files_model.item(0).name,)
    qtbot.mouseClick(page.check_button, qtbot_left())
    qtbot.waitUntil(lambda: page.check_view.report is not None, timeout=TIMEOUT)
    assert not page.check_view.report.valid
    assert not page.send_button.isEnabled()


def test_cancel_during_send_sends_nothing_and_leaves_staging_empty(
        qtbot: QtBot, page: SendPage, transfer_env: TransferEnv) -> None:
    env = transfer_env
    write_files(env.usb, tsukuba_set(first=400))
    choose(qtbot, page, env)
    qtbot.mouseClick(page.check_button, qtbot_left())
    qtbot.waitUntil(lambda: page.send_button.isEnabled(), timeout=TIMEOUT)
    before = submissions(env.sim)
    # Hold the store thread so the cancel lands before the send reaches its first safe point.
    release = threading.Event()
    env.context.jobs.run(lambda _p, _c: release.wait(10), lambda _r: None, store=True)
    qtbot.mouseClick(page.send_button, qtbot_left())
    assert page.busy and page.cancel_button.isVisible()
    qtbot.mouseClick(page.cancel_button, qtbot_left())
    release.set()
    qtbot.waitUntil(lambda: not page.busy, timeout=TIMEOUT)
    assert page.banner.text().startswith("送信を中止しました。一時ファイルは削除しました。")
    assert submissions(env.sim) == before
    assert StagingArea(env.profile.staging_dir).leftover_files() == []
    assert page.last_result is None
    qtbot.waitUntil(lambda: not page.loading, timeout=TIMEOUT)
    assert page.send_button.isEnabled()  # the checked files can be sent again as they are
    assert page.files_model.data(page.files_model.index(0, 4)) == "未送信"
    shot(page, "send_cancelled")


def test_server_down_and_medium_removed_give_japanese_messages(
        qtbot: QtBot, page: SendPage, transfer_env: TransferEnv) -> None:
    env = transfer_env
    write_files(env.usb, tsukuba_set(first=500))
    choose(qtbot, page, env)
    qtbot.mouseClick(page.check_button, qtbot_left())
    qtbot.waitUntil(lambda: page.send_button.isEnabled(), timeout=TIMEOUT)
    env.sim.stop()
    try:
        qtbot.mouseClick(page.send_button, qtbot_left())
        qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    finally:
        env.sim.start()
    assert page.banner.level == "error"
    assert "国保情報集約システムに接続できません" in page.banner.text()
    assert "しばらく待ってから再度実行してください" in page.banner.text()
    assert StagingArea(env.profile.staging_dir).leftover_files() == []
    assert page.send_button.isEnabled()  # retry later with the same files
    shot(page, "send_server_down")
    # the medium is pulled out before the check
    for p in env.usb.iterdir():
        p.unlink()
    env.usb.rmdir()
    qtbot.mouseClick(page.check_button, qtbot_left())
    qtbot.waitUntil(lambda: not page.busy, timeout=TIMEOUT)
    assert page.banner.level == "error" and "媒体が見つかりません" in page.banner.text()


def qtbot_left() -> object:
    from kokuho_pc.ui.widgets.qt import Qt

    return Qt.MouseButton.LeftButton


def orientation() -> object:
    from kokuho_pc.ui.widgets.qt import Qt

    return Qt.Orientation.Horizontal


def test_disk_store_and_network_work_runs_off_the_gui_thread(
        qtbot: QtBot, page: SendPage, transfer_env: TransferEnv) -> None:
    env = transfer_env
    write_files(env.usb, tsukuba_set(first=600))
    gui = threading.current_thread()
    seen: dict[str, threading.Thread] = {}

    def recording(name: str, func: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            seen[name] = threading.current_thread()
            return func(*args, **kwargs)
        return call

    page.picker.service.media = recording("media", page.picker.service.media)
    page.views.files = recording("files", page.views.files)
    page.views.check = recording("check", page.views.check)
    page.sending.send = recording("send", page.sending.send)
    qtbot.mouseClick(page.picker.rescan_button, qtbot_left())
    qtbot.waitUntil(lambda: not page.picker.loading, timeout=TIMEOUT)
    choose(qtbot, page, env)
    qtbot.mouseClick(page.check_button, qtbot_left())
    qtbot.waitUntil(lambda: page.send_button.isEnabled(), timeout=TIMEOUT)
    qtbot.mouseClick(page.send_button, qtbot_left())
    qtbot.waitUntil(lambda: page.last_result is not None and not page.busy, timeout=TIMEOUT)
    assert set(seen) == {"media", "files", "check", "send"}
    assert all(thread is not gui for thread in seen.values())


def test_a_processed_set_is_not_resent_without_confirmation(
    qtbot: QtBot, page: SendPage, transfer_env: TransferEnv
) -> None:
    """Issue 14: sending the same content again shows the earlier receipt's warning; only
    「はい」 in the confirmation sends it again (a new submission)."""
    from tests.ui.admin.helpers import answer

    env = transfer_env
    write_files(env.usb, tsukuba_set(first=300))
    before = submissions(env.sim)

    def check_and_send() -> None:
        qtbot.waitUntil(lambda: not page.loading and not page.busy
                        and page.check_button.isEnabled(), timeout=TIMEOUT)
        page.last_result = None
        qtbot.mouseClick(page.check_button, qtbot_left())
        qtbot.waitUntil(lambda: page.send_button.isEnabled(), timeout=TIMEOUT)
        qtbot.mouseClick(page.send_button, qtbot_left())

    choose(qtbot, page, env)
    check_and_send()
    qtbot.waitUntil(lambda: page.last_result is not None and not page.busy, timeout=TIMEOUT)
    assert submissions(env.sim) == before + 1
    check_and_send()  # the same files again
    text = answer(qtbot, yes=False)
    assert "処理済み" in text and "受付番号" in text
    assert page.banner.level == "warn" and "再処理していません" in page.banner.text()
    assert submissions(env.sim) == before + 1
    check_and_send()
    answer(qtbot, yes=True)
    qtbot.waitUntil(lambda: submissions(env.sim) == before + 2 and not page.busy,
                    timeout=TIMEOUT)
