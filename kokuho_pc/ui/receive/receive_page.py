"""The 受信・移出 screen: the deliveries of the consolidation system, export to an approved medium.

The deliveries (KSK11, KSK12, KKG11) are listed with their Japanese kind,
row count, size, date and state (未移出 / 移出済). 「移出」 writes every
delivery not yet exported to the chosen approved medium (atomically, verified
by reading back) and acknowledges it; the result lists each file with its
acknowledgement. All network and disk work runs through ``context.jobs``.
"""

from __future__ import annotations

from typing import Any

from kokuho_pc.domain.errors import Cancelled
from kokuho_pc.services.exporting import ExportingService, ExportResult
from kokuho_pc.services.media_admin import MediumStatus
from kokuho_pc.services.sending import MediaRefused
from kokuho_pc.services.transfer_views import DeliveryView, TransferViewService
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.receive.reexport_dialog import ReexportDialog
from kokuho_pc.ui.widgets.error_dialog import user_message
from kokuho_pc.ui.widgets.job_page import JobPage, bold_label
from kokuho_pc.ui.widgets.media_choice import MediaChoice
from kokuho_pc.ui.widgets.media_picker import MediaPicker
from kokuho_pc.ui.widgets.qt import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QShowEvent,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.status_banner import StatusBanner
from kokuho_pc.ui.widgets.transfer_models import DeliveriesModel, ExportResultModel, ExportRow
from kokuho_pc.ui.widgets.views import NoCopyTableView

EXPORTING_NOTE = "移出しています。完了するまで媒体を取り外さないでください。"
EXPORT_HINT = "媒体を選んで「移出」を押すと、未移出の配信をすべて書き出して受領を確認します。"
STAGING_REMOVED = "一時ファイルは削除しました。"


class ReceivePage(JobPage):
    """Staff export the deliveries to an approved medium for the municipal system here."""

    def __init__(self, context: AppContext, choice: MediaChoice | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(EXPORT_HINT, parent)
        self.context = context
        self.choice = choice or MediaChoice(self)
        self.views = TransferViewService(context.profile, context.session)
        self.exporting = ExportingService(context.profile)
        self.medium: MediumStatus | None = None
        self.loading = False
        self.last_result: ExportResult | None = None
        self._shown_once = False
        self.picker = MediaPicker(context, self.choice, self)
        self.model = DeliveriesModel(self)
        self.table = NoCopyTableView(self)
        self.table.setObjectName("deliveries_table")
        self.table.setAccessibleName("配信ファイルの一覧")
        self.count_label = QLabel()
        self.reload_button = QPushButton("再表示(&R)")
        self.export_button = QPushButton("移出(&E)")
        self.reexport_button = QPushButton("再移出(&X)…")
        self.reexport_dialog: ReexportDialog | None = None
        self.result_model = ExportResultModel(self)
        self.result_table = NoCopyTableView(self)
        self.result_table.setObjectName("export_result_table")
        self.result_table.setAccessibleName("移出結果")
        self.banner = StatusBanner(self)
        self._build()
        self._wire()
        self._update_buttons()
        self.picker.reload()
        self.reload()

    def _build(self) -> None:
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionMode(NoCopyTableView.SelectionMode.ExtendedSelection)
        self.result_table.setModel(self.result_model)
        self.result_table.setSelectionMode(NoCopyTableView.SelectionMode.NoSelection)
        deliveries = QWidget()
        d_layout = QVBoxLayout(deliveries)
        d_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(bold_label("国保情報集約システムからの配信"))
        head.addWidget(self.count_label)
        head.addStretch(1)
        head.addWidget(self.reload_button)
        d_layout.addLayout(head)
        d_layout.addWidget(self.table, 1)
        results = QWidget()
        r_layout = QVBoxLayout(results)
        r_layout.setContentsMargins(0, 0, 0, 0)
        r_layout.addWidget(bold_label("移出結果"))
        r_layout.addWidget(self.result_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.picker)
        splitter.addWidget(deliveries)
        splitter.addWidget(results)
        splitter.setSizes([170, 300, 190])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(self._action_row(self.export_button, self.reexport_button))
        layout.addWidget(self.banner)

    def _wire(self) -> None:
        self.picker.chosen.connect(self._medium_chosen)
        self.reload_button.clicked.connect(self.reload)
        self.export_button.clicked.connect(self.export)
        self.reexport_button.clicked.connect(self.open_reexport)
        self.table.selectionModel().selectionChanged.connect(lambda _s, _d: self._update_buttons())
        self.cancel_button.clicked.connect(self.cancel)

    def _medium_chosen(self, medium: MediumStatus | None) -> None:
        self.medium = medium
        self._update_buttons()

    # --- deliveries -------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the deliveries (a job)."""
        if self.loading:
            return
        self.loading = True
        self.count_label.setText("読み込んでいます…")
        self.context.jobs.run(lambda _p, _c: self.views.deliveries(), self._loaded,
                              self._load_failed, parent=self, store=True)

    def _loaded(self, deliveries: list[DeliveryView]) -> None:
        self.loading = False
        if self.context.session.is_locked:
            return
        self.model.set_rows(deliveries)
        self.table.resizeColumnsToContents()
        waiting = sum(1 for d in deliveries if not d.acknowledged)
        self.count_label.setText(f"未移出 {waiting}件 / 全 {len(deliveries)}件")
        self._update_buttons()

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        self.count_label.setText("読み込めませんでした")
        self._show_error(exc)
        self._update_buttons()

    def waiting(self) -> int:
        """Deliveries listed and not yet exported."""
        return sum(1 for d in self.model.items() if not d.acknowledged)

    def _update_buttons(self) -> None:
        idle = not self.busy
        self.export_button.setEnabled(idle and self.medium is not None and self.waiting() > 0)
        chosen = self.chosen_acknowledged()
        self.reexport_button.setEnabled(idle and self.medium is not None and bool(chosen))
        self.reload_button.setEnabled(idle)
        self.picker.setEnabled(idle)

    # --- export -----------------------------------------------------------------------------

    def export(self) -> None:
        """「移出」: write every delivery not yet exported to the medium, then acknowledge it."""
        if self.medium is None or self.busy:
            return
        path = self.medium.path
        session = self.context.session
        self.banner.set_message(EXPORTING_NOTE, "info")
        self._start("移出の準備をしています…")

        def work(progress: Any, cancel: Any) -> tuple[ExportResult, list[DeliveryView]]:
            result = self.exporting.export(session, path, progress=self._report(progress),
                                           is_cancelled=lambda: cancel.cancelled)
            return result, self.views.deliveries()

        self.job = self.context.jobs.run(work, self._exported, self._export_failed,
                                         parent=self, store=True)

    def _exported(self, outcome: tuple[ExportResult, list[DeliveryView]]) -> None:
        result, deliveries = outcome
        self._finish()
        self.last_result = result
        if self.context.session.is_locked:
            return
        acknowledged = {d.name for d in deliveries if d.acknowledged}
        rows: list[ExportRow] = [
            (e.name, e.size, "受領確認済" if e.name in acknowledged else "未確認")
            for e in result.exported]
        self.result_model.set_rows(rows)
        self.result_table.resizeColumnsToContents()
        self._loaded(deliveries)
        if not result.exported:
            self.banner.set_message("移出する配信はありませんでした。", "info")
        elif all(r[2] == "受領確認済" for r in rows):
            self.banner.set_message(
                f"{len(rows)}件のファイルを媒体に書き出し、国保情報集約システムに受領を"
                f"確認しました。{STAGING_REMOVED}", "ok",
                "媒体を取り外し、市町村システムに取り込んでください。")
        else:
            self.banner.set_message(
                f"書き出したファイルのうち受領を確認できなかったものがあります。{STAGING_REMOVED}",
                "warn", "しばらく待ってから再度「移出」を押してください。")

    def _export_failed(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, Cancelled):
            self.banner.set_message(
                f"移出を中止しました。書きかけのファイルは媒体に残していません。{STAGING_REMOVED}",
                "warn", "中止する前に書き出したファイルは移出済と表示されます。")
        else:
            self._show_error(exc, STAGING_REMOVED)
            if isinstance(exc, MediaRefused):
                self.picker.reload()  # the medium may be gone: show its state now
        self.reload()

    # --- re-export --------------------------------------------------------------------------

    def chosen_acknowledged(self) -> list[str]:
        """The selected deliveries, when every one of them is acknowledged (else none)."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        chosen = [self.model.item(r.row()) for r in rows]
        if not chosen or not all(d.acknowledged for d in chosen):
            return []
        return [d.name for d in chosen]

    def open_reexport(self) -> ReexportDialog | None:
        """「再移出…」: acknowledged deliveries again, with an administrator's approval."""
        names = self.chosen_acknowledged()
        if self.medium is None or not names or self.busy:
            return None
        dialog = ReexportDialog(names, self.context.demo, parent=self)
        dialog.approve_requested.connect(
            lambda admin, pw, otp: self._approve(dialog, names, admin, pw, otp))
        self.reexport_dialog = dialog
        dialog.show()
        return dialog

    def _approve(self, dialog: ReexportDialog, names: list[str], admin: str, password: str,
                 otp: str) -> None:
        session = self.context.session
        self.context.jobs.run(
            lambda _p, _c: self.exporting.approve_reexport(session, admin, password,
                                                           otp or None, names),
            lambda approver: self._reexport(dialog, names, str(approver)),
            lambda exc: dialog.refused(user_message(exc)[0]), parent=self, store=True)

    def _reexport(self, dialog: ReexportDialog, names: list[str], approver: str) -> None:
        dialog.accept()
        if self.medium is None:
            return
        path, session = self.medium.path, self.context.session
        self.banner.set_message(EXPORTING_NOTE, "info")
        self._start("再移出の準備をしています…")

        def work(progress: Any, cancel: Any) -> tuple[ExportResult, list[DeliveryView]]:
            result = self.exporting.reexport(session, path, names, approver,
                                             progress=self._report(progress),
                                             is_cancelled=lambda: cancel.cancelled)
            return result, self.views.deliveries()

        self.job = self.context.jobs.run(work, self._reexported, self._export_failed,
                                         parent=self, store=True)

    def _reexported(self, outcome: tuple[ExportResult, list[DeliveryView]]) -> None:
        result, deliveries = outcome
        self._finish()
        self.last_result = result
        if self.context.session.is_locked:
            return
        self.result_model.set_rows([(e.name, e.size, "再移出(承認済)") for e in result.exported])
        self.result_table.resizeColumnsToContents()
        self._loaded(deliveries)
        self.banner.set_message(
            f"{len(result.exported)}件のファイルを媒体に再度書き出しました。{STAGING_REMOVED}",
            "ok", "承認した管理者は操作ログに記録されています。")

    # --- lock and visibility ----------------------------------------------------------------

    def clear_for_lock(self) -> None:
        """Empty everything shown (the idle lock)."""
        self.model.clear()
        self.result_model.clear()
        if self.reexport_dialog is not None:
            self.reexport_dialog.close()
            self.reexport_dialog = None
        self.picker.clear_for_lock()
        self.medium = None
        self.count_label.setText("")
        self.banner.clear_message()
        self._update_buttons()

    def restore_after_unlock(self) -> None:
        """Load again after the same user unlocked."""
        self.picker.reload()
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        """Reload when the page comes back into view (new deliveries after a send)."""
        super().showEvent(event)
        if self._shown_once and not self.busy:
            self.reload()
            if not self.picker.loading:
                self.picker.reload()
        self._shown_once = True
