"""The readable result of a file check: a summary line and a table 行 / 項目 / 内容.

Messages come from the checker and never contain a field value of the file
(no 個人番号, no names); the table shows only file name, record number, item
name and message.
"""

from __future__ import annotations

from kokuho_pc.services.transfer_views import CheckReport, check_rows
from kokuho_pc.ui.widgets.qt import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from kokuho_pc.ui.widgets.status_banner import StatusBanner
from kokuho_pc.ui.widgets.transfer_models import CheckResultModel
from kokuho_pc.ui.widgets.views import NoCopyTableView

FIX_HINT = "市町村システムでファイルを作成し直し、媒体に保存してから再度検査してください。"


class CheckResultView(QWidget):
    """Shows one :class:`CheckReport`; empty until :meth:`show_report`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: CheckReport | None = None
        self.summary = StatusBanner(self)
        self.model = CheckResultModel(self)
        self.table = NoCopyTableView(self, tooltip_columns=(3,))
        self.table.setObjectName("check_result_table")
        self.table.setAccessibleName("検査結果")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        self.print_button = QPushButton("検査結果を印刷")  # printing, not copying
        self.print_button.setObjectName("check_print")
        title = QLabel("検査結果")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addStretch(0)
        self._layout = layout
        self.clear()

    def show_report(self, report: CheckReport) -> None:
        """Show the problems of ``report`` (or that there are none)."""
        self.report = report
        rows = check_rows(report)
        self.model.set_rows(rows)
        files = len(report.files)
        if report.valid:
            self.summary.set_message(
                f"誤りはありません({files}ファイル)。「送信」を押すと送信します。", "ok")
            self._show_table(False)
        else:
            self.summary.set_message(
                f"{len(rows):,}件の誤りがあります({files}ファイル)。誤りのあるファイルは送信できません。",
                "error", FIX_HINT)
            self._show_table(True)
            self.table.resizeColumnsToContents()
            self.table.setColumnWidth(0, min(self.table.columnWidth(0), 300))

    def clear(self) -> None:
        """Show nothing (no check yet, or the selection changed)."""
        self.report = None
        self.model.clear()
        self.summary.set_message("ファイルを選んで「検査」を押してください。", "info")
        self._show_table(False)

    def _show_table(self, visible: bool) -> None:
        self.table.setVisible(visible)
        self.print_button.setVisible(visible)
        self._layout.setStretch(self._layout.count() - 1, 0 if visible else 1)

    def clear_for_lock(self) -> None:
        """The idle lock empties the result."""
        self.clear()
