"""The Help menu opens the shipped manuals (index, staff, administrators) in the help window."""

from __future__ import annotations

import re

from pytestqt.qtbot import QtBot

from kokuho_pc.services.resources import resource_path
from kokuho_pc.ui.main_window import MainWindow
from kokuho_pc.ui.widgets.demo_banner import DemoBanner
from kokuho_pc.ui.widgets.help_window import HelpWindow
from kokuho_pc.ui.widgets.qt import QLabel, QUrl

HELP = resource_path("help")


def test_help_menu_opens_the_manuals_with_their_screenshots(qtbot: QtBot) -> None:
    window = MainWindow(user_id="sato.hanako", role_label="事務取扱担当者", is_admin=False,
                        demo=True, pages={"home": lambda: QLabel("ホーム")},
                        help_path=HELP / "index.html")
    qtbot.addWidget(window)
    window.show()
    window.help_action.trigger()
    help_window = window.help_window
    assert isinstance(help_window, HelpWindow) and help_window.isVisible()
    assert help_window.windowTitle() == "操作説明 【デモ】"
    assert help_window.findChild(DemoBanner) is not None
    assert help_window.current_document() == "index.html"
    assert "職員向け操作説明" in help_window.browser.toPlainText()
    for button, name, heading in ((help_window.staff_button, "staff.html", "大切な約束"),
                                  (help_window.admin_button, "admin.html", "年度の切り替え")):
        button.click()
        assert help_window.current_document() == name
        assert heading in help_window.browser.toPlainText()
    help_window.back_button.click()
    assert help_window.current_document() == "staff.html"
    window.close()
    assert not help_window.isVisible()


def test_every_screenshot_the_manuals_use_is_shipped() -> None:
    for manual in ("index", "staff", "admin"):
        html = (HELP / f"{manual}.html").read_text(encoding="utf-8")
        md = (HELP / f"{manual}.md").read_text(encoding="utf-8")
        images = re.findall(r'src="(images/[^"]+)"', html)
        assert images == re.findall(r"\((images/[^)]+)\)", md)
        for image in images:
            assert (HELP / image).is_file(), image
        for link in re.findall(r'href="([^"]+)"', html):
            assert (HELP / link).is_file() or QUrl(link).scheme() == "https", link
    assert len(re.findall("images/", (HELP / "staff.html").read_text(encoding="utf-8"))) >= 15
