"""The ホーム dashboard driven for real: a seeded simulator process and a real demo profile."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.services.policy import PolicyService
from kokuho_pc.services.sending import SendingService
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.home.home_page import HomePage
from kokuho_pc.ui.jobs import JobRunner
from kokuho_pc.ui.widgets.media_choice import MediaChoice
from kokuho_pc.ui.widgets.qt import Qt
from tests.services.cand_env import CandidateEnv
from tests.transfer.harness import ADMIN, STAFF, approved_medium, login, write_files
from tests.ui.transfer_env import TIMEOUT, shot, tsukuba_set
from tests.ui.widget_scan import my_numbers_on_screen


@pytest.fixture
def usb(cand_env: CandidateEnv, tmp_path: Path) -> Path:
    """An approved emulated medium holding a valid つくば市 pair, listed by the policy."""
    medium = approved_medium(cand_env.profile, tmp_path / "media" / "USB-01",
                             (cand_env.session.user_id,))
    write_files(medium, tsukuba_set(first=900, n=3))
    admin = login(cand_env.profile, ADMIN)
    PolicyService(cand_env.profile).change(admin, "emulated_media_dirs", [str(medium)])
    admin.logout()
    return medium


@pytest.fixture
def page(qtbot: QtBot, cand_env: CandidateEnv, usb: Path,
         jobs: JobRunner) -> Iterator[HomePage]:
    choice = MediaChoice()
    choice.choose(usb)
    widget = HomePage(AppContext(cand_env.profile, cand_env.session, jobs), choice)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: widget.dashboard is not None and not widget.loading,
                    timeout=TIMEOUT)
    yield widget
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)


def sim_status(env: CandidateEnv) -> dict[str, Any]:
    with env.sim.session("082201", staff=STAFF) as http:
        summary: dict[str, Any] = http.get(env.sim.url("/api/v1/status")).json()["summary"]
    return summary


def refresh(qtbot: QtBot, page: HomePage) -> None:
    before = page.dashboard
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dashboard is not before and not page.loading, timeout=60_000)


def test_figures_from_the_simulator_and_the_medium(qtbot: QtBot, page: HomePage,
                                                   cand_env: CandidateEnv, usb: Path) -> None:
    status = sim_status(cand_env)
    assert status["undecided_candidates"] > 0
    assert page.link.value_label.text() == "正常" and page.link.level == "ok"
    assert not page.link_banner.isVisible()
    assert page.candidates.value_label.text() == f"{status['undecided_candidates']}件"
    assert page.deliveries.value_label.text() == f"{status['undelivered_files']}件"
    problems = (status["rejected_submissions"] + status["gap_or_overlap_persons"]
                + status["pending_persons"])
    assert page.problems.value_label.text() == f"{problems}件"
    assert f"空白・重複期間あり: {status['gap_or_overlap_persons']}人" in \
        page.problems.detail_label.text()
    assert page.waiting.value_label.text() == "2件" and "USB-01(疑似媒体)" in \
        page.waiting.detail_label.text()
    assert page.last_send.value_label.text() == "記録なし"
    assert page.refreshed_label.text().startswith("最終更新: 令和")
    shot(page, "home")
    # a send is accepted: the last send and the waiting files follow
    result = SendingService(cand_env.profile).send(cand_env.session, usb)
    assert result.all_accepted
    refresh(qtbot, page)
    assert page.last_send.value_label.text().startswith("令和")
    assert f"受付番号 {result.outcomes[0].submission_id}" in page.last_send.detail_label.text()
    assert page.waiting.value_label.text() == "0件"
    assert my_numbers_on_screen([page]) == []


def test_server_stopped_shows_the_link_error(qtbot: QtBot, page: HomePage,
                                             cand_env: CandidateEnv) -> None:
    cand_env.sim.stop()
    try:
        refresh(qtbot, page)
        assert page.link.level == "error" and page.link.value_label.text() == "接続エラー"
        assert "国保情報集約システムに接続できません" in page.link.detail_label.text()
        assert "しばらく待ってから再度実行してください" in page.link.detail_label.text()
        assert page.link_banner.isVisible() and page.link_banner.level == "error"
        assert page.candidates.value_label.text() == "-"
        assert "確認できません" in page.deliveries.detail_label.text()
        assert page.waiting.value_label.text() == "2件"  # local figures still shown
        shot(page, "home_link_error")
    finally:
        cand_env.sim.start()


def test_untrusted_server_key_is_an_error_not_silence(qtbot: QtBot, page: HomePage,
                                                      cand_env: CandidateEnv) -> None:
    wrong_pin = base64.b64encode(hashlib.sha256(b"another server").digest()).decode()
    admin = login(cand_env.profile, ADMIN)
    PolicyService(cand_env.profile).change(admin, "server_pins", [wrong_pin])
    admin.logout()
    refresh(qtbot, page)
    assert page.link.level == "error"
    assert "公開鍵が登録されたものと一致しない" in page.link.detail_label.text()
    assert "公開鍵が登録されたものと一致しない" in page.link_banner.text()


def test_demo_medium_set_is_listed_and_checks_clean(
        qtbot: QtBot, cand_env: CandidateEnv, seeded_template: tuple[Path, Any],
        tmp_path: Path, jobs: JobRunner) -> None:
    """The synthetic つくば市 change round (the demo medium set) on an approved medium."""
    from kokuho_pc.ui.send.send_page import SendPage

    files = seeded_template[0].parent / "files"
    demo_set = sorted(p.name for p in files.glob("*_082201_202611050*.dat"))
    assert [n[:5] for n in demo_set] == ["KKG01", "KSK01", "KSK02"]
    medium = approved_medium(cand_env.profile, tmp_path / "media" / "DEMO-USB",
                             (cand_env.session.user_id,))
    write_files(medium, {n: (files / n).read_bytes() for n in demo_set})
    page = SendPage(AppContext(cand_env.profile, cand_env.session, jobs))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.picker.add_folder(medium)  # 「フォルダを選択…」 without the dialog
    qtbot.waitUntil(lambda: page.medium is not None and not page.loading, timeout=TIMEOUT)
    m = page.files_model
    assert [m.data(m.index(r, 1)) for r in range(3)] == ["高額該当情報", "資格情報(世帯)",
                                                        "資格情報(個人)"]
    assert m.data(m.index(1, 3)) == "R8.11.5 09:30"
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.check_view.report is not None, timeout=TIMEOUT)
    assert page.check_view.report.valid and page.send_button.isEnabled()
    shot(page, "send_demo_set_checked")
    assert my_numbers_on_screen([page]) == []
    qtbot.waitUntil(lambda: not jobs.active_jobs(), timeout=TIMEOUT)
