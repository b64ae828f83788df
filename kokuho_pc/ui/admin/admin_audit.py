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
from pathlib import Path

from kokuho_pc.domain.wareki import wareki_short
from kokuho_pc.services.audit_review import (
    AuditAction,
    AuditRecord,
    AuditResult,
    AuditReviewService,
    VerifyReport,
    export_csv,
)
from kokuho_pc.services.printing import AuditLogRow
from kokuho_pc.services.transfer_views import MediumStatus, TransferViewService
from kokuho_pc.ui.admin.admin_account_dialog import DateField
from kokuho_pc.ui.admin.admin_models import (
    TARGET_LABELS,
    MemoryTableModel,
    audit_model,
    audit_row,
    moment,
    short_day,
    value_text,
)
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.printing.print_flow import PrintFlow
from kokuho_pc.ui.widgets.error_dialog import show_error, user_message
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
        self.exporting = False
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
        self.text.setMinimumWidth(230)
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
        self.print_button = QPushButton("印刷(&P)")
        self.print_button.setToolTip("表示している操作ログを印刷します(印刷は操作ログに記録されます)。")
        self.export_medium = QComboBox()
        self.export_medium.setAccessibleName("CSVの出力先(使用許可された媒体)")
        self.export_medium.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.export_medium.setMinimumContentsLength(18)  # long paths must not widen the page
        self.export_button = QPushButton("CSV出力(&E)")
        self.export_button.setToolTip("表示している操作ログをCSVで使用許可された媒体に書き出します。")
        self.export_result = QLabel("")
        self.export_result.setWordWrap(True)
        self.printing = PrintFlow(context, self)
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
        dates.addSpacing(16)
        dates.addWidget(QLabel("対象"))
        dates.addWidget(self.text)
        dates.addStretch(1)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("職員"))
        filters.addWidget(self.staff)
        filters.addWidget(QLabel("操作"))
        filters.addWidget(self.action)
        filters.addWidget(QLabel("結果"))
        filters.addWidget(self.result)
        filters.addWidget(self.search_button)
        filters.addStretch(1)
        filters.addWidget(self.count)
        verify = QHBoxLayout()
        verify.addWidget(self.verify_button)
        verify.addWidget(self.verify_result, 1)
        verify.addWidget(self.print_button)
        verify.addWidget(QLabel("出力先"))
        verify.addWidget(self.export_medium)
        verify.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(dates)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(verify)
        layout.addWidget(self.export_result)

    def _wire(self) -> None:
        """Every signal of the tab, in one place."""
        self.search_button.clicked.connect(self.search)
        self.staff.returnPressed.connect(self.search)
        self.text.returnPressed.connect(self.search)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_detail())
        self.verify_button.clicked.connect(self.verify)
        self.print_button.clicked.connect(self.print_log)
        self.export_button.clicked.connect(self.export)
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
        self._load_media()
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

    def shown_rows(self) -> list[AuditLogRow]:
        """The records listed now, as the table shows them (codes in words)."""
        rows = []
        for record in self.model.objects():
            assert isinstance(record, AuditRecord)
            row = audit_row(record)
            rows.append(AuditLogRow(
                int(record.seq), short_day(row["time"]), str(row["staff_id"]),
                str(row["action"]), str(row["result"]), str(row["targets"])))
        return rows

    def condition_text(self) -> str:
        """The filters in words, for the printed header."""
        parts = []
        if self.use_dates.isChecked():
            start, end = self.date_from.date(), self.date_to.date()
            parts.append(f"{wareki_short(start)}〜{wareki_short(end)}")
        for label, text in (("職員", self.staff.text().strip()),
                            ("操作", self.action.currentText()),
                            ("結果", self.result.currentText()),
                            ("対象", self.text.text().strip())):
            if text and not text.startswith("すべて"):
                parts.append(f"{label}={text}")
        return " ".join(parts) or "全件"

    def print_log(self) -> None:
        """「印刷」: the records listed, with the filters in the header."""
        rows, condition = self.shown_rows(), self.condition_text()
        self.printing.start(lambda service: service.render_audit_log(rows, condition))

    def _load_media(self) -> None:
        session = self.context.session
        views = TransferViewService(self.context.profile, session)
        self.context.jobs.run(lambda _p, _c: [m for m in views.media() if m.approved],
                              self._media_loaded, lambda _e: self._media_loaded([]),
                              parent=self, store=True)

    def _media_loaded(self, media: list[MediumStatus]) -> None:
        chosen = self.export_medium.currentData()
        self.export_medium.clear()
        for medium in media:
            self.export_medium.addItem(f"{medium.path.name}({medium.path})", str(medium.path))
        if chosen is not None and self.export_medium.findData(chosen) >= 0:
            self.export_medium.setCurrentIndex(self.export_medium.findData(chosen))
        self.export_button.setEnabled(self.export_medium.count() > 0)
        if not media:
            self.export_result.setText("CSVを出力できる使用許可済みの媒体が接続されていません。")

    def export(self) -> None:
        """「CSV出力」: the records listed, as CSV, to the chosen approved medium (a job)."""
        target = self.export_medium.currentData()
        if not target:
            return
        rows = [(r.seq, r.time, r.staff, r.action, r.result, r.targets,
                 audit_row(obj)["forwarded"])
                for r, obj in zip(self.shown_rows(), self.model.objects(), strict=True)]
        session, profile = self.context.session, self.context.profile
        self.exporting = True
        self.export_button.setEnabled(False)
        self.export_result.setText("書き出しています…")
        self.context.jobs.run(lambda _p, _c: export_csv(profile, session, rows, Path(target)),
                              self._exported, self._export_failed, parent=self, store=True)

    def _exported(self, name: str) -> None:
        self.exporting = False
        self.export_button.setEnabled(True)
        self.export_result.setText(f"{name} を書き出しました(操作ログに記録しました)。")

    def _export_failed(self, exc: BaseException) -> None:
        self.exporting = False
        self.export_button.setEnabled(True)
        message, hint = user_message(exc)
        self.export_result.setText(f"書き出せませんでした。{message}{hint}")

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
