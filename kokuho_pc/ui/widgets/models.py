"""The lazy table model base (Anki browser style).

The model holds only row ids. A search callback returns the ids for the
current filter and sort; rows are fetched through a fetch callback in batches
as they are drawn and kept in a bounded cache. Rows are exposed a page at a
time through ``canFetchMore``/``fetchMore``, so a list of a hundred thousand
households costs one id list, not a hundred thousand rows.

Both callbacks run on the GUI thread and must answer from memory or the local
store quickly (a screen that searches over the network first loads the ids in a
background job and hands them over with :meth:`LazyTableModel.set_ids`).
A row is a mapping from column key to value; a value that is a
:class:`~kokuho_pc.domain.mynumber.MyNumber` is never shown (the model logs
the mistake and shows nothing), and there is no role that returns raw values.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kokuho_pc.domain.mynumber import MyNumber
from kokuho_pc.domain.wareki import wareki_datetime, wareki_long
from kokuho_pc.ui import log
from kokuho_pc.ui.widgets.qt import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

RowId = Hashable
Row = Mapping[str, object]
AnyIndex = QModelIndex | QPersistentModelIndex

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True)
class Column:
    """One column: its row key, Japanese title, alignment and formatting."""

    key: str
    title: str
    align: Qt.AlignmentFlag = _LEFT
    sortable: bool = True
    format: Callable[[object], str] | None = None
    tooltip: bool = False  # True: the display text is also the tooltip (allowed columns only)


@dataclass
class Query:
    """What the search callback receives: filters and sort order."""

    filters: dict[str, object] = field(default_factory=dict)
    sort_key: str | None = None
    ascending: bool = True


SearchIds = Callable[[Query], Sequence[RowId]]
FetchRows = Callable[[Sequence[RowId]], Mapping[RowId, Row]]


def default_format(value: object) -> str:
    """Display text of a value: dates in 和暦, True as ○, None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, datetime.datetime):
        return wareki_datetime(value)
    if isinstance(value, datetime.date):
        return wareki_long(value)
    return str(value)


class LazyTableModel(QAbstractTableModel):
    """Row ids in memory, rows fetched on demand; see the module docstring."""

    def __init__(
        self,
        columns: Sequence[Column],
        search_ids: SearchIds,
        fetch_rows: FetchRows,
        parent: QObject | None = None,
        *,
        page_size: int = 200,
        batch_size: int = 50,
        cache_size: int = 2000,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.query = Query()
        self._search_ids = search_ids
        self._fetch_rows = fetch_rows
        self._page_size = page_size
        self._batch_size = batch_size
        self._cache_size = max(cache_size, batch_size)
        self._ids: list[RowId] = []
        self._exposed = 0
        self._cache: OrderedDict[RowId, Row] = OrderedDict()

    # --- loading ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Search the ids again for the current query and show the first page."""
        self.set_ids(self._search_ids(self.query))

    def set_ids(self, ids: Sequence[RowId]) -> None:
        """Replace the ids (e.g. found by a background job); the cache is dropped."""
        self.beginResetModel()
        self._ids = list(ids)
        self._exposed = min(len(self._ids), self._page_size)
        self._cache.clear()
        self.endResetModel()

    def set_filter(self, **filters: object) -> None:
        """Set filter values (None removes one) and search again."""
        for key, value in filters.items():
            if value is None:
                self.query.filters.pop(key, None)
            else:
                self.query.filters[key] = value
        self.refresh()

    def clear(self) -> None:
        """Forget every id and row (the idle lock); :meth:`refresh` loads again."""
        self.beginResetModel()
        self._ids = []
        self._exposed = 0
        self._cache.clear()
        self.endResetModel()

    def clear_for_lock(self) -> None:
        """The idle lock's hook: :meth:`clear` (a subclass's override included)."""
        self.clear()

    def total_count(self) -> int:
        """How many rows the last search found (exposed or not yet)."""
        return len(self._ids)

    def row_id(self, row: int) -> RowId:
        """The id of an exposed row."""
        return self._ids[row]

    def row_data(self, row: int) -> Row:
        """The (cached or fetched) row mapping of an exposed row."""
        row_id = self._ids[row]
        cached = self._cache.get(row_id)
        if cached is not None:
            self._cache.move_to_end(row_id)
            return cached
        batch = [i for i in self._ids[row : row + self._batch_size] if i not in self._cache]
        fetched = self._fetch_rows(batch)
        for key in batch:
            self._cache[key] = fetched.get(key, {})
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return self._cache[row_id]

    # --- Qt model API ----------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Exposed rows (top level only)."""
        return 0 if parent.isValid() else self._exposed

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Number of columns (top level only)."""
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        """True while ids beyond the exposed rows remain."""
        return not parent.isValid() and self._exposed < len(self._ids)

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        """Expose the next page of rows."""
        if parent.isValid():
            return
        remaining = len(self._ids) - self._exposed
        count = min(remaining, self._page_size)
        if count <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._exposed, self._exposed + count - 1)
        self._exposed += count
        self.endInsertRows()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Display text, alignment and the allowed tooltips; nothing else."""
        if not index.isValid() or index.row() >= self._exposed:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role == Qt.ItemDataRole.ToolTipRole and not column.tooltip:
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        value = self.row_data(index.row()).get(column.key)
        if isinstance(value, MyNumber):
            log.models.error("a MyNumber reached table column %r; not shown", column.key)
            return ""
        return (column.format or default_format)(value)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Japanese column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].title
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Selectable and enabled, never editable, draggable or droppable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Search again sorted by ``column`` (the search callback sorts)."""
        if not 0 <= column < len(self.columns) or not self.columns[column].sortable:
            return
        self.query.sort_key = self.columns[column].key
        self.query.ascending = order == Qt.SortOrder.AscendingOrder
        self.refresh()
