"""Print a list from a screen: render in a job → preview → log every print that went out."""

from __future__ import annotations

from collections.abc import Callable

from kokuho_pc.services.printing import PrintDocument, PrintingService
from kokuho_pc.ui import log
from kokuho_pc.ui.context import AppContext
from kokuho_pc.ui.printing.print_preview import PrintPreviewDialog
from kokuho_pc.ui.widgets.demo_banner import demo_title
from kokuho_pc.ui.widgets.error_dialog import show_error
from kokuho_pc.ui.widgets.qt import QWidget

Render = Callable[[PrintingService], PrintDocument]


class PrintFlow:
    """One page's printing: at most one preview at a time, the last one kept for tests."""

    def __init__(self, context: AppContext, parent: QWidget) -> None:
        self._context = context
        self._parent = parent
        self._service = PrintingService(context.profile, context.session)
        self.preview: PrintPreviewDialog | None = None
        self.document: PrintDocument | None = None

    def start(self, render: Render, on_done: Callable[[], None] | None = None) -> None:
        """Render through a job, then open the preview (the job's failure: error dialog)."""

        def shown(document: PrintDocument) -> None:
            self.open_preview(document)
            if on_done is not None:
                on_done()

        def failed(exc: BaseException) -> None:
            show_error(self._parent, exc)
            if on_done is not None:
                on_done()

        self._context.jobs.run(
            lambda _progress, _cancel: render(self._service), shown, failed,
            progress_label="帳票を作成しています…", parent=self._parent,
        )

    def open_preview(self, document: PrintDocument) -> PrintPreviewDialog:
        """Show the preview of a rendered list; every print is logged."""
        if self.preview is not None:
            self.preview.close()
        dialog = PrintPreviewDialog(
            document.pdf, document.title, self._parent,
            printer_guard=lambda target: self._service.check_printer(
                target, report=document.report))
        dialog.setWindowTitle(demo_title(dialog.windowTitle(), self._context.demo))
        dialog.printed.connect(lambda pages: self._log(document, pages, dialog.printed_on))
        self.preview, self.document = dialog, document
        dialog.show()
        return dialog

    def _log(self, document: PrintDocument, pages: int, printer: str) -> None:
        self._context.jobs.run(
            lambda _p, _c: self._service.log_printed(document, pages, printer),
            lambda _seq: log.windows.info("print logged: %s", document.report),
            self._log_failed, parent=self._parent, store=True,
        )

    def _log_failed(self, exc: BaseException) -> None:
        show_error(self._parent, exc)

    def clear_for_lock(self) -> None:
        """The screen locks: close the preview (it shows personal data)."""
        if self.preview is not None:
            self.preview.close()
            self.preview = None
