"""The 受信・移出 screen driven for real: deliveries from a real simulator exported to a medium."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from kokuho_pc.domain.leakscan import find_my_numbers_in_bytes
from kokuho_pc.services.sending import SendingService
from kokuho_pc.transfer.staging import StagingArea
from kokuho_pc.ui.receive.receive_page import ReceivePage
from kokuho_pc.ui.widgets.qt import Qt
from kokuho_pc.ui.widgets.transfer_models import short_moment
from tests.transfer.harness import STAFF, write_files
from tests.ui.transfer_env import TIMEOUT, TransferEnv, shot, sim_env, transfer_env, tsukuba_set
from tests.ui.widget_scan import my_numbers_on_screen

__all__ = ["sim_env", "transfer_env"]


def sent(env: TransferEnv, first: int) -> None:
    """Send a つくば市 set through the real sending service (deliveries follow)."""
    write_files(env.usb, tsukuba_set(first=first))
    result = SendingService(env.profile).send(env.session, env.usb)
    assert result.all_accepted


@pytest.fixture
def page(qtbot: QtBot, transfer_env: TransferEnv) -> Iterator[ReceivePage]:
    sent(transfer_env, 700)
    widget = ReceivePage(transfer_env.context)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: not widget.picker.loading and not widget.loading, timeout=TIMEOUT)
    yield widget
    qtbot.waitUntil(lambda: not transfer_env.context.jobs.active_jobs(), timeout=TIMEOUT)


def rows(page: ReceivePage) -> list[list[str]]:
    m = page.model
    return [[str(m.data(m.index(r, c))) for c in range(m.columnCount())]
            for r in range(m.rowCount())]


def acknowledged_on_server(env: TransferEnv) -> dict[str, bool]:
    with env.sim.session("082201", staff=STAFF) as http:
        listed = http.get(env.sim.url("/api/v1/deliveries?include_acknowledged=true")).json()
    return {d["name"]: d["acknowledged"] for d in listed["deliveries"]}


def test_deliveries_listed_then_exported_and_acknowledged(
        qtbot: QtBot, page: ReceivePage, transfer_env: TransferEnv,
        qtmodeltester: ModelTester) -> None:
    env = transfer_env
    headers = [page.model.headerData(i, Qt.Orientation.Horizontal) for i in range(6)]
    assert headers == ["ファイル名", "種類", "件数", "サイズ", "配信日時", "状態"]
    listed = rows(page)
    kinds = {r[0][:5]: r[1] for r in listed}
    assert kinds["KSK11"] == "国保資格取得喪失年月日連携"
    assert kinds["KSK12"] == "市町村被保険者ID連携"
    assert all(r[5] == "未移出" for r in listed) and all(r[2] == "12件" for r in listed)
    with env.sim.session("082201", staff=STAFF) as http:  # dated by the server's clock
        created = {d["name"]: d["created_at"] for d in http.get(
            env.sim.url("/api/v1/deliveries?include_acknowledged=true")).json()["deliveries"]}
    for r in listed:  # 配信日時 in 和暦: e.g. R8.11.5 09:30
        assert r[4] == short_moment(dt.datetime.fromisoformat(created[r[0]]))
        assert re.fullmatch(r"R\d+\.\d{1,2}\.\d{1,2} \d\d:\d\d", r[4]), r[4]
    assert page.count_label.text() == f"未移出 {len(listed)}件 / 全 {len(listed)}件"
    assert not page.export_button.isEnabled()  # no medium chosen yet
    assert page.picker.choose_path(env.usb_out)
    assert page.export_button.isEnabled()
    shot(page, "receive_deliveries")
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_result is not None and not page.busy, timeout=TIMEOUT)
    names = sorted(r[0] for r in listed)
    assert sorted(e.name for e in page.last_result.exported) == names
    for name in names:
        data = (env.usb_out / name).read_bytes()
        assert find_my_numbers_in_bytes(data) == []
        entry = next(e for e in page.last_result.exported if e.name == name)
        assert hashlib.sha256(data).hexdigest() == entry.sha256
    assert all(acknowledged_on_server(env)[n] for n in names)
    rm = page.result_model
    assert sorted([str(rm.data(rm.index(r, c))) for c in (0, 2, 3)]
                  for r in range(rm.rowCount())) == [[n, "照合済", "受領確認済"] for n in names]
    assert all(r[5] == "移出済" for r in rows(page))
    assert page.count_label.text() == f"未移出 0件 / 全 {len(names)}件"
    assert page.banner.level == "ok" and "一時ファイルは削除しました" in page.banner.text()
    assert not page.export_button.isEnabled()
    assert StagingArea(env.profile.staging_dir).leftover_files() == []
    assert not [p for p in env.usb_out.iterdir() if p.name.endswith(".kokuho-tmp")]
    shot(page, "receive_exported")
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.result_model)
    assert my_numbers_on_screen([page]) == []


def test_server_down_is_a_japanese_error(qtbot: QtBot, page: ReceivePage,
                                         transfer_env: TransferEnv) -> None:
    env = transfer_env
    env.sim.stop()
    try:
        qtbot.mouseClick(page.reload_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not page.loading, timeout=60_000)
    finally:
        env.sim.start()
    assert page.count_label.text() == "読み込めませんでした"
    assert page.banner.level == "error"
    assert "国保情報集約システムに接続できません" in page.banner.text()


def test_workflow_in_the_main_window_shares_the_medium(qtbot: QtBot,
                                                       transfer_env: TransferEnv) -> None:
    from kokuho_pc.ui.home.home_page import HomePage
    from kokuho_pc.ui.main_window import MainWindow
    from kokuho_pc.ui.pages import build_pages
    from kokuho_pc.ui.send.send_page import SendPage

    env = transfer_env
    write_files(env.usb, tsukuba_set(first=800))
    window = MainWindow(user_id=env.session.user_id, role_label="事務取扱担当者",
                        is_admin=False, demo=True, pages=build_pages(env.context))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    home = window.stack.currentWidget()
    assert isinstance(home, HomePage)
    qtbot.waitUntil(lambda: home.dashboard is not None, timeout=TIMEOUT)
    # none chosen yet: the first approved medium is counted
    assert home.waiting.value_label.text() == "2件" and "USB-01" in home.waiting.detail_label.text()
    window.show_page("send")
    send = window.stack.currentWidget()
    assert isinstance(send, SendPage)
    qtbot.waitUntil(lambda: not send.picker.loading, timeout=TIMEOUT)
    assert send.picker.choose_path(env.usb)
    qtbot.waitUntil(lambda: not send.loading and send.check_button.isEnabled(), timeout=TIMEOUT)
    qtbot.mouseClick(send.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: send.send_button.isEnabled(), timeout=TIMEOUT)
    shot(window, "main_send")
    qtbot.mouseClick(send.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: send.last_result is not None and not send.busy, timeout=TIMEOUT)
    window.show_page("receive")
    receive = window.stack.currentWidget()
    assert isinstance(receive, ReceivePage)
    qtbot.waitUntil(lambda: not receive.loading and not receive.picker.loading, timeout=TIMEOUT)
    assert receive.medium is not None and receive.medium.path == env.usb  # chosen on 移入・送信
    pending = sum(1 for done in acknowledged_on_server(env).values() if not done)
    assert pending >= 2 and receive.waiting() == pending  # the simulator is shared in the module
    assert receive.export_button.isEnabled()
    shot(window, "main_receive")
    window.show_page("home")
    qtbot.waitUntil(lambda: not home.loading and home.waiting.value_label.text() == "0件",
                    timeout=TIMEOUT)
    assert home.last_send.value_label.text().startswith("令和")
    assert home.deliveries.value_label.text() == f"{pending}件"
    shot(window, "main_home")
    window.resize(1024, 700)  # a small screen: long values wrap, nothing is cut off
    shot(window, "main_home_small")
    assert my_numbers_on_screen([window]) == []
    qtbot.waitUntil(lambda: not env.context.jobs.active_jobs(), timeout=TIMEOUT)


def test_medium_removed_and_cancel_leave_deliveries_unexported(
        qtbot: QtBot, page: ReceivePage, transfer_env: TransferEnv) -> None:
    import shutil
    import threading

    env = transfer_env
    assert page.picker.choose_path(env.usb_out)
    waiting = page.waiting()
    shutil.rmtree(env.usb_out)  # the stick is pulled out before 移出
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy and not page.loading, timeout=TIMEOUT)
    assert page.banner.level == "error" and "媒体が見つかりません" in page.banner.text()
    assert page.waiting() == waiting and page.last_result is None
    qtbot.waitUntil(lambda: not page.picker.loading, timeout=TIMEOUT)
    states = {page.picker.model.item(r).path.name: page.picker.model.item(r).message
              for r in range(page.picker.model.rowCount())}
    assert states["USB-02"] == "媒体が見つかりません。"
    assert page.medium is None or page.medium.path != env.usb_out
    # cancel: the store thread is held so the cancel lands before the first delivery
    assert page.picker.choose_path(env.usb)
    release = threading.Event()
    env.context.jobs.run(lambda _p, _c: release.wait(10), lambda _r: None, store=True)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: not page.busy and not page.loading, timeout=TIMEOUT)
    assert page.banner.text().startswith("移出を中止しました。")
    assert page.waiting() == waiting
    assert not [p for p in env.usb.iterdir() if p.suffix == ".csv"]
    assert StagingArea(env.profile.staging_dir).leftover_files() == []
    shot(page, "receive_cancelled")
