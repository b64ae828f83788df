"""Print preview of a list PDF held in memory, with page navigation, zoom and 印刷.

The PDF bytes go to Qt through a ``QBuffer``; nothing is written to disk.
Printing renders one page per event-loop turn (so the window stays
responsive and can be cancelled) and ends with ``printed(pages)``: the
caller records the print in the operation log (list, rows, pages, operator).
No ``exec()``: the print dialog is opened with ``open()``.

Paper only (issue 14): the print dialog has no 「ファイルに出力」, and every print
passes the printer guard first. The default guard refuses output to a file (PDF
format or an output file name) and printers that write files (PDF, XPS, ...); the
screens' guard (``PrintFlow`` → ``PrintingService.check_printer``) also refuses
printers the policy does not list and logs every refusal with the printer's name.
Only tests pass another guard (CI has no paper printer: they print to a PDF to
prove the rendering). ``printed_on`` names the printer of the last finished print.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kokuho_pc.services.printing import PrinterTarget, PrintRefused, is_file_printer
from kokuho_pc.ui.widgets.qt import (
    QAbstractPrintDialog,
    QByteArray,
    QDialog,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QPainter,
    QPdfDocument,
    QPdfView,
    QPrintDialog,
    QPrinter,
    QPushButton,
    QSize,
    QSpinBox,
    Qt,
    QtCore,
    QtGui,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

_log = logging.getLogger("kokuho_pc.ui.print")

ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.25, 4.0
PRINT_DPI_CAP = 300  # pages are rasterised at most at this resolution

PrinterGuard = Callable[[PrinterTarget], None]  # raises PrintRefused


def printer_target(printer: QPrinter) -> PrinterTarget:
    """The printer's name and whether its output goes to a file."""
    writes_file = (printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
                   or bool(printer.outputFileName()))
    return PrinterTarget(printer.printerName(), writes_file)


def refuse_file_output(target: PrinterTarget) -> None:
    """The guard of a preview without a policy: no file output, no file printer, a
    printer must be chosen."""
    if target.writes_file or is_file_printer(target.name):
        raise PrintRefused("file_output", "ファイルへの出力(PDFなど)はできません。",
                           "情報システム管理者が許可したプリンタを選んでください。")
    if not target.name.strip():
        raise PrintRefused("not_allowed", "印刷できるプリンタがありません。",
                           "情報システム管理者に、印刷を許可するプリンタの設定を依頼してください。")


class PrintPreviewDialog(QDialog):
    """Shows a PDF (bytes in memory) and prints it; emits ``printed(pages)`` when done.

    Signals: ``printed(int)`` after every page reached the printer,
    ``print_failed(str)`` with a Japanese message, ``print_cancelled()``.
    """

    printed = Signal(int)
    print_failed = Signal(str)
    print_cancelled = Signal()

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None, *,
                 printer_guard: PrinterGuard | None = None) -> None:
        super().__init__(parent)
        self._guard = printer_guard or refuse_file_output
        self.printed_on = ""  # the printer of the last finished print
        self._printing_on = ""
        self.setWindowTitle(f"印刷プレビュー － {title}")
        self.resize(1100, 780)
        self._title = title
        self._document = QPdfDocument(self)
        # The buffer (a child of the document, so it outlives the document's own
        # destructor) holds its own copy of the bytes; nothing touches the disk.
        self._buffer = QtCore.QBuffer(self._document)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QtCore.QIODevice.OpenModeFlag.ReadOnly)
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self._job: _PrintJob | None = None
        self._build()
        self._document.statusChanged.connect(self._on_status)
        self._document.load(self._buffer)
        self._on_status()

    # --- construction -------------------------------------------------------------------------

    def _build(self) -> None:
        self.view = QPdfView(self)
        self.view.setAccessibleName("印刷プレビュー(帳票の内容)")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self._document)
        self.view.pageNavigator().currentPageChanged.connect(self._on_page_changed)

        self.first_button = QPushButton("≪ 先頭", self)
        self.previous_button = QPushButton("＜ 前へ", self)
        self.page_box = QSpinBox(self)
        self.page_box.setMinimum(1)
        self.page_box.setAccessibleName("ページ番号")
        self.page_total = QLabel("/ 0 ページ", self)
        self.next_button = QPushButton("次へ ＞", self)
        self.last_button = QPushButton("最後 ≫", self)
        self.zoom_out_button = QPushButton("縮小", self)
        self.zoom_in_button = QPushButton("拡大", self)
        self.fit_width_button = QPushButton("幅に合わせる", self)
        self.fit_page_button = QPushButton("ページ全体", self)
        self.zoom_label = QLabel("", self)
        self.print_button = QPushButton("印刷", self)
        self.print_button.setDefault(True)
        self.print_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Print))
        self.print_button.setToolTip("印刷ダイアログを開きます (Ctrl+P)")
        self.close_button = QPushButton("閉じる", self)
        self.status = QLabel("", self)

        self.first_button.clicked.connect(lambda: self.go_to_page(0))
        self.previous_button.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.last_button.clicked.connect(lambda: self.go_to_page(self.page_count() - 1))
        self.page_box.editingFinished.connect(lambda: self.go_to_page(self.page_box.value() - 1))
        self.zoom_out_button.clicked.connect(lambda: self.set_zoom(self.zoom() / ZOOM_STEP))
        self.zoom_in_button.clicked.connect(lambda: self.set_zoom(self.zoom() * ZOOM_STEP))
        self.fit_width_button.clicked.connect(
            lambda: self._set_mode(QPdfView.ZoomMode.FitToWidth)
        )
        self.fit_page_button.clicked.connect(lambda: self._set_mode(QPdfView.ZoomMode.FitInView))
        self.print_button.clicked.connect(self._on_print_clicked)
        self.close_button.clicked.connect(self.close)
        self.view.zoomFactorChanged.connect(lambda _f: self._show_zoom())

        bar = QHBoxLayout()
        for w in (self.first_button, self.previous_button, self.page_box, self.page_total,
                  self.next_button, self.last_button):
            bar.addWidget(w)
        bar.addSpacing(24)
        for w in (self.zoom_out_button, self.zoom_in_button, self.fit_width_button,
                  self.fit_page_button, self.zoom_label):
            bar.addWidget(w)
        bar.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

    # --- document and navigation --------------------------------------------------------------

    def _on_status(self, *_args: object) -> None:
        status = self._document.status()
        if status == QPdfDocument.Status.Ready:
            pages = self._document.pageCount()
            self.page_box.setMaximum(max(pages, 1))
            self.page_total.setText(f"/ {pages} ページ")
            self.status.setText(f"全 {pages} ページ")
            self._on_page_changed(self.current_page())
        elif status == QPdfDocument.Status.Error:
            self.status.setText("帳票を表示できません。")
            _log.warning("print preview: the PDF could not be loaded")
        self._update_buttons()

    def page_count(self) -> int:
        """Pages of the loaded document (0 while loading or after an error)."""
        return self._document.pageCount()

    def current_page(self) -> int:
        """The page shown (0-based)."""
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, index: int) -> None:
        """Show page ``index`` (0-based, clamped to the document)."""
        if self.page_count() == 0:
            return
        index = max(0, min(index, self.page_count() - 1))
        self.view.pageNavigator().jump(index, QtCore.QPointF(), self.view.zoomFactor())

    def _on_page_changed(self, page: int) -> None:
        self.page_box.setValue(page + 1)
        self._update_buttons()

    def zoom(self) -> float:
        """The current zoom factor (1.0 = 100 %)."""
        return self.view.zoomFactor()

    def set_zoom(self, factor: float) -> None:
        """Zoom to ``factor`` (clamped to 25 %–400 %)."""
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(ZOOM_MIN, min(ZOOM_MAX, factor)))
        self._show_zoom()

    def _set_mode(self, mode: QPdfView.ZoomMode) -> None:
        self.view.setZoomMode(mode)
        self._show_zoom()

    def _show_zoom(self) -> None:
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom:
            self.zoom_label.setText(f"{round(self.zoom() * 100)}%")
        else:
            self.zoom_label.setText("")

    def _update_buttons(self) -> None:
        pages, page, busy = self.page_count(), self.current_page(), self.is_printing()
        self.first_button.setEnabled(page > 0)
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < pages - 1)
        self.last_button.setEnabled(page < pages - 1)
        self.print_button.setEnabled(pages > 0)
        self.print_button.setText("印刷中止" if busy else "印刷")
        self.close_button.setEnabled(not busy)

    # --- printing -----------------------------------------------------------------------------

    def printer(self) -> QPrinter:
        """The printer the print dialog edits (A4, orientation of the document)."""
        return self._printer

    def _on_print_clicked(self) -> None:
        if self.is_printing():
            self.cancel_printing()
        else:
            self.open_print_dialog()

    def open_print_dialog(self) -> QPrintDialog:
        """Open the print dialog (non-blocking); printing starts when it is accepted."""
        self.prepare_printer(self._printer)
        dialog = QPrintDialog(self._printer, self)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        dialog.setWindowTitle("印刷")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.start_printing(self._printer))
        QDialog.open(dialog)  # QPrintDialog.open(receiver, slot) hides the plain overload
        return dialog

    def prepare_printer(self, printer: QPrinter) -> None:
        """Set A4, the document's orientation and the job name (the list name only)."""
        printer.setDocName(self._title)  # the list name only: spooler queues are visible
        printer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
        if self.page_count():
            size = self._document.pagePointSize(0)
            landscape = size.width() > size.height()
            printer.setPageOrientation(
                QtGui.QPageLayout.Orientation.Landscape
                if landscape
                else QtGui.QPageLayout.Orientation.Portrait
            )

    def is_printing(self) -> bool:
        """True while pages are being sent to the printer."""
        return self._job is not None

    def start_printing(self, printer: QPrinter) -> None:
        """Send every page to ``printer``, one page per event-loop turn."""
        if self.is_printing() or self.page_count() == 0:
            return
        target = printer_target(printer)
        try:
            self._guard(target)
        except PrintRefused as refused:
            message = f"{refused.user_message}{refused.hint}"
            self.status.setText(refused.user_message)
            self.print_failed.emit(message)
            return
        self._printing_on = target.name
        self._job = _PrintJob(self._document, printer, self)
        self._job.progress.connect(
            lambda done, total: self.status.setText(f"印刷中… {done} / {total} ページ")
        )
        self._job.finished.connect(self._on_job_finished)
        self._update_buttons()
        self._job.start()

    def cancel_printing(self) -> None:
        """Stop a running print; the pages already rendered are discarded."""
        if self._job is not None:
            self._job.cancel()

    def _on_job_finished(self, outcome: str, pages: int) -> None:
        self._job = None
        self._update_buttons()
        if outcome == "done":
            self.status.setText(f"印刷しました（{pages} ページ）。")
            self.printed_on = self._printing_on
            self.printed.emit(pages)
        elif outcome == "cancelled":
            self.status.setText("印刷を中止しました。")
            self.print_cancelled.emit()
        else:
            message = "印刷できませんでした。プリンターの状態を確認してください。"
            self.status.setText(message)
            self.print_failed.emit(message)

    def done(self, result: int) -> None:
        """Close: refuse while printing, then release the document and the bytes."""
        if self.is_printing():
            return
        self._document.close()
        self._buffer.close()
        self._buffer.setData(QByteArray())
        super().done(result)

    def sizeHint(self) -> QSize:
        """A comfortable size for an A4 landscape page."""
        return QSize(1100, 780)


class _PrintJob(QtCore.QObject):
    """Renders the document's pages into a printer, one page per timer tick."""

    progress = Signal(int, int)
    finished = Signal(str, int)  # outcome ("done", "cancelled", "failed"), pages printed

    def __init__(self, document: QPdfDocument, printer: QPrinter, parent: QWidget) -> None:
        super().__init__(parent)
        self._document = document
        self._printer = printer
        self._painter = QPainter()
        self._next = 0
        self._cancelled = False

    def start(self) -> None:
        """Begin the job (pages follow on later event-loop turns)."""
        if not self._painter.begin(self._printer):
            _log.warning("print: the printer could not be opened")
            self.finished.emit("failed", 0)
            return
        QTimer.singleShot(0, self._step)

    def cancel(self) -> None:
        """Stop after the page being rendered."""
        self._cancelled = True

    def _step(self) -> None:
        total = self._document.pageCount()
        if self._cancelled:
            self._printer.abort()
            self._painter.end()
            _log.info("print: cancelled after %d of %d pages", self._next, total)
            self.finished.emit("cancelled", self._next)
            return
        if self._next > 0 and not self._printer.newPage():
            self._painter.end()
            self.finished.emit("failed", self._next)
            return
        self._draw_page(self._next)
        self._next += 1
        self.progress.emit(self._next, total)
        if self._next < total:
            QTimer.singleShot(0, self._step)
            return
        ok = self._painter.end()
        _log.info("print: %d pages sent to the printer", total)
        self.finished.emit("done" if ok else "failed", total)

    def _draw_page(self, index: int) -> None:
        """Rasterise one page (at most PRINT_DPI_CAP) and fit it into the paintable area."""
        resolution = self._printer.resolution()
        area = self._printer.pageLayout().paintRectPixels(resolution)
        page = self._document.pagePointSize(index)
        scale = min(area.width() / page.width(), area.height() / page.height())
        width, height = page.width() * scale, page.height() * scale
        target = QtCore.QRectF(
            (area.width() - width) / 2, (area.height() - height) / 2, width, height
        )
        raster = min(1.0, PRINT_DPI_CAP / resolution)
        size = QSize(max(1, round(width * raster)), max(1, round(height * raster)))
        rendered = self._document.render(index, size)
        # PDFium leaves the paper transparent: put it on white, then send grey
        # levels only (the lists are black and grey; a quarter of the data).
        paper = QtGui.QImage(size, QtGui.QImage.Format.Format_RGB32)
        paper.fill(Qt.GlobalColor.white)
        compose = QPainter(paper)
        compose.drawImage(0, 0, rendered)
        compose.end()
        grey = paper.convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
        self._painter.drawImage(target, grey)
