"""送信履歴 and the 処理結果・エラーリスト, driven for real (simulator process, real store)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.ui.home.home_page import HomePage
from kokuho_pc.ui.send.send_page import SendPage
from kokuho_pc.ui.widgets.qt import QApplication
from tests.sim.towns import Town
from tests.transfer.harness import write_files
from tests.ui.send.test_send_page import choose, qtbot_left
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


def send_all(qtbot: QtBot, page: SendPage, env: TransferEnv) -> None:
    choose(qtbot, page, env)
    qtbot.mouseClick(page.check_button, qtbot_left())
    qtbot.waitUntil(lambda: page.check_view.report is not None and not page.busy,
                    timeout=TIMEOUT)
    assert page.send_button.isEnabled(), page.check_view.summary.text()
    qtbot.mouseClick(page.send_button, qtbot_left())
    qtbot.waitUntil(lambda: page.last_result is not None and not page.busy, timeout=TIMEOUT)
    assert page.last_result is not None and page.last_result.all_accepted


def test_history_counts_add_up_and_the_result_list_names_persons(
    qtbot: QtBot, page: SendPage, transfer_env: TransferEnv
) -> None:
    env = transfer_env
    files = tsukuba_set(first=300, n=3)  # moved in from 水戸市, whose file never came: 20
    kkg = Town("082201").month("0008000301", "IDX", "202607").month(
        "0008000301", "IDX", "202608", kind="2").kkg01(dt.datetime(2026, 10, 7, 9, 0, 0))
    write_files(env.usb, {**files, **kkg})
    send_all(qtbot, page, env)
    dialog = page.open_history()
    qtbot.waitUntil(lambda: not dialog.loading, timeout=TIMEOUT)
    entries = dialog.model.items()
    assert len(entries) == 2
    ksk = next(e for e in entries if not e.is_high_cost)
    kkg_entry = next(e for e in entries if e.is_high_cost)
    # Date, staff, files, 受付番号, persons and households per file; KKG01 in months.
    assert ksk.staff_id == env.session.user_id and ksk.staff_label == ksk.staff_name != ""
    assert ksk.submission_id is not None and ksk.sent_at is not None
    assert ksk.files == tuple(sorted(files))
    assert ksk.size_text == f"{ksk.persons}人 {ksk.households}世帯" and ksk.persons > 0
    assert kkg_entry.size_text == "高額該当 2件"
    # The 処理結果 counts add up to the persons sent.
    assert sum(ksk.result_counts.values()) == ksk.persons
    assert ksk.problem_count > 0 and "前住所地に該当者なし" in ksk.result_text
    model = dialog.model
    headers = [model.headerData(i, orientation()) for i in range(model.columnCount())]
    assert headers == ["送信日時", "送信者", "ファイル", "受付番号", "件数", "処理結果"]
    row = next(r for r in range(model.rowCount()) if not model.item(r).is_high_cost)
    assert str(model.data(model.index(row, 3))) == str(ksk.submission_id)
    dialog.resize(1000, 520)
    shot(dialog, "send-history")
    # The 処理結果・エラーリスト of that send, from the consolidation system.
    dialog.table.selectRow(row)
    assert dialog.print_button.isEnabled()
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.printing.document is not None, timeout=TIMEOUT)
    document = dialog.printing.document
    assert document is not None and document.title == "処理結果・エラーリスト"
    assert document.rows == ksk.problem_count
    problems = dialog.service.problems(ksk.submission_id)
    assert {p.household_no for p in problems} and all(
        p.municipal_insured_id and p.result_label == "前住所地に該当者なし" for p in problems)
    preview = dialog.printing.preview
    assert preview is not None
    preview.resize(1280, 800)
    preview.set_zoom(1.0)
    qtbot.wait(300)
    shot(preview, "result-list")
    assert my_numbers_on_screen() == []
    # KKG01 has no person results to list.
    dialog.table.selectRow(next(r for r in range(model.rowCount()) if model.item(r).is_high_cost))
    assert not dialog.print_button.isEnabled()
    # The idle lock empties the window; it reads again after the unlock.
    dialog.clear_for_lock()
    assert dialog.model.total_count() == 0
    dialog.close()


def test_home_card_links_to_the_result_list(qtbot: QtBot, page: SendPage,
                                            transfer_env: TransferEnv) -> None:
    env = transfer_env
    write_files(env.usb, tsukuba_set(first=400, n=2))
    send_all(qtbot, page, env)
    home = HomePage(env.context)
    qtbot.addWidget(home)
    home.resize(1280, 800)
    home.show()
    qtbot.waitUntil(lambda: not home.loading, timeout=TIMEOUT)
    assert home.problem_list_button.text() == "処理結果・エラーリスト…"
    assert home.problem_list_button.parent() is home.problems
    home.problem_list_button.click()
    qtbot.waitUntil(lambda: home.printing.document is not None, timeout=TIMEOUT)
    document = home.printing.document
    assert document is not None and document.rows >= 1
    QApplication.processEvents()


def test_check_errors_print_but_do_not_copy(qtbot: QtBot, page: SendPage,
                                            transfer_env: TransferEnv) -> None:
    env = transfer_env
    files = tsukuba_set(first=500)
    name = sorted(files)[1]
    broken = bytearray(files[name])
    broken[300 + 30] = ord("X")
    files[name] = bytes(broken)
    write_files(env.usb, files)
    choose(qtbot, page, env)
    qtbot.mouseClick(page.check_button, qtbot_left())
    qtbot.waitUntil(lambda: page.check_view.report is not None and not page.busy,
                    timeout=TIMEOUT)
    assert page.check_view.print_button.isVisible()
    page.check_view.print_button.click()
    qtbot.waitUntil(lambda: page.printing.document is not None, timeout=TIMEOUT)
    document = page.printing.document
    assert document is not None and document.title == "検査結果(誤りの一覧)"
    assert document.rows == page.check_view.model.total_count() > 0


def orientation() -> object:
    from kokuho_pc.ui.widgets.qt import Qt

    return Qt.Orientation.Horizontal
