"""The 送信履歴 window: every answered send of this PC and its 処理結果・エラーリスト.

The history is this PC's bookkeeping (no personal data); the list of persons
whose result is not 正常 is fetched from the consolidation system only when
it is printed. Both run in jobs.
"""

from __future__ import annotations

from collections.abc import Mapping

from kokuho_pc.services.send_history import SendHistoryEntry, SendHistoryService
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.printing.print_flow import PrintFlow
from kokuho_pc.ui.widgets.demo_banner import demo_title
from kokuho_pc.ui.widgets.error_dialog import show_error
from kokuho_pc.ui.widgets.models import CENTER, RIGHT, Column
from kokuho_pc.ui.widgets.qt import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QObject,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.transfer_models import RowsModel, short_moment
from kokuho_pc.ui.widgets.views import NoCopyTableView

TITLE = "送信履歴"
NOTE = ("受付番号は国保連合会へ問い合わせるときに使います。処理結果が正常でない被保険者は"
        "「処理結果・エラーリスト印刷」で世帯番号と市町村被保険者IDを確認できます。")


def _row(e: SendHistoryEntry) -> Mapping[str, object]:
    return {"sent_at": e.sent_at, "staff": e.staff_label, "files": "\n".join(e.files),
            "submission_id": e.submission_id, "size": e.size_text, "result": e.result_text}


class SendHistoryModel(RowsModel[SendHistoryEntry]):
    """One row per answered send (file set), newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((
            Column("sent_at", "送信日時", align=CENTER, format=short_moment),
            Column("staff", "送信者"),
            Column("files", "ファイル", tooltip=True),
            Column("submission_id", "受付番号", align=RIGHT),
            Column("size", "件数", align=RIGHT),
            Column("result", "処理結果", tooltip=True),
        ), _row, parent)


class SendHistoryDialog(QDialog):
    """See the module docstring; non-modal, emptied by the idle lock."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("send_history")
        self.context = context
        self.service = SendHistoryService(context.profile, context.session)
        self.printing = PrintFlow(context, self)
        self.loading = False
        self.setWindowTitle(demo_title(TITLE, context.demo))
        self.model = SendHistoryModel(self)
        self.table = NoCopyTableView(self, tooltip_columns=(2, 5))
        self.table.setObjectName("send_history_table")
        self.table.setAccessibleName("送信履歴の一覧")
        self.count_label = QLabel()
        self.print_button = QPushButton("処理結果・エラーリスト印刷")
        self.print_latest_button = QPushButton("最新の処理結果で印刷")
        self.close_button = QPushButton("閉じる")
        self._build()
        self.resize(1000, 520)
        self.reload()

    def _build(self) -> None:
        self.table.setModel(self.model)
        self.table.setSelectionMode(NoCopyTableView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        note = QLabel(NOTE)
        note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label)
        buttons.addStretch(1)
        buttons.addWidget(self.print_latest_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.print_button.clicked.connect(self.print_selected)
        self.print_latest_button.clicked.connect(lambda: self.print_problems(None))
        self.close_button.clicked.connect(self.close)
        self.table.selectionModel().selectionChanged.connect(lambda _s, _d: self._update())
        self._update()

    def reload(self) -> None:
        """Read the history from the local bookkeeping (a job)."""
        self.loading = True
        self.count_label.setText("読み込んでいます…")
        self.context.jobs.run(lambda _p, _c: self.service.history(), self._loaded,
                              self._failed, parent=self, store=True)

    def _loaded(self, entries: list[SendHistoryEntry]) -> None:
        self.loading = False
        if self.context.session.is_locked:
            return
        self.model.set_rows(entries)
        self.count_label.setText(f"{len(entries)}件")
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        if entries:
            self.table.selectRow(0)
        self._update()

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.count_label.setText("読み込めませんでした")
        show_error(self, exc)

    def selected(self) -> SendHistoryEntry | None:
        """The send chosen in the table."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def _update(self) -> None:
        entry = self.selected()
        self.print_button.setEnabled(entry is not None and entry.accepted
                                     and entry.submission_id is not None
                                     and not entry.is_high_cost)

    def print_selected(self) -> None:
        """The 処理結果・エラーリスト of the chosen send."""
        entry = self.selected()
        if entry is not None and entry.submission_id is not None:
            self.print_problems(int(entry.submission_id))

    def print_problems(self, submission_id: int | None) -> None:
        """Fetch the list from the consolidation system and preview it (a job)."""
        history = self.service
        self.printing.start(lambda printing: printing.render_problem_list(
            history.problems(submission_id), submission_id))

    def clear_for_lock(self) -> None:
        """The idle lock: forget the rows and close any preview."""
        self.model.clear()
        self.count_label.setText("")
        self.printing.clear_for_lock()

    def restore_after_unlock(self) -> None:
        """Read the history again after the same user unlocked."""
        self.reload()
