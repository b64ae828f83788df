"""The 操作ログ tab: filter and read the operation log, verify its chain.

Filters: a date range (both ends included), the staff ID, the action and the
result; the newest ``LIMIT`` matching records are shown, newest first, each
with its forwarding state (未送信 until the consolidation system acknowledged
it, then 送信済). 「改ざん検査」 verifies the whole chain and reports
「改ざんは検出されませんでした」 or the first bad sequence number.
Administrators only; every read and check is itself logged by the service.
"""

from __future__ import annotations

import datetime as dt

from kokuho_pc.services.audit_review import (
    AuditAction,
    AuditRecord,
    AuditResult,
    AuditReviewService,
    VerifyReport,
)
from kokuho_pc.ui.admin.admin_account_dialog import DateField
from kokuho_pc.ui.admin.admin_models import (
    TARGET_LABELS,
    MemoryTableModel,
    audit_model,
    moment,
    short_day,
    value_text,
)
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.widgets.error_dialog import show_error
from kokuho_pc.ui.widgets.qt import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from kokuho_pc.ui.widgets.views import NoCopyTableView

LIMIT = 2000
OK_TEXT = "改ざんは検出されませんでした"


def verify_text(report: VerifyReport) -> str:
    """The verification result as staff read it."""
    if report.ok:
        return f"{OK_TEXT}({report.count}件を検査)"
    return (f"改ざんまたは欠落を検出しました: 最初の異常は番号 {report.first_bad_seq} の記録です"
            f"({report.count}件を検査)")


class AdminAuditTab(QWidget):
    """See the module docstring."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = AuditReviewService(context.profile)
        self.loading = False
        self.verifying = False
        self.sized = False
        today = context.profile.clock().date()
        self.use_dates = QCheckBox("期間")
        self.use_dates.setChecked(True)
        self.date_from = DateField(today - dt.timedelta(days=30))
        self.date_to = DateField(today)
        self.staff = QLineEdit()
        self.staff.setPlaceholderText("ユーザID(空欄はすべて)")
        self.staff.setAccessibleName("ユーザID")
        self.text = QLineEdit()
        self.text.setObjectName("audit_text")
        self.text.setPlaceholderText("ファイル名・候補番号・受付番号")
        self.text.setAccessibleName("対象で検索(ファイル名・候補番号・受付番号)")
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("audit_detail")
        self.detail.setReadOnly(True)
        self.detail.setTabChangesFocus(True)
        self.detail.setAccessibleName("選んだ記録の対象")
        self.detail.setPlaceholderText("一覧で記録を選ぶと、対象をすべて表示します。")
        self.detail.setMaximumHeight(110)
        self.date_from.setAccessibleName("期間の開始日")
        self.date_to.setAccessibleName("期間の終了日")
        self.action = QComboBox()
        self.action.setAccessibleName("操作")
        self.result = QComboBox()
        self.result.setAccessibleName("結果")
        self.search_button = QPushButton("表示(&V)")
        self.count = QLabel("")
        self.verify_button = QPushButton("改ざん検査(&T)")
        self.verify_result = QLabel("")
        self.verify_result.setWordWrap(True)
        self.model: MemoryTableModel = audit_model(self)
        self.table = NoCopyTableView(self, tooltip_columns=(5,))
        self.table.setObjectName("audit_table")
        self.table.setAccessibleName("操作ログの一覧")
        self._build()
        self._wire()
        self.search()

    def _build(self) -> None:
        self.action.addItem("すべての操作", None)
        for action in AuditAction:
            self.action.addItem(action.label, action.value)
        self.result.addItem("すべての結果", None)
        for result in AuditResult:
            self.result.addItem(result.label, result.value)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.staff.setMinimumWidth(200)
        dates = QHBoxLayout()
        dates.addWidget(self.use_dates)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("〜"))
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("職員"))
        filters.addWidget(self.staff)
        filters.addWidget(QLabel("操作"))
        filters.addWidget(self.action)
        filters.addWidget(QLabel("結果"))
        filters.addWidget(self.result)
        filters.addWidget(QLabel("対象"))
        filters.addWidget(self.text)
        filters.addWidget(self.search_button)
        filters.addStretch(1)
        filters.addWidget(self.count)
        verify = QHBoxLayout()
        verify.addWidget(self.verify_button)
        verify.addWidget(self.verify_result, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(dates)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(verify)

    def _wire(self) -> None:
        """Every signal of the tab, in one place."""
        self.search_button.clicked.connect(self.search)
        self.staff.returnPressed.connect(self.search)
        self.text.returnPressed.connect(self.search)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_detail())
        self.verify_button.clicked.connect(self.verify)
        self.use_dates.toggled.connect(self._dates_toggled)

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)

    def search(self) -> None:
        """「表示」: read the matching records in a job."""
        session = self.context.session
        dates = self.use_dates.isChecked()
        date_from = self.date_from.date() if dates else None
        date_to = self.date_to.date() if dates else None
        staff = self.staff.text().strip() or None
        action_value = self.action.currentData()
        action = AuditAction(action_value) if action_value else None
        result_value = self.result.currentData()
        result = AuditResult(result_value) if result_value else None
        text = self.text.text().strip() or None
        self.loading = True
        self.search_button.setEnabled(False)
        self.context.jobs.run(
            lambda _p, _c: self.service.records(
                session, limit=LIMIT, staff_id=staff, action=action, date_from=date_from,
                date_to=date_to, result=result, newest_first=True, target_text=text),
            self._loaded, self._failed, parent=self, store=True,
        )

    def _loaded(self, records: list[AuditRecord]) -> None:
        self.loading = False
        self.search_button.setEnabled(True)
        if self.context.session.is_locked:
            return
        self.model.set_rows(records)
        pending = sum(1 for r in records if r.forwarded_ack is None)
        more = f"(新しい順に{LIMIT}件まで)" if len(records) >= LIMIT else ""
        self.count.setText(f"{len(records)}件{more} 未送信 {pending}件")
        if records and not self.sized:  # widths once, from the first rows shown
            self.sized = True
            self.table.resizeColumnsToContents()
            header = self.table.horizontalHeader()
            header.setStretchLastSection(False)
            header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)

    def _show_detail(self) -> None:
        """The selected record's 対象, one item a line (the column cuts long ones)."""
        index = self.table.currentIndex()
        if not index.isValid():
            self.detail.setPlainText("")
            return
        record = self.model.object_at(index.row())
        assert isinstance(record, AuditRecord)
        lines = [f"{record.action_label}({short_day(moment(record.time, to_local=False))})"]
        lines += [f"{TARGET_LABELS.get(k, k)}: {value_text(k, v)}"
                  for k, v in record.targets.items() if v is not None]
        self.detail.setPlainText("\n".join(lines))

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.verifying = False
        self.search_button.setEnabled(True)
        self.verify_button.setEnabled(True)
        show_error(self, exc)

    def verify(self) -> None:
        """「改ざん検査」: verify the whole chain in a job."""
        session = self.context.session
        self.verifying = True
        self.verify_button.setEnabled(False)
        self.verify_result.setText("検査しています…")
        self.verify_result.setStyleSheet("")
        self.context.jobs.run(lambda _p, _c: self.service.verify(session), self._verified,
                              self._failed, progress_label="操作ログを検査しています…",
                              parent=self, store=True)

    def _verified(self, report: VerifyReport) -> None:
        self.verifying = False
        self.verify_button.setEnabled(True)
        self.verify_result.setText(verify_text(report))
        self.verify_result.setStyleSheet("" if report.ok else "color: #b00020; font-weight: bold;")

    def clear_for_lock(self) -> None:
        """Empty the list (the idle lock)."""
        self.model.clear()
        self.detail.setPlainText("")
        self.count.setText("")
        self.verify_result.setText("")

    def restore_after_unlock(self) -> None:
        """Read the log again."""
        self.search()
