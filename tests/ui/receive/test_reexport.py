"""Re-export an acknowledged delivery (a medium lost after 受領) only with an administrator's
approval, recorded in the operation log; nothing is acknowledged again."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kokuho_pc.audit.actions import AuditAction
from kokuho_pc.services.exporting import ExportingService
from kokuho_pc.services.sending import ExportFailed
from kokuho_pc.ui.receive.receive_page import ReceivePage
from kokuho_pc.ui.widgets.qt import QItemSelectionModel, Qt
from tests.transfer.harness import ADMIN, ADMIN_PW, STAFF, STAFF_PW
from tests.ui.receive.test_receive_page import acknowledged_on_server, sent
from tests.ui.transfer_env import TIMEOUT, TransferEnv, shot, sim_env, transfer_env

__all__ = ["sim_env", "transfer_env"]


@pytest.fixture
def page(qtbot: QtBot, transfer_env: TransferEnv) -> Iterator[ReceivePage]:
    sent(transfer_env, 800)
    widget = ReceivePage(transfer_env.context)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: not widget.picker.loading and not widget.loading, timeout=TIMEOUT)
    yield widget
    qtbot.waitUntil(lambda: not transfer_env.context.jobs.active_jobs(), timeout=TIMEOUT)


def approve(qtbot: QtBot, dialog: object, user: str, password: str) -> None:
    dialog.admin_id.setText(user)  # type: ignore[attr-defined]
    dialog.password.setText(password)  # type: ignore[attr-defined]
    dialog.approve_button.click()  # type: ignore[attr-defined]


def test_reexport_needs_an_administrator(qtbot: QtBot, page: ReceivePage,
                                         transfer_env: TransferEnv) -> None:
    env = transfer_env
    assert page.picker.choose_path(env.usb_out)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_result is not None and not page.busy, timeout=TIMEOUT)
    names = sorted(e.name for e in page.last_result.exported)
    hashes = {n: hashlib.sha256((env.usb_out / n).read_bytes()).hexdigest() for n in names}
    for name in names:  # the medium is lost after 受領
        (env.usb_out / name).unlink()
    assert not page.reexport_button.isEnabled()  # nothing chosen
    row = next(r for r in range(page.model.rowCount()) if page.model.item(r).name == names[0])
    page.table.selectionModel().select(
        page.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    assert page.reexport_button.isEnabled()
    dialog = page.open_reexport()
    assert dialog is not None and dialog.names == [names[0]]
    approve(qtbot, dialog, STAFF, STAFF_PW)  # staff may not approve
    qtbot.waitUntil(lambda: "管理者のみ" in dialog.status.text(), timeout=TIMEOUT)
    approve(qtbot, dialog, ADMIN, "wrong-password-0")
    qtbot.waitUntil(lambda: "ログインできませんでした" in dialog.status.text(), timeout=TIMEOUT)
    assert not (env.usb_out / names[0]).exists()
    shot(dialog, "reexport_dialog")
    approve(qtbot, dialog, ADMIN, ADMIN_PW)
    qtbot.waitUntil(lambda: "再度書き出しました" in page.banner.text(), timeout=TIMEOUT)
    data = (env.usb_out / names[0]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == hashes[names[0]]
    assert not (env.usb_out / names[1]).exists()  # only what was approved
    assert all(acknowledged_on_server(env)[n] for n in names)
    records = [(r.staff_id, dict(r.targets)) for r in env.profile.audit.records(limit=1000)
               if r.action == AuditAction.EXPORT.value]
    assert (ADMIN, {"files": [names[0]], "reason": "reexport_approved",
                    "account": env.session.user_id}) in records
    written = [t for s, t in records if t.get("reason") == "reexport"]
    assert len(written) == 1 and written[0]["account"] == ADMIN
    assert written[0]["file"] == names[0]


def test_only_acknowledged_deliveries_are_reexported(transfer_env: TransferEnv) -> None:
    env = transfer_env
    sent(env, 850)
    service = ExportingService(env.profile)
    waiting = [d["name"] for d in service.list_deliveries(env.session)]
    assert waiting
    with pytest.raises(ExportFailed, match="受領確認済み"):
        service.reexport(env.session, env.usb_out, waiting[:1], ADMIN)
    assert not (env.usb_out / waiting[0]).exists()
