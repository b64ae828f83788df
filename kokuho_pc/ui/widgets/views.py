"""The locked-down table view every data list uses."""

from __future__ import annotations

from collections.abc import Iterable

from kokuho_pc.ui.widgets.lockdown import is_copy_key
from kokuho_pc.ui.widgets.qt import (
    QAbstractItemView,
    QEvent,
    QHeaderView,
    QHelpEvent,
    QKeyEvent,
    Qt,
    QTableView,
    QWidget,
)


class NoCopyTableView(QTableView):
    """A read-only table of whole rows that cannot be copied, dragged or exported.

    Copy and cut keys are swallowed here as well as by the application-wide
    filter (so the view is safe even in a test or tool without the filter),
    drag is off, there is no context menu, and tooltips show only for the
    columns listed in ``tooltip_columns`` (by default none).
    """

    def __init__(self, parent: QWidget | None = None, tooltip_columns: Iterable[int] = ()) -> None:
        super().__init__(parent)
        self.tooltip_columns = frozenset(tooltip_columns)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragEnabled(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Swallow copy and cut; everything else (navigation, selection) as usual."""
        if is_copy_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        """Show a tooltip only over the allowed columns."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            if self.columnAt(event.pos().x()) not in self.tooltip_columns:
                event.ignore()
                return True
        return super().viewportEvent(event)

    def selected_rows(self) -> list[int]:
        """The selected row numbers, ascending."""
        model = self.selectionModel()
        if model is None:
            return []
        return sorted({index.row() for index in model.selectedRows()})
