"""The 移入・送信 screen: choose an approved medium, its files, check them, send them.

Everything slow (media listing, reading and checking, sending) runs through
``context.jobs``. 「送信」 is enabled only after a check of exactly the files
now chosen found no error. Sending shows progress and can be cancelled; the
result lists 受付番号, 件数 and 処理結果 per file set. The staging (encrypted
temporary files) is removed by the send pipeline in every case, which the
page says.
"""

from __future__ import annotations

from pathlib import Path

from kokuho_pc.domain.errors import Cancelled
from kokuho_pc.services.media_admin import MediumStatus
from kokuho_pc.services.sending import FileSetInvalid, MediaRefused, SendingService, SendResult
from kokuho_pc.services.transfer_views import CheckReport, MediumFileView, TransferViewService
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.printing.print_flow import PrintFlow
from kokuho_pc.ui.send.check_result_view import CheckResultView
from kokuho_pc.ui.send.send_history import SendHistoryDialog
from kokuho_pc.ui.widgets.job_page import JobPage, bold_label
from kokuho_pc.ui.widgets.media_choice import MediaChoice
from kokuho_pc.ui.widgets.media_picker import MediaPicker
from kokuho_pc.ui.widgets.msgbox import confirm
from kokuho_pc.ui.widgets.qt import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QShowEvent,
    QSplitter,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.status_banner import StatusBanner
from kokuho_pc.ui.widgets.transfer_models import MediumFilesModel, SendResultModel
from kokuho_pc.ui.widgets.views import NoCopyTableView

SENDING_NOTE = "送信しています。完了するまで媒体を取り外さないでください。"
SEND_HINT = "「検査」で誤りがないことを確認すると「送信」できます。"
STAGING_REMOVED = "一時ファイルは削除しました。"
SELECTION_NOTE = ("行を選ぶと選んだファイルだけを、選ばないときは媒体の送信対象ファイルを"
                  "すべて検査・送信します。")


class SendPage(JobPage):
    """Staff send the interface files of an approved medium from here."""

    def __init__(self, context: AppContext, choice: MediaChoice | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(SEND_HINT, parent)
        self.context = context
        self.choice = choice or MediaChoice(self)
        self.views = TransferViewService(context.profile, context.session)
        self.sending = SendingService(context.profile)
        self.medium: MediumStatus | None = None
        self.checked: tuple[str, ...] | None = None  # the files of the last passing check
        self.loading = False
        self.last_result: SendResult | None = None
        self._shown_once = False
        self.picker = MediaPicker(context, self.choice, self)
        self.files_model = MediumFilesModel(self)
        self.files_table = NoCopyTableView(self)
        self.files_table.setObjectName("medium_files_table")
        self.files_table.setAccessibleName("媒体のファイル")
        self.files_label = QLabel()
        self.check_button = QPushButton("検査(&K)")
        self.send_button = QPushButton("送信(&S)")
        self.history_button = QPushButton("送信履歴(&Y)…")
        self.history: SendHistoryDialog | None = None
        self.printing = PrintFlow(context, self)
        self.banner = StatusBanner(self)
        self.check_view = CheckResultView(self)
        self.result_model = SendResultModel(self)
        self.result_table = NoCopyTableView(self, tooltip_columns=(0, 4))
        self.result_table.setObjectName("send_result_table")
        self.result_table.setAccessibleName("送信結果")
        self.lower_stack = QStackedWidget()
        self._build()
        self._wire()
        self._update_buttons()
        self.picker.reload()

    def _build(self) -> None:
        self.files_table.setModel(self.files_model)
        self.files_table.setSortingEnabled(True)
        self.files_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.result_table.setModel(self.result_model)
        self.send_button.setDefault(True)
        note = QLabel(SELECTION_NOTE)
        note.setWordWrap(True)
        files_box = QWidget()
        files_layout = QVBoxLayout(files_box)
        files_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(bold_label("媒体のファイル"))
        head.addWidget(self.files_label)
        head.addStretch(1)
        files_layout.addLayout(head)
        files_layout.addWidget(self.files_table, 1)
        files_layout.addWidget(note)
        result_box = QWidget()
        result_layout = QVBoxLayout(result_box)
        result_layout.setContentsMargins(0, 0, 0, 0)
        result_layout.addWidget(bold_label("送信結果"))
        result_layout.addWidget(self.result_table, 1)
        self.lower_stack.addWidget(self.check_view)
        self.lower_stack.addWidget(result_box)
        actions = self._action_row(self.check_button, self.send_button, self.history_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.picker)
        splitter.addWidget(files_box)
        splitter.addWidget(self.lower_stack)
        splitter.setSizes([170, 230, 260])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)
        layout.addWidget(self.banner)

    def _wire(self) -> None:
        self.picker.chosen.connect(self._medium_chosen)
        self.files_table.selectionModel().selectionChanged.connect(
            lambda _s, _d: self._selection_changed())
        self.check_button.clicked.connect(self.check)
        self.send_button.clicked.connect(self.send)
        self.history_button.clicked.connect(self.open_history)
        self.check_view.print_button.clicked.connect(self.print_check)
        self.cancel_button.clicked.connect(self.cancel)

    # --- medium and files -----------------------------------------------------------------

    def _medium_chosen(self, medium: MediumStatus | None) -> None:
        same = (medium is not None and self.medium is not None
                and medium.path == self.medium.path)
        self.medium = medium
        if not same:  # a rescan that finds the same medium keeps the check and the result
            self.checked = None
            self.check_view.clear()
            self.lower_stack.setCurrentIndex(0)
            self.banner.clear_message()
        self.reload_files()

    def reload_files(self) -> None:
        """List the files of the chosen medium (a job)."""
        medium = self.medium
        self.files_model.clear()
        if medium is None:
            self.files_label.setText("(媒体を選択してください)")
            self._update_buttons()
            return
        self.loading = True
        self.files_label.setText("読み込んでいます…")
        path = medium.path
        self.context.jobs.run(lambda _p, _c: self.views.files(path),
                              lambda files: self._files_loaded(path, files),
                              self._files_failed, parent=self, store=True)

    def _files_loaded(self, path: Path, files: list[MediumFileView]) -> None:
        self.loading = False
        if self.context.session.is_locked or self.medium is None or self.medium.path != path:
            return
        self.files_model.set_rows(files)
        self.files_table.resizeColumnsToContents()
        waiting = sum(1 for f in files if f.sendable and not f.sent)
        self.files_label.setText(f"{len(files)}件(未送信 {waiting}件)" if files else
                                 "送信できるファイルがありません")
        self._update_buttons()

    def _files_failed(self, exc: BaseException) -> None:
        self.loading = False
        self.files_label.setText("読み込めませんでした")
        self._show_error(exc)
        self._update_buttons()

    def chosen_names(self) -> tuple[str, ...]:
        """The files to check and send: the selected rows, or every sendable file."""
        rows = self.files_table.selected_rows()
        files = [self.files_model.item(r) for r in rows] if rows else self.files_model.items()
        return tuple(sorted(f.name for f in files if f.sendable))

    def _selection_changed(self) -> None:
        if self.checked is not None and self.checked != self.chosen_names():
            self.checked = None
            self.check_view.clear()
            self.lower_stack.setCurrentIndex(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_files = self.medium is not None and bool(self.chosen_names())
        idle = not self.busy
        self.check_button.setEnabled(idle and has_files)
        self.send_button.setEnabled(idle and has_files and self.checked is not None
                                    and self.checked == self.chosen_names())
        self.picker.setEnabled(idle)
        self.files_table.setEnabled(idle)

    # --- check and send -------------------------------------------------------------------

    def check(self) -> None:
        """「検査」: check the chosen files (a job); the send button follows the result."""
        if self.medium is None or self.busy:
            return
        path, names = self.medium.path, self.chosen_names()
        self.checked = None
        self.banner.clear_message()
        self._start("ファイルを検査しています…")
        self.job = self.context.jobs.run(
            lambda progress, cancel: self.views.check(
                path, names, progress=self._report(progress),
                is_cancelled=lambda: cancel.cancelled),
            lambda report: self._checked(names, report), self._check_failed,
            parent=self, store=True)

    def _checked(self, names: tuple[str, ...], report: CheckReport) -> None:
        self._finish()
        if self.context.session.is_locked:
            return
        self.lower_stack.setCurrentIndex(0)
        self.check_view.show_report(report)
        self.checked = names if report.valid and names == self.chosen_names() else None
        self._update_buttons()

    def _check_failed(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, Cancelled):
            self.banner.set_message("検査を中止しました。", "info")
            return
        self._show_error(exc)

    def send(self) -> None:
        """「送信」: send the checked files (a job with progress and cancel)."""
        if self.medium is None or self.busy or self.checked is None:
            return
        self._send(self.medium.path, self.checked, resend=False)

    def _send(self, path: Path, names: tuple[str, ...], *, resend: bool) -> None:
        self.banner.set_message(SENDING_NOTE, "info")
        self._start("再送の準備をしています…" if resend else "送信の準備をしています…")
        session = self.context.session
        self._last_send = (path, names)
        self.job = self.context.jobs.run(
            lambda progress, cancel: self.sending.send(
                session, path, list(names), progress=self._report(progress),
                is_cancelled=lambda: cancel.cancelled, resend=resend),
            self._sent, self._send_failed, parent=self, store=True)

    def _offer_resend(self, result: SendResult) -> None:
        """Content already processed: the earlier receipt and its warning are shown; a
        deliberate resend needs the operator's explicit confirmation."""
        last = getattr(self, "_last_send", None)
        warnings = "\n".join(f"・{'、'.join(o.files)}: {o.warning}"
                             for o in result.already_processed)
        self.banner.set_message(
            "送信済み(処理済み)の内容のため、再処理していません。", "warn",
            "意図して再送する場合だけ、確認のうえ再送してください。")
        if last is None:
            return
        self.resend_prompt = confirm(
            self, "再送の確認",
            "次のファイルは国保情報集約システムで処理済みです。\n" + warnings
            + "\n\nもう一度送信して処理し直しますか?(通常は不要です)",
            lambda: self._send(last[0], last[1], resend=True),
            informative="「はい」を選ぶと、同じ内容をもう一度処理させます(操作ログに記録します)。")

    def _sent(self, result: SendResult) -> None:
        self.checked = None  # sent: another send needs a new check
        self._finish()
        self.last_result = result
        if self.context.session.is_locked:
            return
        self.result_model.set_rows(result.outcomes)
        self.result_table.resizeColumnsToContents()
        self.lower_stack.setCurrentIndex(1)
        if result.already_processed:
            self._offer_resend(result)
            self.reload_files()
            return
        accepted = sum(1 for o in result.outcomes if o.accepted)
        misnamed = (f"ファイル名が命名規則に従っていない{len(result.misnamed_not_sent)}件の"
                    "ファイルは送信していません。" if result.misnamed_not_sent else "")
        if result.all_accepted:
            self.banner.set_message(
                f"送信が完了しました。{accepted}組のファイルが国保情報集約システムに受け付けられ"
                f"ました。{misnamed}{STAGING_REMOVED}", "ok")
        else:
            self.banner.set_message(
                f"国保情報集約システムが受付を拒否したファイルがあります"
                f"({len(result.outcomes) - accepted}組)。{STAGING_REMOVED}", "error",
                "処理結果を確認し、市町村システムでファイルを作成し直してください。")
        self.reload_files()

    def _send_failed(self, exc: BaseException) -> None:
        # After a cancel or a network failure the checked files may be sent again as they
        # are (the send checks them once more); an invalid set or a refused medium may not.
        if isinstance(exc, FileSetInvalid | MediaRefused):
            self.checked = None
        self._finish()
        if isinstance(exc, Cancelled):
            self.banner.set_message(
                f"送信を中止しました。{STAGING_REMOVED}", "warn",
                "中止する前に受け付けられたファイルは「状態」欄に送信済と表示されます。"
                "「送信」を押すと再度送信できます。")
            self.reload_files()
            return
        if isinstance(exc, FileSetInvalid):
            report = getattr(exc, "report", None)
            if report is not None:
                self.lower_stack.setCurrentIndex(0)
                self.check_view.show_report(report)
        self._show_error(exc, suffix=STAGING_REMOVED)
        if isinstance(exc, MediaRefused):
            self.picker.reload()
        self._update_buttons()

    def next_focus(self) -> tuple[QWidget | None, ...]:
        """After a check: 「送信」 when it may be sent; else back where the job started."""
        return (self.send_button, self._focus_before, self.history_button)

    def open_history(self) -> SendHistoryDialog:
        """「送信履歴…」: every answered send with 受付番号 and 処理結果 (a window)."""
        if self.history is None:
            self.history = SendHistoryDialog(self.context, self)
        else:
            self.history.reload()
        self.history.show()
        return self.history

    def print_check(self) -> None:
        """「検査結果を印刷」: the problems of the last check on paper (copying stays blocked)."""
        report = self.check_view.report
        if report is None:
            return
        rows = self.check_view.model.items()
        files = "、".join(sorted(report.files))
        self.printing.start(lambda service: service.render_check_list(rows, files))

    def showEvent(self, event: QShowEvent) -> None:
        """Look for media again when the page comes back into view (a medium may be new)."""
        super().showEvent(event)
        if self._shown_once and not self.busy and not self.picker.loading:
            self.picker.reload()
        self._shown_once = True

    # --- idle lock --------------------------------------------------------------------------

    def clear_for_lock(self) -> None:
        """Empty everything shown (the idle lock)."""
        self.files_model.clear()
        self.result_model.clear()
        self.check_view.clear()
        self.printing.clear_for_lock()
        self.picker.clear_for_lock()
        self.checked = None
        self.medium = None
        self.banner.clear_message()
        self.files_label.setText("")
        self._update_buttons()

    def restore_after_unlock(self) -> None:
        """List the media again after the same user unlocked."""
        self.picker.reload()
